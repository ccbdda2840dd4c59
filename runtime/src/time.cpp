#include <asyncrt/time.hpp>

#include <stdexcept>

#include <fmt/core.h>

#include <asyncrt/runtime.hpp>
#include <asyncrt/trace.hpp>

namespace asyncrt {

TimePoint now() noexcept {
  const Runtime* runtime = Runtime::try_current();
  return runtime ? runtime->now() : std::chrono::steady_clock::now();
}

void busy_for(Duration duration) {
  Runtime* runtime = Runtime::try_current();
  if (auto* clock = runtime ? runtime->virtual_clock() : nullptr) {
    clock->pass(duration);
    return;
  }
  const auto until = std::chrono::steady_clock::now() + duration;
  while (std::chrono::steady_clock::now() < until) {
  }
}

namespace detail {

namespace {
// The alarm clock of the io_context that runs the calling task: the Runtime's loop, or any
// other io_context.
AlarmClock& alarm_clock_of(const asio::any_io_executor& executor) {
  if (Runtime* runtime = Runtime::try_current()) return runtime->alarm_clock();
  const auto* loop = executor.target<asio::io_context::executor_type>();
  if (!loop) throw std::logic_error("asyncrt: sleep_for and with_timeout need an io_context");
  return AlarmClock::of(asio::query(*loop, asio::execution::context));
}
}  // namespace

Alarm::Alarm(const asio::any_io_executor& executor, Duration after)
    : Alarm(alarm_clock_of(executor), after) {}

Alarm::Alarm(AlarmClock& clock, Duration after) : Alarm(clock, clock.deadline_after(after)) {}

Alarm::~Alarm() {
  // `wake` is set by set(), on this alarm's own thread, before the clock sees the alarm.
  if (wake && clock_->forget(*this)) wake(*this, AlarmClock::Wake::dropped);
}

}  // namespace detail

namespace {

// Waits on `alarm`, which counts from when the task starts: the frame a sleeping task keeps for
// as long as it sleeps, so nothing in it but the alarm.
Task<void> sleep_on(detail::Alarm alarm) {
  alarm.start();
  co_await alarm.wait();
}

// The same, the wait recorded on the trace.
Task<void> sleep_on_traced(detail::Alarm alarm) {
  alarm.start();
  trace::Suspension waiting(trace::Kind::waiting);
  co_await alarm.wait();
}

// A sleep is traced if a Recording is on when it is made: the frame of an untraced one (a
// million sleeping tasks keep a million) then has no room for a trace span.
Task<void> sleep_on_chosen(detail::Alarm alarm) {
  return trace::enabled() ? sleep_on_traced(std::move(alarm)) : sleep_on(std::move(alarm));
}

// On a thread that runs no Runtime's loop: the clock of the loop the task will run on, found
// through its executor when it starts.
Task<void> sleep_on_this_loop(Duration duration) {
  auto& clock = detail::alarm_clock_of(co_await asio::this_coro::executor);
  co_await sleep_on_chosen(detail::Alarm::starting_later(clock, duration));
}

}  // namespace

Task<void> sleep_for(Duration duration) {
  // Not a coroutine itself: the clock is chosen here, so the sleeping frame needs no room to
  // look for it. The wait (and its deadline) starts when the task does.
  if (Runtime* runtime = Runtime::try_current()) {
    return sleep_on_chosen(detail::Alarm::starting_later(runtime->alarm_clock(), duration));
  }
  return sleep_on_this_loop(duration);
}

namespace {
std::string timeout_message(const std::string& what, Duration limit) {
  const auto ms = std::chrono::duration<double, std::milli>(limit).count();
  return fmt::format("asyncrt: {} timed out after {:g} ms", what, ms);
}
}  // namespace

TimeoutError::TimeoutError(std::string what, Duration limit)
    : std::runtime_error(timeout_message(what, limit)), limit_(limit) {}

}  // namespace asyncrt
