#include <asyncrt/periodic_timer.hpp>

#include <stdexcept>

namespace asyncrt {

PeriodicTimer::PeriodicTimer(Duration period) : period_(period), start_(now()) {
  if (period <= Duration::zero()) {
    throw std::invalid_argument("asyncrt: a PeriodicTimer's period must be more than zero");
  }
}

Task<std::uint64_t> PeriodicTimer::tick() {
  const TimePoint time = now();
  // The latest tick that has passed (0: none yet); if it is one we have not returned, we are
  // late: return it now and skip those before it.
  const auto passed = static_cast<std::uint64_t>((time - start_) / period_);
  if (passed > ticks_) {
    ticks_ = passed;
    co_return ticks_;
  }
  const std::uint64_t next = ticks_ + 1;
  co_await sleep_for(start_ + static_cast<Duration::rep>(next) * period_ - time);
  ticks_ = next;
  co_return ticks_;
}

}  // namespace asyncrt
