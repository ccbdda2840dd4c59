// Test that the header is self-contained.
#include <asyncrt/map.hpp>

#include <atomic>
#include <mutex>
#include <set>
#include <stdexcept>
#include <stop_token>
#include <thread>

#include <gtest/gtest.h>

#include <asyncrt/runtime.hpp>
#include <asyncrt/time.hpp>

namespace asyncrt {
namespace {

using namespace std::chrono_literals;

TEST(Map, PlainFunctionIsOffloadedAndResultsKeepInputOrder) {
  // The lesson's Pool().map(double, [1..5]) -> [2, 4, 6, 8, 10].
  Runtime runtime({.cpu_threads = 2});
  std::mutex mutex;
  std::set<std::thread::id> threads;
  auto task = [&]() -> Task<std::vector<int>> {
    const std::vector<int> numbers{1, 2, 3, 4, 5};
    co_return co_await map(
        [&](int x) {
          std::lock_guard lock(mutex);
          threads.insert(std::this_thread::get_id());
          return 2 * x;
        },
        numbers, 2);
  };
  EXPECT_EQ(runtime.block_on(task()), (std::vector<int>{2, 4, 6, 8, 10}));
  EXPECT_FALSE(threads.contains(runtime.loop_thread_id()));
}

TEST(Map, TaskFunctionResultsKeepInputOrderWhateverFinishesFirst) {
  Runtime runtime;
  auto task = []() -> Task<std::vector<int>> {
    const std::vector<int> delays{40, 30, 20, 10, 0};
    co_return co_await map(
        [](int delay) -> Task<int> {
          co_await sleep_for(std::chrono::milliseconds(delay));
          co_return delay;
        },
        delays, 5);
  };
  EXPECT_EQ(runtime.block_on(task()), (std::vector<int>{40, 30, 20, 10, 0}));
}

TEST(Map, NeverRunsMoreThanMaxConcurrencyAtOnce) {
  Runtime runtime;
  int in_flight = 0;  // touched on the loop only
  int most = 0;
  int calls = 0;
  auto task = [&]() -> Task<std::vector<int>> {
    std::vector<int> items(20);
    co_return co_await map(
        [&](int) -> Task<int> {
          ++calls;
          most = std::max(most, ++in_flight);
          co_await sleep_for(5ms);
          --in_flight;
          co_return 0;
        },
        items, 3);
  };
  EXPECT_EQ(runtime.block_on(task()).size(), 20u);
  EXPECT_EQ(calls, 20);
  EXPECT_EQ(most, 3);
}

TEST(Map, FirstFailureIsRethrownAndTheRestAreNotStarted) {
  Runtime runtime;
  int started = 0;
  auto task = [&]() -> Task<std::vector<int>> {
    std::vector<int> items{0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    co_return co_await map(
        [&](int i) -> Task<int> {
          ++started;
          co_await sleep_for(1ms);
          if (i == 2) throw std::runtime_error("item 2");
          co_return i;
        },
        items, 2);
  };
  EXPECT_THROW(runtime.block_on(task()), std::runtime_error);
  EXPECT_LT(started, 10);
}

TEST(Map, PlainFunctionTakingAStopTokenSeesCancellation) {
  Runtime runtime;
  std::atomic<int> saw_stop{0};
  auto task = [&]() -> Task<std::vector<int>> {
    std::vector<int> items{1, 2};
    co_return co_await with_timeout(map(
                                        [&](int x, std::stop_token stop) {
                                          while (!stop.stop_requested()) std::this_thread::yield();
                                          ++saw_stop;
                                          return x;
                                        },
                                        items, 2),
                                    30ms, "map");
  };
  EXPECT_THROW(runtime.block_on(task()), TimeoutError);
  EXPECT_EQ(saw_stop, 2);
}

TEST(Map, EmptyInputGivesEmptyOutput) {
  Runtime runtime;
  auto task = []() -> Task<std::vector<int>> {
    co_return co_await map([](int x) { return x; }, std::vector<int>(), 4);
  };
  EXPECT_TRUE(runtime.block_on(task()).empty());
}

TEST(Map, ZeroConcurrencyIsAnError) {
  Runtime runtime;
  auto task = []() -> Task<std::vector<int>> {
    co_return co_await map([](int x) { return x; }, std::vector<int>(3), 0);
  };
  EXPECT_THROW(runtime.block_on(task()), std::invalid_argument);
}

TEST(ForEach, PlainFunctionRunsOncePerItemOnThePool) {
  Runtime runtime({.cpu_threads = 2});
  std::mutex mutex;
  std::multiset<int> seen;
  std::set<std::thread::id> threads;
  auto task = [&]() -> Task<void> {
    const std::vector<int> items{1, 2, 3, 4, 5, 5};
    co_await for_each(
        [&](int x) {
          std::lock_guard lock(mutex);
          seen.insert(x);
          threads.insert(std::this_thread::get_id());
        },
        items, 2);
  };
  runtime.block_on(task());
  EXPECT_EQ(seen, (std::multiset<int>{1, 2, 3, 4, 5, 5}));
  EXPECT_FALSE(threads.contains(runtime.loop_thread_id()));
}

TEST(ForEach, TaskFunctionsRunOnTheLoopAtMostMaxConcurrencyAtOnce) {
  Runtime runtime;
  int in_flight = 0;  // touched on the loop only
  int most = 0;
  int calls = 0;
  bool off_loop = false;
  auto task = [&]() -> Task<void> {
    co_await for_each(
        [&](int) -> Task<void> {
          ++calls;
          off_loop |= !runtime.in_loop_thread();
          most = std::max(most, ++in_flight);
          co_await sleep_for(2ms);
          --in_flight;
        },
        std::vector<int>(12), 4);
  };
  runtime.block_on(task());
  EXPECT_EQ(calls, 12);
  EXPECT_EQ(most, 4);
  EXPECT_FALSE(off_loop);
}

TEST(ForEach, AValueTheFunctionReturnsIsDropped) {
  Runtime runtime;
  std::atomic<int> sum{0};
  auto task = [&]() -> Task<void> {
    const std::vector<int> items{1, 2, 3};
    co_await for_each([&](int x) { return sum += x; }, items, 3);
  };
  runtime.block_on(task());
  EXPECT_EQ(sum, 6);
}

TEST(ForEach, FirstFailureIsRethrownAndTheRestAreNotStarted) {
  Runtime runtime;
  int started = 0;
  auto task = [&]() -> Task<void> {
    const std::vector<int> items{0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    co_await for_each(
        [&](int i) -> Task<void> {
          ++started;
          co_await sleep_for(1ms);
          if (i == 2) throw std::runtime_error("item 2");
        },
        items, 2);
  };
  EXPECT_THROW(runtime.block_on(task()), std::runtime_error);
  EXPECT_LT(started, 10);
}

TEST(ForEach, ZeroConcurrencyIsAnErrorThatNamesForEach) {
  Runtime runtime;
  auto task = []() -> Task<void> { co_await for_each([](int) {}, std::vector<int>(3), 0); };
  try {
    runtime.block_on(task());
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "asyncrt::for_each: max_concurrency must be at least 1 (got 0)");
  }
}

}  // namespace
}  // namespace asyncrt
