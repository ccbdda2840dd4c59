#pragma once
// Time: sleep_for (a timer wait, the loop is free meanwhile) and with_timeout.

#include <asyncrt/task.hpp>

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>

#include <chrono>
#include <stdexcept>
#include <string>
#include <utility>

namespace asyncrt {

using Duration = std::chrono::steady_clock::duration;

/// Suspends the calling task for `duration` without holding the loop: other tasks run
/// meanwhile (the cook starts another bowl while the water boils). Resumes on the task's
/// executor. Cancelling the task wakes it early with `operation_aborted`.
Task<void> sleep_for(Duration duration);

/// Thrown by with_timeout when the task did not finish in time.
class TimeoutError : public std::runtime_error {
 public:
  TimeoutError(std::string what, Duration limit);
  Duration limit() const noexcept { return limit_; }

 private:
  Duration limit_;
};

/// Runs `task` and waits at most `limit` for it. If the limit passes first, the task is
/// cancelled (its current `co_await` wakes with `operation_aborted`), with_timeout waits for it
/// to unwind, then throws TimeoutError naming `what`. Cancellation is cooperative: a task busy
/// computing on the loop is only cancelled at its next `co_await`. Resumes on the caller's
/// executor.
template <typename T>
Task<T> with_timeout(Task<T> task, Duration limit, std::string what = "task") {
  using namespace asio::experimental::awaitable_operators;
  asio::steady_timer timer(co_await asio::this_coro::executor, limit);
  auto outcome = co_await (std::move(task) || timer.async_wait(asio::use_awaitable));
  if (outcome.index() == 1) throw TimeoutError(std::move(what), limit);
  if constexpr (!std::is_void_v<T>) co_return std::get<0>(std::move(outcome));
}

}  // namespace asyncrt
