#include "common/work.hpp"

#include <algorithm>
#include <cmath>
#include <condition_variable>
#include <mutex>

#include <time.h>

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

// Where the result goes, so that the work has an effect the compiler must keep (one per
// thread: threads computing at once must not write one variable).
thread_local volatile std::uint64_t sink;

// The CPU time the calling thread has used: unlike the wall clock, it does not run on while
// another program has the core, so a busy machine does not make the work look slow.
double thread_cpu_seconds() {
  timespec now{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

// Rounds per second of CPU time, over about 5 ms of it. The clock is read every 64 Ki rounds
// (about 0.1 ms): reading it is a system call, whose cost would otherwise count as work.
double measure_once() {
  constexpr std::uint64_t rounds_per_reading = 65536;
  std::uint64_t x = 1, rounds = 0;
  const double start = thread_cpu_seconds();
  double elapsed = 0;
  while (elapsed < 0.005) {
    x = mix(x, rounds_per_reading);
    rounds += rounds_per_reading;
    elapsed = thread_cpu_seconds() - start;
  }
  sink = x;
  return static_cast<double>(rounds) / elapsed;
}

}  // namespace

double work_rounds_per_second() {
  // The fastest of three: a cold cache or a clock still speeding up reads slow.
  static const double rate = std::max({measure_once(), measure_once(), measure_once()});
  return rate;
}

bool burn_cpu(std::chrono::steady_clock::duration duration, std::stop_token stop) {
  const double seconds = std::max(0.0, std::chrono::duration<double>(duration).count());
  auto rounds = static_cast<std::uint64_t>(std::llround(seconds * work_rounds_per_second()));
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

bool sleep_unless_stopped(std::chrono::steady_clock::duration duration, std::stop_token stop) {
  std::mutex mutex;
  std::condition_variable_any wake;
  std::unique_lock lock(mutex);
  return !wake.wait_for(lock, stop, duration, [] { return false; });
}

}  // namespace asyncrt::demo
