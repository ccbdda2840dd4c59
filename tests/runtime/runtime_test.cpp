// Test that the header is self-contained.
#include <asyncrt/runtime.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <filesystem>
#include <future>
#include <memory>
#include <set>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/cancellation_state.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_future.hpp>
#include <gtest/gtest.h>

#include <asyncrt/detail/task_label.hpp>
#include <asyncrt/offload.hpp>
#include <asyncrt/time.hpp>

#include "support/busy.hpp"

namespace asyncrt {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// Quiet reporters so tests can count without printing.
RuntimeOptions counting_options(std::atomic<int>& failures, std::string* last_failed = nullptr) {
  RuntimeOptions options;
  options.on_task_failure = [&failures, last_failed](std::string_view name, std::exception_ptr) {
    if (last_failed) *last_failed = std::string(name);
    ++failures;
  };
  return options;
}

Task<int> forty_two() {
  co_return 42;
}

Task<int> throws_logic_error() {
  co_await sleep_for(1ms);
  throw std::logic_error("broken on purpose");
}

TEST(Runtime, BlockOnReturnsTheTaskValue) {
  Runtime runtime;
  EXPECT_EQ(runtime.block_on(forty_two()), 42);
}

TEST(Runtime, BlockOnRethrowsTheTaskException) {
  Runtime runtime;
  EXPECT_THROW(runtime.block_on(throws_logic_error()), std::logic_error);
}

// A value without a default constructor, which only a finished task can make.
class Receipt {
 public:
  explicit Receipt(int bowls) : bowls_(bowls) {}
  Receipt(Receipt&&) = default;
  Receipt(const Receipt&) = delete;
  int bowls() const { return bowls_; }

