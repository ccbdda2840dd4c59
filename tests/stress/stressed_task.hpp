#pragma once
// The stress test's random task, shared with the soak (asyncrt-soak): each draws from its seed
// one of sleeping, yielding, offloading, failing, or being cancelled (by with_timeout) while it
// waits on a timer, an offloaded job, an event, a semaphore or a channel, and counts itself.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <random>
#include <stdexcept>
#include <stop_token>
#include <string_view>
#include <thread>

#include <fmt/core.h>

#include <asyncrt/asyncrt.hpp>

namespace asyncrt::testing {

using namespace std::chrono_literals;

struct PlannedFailure : std::runtime_error {
  PlannedFailure() : std::runtime_error("planned failure") {}
};

// What the tasks counted themselves; each task adds exactly one to one of the first three.
struct Tally {
  std::atomic<std::size_t> completed{0};
  std::atomic<std::size_t> timed_out{0};  // cancelled by with_timeout, then returned normally
  std::atomic<std::size_t> failure_reports{0};
  std::atomic<std::size_t> wrong{0};  // anything that must not happen (a wrong value, a late wake)
};

// Something to wait on that never comes: cancellation is the only way out.
struct NeverReady {
  Event event;
  Semaphore no_permits{0};
  Channel<int> empty{1};
};

inline std::uint64_t sum_to(std::uint64_t n) {
  std::uint64_t sum = 0;
  for (std::uint64_t i = 1; i <= n; ++i) sum += i;
  return sum;
}

// One task of the crowd: what it does is drawn from `seed`.
// Its permit (one of the in-flight slots) is held until the task ends, however it ends.
inline Task<void> stressed([[maybe_unused]] Semaphore::Permit permit, std::uint64_t seed,
                           Tally& tally, NeverReady& never) {
  std::mt19937_64 random(seed);
  const auto draw = random() % 10;
  if (draw < 2) {
    co_await sleep_for(std::chrono::microseconds(random() % 1000));
  } else if (draw < 4) {
    for (auto turns = 1 + random() % 3; turns > 0; --turns) co_await yield();
  } else if (draw < 7) {
    const std::uint64_t n = random() % 1000;
    if (co_await offload([n] { return sum_to(n); }) != n * (n + 1) / 2) ++tally.wrong;
  } else if (draw < 8) {
    throw PlannedFailure();  // escapes: the runtime reports it with the task's name
  } else {
    // Cancelled at a random moment while waiting on a timer, an offloaded job that watches
    // its stop token, an event, a semaphore or a channel.
    const auto limit = std::chrono::microseconds(random() % 200);
    try {
      switch (random() % 5) {
        case 0:
          co_await with_timeout(sleep_for(1h), limit);
          break;
        case 1:
          co_await with_timeout(offload([](std::stop_token stop) {
                                  while (!stop.stop_requested()) std::this_thread::yield();
                                }),
                                limit);
          break;
        case 2:
          co_await with_timeout(never.event.wait(), limit);
          break;
        case 3:
          co_await with_timeout(never.no_permits.acquire(), limit);
          break;
        default:
          co_await with_timeout(never.empty.receive(), limit);
          break;
      }
      ++tally.wrong;  // it came back without being cancelled
    } catch (const TimeoutError&) {
      ++tally.timed_out;
      co_return;
    }
  }
  ++tally.completed;
}

// A Runtime's options for the stressed tasks: their failures counted in `tally` (a planned
// failure, reported under the task's name, is right; anything else is wrong).
inline RuntimeOptions options_counting_into(Tally& tally) {
  RuntimeOptions options;
  options.detect_stalls = false;  // sanitizers make the loop slow; not what this is about
  options.on_task_failure = [&tally](std::string_view name, std::exception_ptr error) {
    ++tally.failure_reports;
    try {
      std::rethrow_exception(error);
    } catch (const PlannedFailure&) {
      if (name.rfind("stress-", 0) != 0) ++tally.wrong;
    } catch (...) {
      ++tally.wrong;
    }
  };
  return options;
}

// Spawns `count` stressed tasks detached on `runtime`, named "stress-<i>", with at most
// `in_flight` alive at once, and returns when every one has ended.
inline Task<void> run_crowd(Runtime& runtime, std::size_t count, std::size_t in_flight,
                            std::uint64_t seed, Tally& tally, NeverReady& never) {
  Semaphore slots(in_flight);
  std::mt19937_64 seeds(seed);
  for (std::size_t i = 0; i < count; ++i) {
    auto permit = co_await slots.hold();
    runtime.spawn(stressed(std::move(permit), seeds(), tally, never), fmt::format("stress-{}", i));
  }
  for (std::size_t i = 0; i < in_flight; ++i) co_await slots.acquire();  // the crowd is done
}

}  // namespace asyncrt::testing
