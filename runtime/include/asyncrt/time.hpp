#pragma once
// Time: sleep_for (a timer wait, the loop is free meanwhile) and with_timeout.

#include <chrono>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/this_coro.hpp>

#include <asyncrt/detail/alarm.hpp>
#include <asyncrt/detail/group_result.hpp>
#include <asyncrt/task.hpp>

namespace asyncrt {

using Duration = std::chrono::steady_clock::duration;
using TimePoint = std::chrono::steady_clock::time_point;

/// The time on the clock of the Runtime whose loop runs the calling thread (its virtual clock
/// if it was built with virtual_time); the steady clock's time on any other thread.
TimePoint now() noexcept;

/// Holds the calling thread for `duration`, as CPU work would (a busy wait): what demos and
/// tests use to stand for computation. On the loop of a virtual-time Runtime the clock moves on
/// by `duration` at once instead; the loop is held all the same, so nothing else runs
/// meanwhile and timers that come due fire after it, as they would in real time.
void busy_for(Duration duration);

/// Suspends the calling task for `duration` without holding the loop: other tasks run
/// meanwhile (the cook starts another bowl while the water boils). Resumes on the task's
/// executor. Cancelling the task wakes it early with `operation_aborted`. The time counts from
/// when the task starts. A sleep made while a trace::Recording is on shows on the trace as a
/// wait. It waits on the alarm clock of the Runtime whose loop thread calls
/// sleep_for; called on any other thread, on that of the loop the task then runs on.
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
  auto executor = co_await asio::this_coro::executor;
  detail::Alarm alarm(executor, limit);
  // The first of the two to finish wins, success or failure; the other is cancelled and waited
  // for. (Asio's `a || b` would wait for the first *success*, ignoring a failing task.)
  auto [order, error, value, timer_error] =
      co_await asio::experimental::make_parallel_group(detail::child(executor, std::move(task)),
                                                       alarm.async_wait(asio::deferred))
          .async_wait(asio::experimental::wait_for_one(), asio::use_awaitable);
  (void)timer_error;
  if (order[0] == 1) throw TimeoutError(std::move(what), limit);
  if (error) std::rethrow_exception(error);
  if constexpr (!std::is_void_v<T>) co_return std::move(value);
}

}  // namespace asyncrt