 private:
  int bowls_;
};

TEST(Runtime, BlockOnReturnsAMoveOnlyValueWithoutADefaultConstructor) {
  Runtime runtime;
  auto serve = []() -> Task<Receipt> {
    co_await sleep_for(1ms);
    co_return Receipt(3);
  };
  EXPECT_EQ(runtime.block_on(serve()).bowls(), 3);
  auto fail = []() -> Task<Receipt> {
    co_await sleep_for(1ms);
    throw std::runtime_error("no noodles");
  };
  EXPECT_THROW(runtime.block_on(fail()), std::runtime_error);
}

TEST(Runtime, ATaskSpawnedOnTheLoopRunsUpToItsFirstWaitBeforeSpawnReturns) {
  Runtime runtime;
  using Log = std::vector<std::string>;
  auto log = std::make_shared<Log>();
  auto waits = [](std::shared_ptr<Log> log) -> Task<void> {
    log->push_back("child starts");
    co_await sleep_for(1ms);
    log->push_back("child ends");
  };
  auto never_waits = [](std::shared_ptr<Log> log) -> Task<void> {
    log->push_back("quick child runs");
    co_return;
  };
  auto parent = [&]() -> Task<void> {
    Runtime::current().spawn(waits(log), "child");
    log->push_back("spawn returned");
    Runtime::current().spawn(never_waits(log), "quick child");
    // A task that never waits has run to its end when spawn() returns. (It is counted as
    // completed then, or at the loop's next turn when tasks start through co_spawn, which
    // posts the end of such a task: ASYNCRT_ASIO_INTERNALS=OFF.)
    log->push_back("spawn returned again");
    co_await sleep_for(50ms);
  };
  runtime.block_on(parent());
  runtime.shutdown();
  EXPECT_EQ(*log, (Log{"child starts", "spawn returned", "quick child runs", "spawn returned again",
                       "child ends"}));
  EXPECT_EQ(runtime.completed_tasks(), 2u);
}

// spawn() of a capturing coroutine lambda (not its call) keeps the lambda alive for the task:
// the capture, a string built for this one spawn, is read after a wait (ASan would report a
// use after scope if the lambda were a dead temporary).
TEST(Runtime, SpawnOfALambdaKeepsItsCapturesAliveForTheTask) {
  Runtime runtime;
  std::vector<std::string> seen;
  for (int i = 0; i < 3; ++i) {
    runtime.spawn(
        [&seen, name = "order " + std::to_string(i)]() -> Task<void> {
          co_await sleep_for(std::chrono::milliseconds(5));
          seen.push_back(name);
        },
        "order");
  }
  runtime.block_on(sleep_for(std::chrono::milliseconds(50)));
  runtime.shutdown();
  EXPECT_EQ(seen, (std::vector<std::string>{"order 0", "order 1", "order 2"}));
  EXPECT_EQ(runtime.completed_tasks(), 3u);
}

TEST(Runtime, TasksRunOnTheLoopThreadOnly) {
  Runtime runtime;
  auto where = [&]() -> Task<std::thread::id> {
    co_await sleep_for(1ms);
    co_return std::this_thread::get_id();
  };
  EXPECT_EQ(runtime.block_on(where()), runtime.loop_thread_id());
  EXPECT_NE(runtime.loop_thread_id(), std::this_thread::get_id());
}

TEST(Runtime, CurrentIsTheRuntimeOfTheLoopThread) {
  Runtime runtime;
  auto current = []() -> Task<Runtime*> { co_return &Runtime::current(); };
  EXPECT_EQ(runtime.block_on(current()), &runtime);
  EXPECT_EQ(Runtime::try_current(), nullptr);
  EXPECT_THROW(Runtime::current(), std::logic_error);
}

TEST(Runtime, SpawnedTaskRunsDetachedOnTheLoop) {
  Runtime runtime;
  std::promise<std::thread::id> ran_on;
  auto task = [&]() -> Task<void> {
    co_await sleep_for(1ms);
    ran_on.set_value(std::this_thread::get_id());
  };
  runtime.spawn(task(), "detached");
  EXPECT_EQ(ran_on.get_future().get(), runtime.loop_thread_id());
  EXPECT_EQ(runtime.failed_tasks(), 0u);
}

TEST(Runtime, FailedDetachedTaskIsReportedWithItsName) {
  std::promise<std::string> reported;
  RuntimeOptions options;
  options.on_task_failure = [&](std::string_view name, std::exception_ptr error) {
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      reported.set_value(std::string(name) + ": " + e.what());
    }
  };
  Runtime runtime(options);
  runtime.spawn([]() -> Task<void> { co_await throws_logic_error(); }(), "doomed");
  EXPECT_EQ(reported.get_future().get(), "doomed: broken on purpose");
  runtime.shutdown();
  EXPECT_EQ(runtime.failed_tasks(), 1u);
  EXPECT_EQ(runtime.exit_status(), 1);
}

TEST(Runtime, AThrowingFailureReporterIsReportedAndTheTaskStillEnds) {
  std::atomic<int> calls{0};
  RuntimeOptions options;
  options.shutdown_grace = 60s;  // a task left live would hold shutdown() this long
  options.on_task_failure = [&calls](std::string_view, std::exception_ptr) {
    ++calls;
    throw std::runtime_error("the reporter broke too");
  };
  ::testing::internal::CaptureStderr();
  Runtime runtime(options);
  runtime.spawn([]() -> Task<void> { co_await throws_logic_error(); }(), "doomed");
  const auto deadline = Clock::now() + 10s;
  while (calls == 0 && Clock::now() < deadline) std::this_thread::sleep_for(1ms);
  EXPECT_EQ(runtime.block_on(forty_two()), 42);  // the loop serves on
  const auto start = Clock::now();
  runtime.shutdown();
  EXPECT_LT(Clock::now() - start, 30s);  // nothing left live
  const std::string printed = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(runtime.failed_tasks(), 1u);
  EXPECT_NE(printed.find("asyncrt: on_task_failure threw (the reporter broke too) while "
                         "reporting that task 'doomed' failed: broken on purpose\n"),
            std::string::npos)
      << printed;
  EXPECT_EQ(printed.find("did not finish"), std::string::npos) << printed;
}

