// The API used wrongly: each mistake gets a clear error that names it (an exception, or for a
// destructor a message and the end of the program), never a hang, a crash or a silent no-op.
// One test per row of the table in docs/misuse.md; the rows about one primitive's arguments
// (a channel of capacity 0, map with concurrency 0, ...) are tested next to that primitive, and
// the table names where.
#include <asyncrt/asyncrt.hpp>

#include <atomic>
#include <chrono>
#include <exception>
#include <future>
#include <stdexcept>
#include <string>
#include <thread>

#include <gtest/gtest.h>

namespace asyncrt {
namespace {

using namespace std::chrono_literals;

Task<int> forty_two() {
  co_return 42;
}

// The message of what `call` throws as E (empty, and a test failure, if it throws nothing).
template <typename E, typename Call>
std::string message_of(Call&& call) {
  try {
    call();
  } catch (const E& e) {
    return e.what();
  }
  ADD_FAILURE() << "nothing was thrown";
  return {};
}

// The same for what a task throws, read where the task is awaited: on the loop. (Read on the
// thread that called block_on, the exception could be released by the loop meanwhile as far as
// TSan can tell: libstdc++ counts an exception_ptr's references where TSan does not look.)
template <typename E, typename T>
Task<std::string> message_in_task(Task<T> task) {
  try {
    co_await std::move(task);
  } catch (const E& e) {
    co_return e.what();
  }
  ADD_FAILURE() << "nothing was thrown";
  co_return "";
}

// ----- After shutdown() -------------------------------------------------------------------------

TEST(Misuse, StartingWorkAfterShutdownIsAnErrorNotAHang) {
  Runtime runtime;
  runtime.shutdown();
  EXPECT_THROW(runtime.block_on(forty_two()), std::logic_error);
  EXPECT_THROW(runtime.spawn(sleep_for(1ms), "late"), std::logic_error);
  const auto said = message_of<std::logic_error>([&] { runtime.spawn(sleep_for(1ms), "late"); });
  EXPECT_NE(said.find("cannot start task 'late': the Runtime has been shut down"),
            std::string::npos)
      << said;
}

// An executor or strand kept from before shutdown() and used after it (from another Runtime's
// task): the pool runs nothing now, so the waiter is told at once instead of waiting for good.
TEST(Misuse, OffloadingToAShutDownRuntimesPoolIsRefused) {
  Runtime gone({.cpu_threads = 1});
  Runtime here;
  const auto pool = gone.cpu_executor();
  const auto strand = gone.make_strand();
  gone.shutdown();
  std::atomic<bool> ran{false};
  auto to_pool = [&]() -> Task<void> { co_await offload(pool, [&] { ran = true; }); };
  auto to_strand = [&]() -> Task<void> { co_await offload(strand, [&] { ran = true; }); };
  const auto said = here.block_on(message_in_task<OffloadRefused>(to_pool()));
  EXPECT_NE(said.find("the pool has been stopped (its Runtime was shut down)"), std::string::npos)
      << said;
  EXPECT_THROW(here.block_on(to_strand()), OffloadRefused);
  EXPECT_FALSE(ran);
  EXPECT_THROW(gone.blocking_executor(), std::logic_error);
}

// A job still queued when its pool stops is destroyed unrun; its waiter (a task of another
// Runtime: the pool's own tasks are cancelled first) hears so.
TEST(Misuse, AJobQueuedWhenItsPoolStopsIsRefusedNotLost) {
  Runtime gone({.cpu_threads = 1, .spin = 0ns});
  Runtime here;
  std::promise<void> busy;
  std::atomic<bool> release{false};
  std::atomic<bool> queued_ran{false};
  auto hold_the_only_thread = [&]() -> Task<void> {
    co_await offload(gone.cpu_executor(), [&] {
      busy.set_value();
      while (!release) std::this_thread::yield();
    });
  };
  auto queued_behind_it = [&]() -> Task<void> {
    co_await offload(gone.cpu_executor(), [&] { queued_ran = true; });
  };
  here.spawn(hold_the_only_thread(), "holder");
  busy.get_future().wait();
  auto waiter = std::async(std::launch::async, [&] { here.block_on(queued_behind_it()); });
  std::this_thread::sleep_for(50ms);  // the second job is queued behind the first
  std::thread releaser([&] {
    std::this_thread::sleep_for(100ms);  // shutdown() has stopped the pool by now
    release = true;
  });
  gone.shutdown();  // joins the busy thread once it is released, then drops the queue
  releaser.join();
  EXPECT_THROW(waiter.get(), OffloadRefused);
  EXPECT_FALSE(queued_ran);
  here.shutdown();
  EXPECT_EQ(here.completed_tasks(), 1u);  // the holder's job did run
}

// ----- On the Runtime's own threads -------------------------------------------------------------

TEST(Misuse, BlockOnFromInsideATaskIsRefused) {
  Runtime runtime;
  auto nested = [&]() -> Task<int> { co_return runtime.block_on(forty_two()); };
  const auto said = runtime.block_on(message_in_task<std::logic_error>(nested()));
  EXPECT_NE(said.find("Runtime::block_on called on the event loop thread"), std::string::npos)
      << said;
}

TEST(Misuse, ShutdownFromInsideATaskOrAPoolJobIsRefusedAndTheRuntimeGoesOn) {
  Runtime runtime;
  auto from_a_task = [&]() -> Task<void> {
    runtime.shutdown();
    co_return;
  };
  const auto said = runtime.block_on(message_in_task<std::logic_error>(from_a_task()));
  EXPECT_NE(said.find("Runtime::shutdown called on its event loop thread"), std::string::npos)
      << said;
  auto from_the_pool = [&]() -> Task<void> { co_await offload([&] { runtime.shutdown(); }); };
  const auto pool_said = runtime.block_on(message_in_task<std::logic_error>(from_the_pool()));
  EXPECT_NE(pool_said.find("Runtime::shutdown called on a thread of its CPU pool"),
            std::string::npos)
      << pool_said;
  auto from_the_blocking_pool = [&]() -> Task<void> {
    co_await offload_blocking([&] { runtime.shutdown(); });
  };
  EXPECT_THROW(runtime.block_on(from_the_blocking_pool()), std::logic_error);
  EXPECT_EQ(runtime.block_on(forty_two()), 42);  // nothing was shut down
}

TEST(MisuseDeathTest, ARuntimeDestroyedInsideItsOwnTaskEndsTheProgramSayingWhy) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        auto* runtime = new Runtime;
        auto destroy_it = [&]() -> Task<void> {
          delete runtime;
          co_return;
        };
        runtime->block_on(destroy_it());
      },
      "a Runtime destroyed on its event loop thread: it would wait for itself");
}

