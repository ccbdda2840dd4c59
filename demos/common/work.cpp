#include "common/work.hpp"

#include <algorithm>
#include <cmath>
#include <condition_variable>
#include <mutex>

namespace asyncrt::demo {

namespace {

// Rounds between two looks at the stop token: a few microseconds of work.
constexpr std::uint64_t rounds_per_look = 2048;

// `rounds` steps of a 64-bit mixing function, each depending on the last: no compiler can
// shorten the chain or run its steps side by side.
std::uint64_t mix(std::uint64_t x, std::uint64_t rounds) {
  for (std::uint64_t i = 0; i < rounds; ++i) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    x ^= x >> 29;
  }
  return x;
}

// Where the result goes, so that the work has an effect the compiler must keep.
volatile std::uint64_t sink;

// Rounds per second over about 5 ms of work.
double measure_once() {
  using clock = std::chrono::steady_clock;
  std::uint64_t x = 1, rounds = 0;
  const auto start = clock::now();
  auto elapsed = clock::duration::zero();
  while (elapsed < std::chrono::milliseconds(5)) {
    x = mix(x, rounds_per_look);
    rounds += rounds_per_look;
    elapsed = clock::now() - start;
  }
  sink = x;
  return static_cast<double>(rounds) / std::chrono::duration<double>(elapsed).count();
}

}  // namespace

double work_rounds_per_second() {
  // The fastest of three: a measurement the scheduler interrupted reads slow.
  static const double rate = std::max({measure_once(), measure_once(), measure_once()});
  return rate;
}

std::uint64_t work_rounds_for(std::chrono::steady_clock::duration duration) {
  const double seconds = std::chrono::duration<double>(duration).count();
  return static_cast<std::uint64_t>(
      std::llround(std::max(0.0, seconds) * work_rounds_per_second()));
}

bool compute(std::uint64_t rounds, std::stop_token stop) {
  std::uint64_t x = rounds;
  while (rounds > 0) {
    if (stop.stop_requested()) return false;
    const std::uint64_t now = std::min(rounds, rounds_per_look);
    x = mix(x, now);
    rounds -= now;
  }
  sink = x;
  return !stop.stop_requested();
}

bool burn_cpu(std::chrono::steady_clock::duration duration, std::stop_token stop) {
  return compute(work_rounds_for(duration), stop);
}

bool sleep_unless_stopped(std::chrono::steady_clock::duration duration, std::stop_token stop) {
  std::mutex mutex;
  std::condition_variable_any wake;
  std::unique_lock lock(mutex);
  return !wake.wait_for(lock, stop, duration, [] { return false; });
}

}  // namespace asyncrt::demo
