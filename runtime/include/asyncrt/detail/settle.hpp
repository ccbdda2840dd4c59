#pragma once
// settle: how Runtime::block_on hands a task's outcome to the thread that waits for it.

#include <future>
#include <memory>
#include <type_traits>
#include <utility>

#include <boost/asio/error.hpp>
#include <boost/system/system_error.hpp>

#include <asyncrt/task.hpp>

namespace asyncrt::detail {

/// block_on's task: runs `task` and hands its outcome to `promise` (it never throws itself).
/// The promise is owned by this task alone (set_value() may still be returning when the
/// waiter's future.get() does), so a task that never runs breaks it.
template <typename T>
Task<void> settle(Task<T> task, std::shared_ptr<std::promise<T>> promise) {
  try {
    if constexpr (std::is_void_v<T>) {
      co_await std::move(task);
      promise->set_value();
    } else {
      promise->set_value(co_await std::move(task));
    }
  } catch (...) {
    promise->set_exception(std::current_exception());
  }
}

/// The value settle() handed over, or its exception. A broken promise means the task never
/// ran (cancelled before its first step by request_stop(), or abandoned by shutdown()): that
/// is reported as operation_aborted, like a task cancelled while it waited.
template <typename T>
T settled_value(std::future<T>& future) {
  try {
    return future.get();
  } catch (const std::future_error& e) {
    if (e.code() != std::future_errc::broken_promise) throw;
    throw boost::system::system_error(asio::error::operation_aborted,
                                      "asyncrt: the task was cancelled before it ran");
  }
}

}  // namespace asyncrt::detail
