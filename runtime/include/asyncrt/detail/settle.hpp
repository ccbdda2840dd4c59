#pragma once
// settle: how Runtime::block_on hands a task's outcome to the thread that waits for it.

#include <condition_variable>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <type_traits>
#include <utility>
#include <variant>

#include <boost/asio/error.hpp>
#include <boost/system/system_error.hpp>

#include <asyncrt/task.hpp>

namespace asyncrt::detail {

/// The outcome of block_on's task, as the loop thread hands it to the thread that waits: the
/// task's exception, or that it will never run. Both are moved across under the mutex, so that
/// no reference to the exception stays behind on the loop thread (libstdc++ counts references
/// to an exception inside its own library, where ThreadSanitizer cannot see them: the last one
/// must be released on the thread that reads the exception). Handoff<T> adds the value.
class AwaitedOutcome {
 public:
  /// The Runtime is starting the task (making its record and its first frames, where memory
  /// may run out): a task destroyed unstarted meanwhile is not taken for cancelled yet.
  void starting() {
    std::lock_guard lock(mutex_);
    starting_ = true;
  }
  /// The start is over: `failure` is why the task could not start (null: it started).
  void started(std::exception_ptr failure) noexcept {
    {
      std::lock_guard lock(mutex_);
      starting_ = false;
      if (done_) return;
      if (failure) {
        error_ = std::move(failure);
      } else if (abandoned_) {
        error_ = cancelled_before_it_ran();
      } else {
        return;
      }
      done_ = true;
    }
    settled_.notify_one();
  }

  /// No outcome will come (the task will not run): the waiter gets operation_aborted.
  void abandon() noexcept {
    {
      std::lock_guard lock(mutex_);
      if (done_) return;
      if (starting_) {  // started() tells the waiter why
        abandoned_ = true;
        return;
      }
      error_ = cancelled_before_it_ran();
      done_ = true;
    }
    settled_.notify_one();
  }

 protected:
  // The first call counts; later ones are ignored. Under the mutex.
  bool deliver_error(std::exception_ptr error) noexcept {
    if (done_) return false;
    error_ = std::move(error);
    done_ = true;
    return true;
  }
  std::exception_ptr wait_for_error(std::unique_lock<std::mutex>& lock) {
    settled_.wait(lock, [this] { return done_; });
    return std::move(error_);
  }

  std::mutex mutex_;
  std::condition_variable settled_;

 private:
  // operation_aborted; or, if memory ran out making that error, the bad_alloc.
  static std::exception_ptr cancelled_before_it_ran() noexcept {
    try {
      return std::make_exception_ptr(boost::system::system_error(
          asio::error::operation_aborted, "asyncrt: the task was cancelled before it ran"));
    } catch (...) {
      return std::current_exception();
    }
  }

  bool done_ = false;
  bool starting_ = false;
  bool abandoned_ = false;
  std::exception_ptr error_;
};

/// The outcome of block_on's task of type T: its exception or its value.
template <typename T>
class Handoff : public AwaitedOutcome {
 public:
  using Value = std::conditional_t<std::is_void_v<T>, std::monostate, T>;

  /// The first outcome counts; later ones are ignored.
  void deliver(std::exception_ptr error, std::optional<Value> value) {
    {
      std::lock_guard lock(mutex_);
      if (!deliver_error(std::move(error))) return;
      if (value) value_.emplace(std::move(*value));  // (T need only be move-constructible)
    }
    settled_.notify_one();
  }

  /// Waits for the outcome: returns the value or rethrows the exception.
  T take() {
    std::exception_ptr error;
    std::optional<Value> value;
    {
      std::unique_lock lock(mutex_);
      error = wait_for_error(lock);
      if (value_) value.emplace(std::move(*value_));
    }
    if (error) std::rethrow_exception(std::move(error));
    if constexpr (!std::is_void_v<T>) return std::move(*value);
  }

 private:
  std::optional<Value> value_;
};

/// block_on's task's end of the handoff. Destroyed without having delivered (the task was
/// cancelled before its first step by request_stop(), or abandoned by shutdown()), it delivers
/// operation_aborted: the waiting thread never waits for a task that will not run.
template <typename T>
class Settler {
 public:
  explicit Settler(std::shared_ptr<Handoff<T>> handoff) noexcept : handoff_(std::move(handoff)) {}
  Settler(Settler&&) noexcept = default;
  Settler& operator=(Settler&&) = delete;
  ~Settler() {
    if (handoff_) handoff_->abandon();  // (a no-op once delivered; null when moved from)
  }

  void deliver(std::exception_ptr error, std::optional<typename Handoff<T>::Value> value) {
    handoff_->deliver(std::move(error), std::move(value));
  }

 private:
  std::shared_ptr<Handoff<T>> handoff_;
};

/// block_on's task: runs `task` and hands its outcome over (it never throws itself). The
/// exception is delivered after the catch block, so this thread keeps no reference to it.
template <typename T>
Task<void> settle(Task<T> task, Settler<T> settler) {
  std::exception_ptr error;
  std::optional<typename Handoff<T>::Value> value;
  try {
    if constexpr (std::is_void_v<T>) {
      co_await std::move(task);
      value.emplace();
    } else {
      value.emplace(co_await std::move(task));
    }
  } catch (...) {
    error = std::current_exception();
  }
  settler.deliver(std::move(error), std::move(value));
}

}  // namespace asyncrt::detail
