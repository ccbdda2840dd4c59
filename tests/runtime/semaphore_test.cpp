// Test that the header is self-contained.
#include <asyncrt/semaphore.hpp>

#include <asyncrt/runtime.hpp>
#include <asyncrt/time.hpp>
#include <asyncrt/when_all.hpp>

#include <gtest/gtest.h>

#include <vector>

namespace asyncrt {
namespace {

using namespace std::chrono_literals;

TEST(Semaphore, AtMostNHoldersAtOnce) {
  // The lesson: 20 tasks share a pool of 5 database connections.
  Runtime runtime;
  Semaphore connections(5);
  int in_use = 0;  // on the loop only
  int most = 0;
  int served = 0;
  auto query = [&]() -> Task<void> {
    auto permit = co_await connections.hold();
    most = std::max(most, ++in_use);
    co_await sleep_for(5ms);
    --in_use;
    ++served;
  };
  auto all = [&]() -> Task<void> {
    std::vector<Task<void>> queries;
    for (int i = 0; i < 20; ++i) queries.push_back(query());
    co_await when_all(std::move(queries));
  };
  runtime.block_on(all());
  EXPECT_EQ(served, 20);
  EXPECT_EQ(most, 5);
  EXPECT_EQ(connections.available(), 5u);
}

TEST(Semaphore, WaitersAreServedInArrivalOrder) {
  Runtime runtime;
  Semaphore semaphore(0);
  std::vector<int> order;
  auto waiter = [&](int id) -> Task<void> {
    co_await semaphore.acquire();
    order.push_back(id);
  };
  auto all = [&]() -> Task<void> {
    std::vector<Task<void>> waiters;
    for (int i = 0; i < 5; ++i) waiters.push_back(waiter(i));
    auto releaser = [&]() -> Task<void> {
      co_await sleep_for(10ms);  // everyone is parked by now
      for (int i = 0; i < 5; ++i) semaphore.release();
    };
    waiters.push_back(releaser());
    co_await when_all(std::move(waiters));
  };
  runtime.block_on(all());
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4}));
  EXPECT_EQ(semaphore.available(), 0u);  // each release went straight to a waiter
}

TEST(Semaphore, CancelledWaiterHoldsNothingAndTheSemaphoreStaysUsable) {
  Runtime runtime;
  Semaphore semaphore(1);
  auto task = [&]() -> Task<std::size_t> {
    co_await semaphore.acquire();
    EXPECT_THROW(co_await with_timeout(semaphore.acquire(), 20ms), TimeoutError);
    semaphore.release();
    EXPECT_TRUE(semaphore.try_acquire());  // the cancelled waiter did not take it
    semaphore.release();
    co_return semaphore.available();
  };
  EXPECT_EQ(runtime.block_on(task()), 1u);
}

TEST(Semaphore, TryAcquireAndReleaseCount) {
  Semaphore semaphore(2);
  EXPECT_TRUE(semaphore.try_acquire());
  EXPECT_TRUE(semaphore.try_acquire());
  EXPECT_FALSE(semaphore.try_acquire());
  semaphore.release();
  EXPECT_EQ(semaphore.available(), 1u);
}

}  // namespace
}  // namespace asyncrt
