#pragma once
// WaitQueue: tasks parked on a primitive (semaphore, mutex, event, channel), woken in order.

#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/recycling_allocator.hpp>
#include <boost/system/error_code.hpp>

#include <cstddef>
#include <new>
#include <utility>

namespace asyncrt::detail {

namespace asio = boost::asio;

/// A FIFO of parked waiters. async_wait() parks the caller; wake_one()/wake_all() complete
/// waiters with success, cancellation completes one with `operation_aborted`, and destroying
/// the queue aborts whoever is still parked. Each waiter completes exactly once, always through
/// a post to its own executor (so a waker never runs the woken task inside itself).
///
/// Threads: not thread-safe. Every call, and every cancellation, happens on one thread: the
/// loop that runs the tasks using the primitive.
class WaitQueue {
 public:
  WaitQueue() = default;
  WaitQueue(const WaitQueue&) = delete;
  WaitQueue& operator=(const WaitQueue&) = delete;
  ~WaitQueue() {
    while (head_) complete(head_, asio::error::operation_aborted);
  }

  bool empty() const noexcept { return head_ == nullptr; }
  /// How many are parked.
  std::size_t size() const noexcept { return size_; }

  /// Parks until woken (completes with no error) or cancelled (`operation_aborted`). By default
  /// it returns a deferred operation: `co_await queue.async_wait()` in a task then costs no
  /// coroutine frame of its own (`use_awaitable` would allocate one for the initiation).
  template <typename Token = asio::deferred_t>
  auto async_wait(Token&& token = {}) {
    return asio::async_initiate<Token, void(boost::system::error_code)>(
        [queue = this](auto handler) { queue->park(std::move(handler)); }, token);
  }

  /// Completes the longest-waiting waiter with success; false when nobody waits.
  bool wake_one() {
    if (!head_) return false;
    complete(head_, {});
    return true;
  }

  void wake_all() {
    while (head_) complete(head_, {});
  }

 private:
  struct Waiter {
    Waiter* next = nullptr;
    Waiter* prev = nullptr;
    // Points at the cancellation handler's pointer to this waiter, nulled on completion so a
    // later cancellation finds nothing to do.
    Waiter** cancel_link = nullptr;
    virtual void finish(boost::system::error_code error) = 0;  // completes and deletes itself

   protected:
    ~Waiter() = default;
  };

  template <typename Handler>
  struct WaiterFor final : Waiter {
    // (The handler is taken last: if memory runs out before, the caller still has it.)
    explicit WaiterFor(Handler&& h)
        : home(asio::prefer(asio::get_associated_executor(h),
                            asio::execution::outstanding_work.tracked)),
          handler(std::move(h)) {}

    // Waiters come from Asio's per-thread cache of small blocks (the one its handlers use), so
    // parking allocates nothing once the loop has warmed up.
    static void* operator new(std::size_t size) {
      return asio::recycling_allocator<unsigned char>().allocate(size);
    }
    static void operator delete(void* pointer, std::size_t size) {
      asio::recycling_allocator<unsigned char>().deallocate(static_cast<unsigned char*>(pointer),
                                                            size);
    }

    void finish(boost::system::error_code error) override {
      auto executor = std::move(home);
      auto done = [handler = std::move(handler), error]() mutable {
        // Cleared here, never inside the cancellation handler that may have called finish().
        asio::get_associated_cancellation_slot(handler).clear();
        std::move(handler)(error);
      };
      delete this;
      asio::post(executor, std::move(done));
    }

    // Keeps the waiter's executor from running out of work while the waiter is parked.
    decltype(asio::prefer(asio::get_associated_executor(std::declval<Handler&>()),
                          asio::execution::outstanding_work.tracked)) home;
    Handler handler;
  };

  // Installed in a waiter's cancellation slot; inert once the waiter has completed.
  struct CancelWaiter {
    WaitQueue* queue;
    Waiter* waiter;
    void operator()(asio::cancellation_type) {
      if (waiter) queue->complete(waiter, asio::error::operation_aborted);
    }
  };

  // Memory may run out making the waiter or its cancellation hook. Thrown from here, the
  // exception would leave the waiting task suspended for ever (Asio's coroutines lose an
  // operation whose initiation throws): the handler completes at once with error::no_memory.
  template <typename Handler>
  void park(Handler handler) {
    const boost::system::error_code no_memory(asio::error::no_memory);
    auto slot = asio::get_associated_cancellation_slot(handler);
    WaiterFor<Handler>* waiter = nullptr;
    try {
      waiter = new WaiterFor<Handler>(std::move(handler));
    } catch (const std::bad_alloc&) {
      return std::move(handler)(no_memory);
    }
    if (slot.is_connected()) {
      try {
        auto& cancel = slot.template emplace<CancelWaiter>(CancelWaiter{this, waiter});
        waiter->cancel_link = &cancel.waiter;
      } catch (const std::bad_alloc&) {
        Handler taken(std::move(waiter->handler));
        delete waiter;
        return std::move(taken)(no_memory);
      }
    }
    waiter->prev = tail_;
    (tail_ ? tail_->next : head_) = waiter;
    tail_ = waiter;
    ++size_;
  }

  void complete(Waiter* waiter, boost::system::error_code error) {
    (waiter->prev ? waiter->prev->next : head_) = waiter->next;
    (waiter->next ? waiter->next->prev : tail_) = waiter->prev;
    if (waiter->cancel_link) *waiter->cancel_link = nullptr;
    --size_;
    waiter->finish(error);
  }

  Waiter* head_ = nullptr;
  Waiter* tail_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace asyncrt::detail
