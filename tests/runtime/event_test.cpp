// Test that the header is self-contained.
#include <asyncrt/event.hpp>

#include <asyncrt/runtime.hpp>
#include <asyncrt/time.hpp>
#include <asyncrt/when_all.hpp>

#include <gtest/gtest.h>

#include <vector>

namespace asyncrt {
namespace {

using namespace std::chrono_literals;

TEST(Event, SetWakesEveryWaiter) {
  Runtime runtime;
  Event stop;
  int woken = 0;
  auto waiter = [&]() -> Task<void> {
    co_await stop.wait();
    ++woken;
  };
  auto setter = [&]() -> Task<void> {
    co_await sleep_for(10ms);
    EXPECT_EQ(woken, 0);
    stop.set();
  };
  auto all = [&]() -> Task<void> { co_await when_all(waiter(), waiter(), waiter(), setter()); };
  runtime.block_on(all());
  EXPECT_EQ(woken, 3);
}

TEST(Event, WaitReturnsAtOnceWhileSetAndSuspendsAfterClear) {
  Runtime runtime;
  Event event;
  event.set();
  auto task = [&]() -> Task<void> {
    co_await event.wait();  // set: no suspension needed
    event.clear();
    EXPECT_THROW(co_await with_timeout(event.wait(), 20ms), TimeoutError);
    event.set();
    co_await event.wait();  // the cancelled waiter left nothing behind
  };
  runtime.block_on(task());
  EXPECT_TRUE(event.is_set());
}

}  // namespace
}  // namespace asyncrt
