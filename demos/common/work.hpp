#pragma once
// Playing work and waits in the lesson's demos: compute for a while, or sleep on a thread in a
// way a stop request cuts short.
//
// The computing is real: a fixed amount of arithmetic, sized once per process so that one
// uncontended core does it in the time asked for. Two threads sharing one core therefore take
// twice as long, as real work would; a loop that spins until a clock says "done" would let a
// thread with half a core finish on time and show a parallel speedup that did not happen.

#include <chrono>
#include <cstdint>
#include <stop_token>

namespace asyncrt::demo {

/// How many rounds of the demos' arithmetic one core does in a second of CPU time, measured the
/// first time it is asked (about 15 ms of the calling thread's CPU time, so another program on
/// the core does not skew it) and the same for the rest of the process.
double work_rounds_per_second();

/// Computes on the calling thread what one uncontended core does in `duration` (a cook's hands
/// at work): never sleeps, and takes longer when the thread shares its core. Returns early,
/// false, if `stop` is requested (it looks every few microseconds).
bool burn_cpu(std::chrono::steady_clock::duration duration, std::stop_token stop = {});

/// Sleeps the calling thread for `duration` (it holds the thread but uses no CPU: a cook
/// standing at the pot). Returns early, false, if `stop` is requested.
bool sleep_unless_stopped(std::chrono::steady_clock::duration duration, std::stop_token stop = {});

}  // namespace asyncrt::demo
