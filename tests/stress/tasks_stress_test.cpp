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
#include "stress/stressed_task.hpp"

namespace asyncrt::testing {
namespace {

using namespace std::chrono_literals;

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
  Runtime runtime(options_counting_into(tally));
  NeverReady never;

  auto spawner = [&]() -> Task<void> {
    co_await run_crowd(runtime, crowd, in_flight, seed, tally, never);
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