TEST(RuntimeDeathTest, UncheckedFailureMakesTheExitStatusNonZero) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        Runtime runtime;
        runtime.spawn([]() -> Task<void> { co_await throws_logic_error(); }(), "doomed");
        std::this_thread::sleep_for(200ms);  // let it fail before shutdown would cancel it
      },
      ::testing::ExitedWithCode(1), "task 'doomed' failed: broken on purpose");
}

TEST(Runtime, HandlerThatThrowsOnTheLoopIsReportedAndTheLoopGoesOn) {
  std::atomic<int> failures{0};
  Runtime runtime(counting_options(failures));
  boost::asio::post(runtime.loop(), [] { throw std::runtime_error("raw handler"); });
  EXPECT_EQ(runtime.block_on(forty_two()), 42);
  runtime.shutdown();
  EXPECT_EQ(failures, 1);
  EXPECT_EQ(runtime.failed_tasks(), 1u);
}

TEST(Runtime, CpuJobsThatFailAreReportedOnTheLoopOrAtTheEndOfShutdownNeverOnAPoolThread) {
  // One job fails while the loop runs: reported there. Two fail while shutdown() stops the
  // loop (it joins the pool after them): reported by shutdown() once every thread has been
  // joined, on its own thread, one after the other.
  std::vector<std::thread::id> reported_on;  // the reporter never runs on two threads at once
  RuntimeOptions options;
  options.cpu_threads = 2;
  options.on_task_failure = [&reported_on](std::string_view name, std::exception_ptr) {
    EXPECT_EQ(name, "a job on the CPU pool");
    reported_on.push_back(std::this_thread::get_id());
  };
  Runtime runtime(options);
  boost::asio::post(runtime.cpu_executor(), [] { throw std::runtime_error("early"); });
  const auto deadline = Clock::now() + 10s;
  while (runtime.failed_tasks() < 1 && Clock::now() < deadline) std::this_thread::sleep_for(1ms);
  ASSERT_EQ(runtime.failed_tasks(), 1u);
  std::atomic<int> started{0};
  for (int i = 0; i < 2; ++i) {
    boost::asio::post(runtime.cpu_executor(), [&started] {
      ++started;
      std::this_thread::sleep_for(200ms);  // still running when the loop stops
      throw std::runtime_error("late");
    });
  }
  while (started < 2 && Clock::now() < deadline) std::this_thread::sleep_for(1ms);
  runtime.shutdown();
  EXPECT_EQ(runtime.failed_tasks(), 3u);
  const std::vector<std::thread::id> expected{runtime.loop_thread_id(), std::this_thread::get_id(),
                                              std::this_thread::get_id()};
  EXPECT_EQ(reported_on, expected);
}

TEST(Runtime, AJobOnTheBlockingPoolThatThrowsIsReportedAndThePoolGoesOn) {
  std::vector<std::string> failed;  // on the loop thread, read after shutdown joined it
  RuntimeOptions options;
  options.blocking_threads = 1;  // the thread whose job threw runs the next one
  options.on_task_failure = [&failed](std::string_view name, std::exception_ptr) {
    failed.emplace_back(name);
  };
  Runtime runtime(options);
  boost::asio::post(runtime.blocking_executor(), [] { throw std::runtime_error("no"); });
  auto call = []() -> Task<int> { co_return co_await offload_blocking([] { return 7; }); };
  EXPECT_EQ(runtime.block_on(call()), 7);
  runtime.shutdown();
  EXPECT_EQ(runtime.failed_tasks(), 1u);
  EXPECT_EQ(failed, std::vector<std::string>{"a job on the blocking pool"});
}

