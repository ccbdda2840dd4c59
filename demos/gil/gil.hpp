#pragma once
// Gil: a model of CPython's global interpreter lock for C++ threads.

#include <condition_variable>
#include <cstddef>
#include <mutex>

namespace asyncrt::gil {

/// One lock that a "Python" thread must hold to run. Like CPython's, it is handed over fairly:
/// a thread that has run for the switch interval calls maybe_switch(), which gives it up when
/// another thread waits and takes it back only after its turn comes again (a ticket queue). A
/// thread that waits for I/O releases it meanwhile. Any thread may use it.
class Gil {
 public:
  void acquire() {
    std::unique_lock lock(mutex_);
    const std::size_t ticket = next_ticket_++;
    turn_changed_.wait(lock, [&] { return serving_ == ticket; });
  }
  void release() {
    std::lock_guard lock(mutex_);
    ++serving_;
    turn_changed_.notify_all();
  }
  /// Called while holding it: gives it up and queues again if someone else waits.
  void maybe_switch() {
    {
      std::lock_guard lock(mutex_);
      if (next_ticket_ == serving_ + 1) return;  // nobody waits: keep running
    }
    release();
    acquire();
  }

 private:
  std::mutex mutex_;
  std::condition_variable turn_changed_;
  std::size_t next_ticket_ = 0;
  std::size_t serving_ = 0;
};

}  // namespace asyncrt::gil
