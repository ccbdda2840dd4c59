// Test that the header is self-contained.
#include <asyncrt/as_completed.hpp>

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include <asyncrt/runtime.hpp>
#include <asyncrt/time.hpp>

#include "support/waiting.hpp"

namespace asyncrt {
namespace {

using namespace std::chrono_literals;
using testing::virtual_time;

Task<int> after(Duration delay, int value) {
  co_await sleep_for(delay);
  co_return value;
}

// Submitted 30, 10, 20 ms: handed over in the order they finish, each with its input index,
// each when it finishes (not when the slowest does).
TEST(AsCompleted, ResultsComeInTheOrderTheyFinishEachAsItFinishes) {
  Runtime runtime(virtual_time());
  std::vector<std::pair<std::size_t, int>> seen;
  std::vector<Duration> when;
  auto task = [&]() -> Task<void> {
    const auto start = runtime.now();
    std::vector<Task<int>> tasks;
    tasks.push_back(after(30ms, 300));
    tasks.push_back(after(10ms, 100));
    tasks.push_back(after(20ms, 200));
    co_await as_completed(std::move(tasks), [&](Completed<int> done) {
      seen.emplace_back(done.index, done.value);
      when.push_back(runtime.now() - start);
    });
  };
  runtime.block_on(task());
  EXPECT_EQ(seen, (std::vector<std::pair<std::size_t, int>>{{1, 100}, {2, 200}, {0, 300}}));
  EXPECT_EQ(when, (std::vector<Duration>{10ms, 20ms, 30ms}));
}

// A handler that waits: results that finish meanwhile queue up in finishing order.
TEST(AsCompleted, AWaitingHandlerGetsTheRestInOrderAfterwards) {
  Runtime runtime(virtual_time());
  std::vector<int> seen;
  auto task = [&]() -> Task<void> {
    std::vector<Task<int>> tasks;
    for (int i = 1; i <= 4; ++i) tasks.push_back(after(i * 1ms, i));
    co_await as_completed(std::move(tasks), [&](Completed<int> done) -> Task<void> {
      co_await sleep_for(10ms);  // slower than the tasks
      seen.push_back(done.value);
    });
  };
  runtime.block_on(task());
  EXPECT_EQ(seen, (std::vector<int>{1, 2, 3, 4}));
}

TEST(AsCompleted, TheFirstFailureCancelsTheRestAndIsRethrown) {
  Runtime runtime(virtual_time());
  std::vector<int> seen;
  int cancelled = 0;
  auto slow = [&]() -> Task<int> {
    try {
      co_await sleep_for(1h);
    } catch (const boost::system::system_error&) {
      ++cancelled;
      throw;
    }
    co_return 0;
  };
  auto failing = []() -> Task<int> {
    co_await sleep_for(20ms);
    throw std::runtime_error("no answer");
  };
  auto task = [&]() -> Task<void> {
    const auto start = runtime.now();
    std::vector<Task<int>> tasks;
    tasks.push_back(slow());
    tasks.push_back(after(10ms, 1));
    tasks.push_back(failing());
    tasks.push_back(slow());
    try {
      co_await as_completed(std::move(tasks),
                            [&](Completed<int> done) { seen.push_back(done.value); });
      ADD_FAILURE() << "no failure";
    } catch (const std::runtime_error& e) {
      EXPECT_STREQ(e.what(), "no answer");
    }
    EXPECT_EQ(runtime.now() - start, 20ms);
  };
  runtime.block_on(task());
  EXPECT_EQ(seen, std::vector<int>{1});
  EXPECT_EQ(cancelled, 2);
}

TEST(AsCompleted, VoidTasksAndAnEmptyList) {
  Runtime runtime(virtual_time());
  std::vector<std::size_t> order;
  auto task = [&]() -> Task<void> {
    co_await as_completed(std::vector<Task<void>>{}, [&](Completed<void>) { order.push_back(99); });
    std::vector<Task<void>> tasks;
    tasks.push_back(sleep_for(20ms));
    tasks.push_back(sleep_for(10ms));
    co_await as_completed(std::move(tasks),
                          [&](Completed<void> done) { order.push_back(done.index); });
  };
  runtime.block_on(task());
  EXPECT_EQ(order, (std::vector<std::size_t>{1, 0}));
}

Task<void> wait_for_an_hour() {
  std::vector<Task<void>> tasks;
  tasks.push_back(sleep_for(1h));
  tasks.push_back(sleep_for(2h));
  co_await as_completed(std::move(tasks), [](Completed<void>) {});
}

TEST(AsCompleted, ShutdownCancelsTheCallerAndItsTasks) {
  Runtime runtime;
  testing::expect_shutdown_wakes_waiters(runtime, 2, [] { return wait_for_an_hour(); });
}

}  // namespace
}  // namespace asyncrt
