#include <asyncrt/detail/virtual_clock.hpp>

#include <algorithm>

namespace asyncrt::detail {

void VirtualClock::complete(const Key& key, boost::system::error_code error) {
  auto node = waiters_.extract(key);
  if (!node.empty()) node.mapped()->complete(error);
}

void VirtualClock::fire_due() {
  while (!waiters_.empty() && waiters_.begin()->first.first <= now()) {
    complete(waiters_.begin()->first, {});
  }
}

bool VirtualClock::advance_to_next() {
  if (waiters_.empty()) return false;
  const TimePoint next = std::max(now(), waiters_.begin()->first.first);
  now_.store(next.time_since_epoch().count(), std::memory_order_release);
  fire_due();
  return true;
}

void VirtualClock::pass(std::chrono::nanoseconds duration) noexcept {
  now_.fetch_add(std::chrono::duration_cast<TimePoint::duration>(duration).count(),
                 std::memory_order_acq_rel);
}

}  // namespace asyncrt::detail
