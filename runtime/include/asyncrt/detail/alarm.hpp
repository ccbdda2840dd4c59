#pragma once
// Alarm: a one-shot wait on the loop's alarm clock, which sleep_for and with_timeout use.

#include <chrono>
#include <cstddef>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/append.hpp>
#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>

#include <asyncrt/detail/alarm_clock.hpp>

namespace asyncrt::detail {

using Duration = std::chrono::steady_clock::duration;
using TimePoint = std::chrono::steady_clock::time_point;

/// The alarm clock of the io_context that runs the calling task: the Runtime's loop (on its
/// loop thread), or the io_context of `executor` (any other executor: std::logic_error).
AlarmClock& alarm_clock_of(const asio::any_io_executor& executor);

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

  // Memory may run out setting the wait (the handler's room on the heap, the slot's hook, the
  // clock's timer). Thrown from here, the exception would leave the waiting task suspended
  // for ever (Asio's coroutines lose an operation whose initiation throws): the handler
  // completes at once with error::no_memory instead, so the wait fails where it was made.
  template <typename Handler>
  void set(Handler handler) {
    auto slot = asio::get_associated_cancellation_slot(handler);
    if constexpr (fits_inside<Handler>) {
      new (room_) Handler(std::move(handler));
    } else {
      try {
        *reinterpret_cast<Handler**>(room_) = new Handler(std::move(handler));
      } catch (const std::bad_alloc&) {  // (the handler was not moved)
        return std::move(handler)(boost::system::error_code(asio::error::no_memory));
      }
    }
    wake = &wake_up<Handler>;
    try {
      if (slot.is_connected()) slot.template emplace<CancelHook>(this);
      clock_->set(*this);
    } catch (const std::bad_alloc&) {
      if (slot.is_connected()) slot.clear();
      take_handler<Handler>()(boost::system::error_code(asio::error::no_memory));
    }
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

}  // namespace asyncrt::detail
