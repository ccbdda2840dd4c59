#pragma once
// Helpers shared by when_all, when_any and with_timeout: void tasks as std::monostate, starting
// the children, and rethrowing the first failure in completion order.

#include <atomic>
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

#include <asyncrt/detail/child_thread.hpp>
#include <asyncrt/detail/outcome_signature.hpp>
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

/// One child of a group, from its start to its end: keeps the group's handler and the task's
/// value until the task has ended, then completes the handler with (error), or (error, value)
/// (value-initialized when the task failed, as co_spawn does). The completion goes through the
/// handler's executor: at once when the child ended in a later handler, through a post when it
/// ended inside start_child (an operation never completes inside its own start). Owned by
/// its starter and by the child until both are done with it (they may be on two threads when
/// the executor has several).
template <typename Signature, typename T, typename Handler>
class ChildOutcome final : public ChildEnd {
 public:
  ChildOutcome(Handler handler, asio::any_io_executor executor)
      : handler_(std::move(handler)), executor_(std::move(executor)) {}

  std::optional<value_of_t<T>> value;  // set by the task (keep_value); none for a void task

  void ended(std::exception_ptr error) override {
    const bool inside_start = starting_.load(std::memory_order_acquire);
    auto completion = [&] {
      if constexpr (std::is_same_v<Signature, void(std::exception_ptr)>) {
        return asio::append(std::move(handler_), std::move(error));
      } else {
        return asio::append(std::move(handler_), std::move(error),
                            value ? std::move(*value) : value_of_t<T>());
      }
    }();
    const auto target = asio::get_associated_executor(completion, executor_);
    release();
    if (inside_start) {
      asio::post(target, std::move(completion));
    } else {
      asio::dispatch(target, std::move(completion));
    }
  }

  /// The starter is done: start_child has returned.
  void started() {
    starting_.store(false, std::memory_order_release);
    release();
  }

 private:
  void release() {
    if (owners_.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
  }

  Handler handler_;
  asio::any_io_executor executor_;  // the child's: for a handler without an executor of its own
  std::atomic<bool> starting_{true};
  std::atomic<int> owners_{2};
};

// A task of T as a task of void that leaves its value in the child's outcome.
template <typename T, typename Outcome>
Task<void> keep_value(Task<T> task, Outcome* outcome) {
  outcome->value.emplace(co_await std::move(task));
}

/// Starts a group's child when the group starts it: the task as a thread of its own on
/// `executor` (start_child), cancelled through the slot of the handler the group gives it.
///
/// Memory may run out here (the outcome, the child's first frames). Thrown on, the exception
/// would lose the whole group's wait (Asio's coroutines lose an operation whose initiation
/// throws): the child fails with it instead, which fails the group.
template <typename Signature>
struct StartChild {
  asio::any_io_executor executor;

  template <typename Handler, typename T>
  void operator()(Handler handler, Task<T> task) const {
    using Outcome = ChildOutcome<Signature, T, std::decay_t<Handler>>;
    auto slot = asio::get_associated_cancellation_slot(handler);
    Outcome* outcome = nullptr;
    try {
      outcome = new Outcome(std::move(handler), executor);  // (moved once the memory is had)
    } catch (const std::bad_alloc&) {
      if constexpr (std::is_same_v<Signature, void(std::exception_ptr)>) {
        std::move(handler)(std::current_exception());
      } else {
        std::move(handler)(std::current_exception(), value_of_t<T>());
      }
      return;
    }
    try {
      if constexpr (std::is_void_v<T>) {
        start_child(std::move(task), executor, slot, outcome);
      } else {
        start_child(keep_value(std::move(task), outcome), executor, slot, outcome);
      }
    } catch (const std::bad_alloc&) {  // the child did not start
      outcome->ended(std::current_exception());
    }
    outcome->started();
  }
};

/// A child of a group completing with `Signature`: an operation that starts `task` when the
/// group starts it. Cancelling it (the group does, through the slot it binds) cancels the
/// task's current wait.
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

/// The children of a ranged group, one per task (the tasks are moved from): each completes
/// with (error, value), or (error) for a void task.
template <typename T>
auto children(const asio::any_io_executor& executor, std::vector<Task<T>>& tasks) {
  using Signature = outcome_signature_t<T>;
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
