#pragma once
// AlarmClock: one timer per event loop that wakes every sleeping task, on time and in order.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <mutex>
#include <optional>
#include <vector>

#include <boost/asio/basic_waitable_timer.hpp>
#include <boost/asio/execution_context.hpp>
#include <boost/asio/io_context.hpp>

namespace asyncrt::detail {

namespace asio = boost::asio;

class VirtualClock;

/// The alarms set on one io_context (a service of it, so a plain io_context has one too), and
/// one Asio timer armed for the earliest. Alarms wait in two places: a line of those set in
/// deadline order (each no earlier than the one before it: the common case, since tasks that
/// sleep for the same time set their alarms in the order their deadlines come), where setting
/// and ringing cost O(1); and a heap ordered by deadline, then by the order they were set in,
/// for the others. The earliest of the line's head and the heap's top rings first. A waiter
/// lives in the frame of the coroutine that waits (see detail::Alarm) and links itself into
/// the line, so an alarm allocates nothing of its own (in the heap it takes a 24 B entry), and
/// a million sleeping tasks share one timer (the cook's kitchen timer, not a timer per bowl).
/// When the earliest alarm is due already as the clock would arm the timer for it (set for a
/// time past, or come due while the clock rang the ones before it), the clock posts its next
/// ring to the loop instead: it rings after the handlers queued by then, with no system call.
///
/// Threads: set, cancel and ring on any thread that runs the io_context (a mutex guards the
/// line and the heap); a waiter is woken outside the lock, on the thread that rang or
/// cancelled it. With a virtual clock nothing is armed: the Runtime's loop rings the due
/// alarms as it moves the clock on.
class AlarmClock : public asio::execution_context::service {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  static inline asio::execution_context::id id;

  /// Why a waiter leaves the clock.
  enum class Wake {
    rung,       // its deadline came
    cancelled,  // cancel(): the wait ends early
    dropped,    // the io_context shuts down: destroy the wait without running it
  };

  /// One alarm. From set() until it leaves, the clock owns the right to wake it: it calls
  /// `wake` once, outside its lock, and never touches the waiter again.
  struct Waiter {
    TimePoint deadline{};
    void (*wake)(Waiter& self, Wake why) = nullptr;
    // Where it waits: nowhere (not_set); in the line, with the order number set() gave it
    // (in_line marks it); or in the heap at this index, its order number in its heap entry.
    // One field for both, so that an alarm (which a sleeping task keeps in its frame) is one
    // word smaller.
    std::uint64_t place = not_set;
    Waiter* before = nullptr;  // its neighbours in the line
    Waiter* after = nullptr;
  };
  static constexpr std::uint64_t not_set = std::numeric_limits<std::uint64_t>::max();
  static constexpr std::uint64_t in_line = std::uint64_t{1} << 63;

  explicit AlarmClock(asio::io_context& loop);
  AlarmClock(const AlarmClock&) = delete;
  AlarmClock& operator=(const AlarmClock&) = delete;

  /// The alarm clock of `loop` (made on first use).
  static AlarmClock& of(asio::io_context& loop) { return asio::use_service<AlarmClock>(loop); }

  /// From now on, time is `clock`'s: nothing is armed, and the Runtime calls ring_due() and
  /// next_deadline() as it moves the clock on. Before any alarm is set.
  void use_virtual_clock(VirtualClock* clock) noexcept { virtual_clock_ = clock; }
  TimePoint now() const noexcept;
  /// The time `after` from now; a time too far away to add saturates (waits forever) instead
  /// of overflowing.
  TimePoint deadline_after(std::chrono::steady_clock::duration after) const noexcept;
  asio::io_context::executor_type executor() noexcept { return loop_.get_executor(); }

  /// Queues `waiter` (its deadline set, its wake function too). Out of memory (arming the
  /// timer), it throws std::bad_alloc with nothing changed.
  void set(Waiter& waiter);
  /// Takes `waiter` off the clock and wakes it `cancelled`; nothing when it has left already.
  void cancel(Waiter& waiter);
  /// Takes `waiter` off the clock without waking it; false when it has left already.
  bool forget(Waiter& waiter);
  /// Rings every alarm due now, earliest first.
  void ring_due();
  /// The earliest deadline set, if any.
  std::optional<TimePoint> next_deadline() const;

 private:
  // A waiter's place in the order alarms ring in: deadline first, then first come (set()
  // numbers the waiters: equal deadlines ring in the order they were set).
  struct Entry {
    TimePoint deadline;
    std::uint64_t order;
    Waiter* waiter;
  };
  static bool is_in_line(const Waiter& waiter) noexcept {
    return waiter.place != not_set && (waiter.place & in_line) != 0;
  }
  static Entry line_entry(Waiter& waiter) noexcept {
    return {waiter.deadline, waiter.place & ~in_line, &waiter};
  }

  void shutdown() override;
  void on_timer(std::uint64_t arming);
  void arm();  // mutex_ held
  // The earliest waiter set, or nullptr (mutex_ held).
  Waiter* earliest() const noexcept;
  // Takes a waiter that is set off the line or the heap (mutex_ held).
  void take(Waiter& waiter) noexcept;
  // The heap (mutex_ held): entries stay in heap order, each waiter knows its place.
  static bool earlier(const Entry& a, const Entry& b) noexcept;
  void put(std::uint64_t place, const Entry& entry) noexcept;
  void sift_up(std::uint64_t place) noexcept;
  void sift_down(std::uint64_t place) noexcept;
  void take_from_heap(std::uint64_t place) noexcept;

  mutable std::mutex mutex_;
  Waiter* line_head_ = nullptr;  // the line: deadlines never decrease from head to tail
  Waiter* line_tail_ = nullptr;
  std::vector<Entry> heap_;
  std::uint64_t next_order_ = 0;  // below in_line for 2^63 sets: never runs into it
  bool shut_down_ = false;
  VirtualClock* virtual_clock_ = nullptr;
  asio::io_context& loop_;
  // Made when first armed: an Asio timer starts the loop's reactor, and a loop with a reactor
  // makes a system call (epoll_wait) between handlers, which doubles the cost of a trip through
  // a loop that never waits on time or I/O.
  std::optional<asio::basic_waitable_timer<std::chrono::steady_clock,
                                           asio::wait_traits<std::chrono::steady_clock>,
                                           asio::io_context::executor_type>>
      timer_;
  TimePoint armed_for_ = TimePoint::max();  // the deadline timer_ waits for; max: none
  std::uint64_t arming_ = 0;                // counts async_waits: an older one's end is stale
};

}  // namespace asyncrt::detail
