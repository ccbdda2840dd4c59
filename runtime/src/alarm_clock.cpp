#include <asyncrt/detail/alarm_clock.hpp>

#include <new>
#include <utility>

#include <boost/asio/post.hpp>

#include <asyncrt/detail/virtual_clock.hpp>

namespace asyncrt::detail {

AlarmClock::AlarmClock(asio::io_context& loop)
    : asio::execution_context::service(loop), loop_(loop) {}

AlarmClock::TimePoint AlarmClock::now() const noexcept {
  return virtual_clock_ ? virtual_clock_->now() : std::chrono::steady_clock::now();
}

AlarmClock::TimePoint AlarmClock::deadline_after(
    std::chrono::steady_clock::duration after) const noexcept {
  const TimePoint start = now();
  return after < TimePoint::max() - start ? start + after : TimePoint::max();
}

void AlarmClock::set(Waiter& waiter) {
  std::unique_lock lock(mutex_);
  if (shut_down_) {
    lock.unlock();
    waiter.wake(waiter, Wake::dropped);
    return;
  }
  const std::uint64_t order = next_order_++;
  if (!line_tail_ || waiter.deadline >= line_tail_->deadline) {
    // In deadline order (its order number is the newest): joins the end of the line.
    waiter.place = in_line | order;
    waiter.before = line_tail_;
    waiter.after = nullptr;
    (line_tail_ ? line_tail_->after : line_head_) = &waiter;
    line_tail_ = &waiter;
  } else {
    heap_.push_back({waiter.deadline, order, &waiter});  // (out of memory: nothing changed)
    waiter.place = heap_.size() - 1;
    sift_up(waiter.place);
  }
  try {
    arm();
  } catch (...) {  // out of memory arming the timer: the waiter was never set
    take(waiter);
    throw;
  }
}

void AlarmClock::cancel(Waiter& waiter) {
  if (forget(waiter)) waiter.wake(waiter, Wake::cancelled);
}

bool AlarmClock::forget(Waiter& waiter) {
  std::lock_guard lock(mutex_);
  if (waiter.place == not_set) return false;
  take(waiter);
  if (!earliest() && armed_for_ != TimePoint::max()) {
    // Nothing left to wait for: a plain io_context's run() may return now, not at the deadline.
    if (timer_) timer_->cancel();  // (a ring posted instead of armed finds itself stale)
    armed_for_ = TimePoint::max();
    ++arming_;
  }
  return true;
}

void AlarmClock::ring_due() {
  const TimePoint due = now();
  // Re-arm for whatever is left even if a waiter's handler throws (it leaves the loop's run).
  // (If memory runs out arming it, the clock stays disarmed, and the next set() arms it.)
  struct Rearm {
    AlarmClock& clock;
    ~Rearm() {
      std::lock_guard lock(clock.mutex_);
      try {
        clock.arm();
      } catch (const std::bad_alloc&) {
      }
    }
  } rearm{*this};
  for (;;) {
    std::unique_lock lock(mutex_);
    Waiter* waiter = earliest();
    if (!waiter || waiter->deadline > due) return;
    take(*waiter);
    lock.unlock();
    waiter->wake(*waiter, Wake::rung);
  }
}

std::optional<AlarmClock::TimePoint> AlarmClock::next_deadline() const {
  std::lock_guard lock(mutex_);
  if (const Waiter* waiter = earliest()) return waiter->deadline;
  return std::nullopt;
}

void AlarmClock::shutdown() {
  for (;;) {
    std::unique_lock lock(mutex_);
    shut_down_ = true;
    Waiter* waiter = line_tail_ ? line_tail_ : heap_.empty() ? nullptr : heap_.back().waiter;
    if (!waiter) break;
    take(*waiter);
    lock.unlock();
    waiter->wake(*waiter, Wake::dropped);
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
  if (virtual_clock_ || shut_down_) return;
  const Waiter* first = earliest();
  if (!first || first->deadline >= armed_for_) return;  // the pending wait ends in time for it
  // What may allocate (the post, the timer, its wait) comes first, so that memory running out
  // changes nothing; then the pending wait, if any, is stale.
  const TimePoint deadline = first->deadline;
  const std::uint64_t arming = arming_ + 1;
  auto commit = [&] {
    armed_for_ = deadline;
    arming_ = arming;
  };
  if (deadline <= now()) {
    // Due already (it came due while the clock rang the ones before it, as happens when many
    // tasks sleep for the same time): ring again after the handlers queued now, without the
    // timer. Arming it for a time past costs two system calls (the reactor sets its timerfd
    // when the timer expires, and again when it is re-armed) and a trip through epoll. A wait
    // still pending for a later alarm is ended (stale), or it would hold a plain io_context's
    // run() open after that alarm is forgotten; ending one sets no timer in the kernel.
    asio::post(loop_, [this, arming] { on_timer(arming); });
    if (timer_) timer_->cancel();
    commit();
    return;
  }
  if (!timer_) timer_.emplace(loop_);
  timer_->expires_at(deadline);  // ends the pending wait, if any
  timer_->async_wait([this, arming](boost::system::error_code) { on_timer(arming); });
  commit();
}

AlarmClock::Waiter* AlarmClock::earliest() const noexcept {
  if (heap_.empty()) return line_head_;
  const Entry& top = heap_.front();
  if (!line_head_) return top.waiter;
  return earlier(top, line_entry(*line_head_)) ? top.waiter : line_head_;
}

void AlarmClock::take(Waiter& waiter) noexcept {
  if (!is_in_line(waiter)) {
    take_from_heap(waiter.place);
    return;
  }
  (waiter.before ? waiter.before->after : line_head_) = waiter.after;
  (waiter.after ? waiter.after->before : line_tail_) = waiter.before;
  waiter.place = not_set;
}

bool AlarmClock::earlier(const Entry& a, const Entry& b) noexcept {
  if (a.deadline != b.deadline) return a.deadline < b.deadline;
  return a.order < b.order;
}

void AlarmClock::put(std::uint64_t place, const Entry& entry) noexcept {
  heap_[place] = entry;
  entry.waiter->place = place;
}

void AlarmClock::sift_up(std::uint64_t place) noexcept {
  const Entry entry = heap_[place];
  while (place > 0) {
    const std::uint64_t parent = (place - 1) / 2;
    if (!earlier(entry, heap_[parent])) break;
    put(place, heap_[parent]);
    place = parent;
  }
  put(place, entry);
}

void AlarmClock::sift_down(std::uint64_t place) noexcept {
  const Entry entry = heap_[place];
  for (;;) {
    std::uint64_t child = 2 * place + 1;
    if (child >= heap_.size()) break;
    if (child + 1 < heap_.size() && earlier(heap_[child + 1], heap_[child])) ++child;
    if (!earlier(heap_[child], entry)) break;
    put(place, heap_[child]);
    place = child;
  }
  put(place, entry);
}

void AlarmClock::take_from_heap(std::uint64_t place) noexcept {
  heap_[place].waiter->place = not_set;
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
}

}  // namespace asyncrt::detail
