#include <asyncrt/detail/alarm_clock.hpp>

#include <utility>

#include <asyncrt/detail/virtual_clock.hpp>

namespace asyncrt::detail {

AlarmClock::AlarmClock(asio::io_context& loop)
    : asio::execution_context::service(loop), loop_(loop) {}

AlarmClock::TimePoint AlarmClock::now() const noexcept {
  return virtual_clock_ ? virtual_clock_->now() : std::chrono::steady_clock::now();
}

void AlarmClock::set(Waiter& waiter) {
  std::unique_lock lock(mutex_);
  if (shut_down_) {
    lock.unlock();
    waiter.wake(waiter, Wake::dropped);
    return;
  }
  waiter.order = next_order_++;
  heap_.push_back({waiter.deadline, &waiter});
  waiter.place = heap_.size() - 1;
  sift_up(waiter.place);
  arm();
}

void AlarmClock::cancel(Waiter& waiter) {
  if (forget(waiter)) waiter.wake(waiter, Wake::cancelled);
}

bool AlarmClock::forget(Waiter& waiter) {
  std::lock_guard lock(mutex_);
  if (waiter.place == Waiter::not_set) return false;
  take(waiter.place);
  if (heap_.empty() && armed_for_ != TimePoint::max()) {
    // Nothing left to wait for: a plain io_context's run() may return now, not at the deadline.
    timer_->cancel();
    armed_for_ = TimePoint::max();
    ++arming_;
  }
  return true;
}

void AlarmClock::ring_due() {
  const TimePoint due = now();
  // Re-arm for whatever is left even if a waiter's handler throws (it leaves the loop's run).
  struct Rearm {
    AlarmClock& clock;
    ~Rearm() {
      std::lock_guard lock(clock.mutex_);
      clock.arm();
    }
  } rearm{*this};
  for (;;) {
    std::unique_lock lock(mutex_);
    if (heap_.empty() || heap_.front().deadline > due) return;
    Waiter& waiter = take(0);
    lock.unlock();
    waiter.wake(waiter, Wake::rung);
  }
}

std::optional<AlarmClock::TimePoint> AlarmClock::next_deadline() const {
  std::lock_guard lock(mutex_);
  if (heap_.empty()) return std::nullopt;
  return heap_.front().deadline;
}

void AlarmClock::shutdown() {
  for (;;) {
    std::unique_lock lock(mutex_);
    shut_down_ = true;
    if (heap_.empty()) break;
    Waiter& waiter = take(heap_.size() - 1);
    lock.unlock();
    waiter.wake(waiter, Wake::dropped);
  }
  // The timer's service came after this one (the timer is made when first armed), so it is
  // destroyed first: the timer must go now, while its service is still there.
  timer_.reset();
}

void AlarmClock::on_timer(std::uint64_t arming) {
  {
    std::lock_guard lock(mutex_);
    if (arming != arming_) return;  // re-armed (or disarmed) since: that wait is stale
    armed_for_ = TimePoint::max();
  }
  ring_due();
}

void AlarmClock::arm() {
  if (virtual_clock_ || shut_down_ || heap_.empty()) return;
  const TimePoint earliest = heap_.front().deadline;
  if (earliest >= armed_for_) return;  // the pending wait ends in time for it
  armed_for_ = earliest;
  if (!timer_) timer_.emplace(loop_);
  timer_->expires_at(earliest);  // ends the pending wait, if any (stale from now on)
  timer_->async_wait([this, arming = ++arming_](boost::system::error_code) { on_timer(arming); });
}

bool AlarmClock::earlier(const Entry& a, const Entry& b) noexcept {
  if (a.deadline != b.deadline) return a.deadline < b.deadline;
  return a.waiter->order < b.waiter->order;
}

void AlarmClock::put(std::size_t place, const Entry& entry) noexcept {
  heap_[place] = entry;
  entry.waiter->place = place;
}

void AlarmClock::sift_up(std::size_t place) noexcept {
  const Entry entry = heap_[place];
  while (place > 0) {
    const std::size_t parent = (place - 1) / 2;
    if (!earlier(entry, heap_[parent])) break;
    put(place, heap_[parent]);
    place = parent;
  }
  put(place, entry);
}

void AlarmClock::sift_down(std::size_t place) noexcept {
  const Entry entry = heap_[place];
  for (;;) {
    std::size_t child = 2 * place + 1;
    if (child >= heap_.size()) break;
    if (child + 1 < heap_.size() && earlier(heap_[child + 1], heap_[child])) ++child;
    if (!earlier(heap_[child], entry)) break;
    put(place, heap_[child]);
    place = child;
  }
  put(place, entry);
}

AlarmClock::Waiter& AlarmClock::take(std::size_t place) noexcept {
  Waiter& waiter = *heap_[place].waiter;
  waiter.place = Waiter::not_set;
  const Entry last = heap_.back();
  heap_.pop_back();
  if (place < heap_.size()) {
    put(place, last);
    // The last entry moved into a hole: it may belong above or below it.
    if (place > 0 && earlier(last, heap_[(place - 1) / 2])) {
      sift_up(place);
    } else {
      sift_down(place);
    }
  }
  return waiter;
}

}  // namespace asyncrt::detail
