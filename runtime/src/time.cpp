#include <asyncrt/time.hpp>

#include <stdexcept>

#include <fmt/core.h>

#include <asyncrt/detail/virtual_clock.hpp>
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

namespace {

// sleep_for is split in four so that the frame a sleeping task keeps for as long as it sleeps
// holds its alarm and nothing else: docs/performance.md, "A sleeping task's frame", gives the
// bytes this wins and the one coroutine it would otherwise be.

// Waits on `alarm`, which counts from when the task starts.
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
