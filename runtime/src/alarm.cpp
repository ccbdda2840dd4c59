#include <asyncrt/detail/alarm.hpp>

#include <stdexcept>

#include <asyncrt/runtime.hpp>

namespace asyncrt::detail {

AlarmClock& alarm_clock_of(const asio::any_io_executor& executor) {
  if (Runtime* runtime = Runtime::try_current()) return runtime->alarm_clock();
  const auto* loop = executor.target<asio::io_context::executor_type>();
  if (!loop) throw std::logic_error("asyncrt: sleep_for and with_timeout need an io_context");
  return AlarmClock::of(asio::query(*loop, asio::execution::context));
}

Alarm::Alarm(const asio::any_io_executor& executor, Duration after)
    : Alarm(alarm_clock_of(executor), after) {}

Alarm::Alarm(AlarmClock& clock, Duration after) : Alarm(clock, clock.deadline_after(after)) {}

Alarm::~Alarm() {
  // `wake` is set by set(), on this alarm's own thread, before the clock sees the alarm.
  if (wake && clock_->forget(*this)) wake(*this, AlarmClock::Wake::dropped);
}

}  // namespace asyncrt::detail
