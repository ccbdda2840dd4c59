// Test that the header is self-contained.
#include <asyncrt/condition.hpp>

#include <deque>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <boost/system/system_error.hpp>

#include <asyncrt/runtime.hpp>
#include <asyncrt/task_group.hpp>
#include <asyncrt/time.hpp>

#include "support/waiting.hpp"

namespace asyncrt {
namespace {

using namespace std::chrono_literals;
using testing::virtual_time;

// A queue guarded by a mutex: two consumers wait for items, a producer adds three, 10 ms apart.
// Every item is taken once, in order, and a consumer only ever takes one holding the lock.
TEST(Condition, ConsumersWaitForTheDataAndEachItemIsTakenOnce) {
  Runtime runtime(virtual_time());
  Mutex mutex;
  Condition not_empty(mutex);
  std::deque<int> queue;
  std::vector<int> taken;
  bool done = false;
  auto consumer = [&]() -> Task<void> {
    for (;;) {
      auto lock = co_await mutex.lock();
      co_await not_empty.wait(lock, [&] { return !queue.empty() || done; });
      EXPECT_TRUE(lock.owns_lock());
      if (queue.empty()) co_return;
      taken.push_back(queue.front());
      queue.pop_front();
    }
  };
  auto producer = [&]() -> Task<void> {
    for (int i = 1; i <= 3; ++i) {
      co_await sleep_for(10ms);
      auto lock = co_await mutex.lock();
      queue.push_back(i);
      not_empty.notify_one();
    }
    auto lock = co_await mutex.lock();
    done = true;
    not_empty.notify_all();
  };
  auto task = [&]() -> Task<void> {
    co_await task_group([&](TaskGroup& group) -> Task<void> {
      group.spawn(consumer, "consumer 1");
      group.spawn(consumer, "consumer 2");
      group.spawn(producer, "producer");
      co_return;
    });
  };
  runtime.block_on(task());
  EXPECT_EQ(taken, (std::vector<int>{1, 2, 3}));
  EXPECT_FALSE(mutex.locked());
}

TEST(Condition, NotifyOneWakesTheLongestWaiterNotifyAllWakesEveryone) {
  Runtime runtime(virtual_time());
  Mutex mutex;
  Condition changed(mutex);
  std::vector<std::string> woken;
  auto waiter = [&](std::string name) -> Task<void> {
    auto lock = co_await mutex.lock();
    co_await changed.wait(lock);
    woken.push_back(name);
  };
  auto task = [&]() -> Task<void> {
    co_await task_group([&](TaskGroup& group) -> Task<void> {
      group.spawn(waiter("first"), "first");
      group.spawn(waiter("second"), "second");
      group.spawn(waiter("third"), "third");
      co_await sleep_for(1ms);
      changed.notify_one();
      co_await sleep_for(1ms);
      EXPECT_EQ(woken, std::vector<std::string>{"first"});
      changed.notify_all();
    });
  };
  runtime.block_on(task());
  EXPECT_EQ(woken, (std::vector<std::string>{"first", "second", "third"}));
}

// Cancelled while waiting, a task takes the mutex back before its wait throws: after wait(),
// whatever happened, the caller holds the lock (here: only once the holder lets go).
TEST(Condition, ACancelledWaiterHoldsTheLockAgainBeforeItsWaitThrows) {
  Runtime runtime(virtual_time());
  Mutex mutex;
  Condition never(mutex);
  bool held_after_abort = false;
  auto waiter = [&]() -> Task<void> {
    auto lock = co_await mutex.lock();
    try {
      co_await never.wait(lock);
    } catch (const boost::system::system_error& e) {
      held_after_abort = e.code() == boost::asio::error::operation_aborted && lock.owns_lock();
      throw;
    }
  };
  auto task = [&]() -> Task<void> {
    co_await task_group([&](TaskGroup& group) -> Task<void> {
      group.spawn(
          [&]() -> Task<void> {
            EXPECT_THROW(co_await with_timeout(waiter(), 10ms), TimeoutError);
          },
          "waiter");
      co_await sleep_for(5ms);
      auto holder = co_await mutex.lock();  // the waiter let go of it while waiting
      co_await sleep_for(10ms);             // the waiter was cancelled at 10 ms
      EXPECT_FALSE(held_after_abort);       // and waits for the mutex until we let go
    });
  };
  runtime.block_on(task());
  EXPECT_TRUE(held_after_abort);
  EXPECT_FALSE(mutex.locked());
}

TEST(Condition, WaitWithoutItsMutexHeldIsALogicError) {
  Runtime runtime;
  Mutex mutex, other;
  Condition condition(mutex);
  auto task = [&]() -> Task<void> {
    Mutex::Lock none;
    EXPECT_THROW(co_await condition.wait(none), std::logic_error);
    auto wrong = co_await other.lock();
    EXPECT_THROW(co_await condition.wait(wrong), std::logic_error);
    EXPECT_TRUE(wrong.owns_lock());
  };
  runtime.block_on(task());
}

Task<void> wait_forever(Mutex& mutex, Condition& never) {
  auto lock = co_await mutex.lock();
  co_await never.wait(lock);
}

TEST(Condition, ShutdownWakesItsWaitersCancelled) {
  Runtime runtime;
  Mutex mutex;
  Condition never(mutex);
  testing::expect_shutdown_wakes_waiters(runtime, 3, [&] { return wait_forever(mutex, never); });
  EXPECT_FALSE(mutex.locked());
}

}  // namespace
}  // namespace asyncrt
