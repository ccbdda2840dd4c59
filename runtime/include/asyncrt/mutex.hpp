#pragma once
// Mutex: one owner at a time, even across co_await (the lesson's printer).

#include <asyncrt/semaphore.hpp>
#include <asyncrt/task.hpp>

#include <optional>
#include <utility>

namespace asyncrt {

/// A lock for tasks: `auto lock = co_await mutex.lock();` suspends the task (not the thread)
/// until the mutex is free, and the returned Lock unlocks when it goes out of scope. Only the
/// owner can unlock, because only the owner has the Lock. Unlike std::mutex it may be held
/// across co_await, which is exactly where a read-modify-write on shared data goes wrong.
///
/// Threads: use it from tasks on one loop; it is not thread-safe. Waiters get the mutex in the
/// order they asked for it and resume on their own executor.
/// Cancellation: a task cancelled while waiting wakes with `operation_aborted` without the
/// lock; the mutex stays usable.
class Mutex {
 public:
  /// Ownership of a locked Mutex; unlocks when destroyed.
  /// A default-constructed or moved-from Lock owns nothing.
  class Lock {
   public:
    Lock() noexcept = default;
    Lock(const Mutex& mutex, Semaphore::Permit permit) noexcept
        : mutex_(&mutex), permit_(std::move(permit)) {}

    bool owns_lock() const noexcept { return permit_.held(); }
    /// The mutex this Lock locks (or locked, once unlocked); null for a default-constructed one.
    const Mutex* mutex() const noexcept { return mutex_; }
    /// Unlocks now rather than at the end of the scope.
    void unlock() noexcept { permit_.reset(); }

   private:
    const Mutex* mutex_ = nullptr;
    Semaphore::Permit permit_;
  };

  Task<Lock> lock() {
    Semaphore::Permit permit = co_await owner_.hold();
    co_return Lock(*this, std::move(permit));
  }

  std::optional<Lock> try_lock() {
    if (!owner_.try_acquire()) return std::nullopt;
    return Lock(*this, Semaphore::Permit(owner_));
  }

  bool locked() const noexcept { return owner_.available() == 0; }

 private:
  Semaphore owner_{1};
};

}  // namespace asyncrt
