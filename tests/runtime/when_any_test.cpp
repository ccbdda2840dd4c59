// Test that the header is self-contained.
#include <asyncrt/when_any.hpp>

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
Task<T> after(std::chrono::milliseconds delay, T value, std::atomic<int>* cancelled = nullptr) {
  try {
    co_await sleep_for(delay);
  } catch (const boost::system::system_error&) {
    if (cancelled) ++*cancelled;
    throw;
  }
  co_return value;
}

TEST(WhenAny, FixedSetGivesTheFirstToFinishAndCancelsTheOthers) {
  Runtime runtime;
  std::atomic<int> cancelled{0};
  auto task = [&]() -> Task<std::variant<int, std::string>> {
    co_return co_await when_any(after(10s, 1, &cancelled), after(5ms, std::string("fast")));
  };
  const auto start = Clock::now();
  const auto first = runtime.block_on(task());
  ASSERT_EQ(first.index(), 1u);
  EXPECT_EQ(std::get<1>(first), "fast");
  EXPECT_EQ(cancelled, 1);
  EXPECT_LT(Clock::now() - start, 5s);
}

TEST(WhenAny, AWinnerThatNeverWaitsStillCancelsTheSiblingsStartedAfterIt) {
  // The first child ends inside the call that starts the group, before its sibling has
  // started: its end must reach the group only after that (a cancel sent earlier would find
  // nothing to cancel, and when_any would wait out the 10 s).
  Runtime runtime;
  std::atomic<int> cancelled{0};
  auto at_once = []() -> Task<int> { co_return 7; };
  auto task = [&]() -> Task<std::variant<int, int>> {
    co_return co_await when_any(at_once(), after(10s, 1, &cancelled));
  };
  const auto start = Clock::now();
  const auto first = runtime.block_on(task());
  ASSERT_EQ(first.index(), 0u);
  EXPECT_EQ(std::get<0>(first), 7);
  EXPECT_EQ(cancelled, 1);
  EXPECT_LT(Clock::now() - start, 5s);
}

TEST(WhenAny, SameTypesAreToldApartByIndex) {
  Runtime runtime;
  auto task = []() -> Task<std::variant<int, int, std::monostate>> {
    co_return co_await when_any(after(10s, 1), after(1ms, 2), sleep_for(10s));
  };
  const auto first = runtime.block_on(task());
  ASSERT_EQ(first.index(), 1u);
  EXPECT_EQ(std::get<1>(first), 2);
}

TEST(WhenAny, RangeGivesIndexAndValue) {
  Runtime runtime;
  std::atomic<int> cancelled{0};
  auto task = [&]() -> Task<std::pair<std::size_t, int>> {
    std::vector<Task<int>> tasks;
    for (int i = 0; i < 5; ++i) {
      tasks.push_back(after(i == 3 ? 1ms : 10s, i * 10, &cancelled));
    }
    co_return co_await when_any(std::move(tasks));
  };
  const auto [index, value] = runtime.block_on(task());
  EXPECT_EQ(index, 3u);
  EXPECT_EQ(value, 30);
  EXPECT_EQ(cancelled, 4);
}

TEST(WhenAny, FirstToFinishFailingIsRethrown) {
  Runtime runtime;
  auto task = []() -> Task<void> {
    co_await when_any(after(10s, 1), []() -> Task<int> {
      co_await sleep_for(1ms);
      throw std::domain_error("first and failed");
    }());
  };
  EXPECT_THROW(runtime.block_on(task()), std::domain_error);
}

TEST(WhenAny, EmptyRangeIsAnError) {
  Runtime runtime;
  auto task = []() -> Task<void> { co_await when_any(std::vector<Task<void>>{}); };
  EXPECT_THROW(runtime.block_on(task()), std::invalid_argument);
}

}  // namespace
}  // namespace asyncrt