TEST(MisuseDeathTest, ARuntimeDestroyedOnItsOwnPoolThreadEndsTheProgramSayingWhy) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        auto* runtime = new Runtime;
        auto destroy_it = [&]() -> Task<void> { co_await offload([&] { delete runtime; }); };
        runtime->block_on(destroy_it());
      },
      "a Runtime destroyed on a thread of its CPU pool: it would wait for itself");
}

// ----- More than one Runtime
// ----------------------------------------------------------------------

TEST(Misuse, TwoRuntimesOnOneThreadAndABlockOnOfTheOtherFromATaskWork) {
  // Not a mistake: each Runtime has its own loop thread. A task that block_on()s another
  // Runtime holds its own loop meanwhile (the stall detector says so), as any blocking call does.
  Runtime outer({.detect_stalls = false});
  Runtime inner;
  auto across = [&]() -> Task<int> {
    EXPECT_EQ(&Runtime::current(), &outer);
    auto where = []() -> Task<Runtime*> { co_return &Runtime::current(); };
    EXPECT_EQ(inner.block_on(where()), &inner);
    co_return inner.block_on(forty_two()) + 1;
  };
  EXPECT_EQ(outer.block_on(across()), 43);
  EXPECT_EQ(inner.block_on(forty_two()), 42);
}

// ----- Limits of zero ----------------------------------------------------------------------------

TEST(Misuse, WithTimeoutOfZeroOrLessLetsATaskThatNeverWaitsFinishAndTimesOutOneThatWaits) {
  Runtime runtime;
  auto never_waits = []() -> Task<int> { co_return 1; };
  auto waits = []() -> Task<int> {
    co_await sleep_for(1h);
    co_return 2;
  };
  auto zero = [&]() -> Task<int> { co_return co_await with_timeout(never_waits(), 0s); };
  EXPECT_EQ(runtime.block_on(zero()), 1);
  for (const auto limit : {Duration(0), Duration(-5s), Duration::min()}) {
    auto timed_out = [&]() -> Task<int> { co_return co_await with_timeout(waits(), limit); };
    EXPECT_THROW(runtime.block_on(timed_out()), TimeoutError);
  }
}

}  // namespace
}  // namespace asyncrt
