#pragma once
// Semaphore: up to N tasks at once (the lesson's pool of 5 database connections).

#include <asyncrt/detail/wait_queue.hpp>
#include <asyncrt/task.hpp>

#include <cstddef>
#include <utility>

namespace asyncrt {

/// Counts permits. acquire() takes one, suspending the task while none is free; release()
/// hands a permit straight to the longest-waiting task, or puts it back. Anyone may release
/// (unlike a Mutex, which only its owner unlocks).
///
/// Threads: use it from tasks on one loop; it is not thread-safe. A task woken by release()
/// resumes on its own executor, after the releasing task has gone on.
/// Cancellation: a task cancelled while waiting wakes with `operation_aborted` and holds no
/// permit; the semaphore stays usable.
class Semaphore {
 public:
  explicit Semaphore(std::size_t permits) : available_(permits) {}

  /// Waits for a permit and takes it.
  Task<void> acquire();
  /// Takes a permit if one is free and nobody waits before us.
  bool try_acquire() noexcept;
  /// Gives a permit back (to the longest waiter, if any).
  void release() noexcept;

  std::size_t available() const noexcept { return available_; }

  /// A held permit, given back when destroyed: `auto permit = co_await pool.hold();`.
  /// A default-constructed or moved-from Permit holds nothing.
  class Permit {
   public:
    Permit() noexcept = default;
    explicit Permit(Semaphore& semaphore) noexcept : semaphore_(&semaphore) {}
    Permit(Permit&& other) noexcept : semaphore_(std::exchange(other.semaphore_, nullptr)) {}
    Permit& operator=(Permit&& other) noexcept {
      if (this != &other) {
        reset();
        semaphore_ = std::exchange(other.semaphore_, nullptr);
      }
      return *this;
    }
    ~Permit() { reset(); }

    bool held() const noexcept { return semaphore_ != nullptr; }
    /// Gives the permit back now.
    void reset() noexcept {
      if (auto* semaphore = std::exchange(semaphore_, nullptr)) semaphore->release();
    }

   private:
    Semaphore* semaphore_ = nullptr;
  };
  Task<Permit> hold();

 private:
  std::size_t available_;
  detail::WaitQueue waiters_;
};

}  // namespace asyncrt
