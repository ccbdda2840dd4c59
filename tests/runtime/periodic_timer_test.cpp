// Test that the header is self-contained.
#include <asyncrt/periodic_timer.hpp>

#include <stdexcept>
#include <vector>

#include <gtest/gtest.h>

#include <asyncrt/runtime.hpp>
#include <asyncrt/time.hpp>

#include "support/waiting.hpp"

namespace asyncrt {
namespace {

using namespace std::chrono_literals;
using testing::virtual_time;

// 30 ms of work every 100 ms: on the timer each round starts on the grid (100, 200, 300 ms);
// a loop over sleep_for(100ms) starts them at 130, 260, 390 ms, drifting by the work each time.
TEST(PeriodicTimer, TicksOnTheGridWhereASleepLoopDrifts) {
  Runtime runtime(virtual_time());
  std::vector<Duration> timer_rounds, sleep_rounds;
  auto task = [&]() -> Task<void> {
    auto start = runtime.now();
    PeriodicTimer timer(100ms);
    for (std::uint64_t expected = 1; expected <= 3; ++expected) {
      busy_for(30ms);  // the work
      EXPECT_EQ(co_await timer.tick(), expected);
      timer_rounds.push_back(runtime.now() - start);
    }
    start = runtime.now();
    for (int i = 0; i < 3; ++i) {
      busy_for(30ms);
      co_await sleep_for(100ms);
      sleep_rounds.push_back(runtime.now() - start);
    }
  };
  runtime.block_on(task());
  EXPECT_EQ(timer_rounds, (std::vector<Duration>{100ms, 200ms, 300ms}));
  EXPECT_EQ(sleep_rounds, (std::vector<Duration>{130ms, 260ms, 390ms}));
}

// Work longer than the period: the ticks it overran are skipped, not fired in a burst, and
// the next tick is still on the grid.
TEST(PeriodicTimer, MissedTicksAreSkippedAndTheGridKept) {
  Runtime runtime(virtual_time());
  auto task = [&]() -> Task<void> {
    const auto start = runtime.now();
    PeriodicTimer timer(100ms);
    EXPECT_EQ(co_await timer.tick(), 1u);
    busy_for(250ms);                       // past ticks 2 and 3 (at 200 and 300 ms): now at 350 ms
    EXPECT_EQ(co_await timer.tick(), 3u);  // at once: the latest that passed
    EXPECT_EQ(runtime.now() - start, 350ms);
    EXPECT_EQ(co_await timer.tick(), 4u);  // back on the grid
    EXPECT_EQ(runtime.now() - start, 400ms);
    EXPECT_EQ(timer.ticks(), 4u);
  };
  runtime.block_on(task());
}

TEST(PeriodicTimer, ACancelledTickLeavesTheGridAlone) {
  Runtime runtime(virtual_time());
  auto task = [&]() -> Task<void> {
    const auto start = runtime.now();
    PeriodicTimer timer(100ms);
    EXPECT_THROW(co_await with_timeout(timer.tick(), 30ms), TimeoutError);
    EXPECT_EQ(timer.ticks(), 0u);
    EXPECT_EQ(co_await timer.tick(), 1u);
    EXPECT_EQ(runtime.now() - start, 100ms);
  };
  runtime.block_on(task());
}

TEST(PeriodicTimer, APeriodOfZeroOrLessIsRefused) {
  EXPECT_THROW(PeriodicTimer(0ms), std::invalid_argument);
  EXPECT_THROW(PeriodicTimer(-5ms), std::invalid_argument);
}

Task<void> tick_once(Duration period) {
  PeriodicTimer timer(period);
  co_await timer.tick();
}

TEST(PeriodicTimer, ShutdownWakesATickCancelled) {
  Runtime runtime;
  testing::expect_shutdown_wakes_waiters(runtime, 1, [] { return tick_once(1h); });
}

}  // namespace
}  // namespace asyncrt