TEST(Runtime, CpuPoolHasTheConfiguredNumberOfThreads) {
  Runtime runtime({.cpu_threads = 3});
  EXPECT_EQ(runtime.cpu_threads(), 3u);
  // Three jobs that each wait for all three to be running at once: only three threads can.
  std::atomic<int> running{0};
  auto job = [&] {
    ++running;
    const auto deadline = Clock::now() + 10s;
    while (running.load() < 3 && Clock::now() < deadline) std::this_thread::yield();
    return running.load();
  };
  std::vector<std::future<int>> seen;
  for (int i = 0; i < 3; ++i) {
    seen.push_back(offload(runtime.cpu_executor(), job, boost::asio::use_future));
  }
  for (auto& s : seen) EXPECT_EQ(s.get(), 3);
}

// The ids of this process's threads, as the kernel lists them.
std::set<std::string> thread_ids() {
  std::set<std::string> ids;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
    ids.insert(task.path().filename().string());
  }
  return ids;
}

// How many threads in `now` were not in `earlier`. (Counting new ids, not all threads: a thread
// that another test joined may still be listed for a moment after its join returned.)
std::size_t new_threads(const std::set<std::string>& now, const std::set<std::string>& earlier) {
  return static_cast<std::size_t>(std::count_if(
      now.begin(), now.end(), [&](const std::string& id) { return !earlier.contains(id); }));
}

TEST(Runtime, TheBlockingPoolStartsItsThreadsOnlyWhenFirstAskedFor) {
  const auto before = thread_ids();
  Runtime runtime({.cpu_threads = 2, .blocking_threads = 3});
  const auto with_runtime = thread_ids();
  EXPECT_GE(new_threads(with_runtime, before), 3u);  // the loop and two CPU threads
  auto blocking_call = []() -> Task<int> { co_return co_await offload_blocking([] { return 7; }); };
  EXPECT_EQ(new_threads(thread_ids(), with_runtime), 0u);  // nobody asked yet
  EXPECT_EQ(runtime.block_on(blocking_call()), 7);
  const auto with_blocking_pool = thread_ids();
  EXPECT_EQ(new_threads(with_blocking_pool, with_runtime), 3u);
  EXPECT_EQ(runtime.block_on(blocking_call()), 7);
  EXPECT_EQ(new_threads(thread_ids(), with_blocking_pool), 0u);  // started once
  const auto& context =
      boost::asio::query(runtime.blocking_executor(), boost::asio::execution::context);
  EXPECT_EQ(runtime.pool_name(context), "blocking");
}

TEST(Runtime, ShutdownCancelsSleepingTasksAndReturnsPromptly) {
  Runtime runtime;
  std::atomic<int> aborted{0};
  auto sleeper = [&]() -> Task<void> {
    try {
      co_await sleep_for(1h);
    } catch (const boost::system::system_error& e) {
      if (e.code() == boost::asio::error::operation_aborted) ++aborted;
    }
  };
  for (int i = 0; i < 10; ++i) runtime.spawn(sleeper(), "sleeper");
  std::this_thread::sleep_for(20ms);
  const auto start = Clock::now();
  runtime.shutdown();
  EXPECT_LT(Clock::now() - start, 900ms);  // well under the 1 s grace: nothing waited it out
  EXPECT_EQ(aborted, 10);
  EXPECT_EQ(runtime.failed_tasks(), 0u);
  EXPECT_EQ(runtime.completed_tasks(), 10u);  // they caught the cancellation and returned
}

TEST(Runtime, ShutdownWithWorkInEveryPoolReturnsWithinABound) {
  std::atomic<int> failures{0};
  RuntimeOptions options = counting_options(failures);
  options.cpu_threads = 1;
  options.blocking_threads = 1;
  Runtime runtime(options);
  auto cpu_and_blocking = []() -> Task<void> {
    co_await offload([] { testing::busy_for(50ms); });
    co_await offload_blocking([] { std::this_thread::sleep_for(50ms); });
  };
  for (int i = 0; i < 20; ++i) runtime.spawn(cpu_and_blocking(), "worker");
  std::this_thread::sleep_for(10ms);
  const auto start = Clock::now();
  runtime.shutdown();
  EXPECT_LT(Clock::now() - start, 5s);
  // Every task is accounted for: finished before shutdown, or cancelled by it; none failed.
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(runtime.failed_tasks(), 0u);
  EXPECT_EQ(runtime.completed_tasks() + runtime.cancelled_tasks(), 20u);
  EXPECT_GT(runtime.cancelled_tasks(), 0u);
}

