#pragma once
// Barrier: N tasks meet, then all go on together, round after round (Python's asyncio.Barrier,
// std::barrier for tasks: "every worker has finished this step").

#include <cstddef>

#include <asyncrt/detail/wait_queue.hpp>
#include <asyncrt/task.hpp>

namespace asyncrt {

/// arrive_and_wait() suspends the task until `parties` tasks have arrived; the last to arrive
/// releases the others (it does not suspend), and the next round begins at once.
///
/// Threads: use it from tasks on one loop; it is not thread-safe. Released tasks resume on their
/// own executor after the last arrival has gone on.
/// Cancellation: a task cancelled while waiting wakes with `operation_aborted` and leaves the
/// round (it no longer counts as arrived); the barrier stays usable. Destroying a Barrier with
/// tasks waiting wakes them with `operation_aborted`.
class Barrier {
 public:
  /// std::invalid_argument for 0 parties (nobody could ever pass).
  explicit Barrier(std::size_t parties);

  /// Arrives and waits for the round to fill. Returns how many had arrived before this task in
  /// its round: 0 for the first, parties() - 1 for the one that released the round.
  Task<std::size_t> arrive_and_wait();

  std::size_t parties() const noexcept { return parties_; }
  /// Tasks waiting in the current round.
  std::size_t waiting() const noexcept { return waiters_.size(); }
  /// Rounds completed so far.
  std::size_t rounds() const noexcept { return rounds_; }

 private:
  std::size_t parties_;
  std::size_t rounds_ = 0;
  detail::WaitQueue waiters_;
};

}  // namespace asyncrt
