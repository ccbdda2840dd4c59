// Test that the header is self-contained.
#include <asyncrt/time.hpp>

#include <atomic>
#include <stdexcept>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_future.hpp>
#include <gtest/gtest.h>

#include <asyncrt/runtime.hpp>
#include <asyncrt/when_all.hpp>

namespace asyncrt {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// On the real clock, with room for a busy machine (when_all_test has the exact figure on
// virtual time).
TEST(SleepFor, TenSleepsOfOneHundredMsOverlapOnOneThread) {
  Runtime runtime;
  auto ten = []() -> Task<void> {
    std::vector<Task<void>> sleeps;
    for (int i = 0; i < 10; ++i) sleeps.push_back(sleep_for(100ms));
    co_await when_all(std::move(sleeps));
  };
  const auto start = Clock::now();
  runtime.block_on(ten());
  const auto took = Clock::now() - start;
  EXPECT_GE(took, 100ms);
  EXPECT_LT(took, 900ms);  // serially they would take 1 s
}

TEST(SleepFor, ResumesOnTheLoop) {
  Runtime runtime;
  auto task = []() -> Task<std::thread::id> {
    co_await sleep_for(5ms);
    co_return std::this_thread::get_id();
  };
  EXPECT_EQ(runtime.block_on(task()), runtime.loop_thread_id());
}

TEST(SleepFor, SleepersWakeInDeadlineOrderOnTheRealClock) {
  // Set latest first, deadlines 2 ms apart: however late the loop gets to them, the earliest
  // wakes first. (The deadlines are counted from one instant 50 ms ahead, so that a slow start
  // of the sleepers, under a sanitizer on a loaded machine, cannot reorder them.)
  Runtime runtime;
  std::vector<int> woke;
  const auto start = std::chrono::steady_clock::now() + std::chrono::milliseconds(50);
  auto sleeper = [&](int i) -> Task<void> {
    co_await sleep_for(start + std::chrono::milliseconds(2 * i) - std::chrono::steady_clock::now());
    woke.push_back(i);
  };
  auto all = [&]() -> Task<void> {
    std::vector<Task<void>> sleepers;
    for (int i = 20; i > 0; --i) sleepers.push_back(sleeper(i));
    co_await when_all(std::move(sleepers));
  };
  runtime.block_on(all());
  std::vector<int> expected(20);
  for (int i = 0; i < 20; ++i) expected[i] = i + 1;
  EXPECT_EQ(woke, expected);
}

TEST(SleepFor, ANegativeOrEndlessDurationNeitherOverflowsNorHangs) {
  // A negative duration is due at once; a limit of Duration::max() never comes: the alarm's
  // deadline saturates instead of overflowing the clock's count (UBSan, in the asan preset,
  // fails the test on an overflow).
  Runtime runtime;
  auto quick = []() -> Task<int> {
    co_await sleep_for(Duration::min());
    co_await sleep_for(-1h);
    co_return 3;
  };
  auto task = [&]() -> Task<int> { co_return co_await with_timeout(quick(), Duration::max()); };
  const auto start = Clock::now();
  EXPECT_EQ(runtime.block_on(task()), 3);
  EXPECT_LT(Clock::now() - start, 5s);
}

TEST(SleepFor, WorksOnAPlainIoContextAndSaysSoOnAnExecutorWithoutOne) {
  // Without a Runtime, a task on any io_context may sleep; on another kind of executor it
  // gets a clear error instead of a timer it cannot have.
  boost::asio::io_context io;
  auto slept = boost::asio::co_spawn(io, sleep_for(1ms), boost::asio::use_future);
  io.run();
  EXPECT_NO_THROW(slept.get());
  boost::asio::thread_pool pool(1);
  auto refused = boost::asio::co_spawn(pool, sleep_for(1ms), boost::asio::use_future);
  // The pool thread lets go of the promise after setting the error; join it before reading
  // the error, or the two threads share the exception object (whose reference count ThreadSanitizer
  // cannot see inside libstdc++) and TSan reports a race.
  pool.join();
  try {
    refused.get();
    ADD_FAILURE() << "expected std::logic_error";
  } catch (const std::logic_error& e) {
    EXPECT_STREQ(e.what(), "asyncrt: sleep_for and with_timeout need an io_context");
  }
}

TEST(SleepFor, ASleepMadeButNeverAwaitedMayOutliveItsRuntime) {
  // Made on the loop, a sleep is bound to that Runtime's alarm clock before it starts; dropped
  // after the Runtime is gone, it must not reach for the clock (ASan would see it).
  std::vector<Task<void>> kept;  // (g++ 12 warns, wrongly, on an optional of one)
  bool made = false;
  {
    Runtime runtime;
    runtime.block_on([](std::vector<Task<void>>& kept, bool& made) -> Task<void> {
      kept.push_back(sleep_for(1h));
      made = true;
      co_return;
    }(kept, made));
  }
  EXPECT_TRUE(made);
  EXPECT_EQ(kept.size(), 1u);
  kept.clear();
}

TEST(WithTimeout, ReturnsTheValueWhenInTime) {
  Runtime runtime;
  auto quick = []() -> Task<int> {
    co_await sleep_for(1ms);
    co_return 7;
  };
  auto task = [&]() -> Task<int> { co_return co_await with_timeout(quick(), 5s); };
  EXPECT_EQ(runtime.block_on(task()), 7);
}

TEST(WithTimeout, ThrowsAClearErrorAndCancelsTheTask) {
  Runtime runtime;
  std::atomic<bool> cancelled{false};
  auto slow = [&]() -> Task<void> {
    try {
      co_await sleep_for(10s);
    } catch (const boost::system::system_error& e) {
      cancelled = e.code() == boost::asio::error::operation_aborted;
      throw;
    }
  };
  auto task = [&]() -> Task<void> { co_await with_timeout(slow(), 20ms, "the slow task"); };
  const auto start = Clock::now();
  try {
    runtime.block_on(task());
    FAIL() << "expected a timeout";
  } catch (const TimeoutError& e) {
    EXPECT_STREQ(e.what(), "asyncrt: the slow task timed out after 20 ms");
    EXPECT_EQ(e.limit(), 20ms);
  }
  EXPECT_TRUE(cancelled);
  EXPECT_LT(Clock::now() - start, 5s);
}

TEST(WithTimeout, AFailingTaskRethrowsItsOwnError) {
  Runtime runtime;
  auto failing = []() -> Task<int> {
    co_await sleep_for(1ms);
    throw std::invalid_argument("bad");
  };
  auto task = [&]() -> Task<int> { co_return co_await with_timeout(failing(), 5s); };
  EXPECT_THROW(runtime.block_on(task()), std::invalid_argument);
}

}  // namespace
}  // namespace asyncrt