TEST(Runtime, ShutdownAbandonsATaskThatIgnoresCancellationAfterTheGrace) {
  RuntimeOptions options;
  options.shutdown_grace = 100ms;
  Runtime runtime(options);
  auto stubborn = []() -> Task<void> {
    co_await boost::asio::this_coro::throw_if_cancelled(false);
    for (;;) {
      try {
        co_await sleep_for(10ms);
      } catch (const boost::system::system_error&) {
        // ignores cancellation and sleeps again
      }
    }
  };
  runtime.spawn(stubborn(), "stubborn");
  const auto start = Clock::now();
  runtime.shutdown();
  EXPECT_LT(Clock::now() - start, 5s);
  EXPECT_EQ(runtime.failed_tasks(), 0u);
}

TEST(Runtime, RequestStopFromAnotherThreadCancelsRunningAndLaterTasks) {
  std::atomic<int> failures{0};
  Runtime runtime(counting_options(failures));
  std::atomic<bool> job_saw_stop{false};
  auto task = [&]() -> Task<void> {
    co_await offload([&](std::stop_token stop) {
      const auto deadline = Clock::now() + 10s;
      while (!stop.stop_requested() && Clock::now() < deadline) {
      }
      job_saw_stop = stop.stop_requested();
    });
  };
  std::thread stopper([&] {
    std::this_thread::sleep_for(50ms);
    runtime.request_stop();
  });
  const auto start = Clock::now();
  std::exception_ptr error;
  try {
    runtime.block_on(task());
  } catch (...) {
    error = std::current_exception();
  }
  stopper.join();
  EXPECT_TRUE(job_saw_stop);
  EXPECT_LT(Clock::now() - start, 5s);
  EXPECT_TRUE(runtime.stop_requested());
  // A task started after the request is cancelled at its first wait, and counted as such.
  runtime.spawn(sleep_for(1h), "late sleeper");
  runtime.shutdown();
  EXPECT_EQ(runtime.cancelled_tasks(), 1u);
  EXPECT_EQ(failures, 0);
  // The error is read only now that the loop thread is joined: the loop drops its own reference
  // to the exception after block_on has returned, and TSan cannot see libstdc++'s reference
  // count, so it took that release for a race with a read here.
  ASSERT_TRUE(error) << "expected operation_aborted";
  try {
    std::rethrow_exception(error);
  } catch (const boost::system::system_error& e) {
    EXPECT_EQ(e.code(), boost::asio::error::operation_aborted);
  }
}

// The options' stop_token: one stop source stops two Runtimes (and would stop plain threads);
// a token stopped before the Runtime starts stops it at once.
TEST(Runtime, AStopTokenInTheOptionsStopsTheRuntimeLikeRequestStop) {
  std::stop_source source;
  Runtime first({.stop_token = source.get_token()});
  Runtime second({.stop_token = source.get_token()});
  auto sleeps_an_hour = []() -> Task<int> {
    co_await sleep_for(1h);
    co_return 1;
  };
  std::thread stopper([&] {
    std::this_thread::sleep_for(20ms);
    EXPECT_TRUE(source.request_stop());
  });
  auto answer = std::async(std::launch::async, [&] { return second.block_on(sleeps_an_hour()); });
  const auto start = Clock::now();
  EXPECT_THROW(first.block_on(sleeps_an_hour()), boost::system::system_error);
  EXPECT_THROW(answer.get(), boost::system::system_error);
  stopper.join();
  EXPECT_LT(Clock::now() - start, 5s);
  EXPECT_TRUE(first.stop_requested());
  EXPECT_TRUE(second.stop_requested());

  Runtime late({.stop_token = source.get_token()});
  EXPECT_TRUE(late.stop_requested());
  EXPECT_THROW(late.block_on(sleeps_an_hour()), boost::system::system_error);
  // A Runtime whose token is never stopped is not stopped by it (and is destroyed first).
  std::stop_source unused;
  Runtime unstopped({.stop_token = unused.get_token()});
  EXPECT_FALSE(unstopped.stop_requested());
}

