// Test that the header is self-contained.
#include <asyncrt/mutex.hpp>

#include <asyncrt/runtime.hpp>
#include <asyncrt/time.hpp>
#include <asyncrt/when_all.hpp>

#include <gtest/gtest.h>

#include <stdexcept>
#include <vector>

namespace asyncrt {
namespace {

using namespace std::chrono_literals;

// The lesson's FakeDataStore: read the value, suspend, write back value + 1.
struct FakeDataStore {
  int value = 0;
};

Task<void> unsafe_update(FakeDataStore& store) {
  const int local = store.value;
  co_await sleep_for(20ms);
  store.value = local + 1;
}

Task<void> locked_update(FakeDataStore& store, Mutex& mutex) {
  auto lock = co_await mutex.lock();
  co_await unsafe_update(store);
}

TEST(Mutex, WithoutItUpdatesAreLostWithItNone) {
  Runtime runtime;
  FakeDataStore racy;
  FakeDataStore safe;
  Mutex mutex;
  auto run = [&]() -> Task<void> {
    co_await when_all(unsafe_update(racy), unsafe_update(racy), unsafe_update(racy));
    co_await when_all(locked_update(safe, mutex), locked_update(safe, mutex),
                      locked_update(safe, mutex));
  };
  runtime.block_on(run());
  // All three read before any writes back (they start together, the write comes 20 ms later):
  // updates are lost. Only if every task were delayed 20 ms could the race not show.
  EXPECT_LT(racy.value, 3);
  EXPECT_EQ(safe.value, 3);
  EXPECT_FALSE(mutex.locked());
}

TEST(Mutex, LockIsReleasedWhenTheOwnerThrows) {
  Runtime runtime;
  Mutex mutex;
  auto failing_owner = [&]() -> Task<void> {
    auto lock = co_await mutex.lock();
    co_await sleep_for(1ms);
    throw std::runtime_error("owner failed");
  };
  auto task = [&]() -> Task<bool> {
    EXPECT_THROW(co_await failing_owner(), std::runtime_error);
    co_return mutex.try_lock().has_value();
  };
  EXPECT_TRUE(runtime.block_on(task()));
}

TEST(Mutex, CancelledWaiterLeavesTheMutexUsable) {
  Runtime runtime;
  Mutex mutex;
  auto task = [&]() -> Task<bool> {
    {
      auto held = co_await mutex.lock();
      EXPECT_THROW(co_await with_timeout(mutex.lock(), 20ms), TimeoutError);
      EXPECT_TRUE(mutex.locked());
    }
    auto again = co_await mutex.lock();
    co_return mutex.locked();
  };
  EXPECT_TRUE(runtime.block_on(task()));
}

TEST(Mutex, TryLockFailsWhileLocked) {
  Mutex mutex;
  auto first = mutex.try_lock();
  ASSERT_TRUE(first.has_value());
  EXPECT_FALSE(mutex.try_lock().has_value());
  first.reset();
  EXPECT_FALSE(mutex.locked());
}

}  // namespace
}  // namespace asyncrt
