#include <asyncrt/yield.hpp>

#include <string>

#include <gtest/gtest.h>

#include <asyncrt/runtime.hpp>
#include <asyncrt/when_all.hpp>

namespace asyncrt {
namespace {

// Two tasks that yield after each step take turns on the one loop thread.
TEST(Yield, TasksThatYieldTakeTurns) {
  Runtime runtime;
  std::string order;
  auto steps = [&](char name) -> Task<void> {
    for (int i = 0; i < 3; ++i) {
      EXPECT_TRUE(runtime.in_loop_thread());
      order += name;
      co_await yield();
    }
  };
  runtime.block_on(when_all(steps('a'), steps('b')));
  EXPECT_EQ(order, "ababab");
}

// Without yielding, the first task runs to its end before the second starts.
TEST(Yield, WithoutYieldTheFirstTaskRunsToTheEnd) {
  Runtime runtime;
  std::string order;
  auto steps = [&](char name) -> Task<void> {
    for (int i = 0; i < 3; ++i) order += name;
    co_return;
  };
  runtime.block_on(when_all(steps('a'), steps('b')));
  EXPECT_EQ(order, "aaabbb");
}

}  // namespace
}  // namespace asyncrt
