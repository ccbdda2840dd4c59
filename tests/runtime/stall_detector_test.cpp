// Test that the header is self-contained.
#include <asyncrt/stall_detector.hpp>

#include <algorithm>
#include <ctime>
#include <future>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_future.hpp>
#include <gtest/gtest.h>

#include <asyncrt/detail/task_frame.hpp>
#include <asyncrt/offload.hpp>
#include <asyncrt/runtime.hpp>
#include <asyncrt/time.hpp>
#include <asyncrt/trace.hpp>
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

// One tick of the kernel's coarse monotonic clock (typically 4 ms).
std::chrono::nanoseconds coarse_tick() {
  timespec tick{};
  clock_getres(CLOCK_MONOTONIC_COARSE, &tick);
  return std::chrono::seconds(tick.tv_sec) + std::chrono::nanoseconds(tick.tv_nsec);
}

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
  EXPECT_GE(reports[0].second, 120ms - coarse_tick());  // the coarse clock may time it
  EXPECT_EQ(watched.runtime->stalls(), 1u);
}

// With a threshold of 25 coarse ticks or more, handlers are timed on the coarse clock: a stall
// is still caught and named, and measured to within a tick.
TEST(StallDetector, OnTheCoarseClockStallsAreStillCaughtAndNamed) {
  const auto threshold = std::max<std::chrono::nanoseconds>(200ms, 25 * coarse_tick());
  EXPECT_TRUE(StallDetector(threshold, {}).coarse_clock_will_do());
  EXPECT_FALSE(StallDetector(24 * coarse_tick(), {}).coarse_clock_will_do());
  Watched watched(std::chrono::duration_cast<std::chrono::milliseconds>(threshold));
  const auto hold = std::chrono::duration_cast<std::chrono::milliseconds>(threshold) + 100ms;
  watched.runtime->block_on(compute_on_the_loop(hold), "slow cook");
  const auto reports = watched.finish();
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].first, "slow cook");
  EXPECT_GE(reports[0].second, hold - coarse_tick());
}

// The coarse clock reads the steady clock's time base, lagging it by at most a tick.
TEST(StallDetector, TheCoarseClockIsTheSteadyClockToATick) {
  for (int i = 0; i < 1000; ++i) {
    const auto coarse = detail::TaskFrame::now(true);
    const auto fine = detail::TaskFrame::now(false);
    EXPECT_LE(coarse, fine);
    EXPECT_LE(fine - coarse, coarse_tick() + 5ms);  // a tick, and a busy machine's pause
  }
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

// Spawns a task called `name` that holds the loop for 60 ms, and waits until it is done.
void spawn_hog_and_wait(Runtime& runtime, std::string name) {
  std::promise<void> done;
  auto task = [&]() -> Task<void> {
    co_await compute_on_the_loop(60ms);
    done.set_value();
  };
  runtime.spawn(task(), std::move(name));
  done.get_future().wait();
}

// Names as many tasks differently as the runtime's label table holds.
void fill_label_table(Runtime& runtime) {
  for (std::size_t i = 0; i < detail::TaskLabels::limit; ++i) {
    runtime.task_executor("customer " + std::to_string(i));
  }
}

TEST(StallDetector, SpawnedTasksAreWatchedUnderTheirName) {
  Watched watched(30ms);
  spawn_hog_and_wait(*watched.runtime, "spawned hog");
  const auto reports = watched.finish();
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].first, "spawned hog");
}

TEST(StallDetector, ATaskSpawnedOnTheLoopIsBlamedForItsFirstPiece) {
  // Spawned from a task, a task runs up to its first wait inside spawn(): that piece is its
  // own, not its spawner's.
  Watched watched(30ms);
  auto eager = []() -> Task<void> {
    testing::busy_for(60ms);
    co_return;
  };
  auto spawner = [&]() -> Task<void> {
    Runtime::current().spawn(eager(), "eager");
    co_return;
  };
  watched.runtime->block_on(spawner(), "spawner");
  const auto reports = watched.finish();
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].first, "eager");
}

TEST(StallDetector, TasksOfOneNameShareOneLabel) {
  Watched watched(30ms);
  Runtime& runtime = *watched.runtime;
  EXPECT_EQ(runtime.task_executor("customer"), runtime.task_executor("customer"));
  EXPECT_NE(runtime.task_executor("customer"), runtime.task_executor("cook"));
}

// A program that names every task differently: past the table's limit each new name gets a
// label of its own (reference-counted), and stalls are still pinned on the right name.
TEST(StallDetector, NamesTasksPastTheLabelTablesLimit) {
  Watched watched(30ms);
  Runtime& runtime = *watched.runtime;
  fill_label_table(runtime);
  const auto late = runtime.task_executor("late customer");
  const auto copy = late;
  EXPECT_EQ(copy, late);
  EXPECT_NE(runtime.task_executor("late customer"), late);  // a label of its own each time
  EXPECT_EQ(runtime.task_executor("customer 7"), runtime.task_executor("customer 7"));

  auto parent = [&]() -> Task<void> {
    co_await boost::asio::co_spawn(late, compute_on_the_loop(60ms), boost::asio::use_awaitable);
  };
  runtime.block_on(parent(), "parent");
  spawn_hog_and_wait(runtime, "spawned late");
  auto reports = watched.finish();
  ASSERT_EQ(reports.size(), 2u);
  std::sort(reports.begin(), reports.end());
  EXPECT_EQ(reports[0].first, "late customer");
  EXPECT_EQ(reports[1].first, "spawned late");
}

// Asio copies a task's executor on whichever thread handles it (a pool thread posting a result
// back, say): copies of both kinds of label, made and dropped on four threads at once, race on
// nothing (TSan) and free what they must (LSan).
TEST(StallDetector, ExecutorCopiesOnManyThreadsAreSafe) {
  Watched watched(30ms);
  Runtime& runtime = *watched.runtime;
  fill_label_table(runtime);
  const auto shared = runtime.task_executor("customer 1");  // in the table
  const auto counted = runtime.task_executor("one of a kind");
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 20'000; ++i) {
        auto a = shared;
        auto b = counted;
        auto c = boost::asio::prefer(b, boost::asio::execution::outstanding_work.tracked);
        EXPECT_EQ(a, shared);
        EXPECT_EQ(b, counted);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  auto named = [&](const boost::asio::any_io_executor& executor) {
    return boost::asio::co_spawn(
        executor, []() -> Task<std::string> { co_return std::string(trace::current_task()); },
        boost::asio::use_future);
  };
  EXPECT_EQ(named(shared).get(), "customer 1");
  EXPECT_EQ(named(counted).get(), "one of a kind");
}

TEST(StallDetector, CanBeSwitchedOff) {
  Watched watched(30ms, /*enabled=*/false);
  watched.runtime->block_on(compute_on_the_loop(60ms));
  EXPECT_TRUE(watched.finish().empty());
  EXPECT_EQ(watched.runtime->stalls(), 0u);
}

}  // namespace
}  // namespace asyncrt