TEST(Runtime, EveryTaskIsCountedOnceWhetherItEndedOrWasCancelled) {
  Runtime runtime;
  for (int i = 0; i < 500; ++i) runtime.spawn(sleep_for(i % 2 ? 0h : 1h), "sleeper");
  const auto deadline = Clock::now() + 10s;
  while (runtime.completed_tasks() < 250 && Clock::now() < deadline) {
    std::this_thread::sleep_for(1ms);
  }
  // Cancelled by the shutdown, this one starts another on its way out: that one is cancelled
  // at once too.
  runtime.spawn(
      []() -> Task<void> {
        try {
          co_await sleep_for(1h);
        } catch (const boost::system::system_error&) {
          Runtime::current().spawn(sleep_for(1h), "started while cancelling");
          throw;
        }
      }(),
      "spawner");
  runtime.shutdown();
  EXPECT_EQ(runtime.completed_tasks(), 250u);
  EXPECT_EQ(runtime.cancelled_tasks(), 252u);
  EXPECT_EQ(runtime.failed_tasks(), 0u);
}

// A wait that ends at once, inside the cancellation itself, when its task is cancelled, or when
// open() is called (on the loop thread, like the cancellation).
class Gate {
 public:
  Task<void> wait() {
    co_await boost::asio::async_initiate<decltype(boost::asio::use_awaitable),
                                         void(boost::system::error_code)>(
        [this](auto handler) {
          auto slot = boost::asio::get_associated_cancellation_slot(handler);
          waiter_ = std::make_unique<WaiterFor<decltype(handler)>>(std::move(handler));
          slot.assign([this](boost::asio::cancellation_type) {
            open(boost::asio::error::operation_aborted);
          });
        },
        boost::asio::use_awaitable);
  }
  void open(boost::system::error_code error = {}) {
    if (auto waiter = std::move(waiter_)) waiter->complete(error);
  }

 private:
  struct Waiter {
    virtual ~Waiter() = default;
    virtual void complete(boost::system::error_code error) = 0;
  };
  template <typename Handler>
  struct WaiterFor : Waiter {
    explicit WaiterFor(Handler h) : handler(std::move(h)) {}
    void complete(boost::system::error_code error) override { std::move(handler)(error); }
    Handler handler;
  };
  std::unique_ptr<Waiter> waiter_;
};

TEST(Runtime, TasksThatEndInsideTheShutdownSweepAreCountedOnce) {
  // Two tasks wait at gates; the one the shutdown cancels first lets the other through on its
  // way out, so the other ends normally inside that cancellation: it leaves while the sweep
  // is still walking the tasks, and the sweep must skip it and go on to the rest (ASan checks
  // what it touches).
  Runtime runtime;
  Gate first_gate;
  Gate second_gate;
  auto opens_the_other = [](Gate& mine, Gate& other) -> Task<void> {
    try {
      co_await mine.wait();
    } catch (const boost::system::system_error&) {
      other.open();  // the other task ends normally, here and now
      throw;
    }
  };
  runtime.spawn(sleep_for(1h), "sleeper");
  runtime.spawn(opens_the_other(first_gate, second_gate), "first");
  runtime.spawn(opens_the_other(second_gate, first_gate), "second");
  runtime.spawn(sleep_for(1h), "another sleeper");
  runtime.shutdown();
  EXPECT_EQ(runtime.completed_tasks(), 1u);  // the one let through
  EXPECT_EQ(runtime.cancelled_tasks(), 3u);  // the one cancelled first, the sleepers
  EXPECT_EQ(runtime.failed_tasks(), 0u);
}

