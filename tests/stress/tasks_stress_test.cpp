// A million detached tasks that each sleep, yield, offload, fail or are cancelled at random,
// then a shutdown with long sleepers still waiting: every task is accounted for.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>

#include <fmt/core.h>
#include <gtest/gtest.h>

#include <asyncrt/asyncrt.hpp>

#include "stress/stress_size.hpp"

namespace asyncrt::testing {
namespace {

using namespace std::chrono_literals;
using std::chrono::microseconds;

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

std::uint64_t sum_to(std::uint64_t n) {
  std::uint64_t sum = 0;
  for (std::uint64_t i = 1; i <= n; ++i) sum += i;
  return sum;
}

// One task of the crowd: what it does is drawn from `seed`.
// Its permit (one of the in-flight slots) is held until the task ends, however it ends.
Task<void> stressed([[maybe_unused]] Semaphore::Permit permit, std::uint64_t seed, Tally& tally,
                    NeverReady& never) {
  std::mt19937_64 random(seed);
  const auto draw = random() % 10;
  if (draw < 2) {
    co_await sleep_for(microseconds(random() % 1000));
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
    const auto limit = microseconds(random() % 200);
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

Task<void> sleeps_an_hour() {
  co_await sleep_for(1h);
}

TEST(TasksStress, EveryTaskOfAMillionIsAccountedFor) {
  const std::size_t crowd = stress_size(1'000'000);
  const std::size_t sleepers = 1000;     // still waiting when the runtime shuts down
  const std::size_t in_flight = 10'000;  // at most this many of the crowd at once
  const std::uint64_t seed = 20261123;
  fmt::print("{} tasks (at most {} at once), then {} long sleepers; seed {}\n", crowd, in_flight,
             sleepers, seed);

  Tally tally;
  RuntimeOptions options;
  options.detect_stalls = false;  // sanitizers make the loop slow; not what this test is about
  options.on_task_failure = [&](std::string_view name, std::exception_ptr error) {
    ++tally.failure_reports;
    try {
      std::rethrow_exception(error);
    } catch (const PlannedFailure&) {
      if (name.rfind("stress-", 0) != 0) ++tally.wrong;  // reported under the task's name
    } catch (...) {
      ++tally.wrong;
    }
  };
  Runtime runtime(options);
  NeverReady never;
  Semaphore slots(in_flight);

  auto spawner = [&]() -> Task<void> {
    std::mt19937_64 seeds(seed);
    for (std::size_t i = 0; i < crowd; ++i) {
      auto permit = co_await slots.hold();
      runtime.spawn(stressed(std::move(permit), seeds(), tally, never),
                    fmt::format("stress-{}", i));
    }
    for (std::size_t i = 0; i < in_flight; ++i) co_await slots.acquire();  // the crowd is done
    for (std::size_t i = 0; i < sleepers; ++i) {
      runtime.spawn(sleeps_an_hour(), fmt::format("sleeper-{}", i));
    }
    co_await yield();  // the sleepers start waiting
  };
  runtime.block_on(with_timeout(spawner(), 10min, "the stress run"), "spawner");

  EXPECT_EQ(tally.wrong, 0u);
  EXPECT_EQ(tally.completed + tally.timed_out + tally.failure_reports, crowd);
  EXPECT_GT(tally.completed, 0u);
  EXPECT_GT(tally.timed_out, 0u);
  EXPECT_GT(tally.failure_reports, 0u);
  // The runtime counted the same: a task that returned (also after a timeout) completed.
  EXPECT_EQ(runtime.completed_tasks(), tally.completed + tally.timed_out);
  EXPECT_EQ(runtime.failed_tasks(), tally.failure_reports.load());

  // Shutdown with a thousand timers pending cancels every sleeper, promptly.
  const auto start = std::chrono::steady_clock::now();
  runtime.shutdown();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  EXPECT_EQ(runtime.cancelled_tasks(), sleepers);
  EXPECT_EQ(runtime.completed_tasks() + runtime.failed_tasks() + runtime.cancelled_tasks(),
            crowd + sleepers);
  fmt::print("completed {}, timed out {}, failed {}, cancelled by shutdown {}\n",
             tally.completed.load(), tally.timed_out.load(), tally.failure_reports.load(),
             runtime.cancelled_tasks());
}

}  // namespace
}  // namespace asyncrt::testing
