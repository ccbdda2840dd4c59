#pragma once
// Time: sleep_for (a timer wait, the loop is free meanwhile) and with_timeout.

#include <chrono>
#include <cstddef>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/append.hpp>
#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>

#include <asyncrt/detail/alarm_clock.hpp>
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

namespace detail {

// A one-shot alarm on the AlarmClock of the loop that runs the constructing thread (the
// Runtime's, or the io_context of `executor`; any other executor is a logic_error). The
// waiting handler is kept inside the Alarm (on the heap when it is larger than two pointers,
// which a task's own handler is not), so a task that sleeps holds its whole wait in its own
// frame. The handler completes on its associated executor: at once on the thread that rings
// the clock when that executor may run it there (a task resumes on the loop that way), through
// a post otherwise; a wait cancelled through the handler's cancellation slot completes,
// through a post, with operation_aborted. One wait per Alarm at a time.
class Alarm : private AlarmClock::Waiter {
 public:
  Alarm(const asio::any_io_executor& executor, Duration after);
  Alarm(AlarmClock& clock, Duration after);  // on that clock
  /// An alarm on `clock` that does not count yet: start() makes its deadline `after` from
  /// then. Until then it may be moved (so a coroutine can take it as its parameter, and its
  /// frame hold the alarm alone rather than the alarm and what it was made from).
  static Alarm starting_later(AlarmClock& clock, Duration after) noexcept {
    return Alarm(clock, TimePoint() + after);
  }
  Alarm(Alarm&& other) noexcept : Alarm(*other.clock_, other.deadline) {}  // not started yet
  void start() noexcept { deadline = clock_->deadline_after(deadline - TimePoint()); }
  Alarm(const Alarm&) = delete;
  Alarm& operator=(const Alarm&) = delete;
  // Takes a wait still set off the clock, destroying its handler. An alarm never set asks the
  // clock nothing (it may outlive it: a sleep made but never awaited, say).
  ~Alarm();

  template <typename Token>
  auto async_wait(Token&& token) {
    return asio::async_initiate<Token, void(boost::system::error_code)>(
        [this](auto handler) { this->set(std::move(handler)); }, token);
  }
  /// The alarm is an asynchronous operation itself (called with a completion token, it waits
  /// as async_wait does), so `co_await alarm.wait()` in a task waits with no operation object
  /// in the task's frame: Asio keeps a reference to the alarm.
  template <asio::completion_token_for<void(boost::system::error_code)> Token>
  auto operator()(Token&& token) {
    return async_wait(std::forward<Token>(token));
  }
  Alarm&& wait() noexcept { return std::move(*this); }

 private:
  template <typename Handler>
  static constexpr bool fits_inside =
      sizeof(Handler) <= 2 * sizeof(void*) &&
      alignof(Handler) <= alignof(void*) && std::is_nothrow_move_constructible_v<Handler>;

  // Called by the cancellation slot of the waiting handler. One pointer: the slot allocates
  // room for it, which a sleeping task keeps for as long as it sleeps.
  struct CancelHook {
    explicit CancelHook(Alarm* a) noexcept : alarm(a) {}
    Alarm* alarm;
    void operator()(asio::cancellation_type) const { alarm->clock_->cancel(*alarm); }
  };

  template <typename Handler>
  void set(Handler handler) {
    auto slot = asio::get_associated_cancellation_slot(handler);
    if constexpr (fits_inside<Handler>) {
      new (room_) Handler(std::move(handler));
    } else {
      *reinterpret_cast<Handler**>(room_) = new Handler(std::move(handler));
    }
    wake = &wake_up<Handler>;
    if (slot.is_connected()) slot.template emplace<CancelHook>(this);
    clock_->set(*this);
  }

  // Moves the handler out of the room (freeing what it took) and then completes or drops it:
  // after that the Alarm may be gone (the handler may own the frame it lives in).
  template <typename Handler>
  static void wake_up(AlarmClock::Waiter& waiter, AlarmClock::Wake why) {
    auto& self = static_cast<Alarm&>(waiter);
    const auto fallback = self.clock_->executor();
    Handler handler = self.take_handler<Handler>();
    if (why == AlarmClock::Wake::dropped) return;
    const auto executor = asio::get_associated_executor(handler, fallback);
    if (why == AlarmClock::Wake::rung) {
      asio::dispatch(executor, asio::append(std::move(handler), boost::system::error_code()));
    } else {
      asio::post(executor, asio::append(std::move(handler),
                                        boost::system::error_code(asio::error::operation_aborted)));
    }
  }

  template <typename Handler>
  Handler take_handler() noexcept(fits_inside<Handler>) {
    if constexpr (fits_inside<Handler>) {
      auto* stored = std::launder(reinterpret_cast<Handler*>(room_));
      Handler handler(std::move(*stored));
      stored->~Handler();
      return handler;
    } else {
      std::unique_ptr<Handler> stored(*std::launder(reinterpret_cast<Handler**>(room_)));
      return std::move(*stored);
    }
  }

  Alarm(AlarmClock& clock, TimePoint deadline) noexcept : clock_(&clock) {
    this->deadline = deadline;
  }

  AlarmClock* clock_;
  alignas(void*) std::byte room_[2 * sizeof(void*)];
};

}  // namespace detail

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