TEST(Runtime, TasksOnReusedRecordsKeepTheirOwnNamesAndAreCancelled) {
  // The runtime reuses the records of finished tasks (name, cancellation state): a task that
  // gets one must fail under its own name and still be cancelled by the shutdown. The first
  // wave's names fill the Runtime's table of names (TaskLabels::limit), so the later tasks'
  // names are kept each on its own.
  std::vector<std::string> failed;
  RuntimeOptions options;
  options.on_task_failure = [&failed](std::string_view name, std::exception_ptr) {
    failed.emplace_back(name);  // on the loop thread, read after shutdown joined it
  };
  Runtime runtime(options);
  constexpr std::size_t first_wave = detail::TaskLabels::limit + 100;
  for (std::size_t i = 0; i < first_wave; ++i) {
    runtime.spawn(sleep_for(0h), "first wave " + std::to_string(i));
  }
  const auto deadline = Clock::now() + 10s;
  while (runtime.completed_tasks() < first_wave && Clock::now() < deadline) {
    std::this_thread::sleep_for(1ms);
  }
  ASSERT_EQ(runtime.completed_tasks(), first_wave);
  for (int i = 0; i < 100; ++i) runtime.spawn(sleep_for(1h), "second wave");
  runtime.spawn(
      []() -> Task<void> {
        co_await sleep_for(0h);
        throw std::runtime_error("no");
      }(),
      "the failing one");
  runtime.spawn(sleep_for(0h), "last");
  while ((runtime.completed_tasks() < first_wave + 1 || runtime.failed_tasks() < 1) &&
         Clock::now() < deadline) {
    std::this_thread::sleep_for(1ms);
  }
  runtime.shutdown();
  EXPECT_EQ(runtime.completed_tasks(), first_wave + 1);
  EXPECT_EQ(runtime.cancelled_tasks(), 100u);
  EXPECT_EQ(runtime.failed_tasks(), 1u);
  EXPECT_EQ(failed, std::vector<std::string>{"the failing one"});
}

TEST(Runtime, ATaskThatMakesItsCancellationStateAnewIsStillCancelledByShutdown) {
  // A task's cancellation state lives in its record; one the task makes anew hangs on the
  // record's signal instead. Shutdown must reach both kinds, also on reused records.
  Runtime runtime;
  auto anew = [](Duration sleep) -> Task<void> {
    co_await boost::asio::this_coro::reset_cancellation_state(
        boost::asio::enable_total_cancellation());
    co_await sleep_for(sleep);
  };
  for (int i = 0; i < 50; ++i) runtime.spawn(anew(0h), "anew, done at once");
  const auto deadline = Clock::now() + 10s;
  while (runtime.completed_tasks() < 50 && Clock::now() < deadline) {
    std::this_thread::sleep_for(1ms);
  }
  ASSERT_EQ(runtime.completed_tasks(), 50u);
  // These reuse the records of those 50.
  for (int i = 0; i < 30; ++i) runtime.spawn(anew(1h), "anew");
  for (int i = 0; i < 30; ++i) runtime.spawn(sleep_for(1h), "as it came");
  std::this_thread::sleep_for(20ms);
  const auto start = Clock::now();
  runtime.shutdown();
  EXPECT_LT(Clock::now() - start, 900ms);  // well under the 1 s grace: none was missed
  EXPECT_EQ(runtime.cancelled_tasks(), 60u);
  EXPECT_EQ(runtime.completed_tasks(), 50u);
  EXPECT_EQ(runtime.failed_tasks(), 0u);
}

TEST(Runtime, ShutdownIsIdempotent) {
  Runtime runtime;
  runtime.shutdown();
  runtime.shutdown();
}

}  // namespace
}  // namespace asyncrt
