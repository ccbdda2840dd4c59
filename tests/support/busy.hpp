#pragma once
// Burning CPU on purpose, to play a CPU-bound job in tests.

#include <chrono>

namespace asyncrt::testing {

/// Spins on the calling thread for `duration` without sleeping (holds the thread, like a
/// computation would).
inline void busy_for(std::chrono::steady_clock::duration duration) {
  const auto until = std::chrono::steady_clock::now() + duration;
  while (std::chrono::steady_clock::now() < until) {
  }
}

}  // namespace asyncrt::testing
