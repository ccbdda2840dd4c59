// Test that the header is self-contained.
#include <asyncrt/shared_mutex.hpp>

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

// Readers overlap, a writer is alone, and neither side starves: readers 1 and 2 read together
// from 0 to 10 ms; the writer, waiting from 1 ms, goes next (10-20 ms) although reader 3 came
// at 2 ms; reader 3 then reads (20-30 ms) before writer 2, who came at 3 ms (30-40 ms).
TEST(SharedMutex, ReadersOverlapWritersAreAloneAndNeitherStarves) {
  Runtime runtime(virtual_time());
  SharedMutex data;
  std::vector<std::string> log;
  std::size_t most_readers = 0;
  auto reader = [&](std::string name, Duration arrive) -> Task<void> {
    co_await sleep_for(arrive);
    auto lock = co_await data.lock_shared();
    EXPECT_FALSE(data.locked());
    most_readers = std::max(most_readers, data.readers());
    log.push_back(name + " in");
    co_await sleep_for(10ms);
  };
  auto writer = [&](std::string name, Duration arrive) -> Task<void> {
    co_await sleep_for(arrive);
    auto lock = co_await data.lock();
    EXPECT_EQ(data.readers(), 0u);
    log.push_back(name + " in");
    co_await sleep_for(10ms);
  };
  auto task = [&]() -> Task<void> {
    const auto start = runtime.now();
    co_await task_group([&](TaskGroup& group) -> Task<void> {
      group.spawn(reader("reader 1", 0ms), "reader 1");
      group.spawn(reader("reader 2", 0ms), "reader 2");
      group.spawn(writer("writer 1", 1ms), "writer 1");
      group.spawn(reader("reader 3", 2ms), "reader 3");
      group.spawn(writer("writer 2", 3ms), "writer 2");
      co_return;
    });
    EXPECT_EQ(runtime.now() - start, 40ms);
  };
  runtime.block_on(task());
  EXPECT_EQ(log, (std::vector<std::string>{"reader 1 in", "reader 2 in", "writer 1 in",
                                           "reader 3 in", "writer 2 in"}));
  EXPECT_EQ(most_readers, 2u);
  EXPECT_FALSE(data.locked());
  EXPECT_EQ(data.readers(), 0u);
}

TEST(SharedMutex, TryLockAndTryLockShared) {
  SharedMutex m;
  {
    auto reader = m.try_lock_shared();
    ASSERT_TRUE(reader);
    EXPECT_TRUE(m.try_lock_shared());  // a second reader (released at once)
    EXPECT_FALSE(m.try_lock());
  }
  {
    auto writer = m.try_lock();
    ASSERT_TRUE(writer);
    EXPECT_FALSE(m.try_lock_shared());
    writer->unlock();
    EXPECT_FALSE(m.locked());
    EXPECT_FALSE(writer->owns_lock());
  }
  EXPECT_TRUE(m.try_lock());
}

TEST(SharedMutex, ACancelledWaiterGetsNothingAndTheMutexStaysUsable) {
  Runtime runtime(virtual_time());
  SharedMutex m;
  auto task = [&]() -> Task<void> {
    auto reader = co_await m.lock_shared();
    EXPECT_THROW(co_await with_timeout(m.lock(), 5ms), TimeoutError);  // a writer gives up
    EXPECT_EQ(m.readers(), 1u);
    auto second_reader = co_await m.lock_shared();  // no writer waits any more
    EXPECT_EQ(m.readers(), 2u);
    reader.unlock();
    second_reader.unlock();
    auto writer = co_await m.lock();
    EXPECT_TRUE(m.locked());
  };
  runtime.block_on(task());
  EXPECT_FALSE(m.locked());
}

Task<void> wait_for(SharedMutex& m, bool shared) {
  if (shared) {
    auto lock = co_await m.lock_shared();
  } else {
    auto lock = co_await m.lock();
  }
}

TEST(SharedMutex, ShutdownWakesItsWaitersCancelled) {
  Runtime runtime;
  SharedMutex m;
  auto writer = m.try_lock();
  bool shared = false;
  testing::expect_shutdown_wakes_waiters(runtime, 2, [&] { return wait_for(m, shared = !shared); });
}

}  // namespace
}  // namespace asyncrt
