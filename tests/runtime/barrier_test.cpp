// Test that the header is self-contained.
#include <asyncrt/barrier.hpp>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <asyncrt/runtime.hpp>
#include <asyncrt/task_group.hpp>
#include <asyncrt/time.hpp>

#include "support/waiting.hpp"

namespace asyncrt {
namespace {

using namespace std::chrono_literals;
using testing::virtual_time;

// Three workers take 10, 20 and 30 ms per step; each step, all wait for the slowest: every
// round ends at a multiple of 30 ms, and nobody starts step 2 before everyone finished step 1.
TEST(Barrier, EveryRoundWaitsForTheSlowestAndTheNextBeginsAtOnce) {
  Runtime runtime(virtual_time());
  Barrier step(3);
  std::vector<std::string> log;
  std::vector<std::size_t> places;
  auto task = [&]() -> Task<void> {
    const auto start = runtime.now();
    co_await task_group([&](TaskGroup& group) -> Task<void> {
      for (int w = 1; w <= 3; ++w) {
        group.spawn(
            [&, w]() -> Task<void> {
              for (int round = 1; round <= 2; ++round) {
                co_await sleep_for(w * 10ms);
                log.push_back("w" + std::to_string(w) + " done " + std::to_string(round));
                places.push_back(co_await step.arrive_and_wait());
                EXPECT_EQ(runtime.now() - start, round * 30ms);
              }
            },
            "worker");
      }
      co_return;
    });
  };
  runtime.block_on(task());
  EXPECT_EQ(step.rounds(), 2u);
  // Round 1's three lines all come before round 2's.
  const auto first_of_round_2 =
      std::find_if(log.begin(), log.end(), [](const auto& l) { return l.ends_with("2"); });
  EXPECT_EQ(first_of_round_2 - log.begin(), 3);
  // The places in each round are 0, 1, 2: w1 arrives first, w3 releases the round.
  EXPECT_EQ(places, (std::vector<std::size_t>{2, 0, 1, 2, 0, 1}));
}

TEST(Barrier, ACancelledWaiterLeavesTheRound) {
  Runtime runtime(virtual_time());
  Barrier pair(2);
  auto task = [&]() -> Task<void> {
    EXPECT_THROW(co_await with_timeout(pair.arrive_and_wait(), 10ms), TimeoutError);
    EXPECT_EQ(pair.waiting(), 0u);  // it left: the round is empty again
    std::size_t a = 9, b = 9;
    co_await task_group([&](TaskGroup& group) -> Task<void> {
      group.spawn([&]() -> Task<void> { a = co_await pair.arrive_and_wait(); }, "a");
      group.spawn([&]() -> Task<void> { b = co_await pair.arrive_and_wait(); }, "b");
      co_return;
    });
    EXPECT_EQ(a, 0u);
    EXPECT_EQ(b, 1u);
  };
  runtime.block_on(task());
  EXPECT_EQ(pair.rounds(), 1u);
}

TEST(Barrier, OnePartyNeverWaitsAndNoPartyIsRefused) {
  Runtime runtime;
  Barrier alone(1);
  auto task = [&]() -> Task<void> {
    EXPECT_EQ(co_await alone.arrive_and_wait(), 0u);
    EXPECT_EQ(co_await alone.arrive_and_wait(), 0u);
  };
  runtime.block_on(task());
  EXPECT_EQ(alone.rounds(), 2u);
  EXPECT_THROW(Barrier(0), std::invalid_argument);
}

TEST(Barrier, ShutdownWakesItsWaitersCancelled) {
  Runtime runtime;
  Barrier never(3);
  testing::expect_shutdown_wakes_waiters(runtime, 2, [&]() -> Task<void> {
    return [](Barrier& barrier) -> Task<void> { co_await barrier.arrive_and_wait(); }(never);
  });
}

}  // namespace
}  // namespace asyncrt
