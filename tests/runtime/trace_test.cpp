// Test that the header is self-contained.
#include <asyncrt/trace.hpp>

#include <asyncrt/barrier.hpp>
#include <asyncrt/condition.hpp>
#include <asyncrt/latch.hpp>
#include <asyncrt/offload.hpp>
#include <asyncrt/periodic_timer.hpp>
#include <asyncrt/runtime.hpp>
#include <asyncrt/semaphore.hpp>
#include <asyncrt/shared_mutex.hpp>
#include <asyncrt/stream.hpp>
#include <asyncrt/task_group.hpp>
#include <asyncrt/time.hpp>
#include <asyncrt/when_all.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <stdexcept>
#include <thread>
#include <vector>

#include "support/busy.hpp"

namespace asyncrt {
namespace {

using namespace std::chrono_literals;
using trace::Kind;
using trace::Span;

std::vector<Span> spans_of(const std::vector<Span>& spans, std::string_view task, Kind kind) {
  std::vector<Span> out;
  std::copy_if(spans.begin(), spans.end(), std::back_inserter(out),
               [&](const Span& s) { return s.task == task && s.kind == kind; });
  return out;
}

TEST(Trace, OffByDefaultAndRecordsNothing) {
  EXPECT_FALSE(trace::enabled());
  { trace::Scope nothing("job"); }
  trace::Recording recording;
  EXPECT_TRUE(trace::enabled());
  EXPECT_TRUE(recording.finish().empty());  // the Scope above ran before the recording
  EXPECT_FALSE(trace::enabled());
}

TEST(Trace, OneRecordingAtATime) {
  trace::Recording recording;
  EXPECT_THROW(trace::Recording second, std::logic_error);
}

TEST(Trace, ScopeRecordsOnTheNamedThread) {
  trace::Recording recording;
  std::thread cook([] {
    trace::name_this_thread("cook-1");
    trace::Scope work("bowl 1");
    testing::busy_for(2ms);
  });
  cook.join();
  const auto spans = recording.finish();
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_EQ(spans[0].task, "bowl 1");
  EXPECT_EQ(spans[0].thread, "cook-1");
  EXPECT_EQ(spans[0].kind, Kind::computing);
  EXPECT_GE(spans[0].end - spans[0].start, 2ms);
}

TEST(Trace, RuntimeRecordsLoopWorkWaitsAndOffloadedWork) {
  trace::Recording recording;
  {
    RuntimeOptions options;
    options.detect_stalls = false;  // the tracer alone names the tasks
    Runtime runtime(options);
    auto job = [&]() -> Task<int> {
      EXPECT_EQ(trace::current_task(), "bowl");
      testing::busy_for(1ms);  // on the loop
      co_await sleep_for(20ms);
      auto strand = runtime.make_strand();
      const int a = co_await offload([] {
        testing::busy_for(3ms);
        return 20;
      });
      const int b = co_await offload(strand, [] { return 22; });
      co_return a + b;
    };
    EXPECT_EQ(runtime.block_on(job(), "bowl"), 42);
  }
  const auto spans = recording.finish();

  const auto on_loop = spans_of(spans, "bowl", Kind::computing);
  ASSERT_FALSE(on_loop.empty());
  EXPECT_TRUE(std::any_of(on_loop.begin(), on_loop.end(), [](const Span& s) {
    return s.thread == "loop" && s.end - s.start >= 1ms;
  }));
  // The offloaded jobs ran on a CPU pool thread, the second through a strand.
  EXPECT_TRUE(std::any_of(on_loop.begin(), on_loop.end(), [](const Span& s) {
    return s.thread.rfind("cpu-", 0) == 0 && s.via.empty() && s.end - s.start >= 3ms;
  }));
  EXPECT_TRUE(std::any_of(on_loop.begin(), on_loop.end(), [](const Span& s) {
    return s.thread.rfind("cpu-", 0) == 0 && s.via == "strand";
  }));

  // The timer wait and both offload waits hold no thread.
  const auto waits = spans_of(spans, "bowl", Kind::waiting);
  ASSERT_EQ(waits.size(), 3u);
  for (const auto& w : waits) EXPECT_TRUE(w.thread.empty());
  EXPECT_GE(waits[0].end - waits[0].start, 20ms);
  EXPECT_GE(waits[1].end - waits[1].start, 3ms);
}

TEST(Trace, ContendedSemaphoreIsABlockedSpan) {
  trace::Recording recording;
  {
    Runtime runtime;
    Semaphore stove(1);
    auto cook = [&](int) -> Task<void> {
      auto burner = co_await stove.hold();
      co_await sleep_for(10ms);
    };
    auto both = [&]() -> Task<void> {
      std::vector<Task<void>> cooks;
      cooks.push_back(co_spawn(runtime.task_executor("first"), cook(1), asio::use_awaitable));
      cooks.push_back(co_spawn(runtime.task_executor("second"), cook(2), asio::use_awaitable));
      co_await when_all(std::move(cooks));
    };
    runtime.block_on(both());
  }
  const auto spans = recording.finish();
  EXPECT_TRUE(spans_of(spans, "first", Kind::blocked).empty());
  const auto blocked = spans_of(spans, "second", Kind::blocked);
  ASSERT_EQ(blocked.size(), 1u);
  // "second" is blocked from when it asks until "first", done sleeping, gives the permit back.
  // (Not "at least 10 ms": under a sanitizer "second" may start a few ms after "first".)
  const auto first_sleeps = spans_of(spans, "first", Kind::waiting);
  ASSERT_EQ(first_sleeps.size(), 1u);
  EXPECT_GE(first_sleeps[0].end - first_sleeps[0].start, 10ms);
  EXPECT_LT(blocked[0].start, first_sleeps[0].end);
  EXPECT_GE(blocked[0].end, first_sleeps[0].end);
}

// The waits on the vocabulary's primitives are spans under the waiting task's name: a latch,
// a barrier, a condition, a periodic timer and a stream's next() are waits; a writer kept out
// of a SharedMutex by a reader is blocked.
TEST(Trace, EveryPrimitivesWaitIsASpanOfItsTask) {
  trace::Recording recording;
  {
    Runtime runtime;
    Latch latch(1);
    Barrier barrier(2);
    Mutex mutex;
    Condition condition(mutex);
    bool ready = false;
    SharedMutex rwlock;
    auto task = [&]() -> Task<void> {
      auto reading = co_await rwlock.lock_shared();
      co_await task_group([&](TaskGroup& group) -> Task<void> {
        group.spawn([&]() -> Task<void> { co_await latch.wait(); }, "latch");
        group.spawn([&]() -> Task<void> { co_await barrier.arrive_and_wait(); }, "barrier");
        group.spawn(
            [&]() -> Task<void> {
              auto lock = co_await mutex.lock();
              co_await condition.wait(lock, [&] { return ready; });
            },
            "condition");
        group.spawn([&]() -> Task<void> { auto writing = co_await rwlock.lock(); }, "writer");
        group.spawn(
            [&]() -> Task<void> {
              PeriodicTimer timer(10ms);
              co_await timer.tick();
            },
            "timer");
        group.spawn(
            [&]() -> Task<void> {
              Stream<int> slow([](Yield<int>& yield) -> Task<void> {
                co_await sleep_for(10ms);
                co_await yield(1);
              });
              co_await slow.next();
            },
            "stream consumer");
        co_await sleep_for(10ms);
        latch.count_down();
        co_await barrier.arrive_and_wait();
        {
          auto lock = co_await mutex.lock();
          ready = true;
          condition.notify_all();
        }
        reading.unlock();
      });
    };
    runtime.block_on(task());
  }
  const auto spans = recording.finish();
  for (const char* name : {"latch", "barrier", "condition", "timer", "stream consumer"}) {
    EXPECT_FALSE(spans_of(spans, name, Kind::waiting).empty()) << name;
  }
  EXPECT_FALSE(spans_of(spans, "writer", Kind::blocked).empty());
}

TEST(Trace, SpansPastTheLimitAreCountedNotKept) {
  trace::Recording recording(2);
  for (int i = 0; i < 5; ++i) trace::Scope job("job");
  EXPECT_EQ(recording.finish().size(), 2u);
  EXPECT_EQ(recording.dropped(), 3u);
}

}  // namespace
}  // namespace asyncrt
