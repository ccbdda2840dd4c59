#pragma once
// Playing work and waits in the lesson's demos: burn the CPU for a while, or sleep on a thread
// in a way a stop request cuts short.

#include <chrono>
#include <stop_token>

namespace asyncrt::demo {

/// Keeps the calling thread busy computing for `duration` (a cook's hands at work): spins,
/// never sleeps. Returns early, false, if `stop` is requested.
bool burn_cpu(std::chrono::steady_clock::duration duration, std::stop_token stop = {});

/// Sleeps the calling thread for `duration` (it holds the thread but uses no CPU: a cook
/// standing at the pot). Returns early, false, if `stop` is requested.
bool sleep_unless_stopped(std::chrono::steady_clock::duration duration, std::stop_token stop = {});

}  // namespace asyncrt::demo
