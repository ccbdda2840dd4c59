// Test that the header is self-contained.
#include <asyncrt/when_all.hpp>

#include <atomic>
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

#include <asyncrt/runtime.hpp>
#include <asyncrt/time.hpp>

namespace asyncrt {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

template <typename T>
Task<T> after(std::chrono::milliseconds delay, T value) {
  co_await sleep_for(delay);
  co_return value;
}

// Sleeps for a long time; counts itself when it is cancelled.
Task<void> sleeper(std::atomic<int>& cancelled) {
  try {
    co_await sleep_for(10s);
  } catch (const boost::system::system_error& e) {
    if (e.code() == boost::asio::error::operation_aborted) ++cancelled;
    throw;
  }
}

Task<int> fails_after(std::chrono::milliseconds delay, std::string message) {
  co_await sleep_for(delay);
  throw std::runtime_error(message);
}

TEST(WhenAll, FixedSetGivesResultsInArgumentOrder) {
  Runtime runtime;
  auto task = []() -> Task<std::tuple<int, std::string, std::monostate>> {
    // The first finishes last: order of results is argument order, not completion order.
    co_return co_await when_all(after(30ms, 1), after(1ms, std::string("two")), sleep_for(10ms));
  };
  const auto [one, two, three] = runtime.block_on(task());
  EXPECT_EQ(one, 1);
  EXPECT_EQ(two, "two");
  (void)three;
}

TEST(WhenAll, RangeGivesResultsInInputOrder) {
  Runtime runtime;
  auto task = []() -> Task<std::vector<int>> {
    std::vector<Task<int>> tasks;
    for (int i = 0; i < 10; ++i) tasks.push_back(after(std::chrono::milliseconds(20 - 2 * i), i));
    co_return co_await when_all(std::move(tasks));
  };
  EXPECT_EQ(runtime.block_on(task()), (std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
}

TEST(WhenAll, ChildrenThatNeverWaitGiveTheirValuesAndFailures) {
  // Every child ends inside the call that starts the group, so the group is complete before
  // its start returns: its end still comes back through the loop, as any completion does.
  Runtime runtime;
  auto value = [](int v) -> Task<int> { co_return v; };
  auto nothing = []() -> Task<void> { co_return; };
  auto failure = []() -> Task<int> { throw std::runtime_error("at once"); };
  auto task = [&]() -> Task<void> {
    const auto [a, b] = co_await when_all(value(1), nothing());
    EXPECT_EQ(a, 1);
    (void)b;
    std::vector<Task<int>> range;
    for (int i = 0; i < 5; ++i) range.push_back(value(i));
    const std::vector<int> values = co_await when_all(std::move(range));
    EXPECT_EQ(values, (std::vector<int>{0, 1, 2, 3, 4}));
    std::vector<Task<void>> voids;
    for (int i = 0; i < 3; ++i) voids.push_back(nothing());
    co_await when_all(std::move(voids));
    try {
      co_await when_all(value(2), failure());
      ADD_FAILURE() << "expected the child's failure";
    } catch (const std::runtime_error& e) {
      EXPECT_STREQ(e.what(), "at once");
    }
  };
  runtime.block_on(task());
}

TEST(WhenAll, EmptyRangeFinishesAtOnce) {
  Runtime runtime;
  auto task = []() -> Task<std::size_t> {
    auto values = co_await when_all(std::vector<Task<int>>{});
    co_await when_all(std::vector<Task<void>>{});
    co_return values.size();
  };
  EXPECT_EQ(runtime.block_on(task()), 0u);
}

// On virtual time, so the figure is exact: the sleeps overlap (100 ms, not 10 x 100 ms).
TEST(WhenAll, RunsConcurrently) {
  RuntimeOptions options;
  options.virtual_time = true;
  Runtime runtime(options);
  auto task = []() -> Task<Duration> {
    const auto start = now();
    std::vector<Task<void>> sleeps;
    for (int i = 0; i < 10; ++i) sleeps.push_back(sleep_for(100ms));
    co_await when_all(std::move(sleeps));
    co_return now() - start;
  };
  EXPECT_EQ(runtime.block_on(task()), Duration(100ms));
}

TEST(WhenAll, FirstFailureIsRethrownAfterTheOthersAreCancelled) {
  Runtime runtime;
  std::atomic<int> cancelled{0};
  auto task = [&]() -> Task<void> {
    co_await when_all(sleeper(cancelled), fails_after(10ms, "first"), sleeper(cancelled),
                      fails_after(40ms, "second"));
  };
  const auto start = Clock::now();
  try {
    runtime.block_on(task());
    FAIL() << "expected an exception";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "first");
  }
  EXPECT_EQ(cancelled, 2);  // both sleepers were cancelled, and waited for
  EXPECT_LT(Clock::now() - start, 5s);
}

TEST(WhenAll, RangeFailureCancelsTheRest) {
  Runtime runtime;
  std::atomic<int> cancelled{0};
  auto task = [&]() -> Task<void> {
    std::vector<Task<void>> tasks;
    for (int i = 0; i < 5; ++i) tasks.push_back(sleeper(cancelled));
    tasks.push_back([]() -> Task<void> { co_await fails_after(5ms, "boom"); }());
    co_await when_all(std::move(tasks));
  };
  EXPECT_THROW(runtime.block_on(task()), std::runtime_error);
  EXPECT_EQ(cancelled, 5);
}

TEST(WhenAll, CancellingTheParentCancelsEveryChild) {
  Runtime runtime;
  std::atomic<int> cancelled{0};
  auto task = [&]() -> Task<void> {
    co_await with_timeout(when_all(sleeper(cancelled), sleeper(cancelled), sleeper(cancelled)),
                          20ms);
  };
  EXPECT_THROW(runtime.block_on(task()), TimeoutError);
  EXPECT_EQ(cancelled, 3);
}

}  // namespace
}  // namespace asyncrt
