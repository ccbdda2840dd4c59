#pragma once
// outcome_signature_t<T>: how an operation that ends like a Task<T> completes.

#include <exception>

namespace asyncrt::detail {

/// The completion signature of an operation whose outcome is a T or an exception:
/// void(std::exception_ptr, T), or void(std::exception_ptr) for void; co_spawn's, and that of
/// offload and of a ranged group's children.
template <typename T>
struct outcome_signature {
  using type = void(std::exception_ptr, T);
};
template <>
struct outcome_signature<void> {
  using type = void(std::exception_ptr);
};
template <typename T>
using outcome_signature_t = typename outcome_signature<T>::type;

}  // namespace asyncrt::detail
