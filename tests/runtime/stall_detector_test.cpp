// Test that the header is self-contained.
#include <asyncrt/stall_detector.hpp>

#include <algorithm>
#include <future>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <gtest/gtest.h>

#include <asyncrt/offload.hpp>
#include <asyncrt/runtime.hpp>
#include <asyncrt/time.hpp>
#include <asyncrt/when_all.hpp>

#include "support/busy.hpp"

namespace asyncrt {
namespace {

using namespace std::chrono_literals;

// A runtime whose stall reports are collected instead of printed.
struct Watched {
  explicit Watched(std::chrono::milliseconds threshold, bool enabled = true) {
    RuntimeOptions options;
    options.detect_stalls = enabled;
    options.stall_threshold = threshold;
    options.on_stall = [this](const StallReport& report) {
      std::lock_guard lock(mutex);
      reports.push_back({std::string(report.task), report.ran});
    };
    runtime.emplace(options);
  }
  // Joins the loop thread, so every report is in.
  std::vector<std::pair<std::string, std::chrono::nanoseconds>> finish() {
    runtime->shutdown();
    return reports;
  }
  std::mutex mutex;
  std::vector<std::pair<std::string, std::chrono::nanoseconds>> reports;
  std::optional<Runtime> runtime;
};

Task<void> compute_on_the_loop(std::chrono::milliseconds how_long) {
  co_await sleep_for(1ms);
  testing::busy_for(how_long);  // CPU work right on the loop: the mistake being caught
}

TEST(StallDetector, DefaultThresholdIs100Ms) {
  EXPECT_EQ(RuntimeOptions{}.stall_threshold, 100ms);
  EXPECT_TRUE(RuntimeOptions{}.detect_stalls);
}

TEST(StallDetector, NamesTheTaskThatHeldTheLoopAndForHowLong) {
  Watched watched(30ms);
  watched.runtime->block_on(compute_on_the_loop(120ms), "number cruncher");
  const auto reports = watched.finish();
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].first, "number cruncher");
  EXPECT_GE(reports[0].second, 120ms);
  EXPECT_EQ(watched.runtime->stalls(), 1u);
}

TEST(StallDetector, StaysQuietForTimersAndOffloadedWork) {
  Watched watched(80ms);  // far above any scheduling hiccup of a busy machine
  auto polite = []() -> Task<void> {
    co_await sleep_for(150ms);                           // waiting frees the loop
    co_await offload([] { testing::busy_for(150ms); });  // computing off the loop
  };
  watched.runtime->block_on(polite(), "polite");
  EXPECT_TRUE(watched.finish().empty());
}

TEST(StallDetector, BlamesTheChildTaskNotItsParent) {
  Watched watched(30ms);
  auto parent = [&]() -> Task<void> {
    std::vector<Task<void>> children;
    for (const char* name : {"child a", "child b"}) {
      children.push_back(boost::asio::co_spawn(watched.runtime->task_executor(name),
                                               compute_on_the_loop(60ms),
                                               boost::asio::use_awaitable));
    }
    co_await when_all(std::move(children));
  };
  watched.runtime->block_on(parent(), "parent");
  auto reports = watched.finish();
  ASSERT_EQ(reports.size(), 2u);
  std::sort(reports.begin(), reports.end());
  EXPECT_EQ(reports[0].first, "child a");
  EXPECT_EQ(reports[1].first, "child b");
}

TEST(StallDetector, SpawnedTasksAreWatchedUnderTheirName) {
  Watched watched(30ms);
  std::promise<void> done;
  auto task = [&]() -> Task<void> {
    co_await compute_on_the_loop(60ms);
    done.set_value();
  };
  watched.runtime->spawn(task(), "spawned hog");
  done.get_future().wait();
  const auto reports = watched.finish();
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].first, "spawned hog");
}

TEST(StallDetector, CanBeSwitchedOff) {
  Watched watched(30ms, /*enabled=*/false);
  watched.runtime->block_on(compute_on_the_loop(60ms));
  EXPECT_TRUE(watched.finish().empty());
  EXPECT_EQ(watched.runtime->stalls(), 0u);
}

}  // namespace
}  // namespace asyncrt
