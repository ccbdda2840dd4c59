#include <asyncrt/detail/virtual_clock.hpp>

namespace asyncrt::detail {

void VirtualClock::advance_to(TimePoint time) noexcept {
  if (time > now()) now_.store(time.time_since_epoch().count(), std::memory_order_release);
}

void VirtualClock::pass(std::chrono::nanoseconds duration) noexcept {
  now_.fetch_add(std::chrono::duration_cast<TimePoint::duration>(duration).count(),
                 std::memory_order_acq_rel);
}

}  // namespace asyncrt::detail
