// Test that the header is self-contained.
#include <asyncrt/cpu_pool.hpp>

#include <sched.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <future>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <gtest/gtest.h>

#include <asyncrt/offload.hpp>
#include <asyncrt/runtime.hpp>

namespace asyncrt {
namespace {

using namespace std::chrono_literals;

// Posts `jobs` jobs and waits for all; the threads they ran on.
std::set<std::thread::id> run_jobs(CpuPool& pool, int jobs) {
  std::mutex mutex;
  std::set<std::thread::id> threads;
  std::atomic<int> left{jobs};
  std::promise<void> all_done;
  for (int i = 0; i < jobs; ++i) {
    asio::post(pool.get_executor(), [&] {
      std::this_thread::sleep_for(1ms);  // long enough for every thread to get some
      {
        std::lock_guard lock(mutex);
        threads.insert(std::this_thread::get_id());
      }
      if (--left == 0) all_done.set_value();
    });
  }
  all_done.get_future().wait();
  return threads;
}

TEST(CpuPool, RunsEveryJobOnItsOwnThreads) {
  CpuPool pool(2);
  const auto threads = run_jobs(pool, 40);
  EXPECT_EQ(threads.size(), 2u);
  EXPECT_EQ(threads.count(std::this_thread::get_id()), 0u);
  EXPECT_EQ(pool.threads(), 2u);
}

TEST(CpuPool, SleepingThreadsWakeForNewWork) {
  // No spin at all, and a pause far longer than any spin: every job finds the threads asleep.
  for (const auto spin : {std::chrono::nanoseconds(0), std::chrono::nanoseconds(20us)}) {
    CpuPool pool(2, spin);
    for (int round = 0; round < 3; ++round) {
      EXPECT_EQ(run_jobs(pool, 4).empty(), false);
      std::this_thread::sleep_for(20ms);
      EXPECT_EQ(pool.jobs_in_flight(), 0u);
    }
  }
}

TEST(CpuPool, ABurstWakesEverySleepingThread) {
  // The jobs only finish if all four threads run them at once, each waiting for the others (a
  // sleeper left asleep would leave them waiting 10 s).
  for (const auto spin : {std::chrono::nanoseconds(0), std::chrono::nanoseconds(20us)}) {
    CpuPool pool(4, spin);
    for (int round = 0; round < 3; ++round) {
      std::this_thread::sleep_for(20ms);  // every thread asleep
      std::mutex mutex;
      std::condition_variable all_there;
      int arrived = 0;
      std::atomic<int> met{0};
      std::atomic<int> finished{0};
      std::promise<void> done;
      for (int i = 0; i < 4; ++i) {
        asio::post(pool.get_executor(), [&] {
          {
            std::unique_lock lock(mutex);
            if (++arrived == 4) all_there.notify_all();  // (never goes down: once 4, stays 4)
            if (all_there.wait_for(lock, 10s, [&] { return arrived >= 4; })) ++met;
          }
          if (++finished == 4) done.set_value();  // after the last use of the round's mutex
        });
      }
      done.get_future().wait();
      EXPECT_EQ(met.load(), 4) << "round " << round << ", spin " << spin.count() << " ns";
    }
  }
}

#ifdef SCHED_BATCH
TEST(CpuPool, ItsThreadsAreBatchThreadsTheOthersAreNot) {
  CpuPool pool(1);
  std::promise<int> policy;
  asio::post(pool.get_executor(), [&] { policy.set_value(sched_getscheduler(0)); });
  EXPECT_EQ(policy.get_future().get(), SCHED_BATCH);
  EXPECT_EQ(sched_getscheduler(0), SCHED_OTHER);  // the thread that made the pool
}
#endif

#ifdef __linux__
TEST(UsableCores, FollowTheAffinityMaskAsTheRuntimesDefaultsDo) {
  // As under `taskset -c N`: a thread allowed one CPU sees one core, and a Runtime built there
  // gets one CPU thread, though the machine has more. (On a thread of its own: the mask is per
  // thread, and the test's main thread keeps its own.)
  std::size_t cores = 0, pool_cores = 0, runtime_threads = 0;
  std::thread pinned([&] {
    cpu_set_t all;
    ASSERT_EQ(sched_getaffinity(0, sizeof(all), &all), 0);
    int first = 0;
    while (!CPU_ISSET(first, &all)) ++first;
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(first, &one);
    ASSERT_EQ(sched_setaffinity(0, sizeof(one), &one), 0);
    cores = usable_cores();
    pool_cores = CpuPool(1).cores();
    runtime_threads = Runtime().cpu_threads();
  });
  pinned.join();
  EXPECT_EQ(cores, 1u);
  EXPECT_EQ(pool_cores, 1u);
  EXPECT_EQ(runtime_threads, 1u);
  EXPECT_GE(usable_cores(), 1u);
  EXPECT_LE(usable_cores(), std::max(1u, std::thread::hardware_concurrency()));
}
#endif

TEST(CpuPool, CoresWantedCountsRunningAndQueuedJobs) {
  // What the loop reads before it spins: a running job and a queued one want two cores.
  CpuPool pool(1, std::chrono::nanoseconds(0));
  EXPECT_GE(pool.cores(), 1u);
  EXPECT_LE(pool.cores(), std::max(1u, std::thread::hardware_concurrency()));
  std::promise<void> started, release, second_done;
  auto release_seen = release.get_future().share();
  asio::post(pool.get_executor(), [&] {
    started.set_value();
    release_seen.wait();
  });
  asio::post(pool.get_executor(), [&] { second_done.set_value(); });
  started.get_future().wait();
  EXPECT_EQ(pool.cores_wanted(), 2u);
  EXPECT_EQ(pool.jobs_in_flight(), 2u);
  EXPECT_EQ(pool.jobs_finished(), 0u);
  release.set_value();
  second_done.get_future().wait();
  for (int i = 0; i < 1000 && pool.jobs_in_flight() > 0; ++i) std::this_thread::sleep_for(1ms);
  EXPECT_EQ(pool.jobs_in_flight(), 0u);
  EXPECT_EQ(pool.jobs_finished(), 2u);
  EXPECT_EQ(pool.cores_wanted(), 0u);  // spin 0: the thread went to sleep at once
}

TEST(CpuPool, DispatchFromAPoolThreadRunsAtOncePostQueues) {
  CpuPool pool(1);
  std::promise<std::vector<std::string>> seen;
  asio::post(pool.get_executor(), [&] {
    std::vector<std::string> order;
    asio::post(pool.get_executor(), [] {});  // queued behind this job
    asio::dispatch(pool.get_executor(), [&] { order.push_back("dispatched"); });
    order.push_back("after dispatch");
    seen.set_value(order);
  });
  EXPECT_EQ(seen.get_future().get(), (std::vector<std::string>{"dispatched", "after dispatch"}));
}

TEST(CpuPool, ExecutorPropertiesFollowAsio) {
  CpuPool pool(1);
  CpuPool other(1);
  const auto executor = pool.get_executor();
  EXPECT_EQ(&asio::query(executor, asio::execution::context), &pool);
  EXPECT_EQ(asio::query(executor, asio::execution::blocking), asio::execution::blocking.possibly);
  const auto never = asio::require(executor, asio::execution::blocking.never);
  EXPECT_EQ(asio::query(never, asio::execution::blocking), asio::execution::blocking.never);
  EXPECT_FALSE(never == executor);
  EXPECT_TRUE(executor == pool.get_executor());
  EXPECT_FALSE(executor == other.get_executor());
  EXPECT_FALSE(executor.running_in_this_thread());
}

TEST(CpuPool, AStrandOnItNeverRunsTwoJobsAtOnce) {
  CpuPool pool(2);
  auto strand = asio::make_strand(pool.get_executor());
  int unguarded = 0;  // only the strand touches it
  std::atomic<int> inside{0};
  std::atomic<int> overlaps{0};
  std::promise<void> done;
  constexpr int jobs = 2000;
  for (int i = 0; i < jobs; ++i) {
    asio::post(strand, [&] {
      if (inside.fetch_add(1) != 0) ++overlaps;
      if (++unguarded == jobs) done.set_value();
      inside.fetch_sub(1);
    });
  }
  done.get_future().wait();
  EXPECT_EQ(unguarded, jobs);
  EXPECT_EQ(overlaps.load(), 0);
}

TEST(CpuPool, AJobThatThrowsIsReportedAndTheThreadGoesOn) {
  std::promise<std::string> reported;
  CpuPool pool(1, 20us, [&](std::exception_ptr error) {
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      reported.set_value(e.what());
    }
  });
  asio::post(pool.get_executor(), [] { throw std::runtime_error("bad job"); });
  EXPECT_EQ(reported.get_future().get(), "bad job");
  EXPECT_EQ(run_jobs(pool, 2).size(), 1u);  // the same single thread still works
}

TEST(CpuPool, StopDropsQueuedJobsWithoutRunningThem) {
  struct Counted {
    std::atomic<int>* destroyed;
    std::atomic<int>* ran;
    Counted(std::atomic<int>& d, std::atomic<int>& r) : destroyed(&d), ran(&r) {}
    Counted(Counted&& other) noexcept : destroyed(other.destroyed), ran(other.ran) {
      other.destroyed = nullptr;
    }
    ~Counted() {
      if (destroyed) ++*destroyed;
    }
    void operator()() { ++*ran; }
  };
  std::atomic<int> destroyed{0};
  std::atomic<int> ran{0};
  std::promise<void> blocker_started;
  std::promise<void> release;
  auto released = release.get_future().share();
  {
    CpuPool pool(1);
    asio::post(pool.get_executor(), [&, released] {
      blocker_started.set_value();
      released.wait();
    });
    blocker_started.get_future().wait();
    for (int i = 0; i < 5; ++i) asio::post(pool.get_executor(), Counted(destroyed, ran));
    EXPECT_EQ(pool.jobs_in_flight(), 6u);
    pool.stop();
    release.set_value();
    pool.join();
    EXPECT_EQ(pool.jobs_in_flight(), 0u);
  }
  EXPECT_EQ(ran.load(), 0);
  EXPECT_EQ(destroyed.load(), 5);
}

TEST(CpuPool, TheRuntimesOffloadsRunThereAndPostedFailuresCount) {
  Runtime runtime(
      {.cpu_threads = 2, .on_task_failure = [](std::string_view, std::exception_ptr) {}});
  auto task = [&]() -> Task<bool> {
    co_return co_await offload([&] { return runtime.cpu_executor().running_in_this_thread(); });
  };
  EXPECT_TRUE(runtime.block_on(task()));
  asio::post(runtime.cpu_executor(), [] { throw std::runtime_error("posted straight there"); });
  for (int i = 0; i < 5000 && runtime.failed_tasks() == 0; ++i) std::this_thread::sleep_for(1ms);
  EXPECT_EQ(runtime.failed_tasks(), 1u);
}

TEST(CpuPool, OffloadsComeBackWithAndWithoutSpinning) {
  for (const auto spin : {std::chrono::nanoseconds(0), std::chrono::nanoseconds(20us)}) {
    Runtime runtime({.cpu_threads = 2, .spin = spin});
    auto task = [&]() -> Task<long> {
      long sum = 0;
      for (int i = 1; i <= 1000; ++i) {
        sum += co_await offload([i] { return i; });
        if (!runtime.in_loop_thread()) co_return -1;
      }
      co_return sum;
    };
    EXPECT_EQ(runtime.block_on(task()), 500500);
  }
}

}  // namespace
}  // namespace asyncrt
