#pragma once
// Helpers shared by when_all, when_any and with_timeout: void tasks as std::monostate, starting
// the children, and rethrowing the first failure in completion order.

#include <cstddef>
#include <exception>
#include <optional>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>

#include <asyncrt/task.hpp>

namespace asyncrt::detail {

template <typename T>
struct value_of {
  using type = T;
};
template <>
struct value_of<void> {
  using type = std::monostate;
};
/// What a task of T contributes to a group's result: T, or std::monostate for void.
template <typename T>
using value_of_t = typename value_of<T>::type;

/// A child of a group: an operation that starts `task` on `executor` (co_spawn) when the group
/// starts it, and completes with (error, value), a void task's value being std::monostate.
/// Cancelling it (the group does, through the slot it binds) cancels the task's current wait.
template <typename T>
auto child(const asio::any_io_executor& executor, Task<T> task) {
  if constexpr (std::is_void_v<T>) {
    return asio::co_spawn(executor, std::move(task), asio::deferred([](std::exception_ptr error) {
                            return asio::deferred.values(std::move(error), std::monostate{});
                          }));
  } else {
    return asio::co_spawn(executor, std::move(task), asio::deferred);
  }
}

/// The children of a ranged group, one per task (the tasks are moved from): each completes
/// with (error, value), or (error) for a void task.
template <typename T>
auto children(const asio::any_io_executor& executor, std::vector<Task<T>>& tasks) {
  std::vector<decltype(asio::co_spawn(executor, std::move(tasks.front()), asio::deferred))> result;
  result.reserve(tasks.size());
  for (auto& task : tasks)
    result.push_back(asio::co_spawn(executor, std::move(task), asio::deferred));
  return result;
}

/// Rethrows the error of the first child, in completion order, that failed.
template <typename Order, typename ErrorAt>
void rethrow_first_error(const Order& order, ErrorAt&& error_at) {
  for (std::size_t index : order) {
    if (const std::exception_ptr& error = error_at(index)) std::rethrow_exception(error);
  }
}

}  // namespace asyncrt::detail
