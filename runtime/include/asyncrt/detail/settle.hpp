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

/// The outcome of block_on's task, from the loop thread to the thread that waits: the task's
/// value or exception, or that it never ran. Both are moved across under the mutex, so that no
/// reference to the exception stays behind on the loop thread (libstdc++ counts references to
/// an exception inside its own library, where ThreadSanitizer cannot see them: the last one
/// must be released on the thread that reads the exception).
template <typename T>
class Handoff {
 public:
  using Value = std::conditional_t<std::is_void_v<T>, std::monostate, T>;

  /// The first call counts; later ones are ignored.
  void deliver(std::exception_ptr error, std::optional<Value> value) {
    {
      std::lock_guard lock(mutex_);
      if (done_) return;
      error_ = std::move(error);
      if (value) value_.emplace(std::move(*value));  // (T need only be move-constructible)
      done_ = true;
    }
    settled_.notify_one();
  }

  /// No outcome will come (the task will not run): the waiter gets operation_aborted.
  void abandon() {
    {
      std::lock_guard lock(mutex_);
      if (done_) return;
      error_ = std::make_exception_ptr(boost::system::system_error(
          asio::error::operation_aborted, "asyncrt: the task was cancelled before it ran"));
      done_ = true;
    }
    settled_.notify_one();
  }

  /// Waits for the outcome: returns the value or rethrows the exception.
  T take() {
    std::exception_ptr error;
    std::optional<Value> value;
    {
      std::unique_lock lock(mutex_);
      settled_.wait(lock, [this] { return done_; });
      error = std::move(error_);
      if (value_) value.emplace(std::move(*value_));
    }
    if (error) std::rethrow_exception(std::move(error));
    if constexpr (!std::is_void_v<T>) return std::move(*value);
  }

 private:
  std::mutex mutex_;
  std::condition_variable settled_;
  bool done_ = false;
  std::exception_ptr error_;
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
