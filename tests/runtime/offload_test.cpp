// Test that the header is self-contained.
#include <asyncrt/offload.hpp>

#include <atomic>
#include <numeric>
#include <set>
#include <stdexcept>
#include <stop_token>
#include <thread>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_future.hpp>
#include <gtest/gtest.h>

#include <asyncrt/event.hpp>
#include <asyncrt/runtime.hpp>
#include <asyncrt/time.hpp>
#include <asyncrt/when_all.hpp>

#include "support/busy.hpp"

namespace asyncrt {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

TEST(Offload, ReturnsTheValueAndResumesOnTheLoop) {
  Runtime runtime;
  struct Seen {
    int value;
    std::thread::id worker, before, after;
  };
  auto task = [&]() -> Task<Seen> {
    Seen seen{};
    seen.before = std::this_thread::get_id();
    seen.value = co_await offload([&seen] {
      seen.worker = std::this_thread::get_id();
      return 6 * 7;
    });
    seen.after = std::this_thread::get_id();
    co_return seen;
  };
  const Seen seen = runtime.block_on(task());
  EXPECT_EQ(seen.value, 42);
  EXPECT_EQ(seen.before, runtime.loop_thread_id());
  EXPECT_EQ(seen.after, runtime.loop_thread_id());  // back on the loop, not on the pool
  EXPECT_NE(seen.worker, runtime.loop_thread_id());
}

TEST(Offload, VoidFunctionsWork) {
  Runtime runtime;
  std::atomic<bool> ran{false};
  auto task = [&]() -> Task<void> { co_await offload([&] { ran = true; }); };
  runtime.block_on(task());
  EXPECT_TRUE(ran);
}

TEST(Offload, ExceptionsReachTheAwaitingTask) {
  Runtime runtime;
  auto task = []() -> Task<int> {
    co_return co_await offload([]() -> int { throw std::out_of_range("from the pool"); });
  };
  try {
    runtime.block_on(task());
    FAIL() << "expected an exception";
  } catch (const std::out_of_range& e) {
    EXPECT_STREQ(e.what(), "from the pool");
  }
}

TEST(Offload, StrandSerialisesWorkWithoutALock) {
  Runtime runtime({.cpu_threads = 4});
  auto strand = runtime.make_strand();
  int counter = 0;  // no lock, no atomic: only the strand touches it
  std::atomic<int> inside{0};
  std::atomic<int> overlaps{0};
  auto bump = [&]() -> Task<void> {
    co_await offload(strand, [&] {
      if (inside.fetch_add(1) != 0) ++overlaps;
      ++counter;
      inside.fetch_sub(1);
    });
  };
  auto all = [&]() -> Task<void> {
    std::vector<Task<void>> bumps;
    for (int i = 0; i < 2000; ++i) bumps.push_back(bump());
    co_await when_all(std::move(bumps));
  };
  runtime.block_on(all());
  EXPECT_EQ(counter, 2000);
  EXPECT_EQ(overlaps, 0);
}

TEST(Offload, AStrandRunsItsFunctionsInOrderOnThePoolsThreadsAndEachWaiterResumesOnTheLoop) {
  Runtime runtime({.cpu_threads = 2});
  auto strand = runtime.make_strand();
  constexpr int jobs = 200;
  std::vector<int> order;            // touched through the strand only
  std::set<std::thread::id> ran_on;  // likewise
  int completed_on_loop = 0;         // touched on the loop only
  Event all_done;
  auto task = [&]() -> Task<void> {
    auto loop = co_await asio::this_coro::executor;
    for (int i = 0; i < jobs; ++i) {  // all started before any has run
      offload(
          strand,
          [&, i] {
            order.push_back(i);
            ran_on.insert(std::this_thread::get_id());
          },
          asio::bind_executor(loop, [&](std::exception_ptr error) {
            EXPECT_FALSE(error);
            completed_on_loop += runtime.in_loop_thread() ? 1 : 0;
            if (completed_on_loop == jobs) all_done.set();
          }));
    }
    co_await all_done.wait();
  };
  runtime.block_on(task());
  std::vector<int> expected(jobs);
  std::iota(expected.begin(), expected.end(), 0);
  EXPECT_EQ(order, expected);
  EXPECT_EQ(completed_on_loop, jobs);
  EXPECT_FALSE(ran_on.contains(runtime.loop_thread_id()));
  EXPECT_FALSE(ran_on.empty());
}

TEST(Offload, BlockingPoolIsSeparateFromTheCpuPool) {
  // The single CPU thread waits for a flag that only the blocking pool can set: with one shared
  // pool this would time out.
  Runtime runtime({.cpu_threads = 1, .blocking_threads = 1});
  std::atomic<bool> flag{false};
  auto task = [&]() -> Task<std::tuple<bool, std::monostate>> {
    co_return co_await when_all(
        [&]() -> Task<bool> {
          co_return co_await offload([&] {
            const auto deadline = Clock::now() + 10s;
            while (!flag && Clock::now() < deadline) std::this_thread::yield();
            return flag.load();
          });
        }(),
        [&]() -> Task<void> { co_await offload_blocking([&] { flag = true; }); }());
  };
  EXPECT_TRUE(std::get<0>(runtime.block_on(task())));
}

TEST(Offload, WorksWithUseFuture) {
  Runtime runtime;
  auto future = offload(
      runtime.cpu_executor(), [] { return 5; }, boost::asio::use_future);
  EXPECT_EQ(future.get(), 5);
  auto failing = offload(
      runtime.cpu_executor(), []() -> int { throw std::runtime_error("x"); },
      boost::asio::use_future);
  EXPECT_THROW(failing.get(), std::runtime_error);
}

TEST(Offload, WorksWithACallback) {
  Runtime runtime;
  std::promise<int> got;
  offload(
      runtime.cpu_executor(), [] { return 9; },
      [&](std::exception_ptr error, int value) {
        EXPECT_FALSE(error);
        got.set_value(value);
      });
  EXPECT_EQ(got.get_future().get(), 9);
}

TEST(Offload, WorksWithDeferred) {
  Runtime runtime;
  auto task = []() -> Task<int> {
    auto operation = offload([] { return 3; }, boost::asio::deferred);  // nothing runs yet
    co_return co_await std::move(operation)(boost::asio::use_awaitable);
  };
  EXPECT_EQ(runtime.block_on(task()), 3);
}

TEST(Offload, CancellingQueuedWorkAnswersAtOnceAndSkipsIt) {
  Runtime runtime({.cpu_threads = 1});
  std::atomic<bool> release{false};
  std::atomic<bool> second_ran{false};
  // The only CPU thread is held until the timeout below has fired. Had the second job's waiter
  // to wait for a pool thread, this would be a deadlock (broken by the 10 s deadline).
  auto first = offload(
      runtime.cpu_executor(),
      [&] {
        const auto deadline = Clock::now() + 10s;
        while (!release && Clock::now() < deadline) std::this_thread::yield();
        return release.load();
      },
      boost::asio::use_future);
  auto task = [&]() -> Task<void> {
    co_await with_timeout(offload([&] { second_ran = true; }), 50ms, "second job");
  };
  EXPECT_THROW(runtime.block_on(task()), TimeoutError);
  release = true;
  EXPECT_TRUE(first.get());  // released by us, not by the deadline
  // One thread takes jobs in order: once a third job has run, the second was reached too.
  offload(
      runtime.cpu_executor(), [] {}, boost::asio::use_future)
      .get();
  EXPECT_FALSE(second_ran);
}

TEST(Offload, RunningWorkSeesTheStopToken) {
  Runtime runtime;
  std::atomic<bool> saw_stop{false};
  auto task = [&]() -> Task<void> {
    co_await with_timeout(offload([&](std::stop_token stop) {
                            const auto deadline = Clock::now() + 10s;
                            while (!stop.stop_requested() && Clock::now() < deadline) {
                            }
                            saw_stop = stop.stop_requested();
                          }),
                          50ms, "spinning job");
  };
  const auto start = Clock::now();
  EXPECT_THROW(runtime.block_on(task()), TimeoutError);
  EXPECT_TRUE(saw_stop);
  EXPECT_LT(Clock::now() - start, 5s);
}

TEST(Offload, WithoutARuntimeOnThisThreadIsAClearError) {
  EXPECT_THROW((void)offload([] { return 1; }, boost::asio::use_future), std::logic_error);
}

}  // namespace
}  // namespace asyncrt
