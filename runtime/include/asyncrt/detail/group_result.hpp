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
#include <boost/asio/append.hpp>
#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>

#include <asyncrt/detail/outcome_signature.hpp>
#include <asyncrt/detail/task_thread.hpp>
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

/// A group's child ends: its handler gets (error), or (error, value) with a value-initialized
/// value when the task failed (as co_spawn's does). It runs through its own executor, at once
/// when the child waited, else through a post: a handler is never run inside the call that
/// started its operation.
template <typename Signature, typename Handler>
struct ChildDone {
  Handler handler;
  asio::any_io_executor executor;  // the child's, for a handler without an executor of its own

  template <typename... Value>
  void operator()(bool waited, std::exception_ptr error, Value&&... value) {
    if constexpr (std::is_same_v<Signature, void(std::exception_ptr)>) {
      complete(waited, asio::append(std::move(handler), std::move(error)));
    } else {
      complete(waited, asio::append(std::move(handler), std::move(error),
                                    value_or_default(std::move(value)...)));
    }
  }

 private:
  template <typename Completion>
  void complete(bool waited, Completion&& completion) {
    const auto target = asio::get_associated_executor(completion, executor);
    if (waited) {
      asio::dispatch(target, std::forward<Completion>(completion));
    } else {
      asio::post(target, std::forward<Completion>(completion));
    }
  }
  static std::monostate value_or_default() noexcept { return {}; }
  template <typename T>
  static T value_or_default(std::optional<T>&& value) {
    return value ? std::move(*value) : T();
  }
};

/// Starts a group's child: the task as a thread of its own on `executor` (task_thread),
/// cancelled through the slot of the handler the group gives it.
template <typename Signature>
struct StartChild {
  asio::any_io_executor executor;

  template <typename Handler, typename T>
  void operator()(Handler handler, Task<T> task) const {
    auto slot = asio::get_associated_cancellation_slot(handler);
    task_thread(std::move(task), executor, slot,
                ChildDone<Signature, Handler>{std::move(handler), executor})
        .launch();
  }
};

/// A child of a group completing with `Signature`: an operation that starts `task` when the
/// group starts it.
template <typename Signature, typename T>
auto child_with(const asio::any_io_executor& executor, Task<T> task) {
  return asio::async_initiate<const asio::deferred_t&, Signature>(StartChild<Signature>{executor},
                                                                  asio::deferred, std::move(task));
}

/// A child of a group: completes with (error, value), a void task's value being
/// std::monostate.
template <typename T>
auto child(const asio::any_io_executor& executor, Task<T> task) {
  return child_with<void(std::exception_ptr, value_of_t<T>)>(executor, std::move(task));
}

/// The children of a ranged group, one per task (the tasks are moved from).
template <typename T>
auto children(const asio::any_io_executor& executor, std::vector<Task<T>>& tasks) {
  using Signature = outcome_signature_t<T>;  // (error, value), or (error) for a void task
  std::vector<decltype(child_with<Signature>(executor, std::move(tasks.front())))> result;
  result.reserve(tasks.size());
  for (auto& task : tasks) result.push_back(child_with<Signature>(executor, std::move(task)));
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
