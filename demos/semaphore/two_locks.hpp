#pragma once
// The deadlock, told as it happened: two tasks take two locks, and a watchdog calls it a
// deadlock only when it sees one, tasks that wait for each other in a circle. A wait that is
// merely long (one task works while holding what the other wants) is not a deadlock, however
// short the watchdog's patience.

#include <chrono>
#include <string>

#include <asyncrt/task.hpp>

namespace asyncrt::semaphore_demo {

/// What became of the two tasks.
struct TwoLocksRun {
  bool deadlock = false;
  /// When both finished, or when the watchdog saw the circle (ms on the loop's clock).
  double ms = 0;
  /// What happened, in words built from who held and who waited for which lock.
  std::string story;
};

/// task-A takes the printer, then the scanner; task-B the scanner, then the printer
/// (`same_order` false), or the printer, then the scanner, like A (true). Each holds its first
/// lock 10 ms before it asks for the second and both for 10 ms more. Every `check` a watchdog
/// looks at who holds and who waits: a circle of waits is a deadlock (both tasks are cancelled
/// and the story says who held what); anything else, it waits on. Runs on the caller's loop
/// (its clock, virtual or real).
Task<TwoLocksRun> two_locks(bool same_order, std::chrono::milliseconds check);

}  // namespace asyncrt::semaphore_demo
