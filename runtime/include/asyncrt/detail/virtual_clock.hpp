#pragma once
// VirtualClock: the time of a Runtime built with RuntimeOptions::virtual_time.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <utility>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>
#include <boost/system/error_code.hpp>

namespace asyncrt::detail {

namespace asio = boost::asio;

/// Virtual time: it stands still while the loop has work and jumps straight to the next
/// deadline when the loop has nothing to do and no offloaded job is in flight (the Runtime's
/// loop thread drives it: see Runtime::run_loop). An hour of sleeps takes no real time, and the
/// order in which timers fire depends only on the program, never on how busy the machine is.
///
/// Threads: now() from any thread; everything else on the loop thread, except that
/// OffloadInFlight may end on a pool thread. A waiter completes through its handler's
/// associated executor (a task resumes on the loop), never inline.
class VirtualClock {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  explicit VirtualClock(TimePoint start) noexcept : now_(start.time_since_epoch().count()) {}
  VirtualClock(const VirtualClock&) = delete;
  VirtualClock& operator=(const VirtualClock&) = delete;

  TimePoint now() const noexcept {
    return TimePoint(TimePoint::duration(now_.load(std::memory_order_acquire)));
  }

  /// Completes `handler` with no error once the clock reaches `deadline`, or with
  /// operation_aborted when its cancellation slot fires first. `fallback` runs the completion
  /// when the handler has no executor of its own.
  template <typename Handler>
  void wait_until(TimePoint deadline, Handler handler, const asio::any_io_executor& fallback) {
    const Key key{deadline, next_sequence_++};
    auto slot = asio::get_associated_cancellation_slot(handler);
    waiters_.emplace(key, std::make_unique<WaiterFor<Handler>>(std::move(handler), fallback));
    if (slot.is_connected()) {
      slot.assign(
          [this, key](asio::cancellation_type) { complete(key, asio::error::operation_aborted); });
    }
  }

  /// Completes every waiter whose deadline has been reached, in deadline order. Loop thread.
  void fire_due();
  /// Jumps to the earliest deadline and completes the waiters due then; false if none waits.
  bool advance_to_next();
  /// Time passes without the loop being free (simulated work on the loop): deadlines reached
  /// meanwhile fire at the loop's next turn, as a real timer would after a busy handler.
  void pass(std::chrono::nanoseconds duration) noexcept;

  /// Offloaded jobs whose result the loop still waits for: while any is, time stands still.
  bool offloads_in_flight() const noexcept {
    return in_flight_.load(std::memory_order_acquire) > 0;
  }

  /// Counts one offloaded job as in flight from construction until destruction (which happens
  /// on the loop, once its completion has run). Empty (counts nothing) without a clock.
  class OffloadInFlight {
   public:
    OffloadInFlight() noexcept = default;
    explicit OffloadInFlight(VirtualClock* clock) noexcept : clock_(clock) {
      if (clock_) clock_->in_flight_.fetch_add(1, std::memory_order_acq_rel);
    }
    OffloadInFlight(OffloadInFlight&& other) noexcept
        : clock_(std::exchange(other.clock_, nullptr)) {}
    OffloadInFlight& operator=(OffloadInFlight&&) = delete;
    ~OffloadInFlight() {
      if (clock_) clock_->in_flight_.fetch_sub(1, std::memory_order_acq_rel);
    }

   private:
    VirtualClock* clock_ = nullptr;
  };

 private:
  using Key = std::pair<TimePoint, std::uint64_t>;  // deadline, then first come first served

  struct Waiter {
    virtual ~Waiter() = default;
    virtual void complete(boost::system::error_code error) = 0;
  };

  template <typename Handler>
  struct WaiterFor final : Waiter {
    WaiterFor(Handler h, const asio::any_io_executor& f) : handler(std::move(h)), fallback(f) {}
    void complete(boost::system::error_code error) override {
      auto executor = asio::get_associated_executor(handler, fallback);
      asio::post(executor, [handler = std::move(handler), error]() mutable {
        asio::get_associated_cancellation_slot(handler).clear();
        std::move(handler)(error);
      });
    }
    Handler handler;
    asio::any_io_executor fallback;
  };

  void complete(const Key& key, boost::system::error_code error);

  std::atomic<TimePoint::rep> now_;
  std::atomic<std::size_t> in_flight_{0};
  std::map<Key, std::unique_ptr<Waiter>> waiters_;
  std::uint64_t next_sequence_ = 0;
};

}  // namespace asyncrt::detail
