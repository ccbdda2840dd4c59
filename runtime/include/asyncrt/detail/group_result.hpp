#pragma once
// Helpers shared by when_all and when_any: void tasks as std::monostate, child spawning, and
// rethrowing the first failure in completion order.

#include <cstddef>
#include <exception>
#include <type_traits>
#include <variant>
#include <vector>

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

Task<std::monostate> void_to_monostate(Task<void> task);

/// The same task, producing std::monostate instead of nothing when T is void.
template <typename T>
Task<value_of_t<T>> valued(Task<T> task) {
  if constexpr (std::is_void_v<T>) {
    return void_to_monostate(std::move(task));
  } else {
    return task;
  }
}

/// A child of a group: the task spawned on the parent's executor, started when the group is.
template <typename Executor, typename T>
auto child(const Executor& executor, Task<T> task) {
  return asio::co_spawn(executor, valued(std::move(task)), asio::deferred);
}

/// The children of a ranged group, one per task (the tasks are moved from).
template <typename Executor, typename T>
auto children(const Executor& executor, std::vector<Task<T>>& tasks) {
  using Child = decltype(asio::co_spawn(executor, std::move(tasks.front()), asio::deferred));
  std::vector<Child> result;
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
