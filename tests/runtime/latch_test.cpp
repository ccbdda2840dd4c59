// Test that the header is self-contained.
#include <asyncrt/latch.hpp>

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

// Three workers get ready at 10, 20 and 30 ms; the waiters go on at 30 ms, not before.
TEST(Latch, WaitersGoOnWhenTheCountReachesZero) {
  Runtime runtime(virtual_time());
  Latch ready(3);
  std::vector<std::string> log;
  auto task = [&]() -> Task<void> {
    const auto start = runtime.now();
    co_await task_group([&](TaskGroup& group) -> Task<void> {
      for (int i = 1; i <= 3; ++i) {
        group.spawn(
            [&, i]() -> Task<void> {
              co_await sleep_for(i * 10ms);
              log.push_back("ready " + std::to_string(i));
              ready.count_down();
            },
            "worker");
      }
      for (int i = 0; i < 2; ++i) {
        group.spawn(
            [&]() -> Task<void> {
              co_await ready.wait();
              EXPECT_EQ(runtime.now() - start, 30ms);
              log.push_back("go");
            },
            "waiter");
      }
      co_return;
    });
  };
  runtime.block_on(task());
  EXPECT_EQ(log, (std::vector<std::string>{"ready 1", "ready 2", "ready 3", "go", "go"}));
  EXPECT_TRUE(ready.try_wait());
}

TEST(Latch, ArriveAndWaitAndAnOpenLatchReturnsAtOnce) {
  Runtime runtime(virtual_time());
  Latch both(2);
  int through = 0;
  auto arrive = [&]() -> Task<void> {
    co_await both.arrive_and_wait();
    ++through;
  };
  auto task = [&]() -> Task<void> {
    co_await task_group([&](TaskGroup& group) -> Task<void> {
      group.spawn(arrive, "a");
      EXPECT_EQ(through, 0);  // one of two: waiting
      group.spawn(arrive, "b");
      co_return;
    });
    co_await both.wait();  // open: no wait
  };
  runtime.block_on(task());
  EXPECT_EQ(through, 2);
  EXPECT_EQ(both.count(), 0u);
}

TEST(Latch, CountingDownPastZeroIsALogicErrorAndChangesNothing) {
  Latch latch(2);
  try {
    latch.count_down(3);
    ADD_FAILURE() << "no error";
  } catch (const std::logic_error& e) {
    EXPECT_NE(std::string(e.what()).find("count_down(3) with a count of 2"), std::string::npos)
        << e.what();
  }
  EXPECT_EQ(latch.count(), 2u);
}

TEST(Latch, ACancelledWaiterLeavesTheCountAlone) {
  Runtime runtime(virtual_time());
  Latch latch(1);
  auto task = [&]() -> Task<void> {
    EXPECT_THROW(co_await with_timeout(latch.wait(), 10ms), TimeoutError);
    EXPECT_EQ(latch.count(), 1u);
    latch.count_down();
    co_await latch.wait();
  };
  runtime.block_on(task());
}

TEST(Latch, ShutdownWakesItsWaitersCancelled) {
  Runtime runtime;
  Latch never(1);
  testing::expect_shutdown_wakes_waiters(runtime, 3, [&] { return never.wait(); });
}

}  // namespace
}  // namespace asyncrt
