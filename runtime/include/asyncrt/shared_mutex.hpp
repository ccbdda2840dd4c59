#pragma once
// SharedMutex: many readers at once, or one writer (a readers-writer lock for tasks).

#include <cstddef>
#include <optional>
#include <utility>

#include <asyncrt/detail/wait_queue.hpp>
#include <asyncrt/task.hpp>

namespace asyncrt {

/// `co_await m.lock_shared()` lets a task read alongside other readers; `co_await m.lock()`
/// gives a writer the data to itself. Each returns an RAII lock that releases when it goes
/// out of scope; like Mutex, it may be held across co_await.
///
/// Fairness: neither side starves. A reader that arrives while a writer waits queues behind
/// it; when a writer releases, every reader waiting then goes in together; when the last reader
/// releases, the longest-waiting writer goes in. Writers go in the order they asked.
///
/// Threads: use it from tasks on one loop; it is not thread-safe. Woken tasks resume on their
/// own executor after the releasing task has gone on.
/// Cancellation: a task cancelled while waiting wakes with `operation_aborted` without the
/// lock; the mutex stays usable. Destroying it with tasks waiting wakes them the same way.
class SharedMutex {
 public:
  /// Ownership of the lock, shared (a reader) or exclusive (the writer); released when
  /// destroyed. A default-constructed or moved-from one owns nothing.
  template <bool Shared>
  class Ownership {
   public:
    Ownership() noexcept = default;
    explicit Ownership(SharedMutex& mutex) noexcept : mutex_(&mutex) {}
    Ownership(Ownership&& other) noexcept : mutex_(std::exchange(other.mutex_, nullptr)) {}
    Ownership& operator=(Ownership&& other) noexcept {
      if (this != &other) {
        unlock();
        mutex_ = std::exchange(other.mutex_, nullptr);
      }
      return *this;
    }
    ~Ownership() { unlock(); }

    bool owns_lock() const noexcept { return mutex_ != nullptr; }
    /// Releases now rather than at the end of the scope.
    void unlock() noexcept {
      if (auto* mutex = std::exchange(mutex_, nullptr)) {
        if constexpr (Shared) {
          mutex->release_shared();
        } else {
          mutex->release();
        }
      }
    }

   private:
    SharedMutex* mutex_ = nullptr;
  };
  using Lock = Ownership<false>;       ///< the writer's
  using SharedLock = Ownership<true>;  ///< a reader's

  /// Waits until no reader and no writer holds it, then holds it alone.
  Task<Lock> lock();
  /// Waits until no writer holds it or waits for it, then holds it with the other readers.
  Task<SharedLock> lock_shared();
  /// The same without waiting: nothing when it would have to wait.
  std::optional<Lock> try_lock();
  std::optional<SharedLock> try_lock_shared();

  /// Readers holding it now.
  std::size_t readers() const noexcept { return readers_; }
  /// True while a writer holds it.
  bool locked() const noexcept { return writer_; }

 private:
  void release() noexcept;
  void release_shared() noexcept;

  std::size_t readers_ = 0;
  bool writer_ = false;
  // Woken only when what they wait for has been handed to them (readers_ or writer_ set).
  detail::WaitQueue waiting_readers_;
  detail::WaitQueue waiting_writers_;
};

}  // namespace asyncrt
