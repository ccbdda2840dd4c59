// Test that the header is self-contained.
#include <asyncrt/task_group.hpp>

#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/system/system_error.hpp>

#include <asyncrt/offload.hpp>
#include <asyncrt/runtime.hpp>
#include <asyncrt/time.hpp>
#include <asyncrt/trace.hpp>

#include "support/waiting.hpp"

namespace asyncrt {
namespace {

using namespace std::chrono_literals;
using testing::virtual_time;

bool is_aborted(const boost::system::system_error& e) {
  return e.code() == boost::asio::error::operation_aborted;
}

// What one child did: finished, was cancelled (and when, on the Runtime's clock).
struct Outcome {
  bool finished = false;
  bool cancelled = false;
  std::chrono::steady_clock::duration at{};
};

// Sleeps for `duration`, then appends `name` to `order`; records how it ended.
Task<void> sleeper(std::chrono::milliseconds duration, std::string name,
                   std::vector<std::string>& order, Outcome& outcome) {
  auto& runtime = Runtime::current();
  const auto start = runtime.now();
  try {
    co_await sleep_for(duration);
  } catch (const boost::system::system_error& e) {
    outcome.cancelled = is_aborted(e);
    outcome.at = runtime.now() - start;
    throw;
  }
  order.push_back(std::move(name));
  outcome.finished = true;
  outcome.at = runtime.now() - start;
}

Task<void> fail_after(std::chrono::milliseconds delay, std::string message) {
  co_await sleep_for(delay);
  throw std::runtime_error(message);
}

TEST(TaskGroup, WaitsForEveryChildWhichMayUseTheCallersLocals) {
  Runtime runtime(virtual_time());
  std::vector<std::string> order;
  Outcome a, b, c;
  auto task = [&]() -> Task<void> {
    const auto start = runtime.now();
    co_await task_group([&](TaskGroup& group) -> Task<void> {
      group.spawn(sleeper(30ms, "slow", order, a), "slow");
      group.spawn(sleeper(10ms, "fast", order, b), "fast");
      group.spawn(sleeper(20ms, "middle", order, c), "middle");
      EXPECT_EQ(group.running(), 4u);  // three children and the body
      co_return;
    });
    EXPECT_EQ(runtime.now() - start, 30ms);  // as long as the slowest: they overlapped
  };
  runtime.block_on(task());
  EXPECT_EQ(order, (std::vector<std::string>{"fast", "middle", "slow"}));
  EXPECT_TRUE(a.finished && b.finished && c.finished);
}

TEST(TaskGroup, ChildrenMaySpawnChildrenAndTheGroupWaitsForThemToo) {
  Runtime runtime(virtual_time());
  int ran = 0;
  auto task = [&]() -> Task<void> {
    co_await task_group([&](TaskGroup& group) -> Task<void> {
      group.spawn(
          [&]() -> Task<void> {
            co_await sleep_for(10ms);
            for (int i = 0; i < 3; ++i) {
              group.spawn(
                  [&]() -> Task<void> {
                    co_await sleep_for(10ms);
                    ++ran;
                  },
                  "grandchild");
            }
            ++ran;
          },
          "child");
      co_return;
    });
    EXPECT_EQ(ran, 4);
  };
  runtime.block_on(task());
  EXPECT_EQ(ran, 4);
}

TEST(TaskGroup, ChildrenThatNeverWaitEndInsideSpawn) {
  Runtime runtime;
  int ran = 0;
  auto task = [&]() -> Task<void> {
    co_await task_group([&](TaskGroup& group) -> Task<void> {
      for (int i = 0; i < 100; ++i) {
        group.spawn(
            [&]() -> Task<void> {
              ++ran;
              co_return;
            },
            "quick");
      }
      co_return;
    });
  };
  runtime.block_on(task());
  EXPECT_EQ(ran, 100);
}

TEST(TaskGroup, FirstFailureCancelsTheBodyAndTheSiblingsAtOnceAndIsRethrown) {
  Runtime runtime(virtual_time());
  std::vector<std::string> order;
  Outcome slow, slower, body;
  auto task = [&]() -> Task<void> {
    const auto start = runtime.now();
    try {
      co_await task_group([&](TaskGroup& group) -> Task<void> {
        group.spawn(sleeper(100ms, "slow", order, slow), "slow");
        group.spawn(fail_after(10ms, "the kitchen is on fire"), "failing");
        group.spawn(sleeper(1h, "slower", order, slower), "slower");
        co_await sleeper(1h, "body", order, body);
      });
      ADD_FAILURE() << "task_group returned";
    } catch (const std::runtime_error& e) {
      EXPECT_STREQ(e.what(), "the kitchen is on fire");
    }
    EXPECT_EQ(runtime.now() - start, 10ms);  // nobody waited for the sleepers to finish
  };
  runtime.block_on(task());
  EXPECT_TRUE(order.empty());
  for (const Outcome* o : {&slow, &slower, &body}) {
    EXPECT_TRUE(o->cancelled);
    EXPECT_EQ(o->at, 10ms);
  }
  EXPECT_EQ(runtime.failed_tasks(), 0u);
}

TEST(TaskGroup, AFailingBodyCancelsTheChildren) {
  Runtime runtime(virtual_time());
  std::vector<std::string> order;
  Outcome child;
  auto task = [&]() -> Task<void> {
    co_await task_group([&](TaskGroup& group) -> Task<void> {
      group.spawn(sleeper(1h, "child", order, child), "child");
      co_await sleep_for(5ms);
      throw std::invalid_argument("bad order");
    });
  };
  EXPECT_THROW(runtime.block_on(task()), std::invalid_argument);
  EXPECT_TRUE(child.cancelled);
  EXPECT_EQ(child.at, 5ms);
}

TEST(TaskGroup, ALaterFailureIsReportedNotCountedAndTheFirstIsRethrown) {
  std::vector<std::string> reports;
  RuntimeOptions options = virtual_time();
  options.on_task_failure = [&](std::string_view task, std::exception_ptr error) {
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      reports.push_back(std::string(task) + ": " + e.what());
    }
  };
  Runtime runtime(options);
  auto task = [&]() -> Task<void> {
    co_await task_group([&](TaskGroup& group) -> Task<void> {
      group.spawn(fail_after(10ms, "first"), "first");
      group.spawn(
          []() -> Task<void> {
            try {
              co_await sleep_for(1h);
            } catch (const boost::system::system_error&) {
              throw std::logic_error("cleanup failed");
            }
          },
          "second");
      co_return;
    });
  };
  try {
    runtime.block_on(task());
    ADD_FAILURE() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "first");
  }
  EXPECT_EQ(reports, std::vector<std::string>{"second: cleanup failed"});
  EXPECT_EQ(runtime.failed_tasks(), 0u);
}

TEST(TaskGroup, CancelEndsTheGroupNormally) {
  Runtime runtime(virtual_time());
  std::vector<std::string> order;
  Outcome a, b;
  auto task = [&]() -> Task<void> {
    const auto start = runtime.now();
    co_await task_group([&](TaskGroup& group) -> Task<void> {
      group.spawn(sleeper(1h, "a", order, a), "a");
      group.spawn(sleeper(2h, "b", order, b), "b");
      co_await sleep_for(20ms);
      group.cancel();
      EXPECT_TRUE(group.cancelling());
      group.spawn(sleeper(1ms, "too late", order, a), "too late");  // not started
      EXPECT_EQ(group.running(), 3u);                               // a, b and the body, all ending
    });
    EXPECT_EQ(runtime.now() - start, 20ms);
  };
  runtime.block_on(task());
  EXPECT_TRUE(order.empty());
  EXPECT_TRUE(a.cancelled && b.cancelled);
}

TEST(TaskGroup, CancellingTheCallerCancelsEveryChildAndWaitsForThem) {
  Runtime runtime(virtual_time());
  std::vector<std::string> order;
  Outcome a, b;
  bool children_ended_first = false;
  auto group = [&]() -> Task<void> {
    co_await task_group([&](TaskGroup& group) -> Task<void> {
      group.spawn(sleeper(1h, "a", order, a), "a");
      group.spawn(sleeper(2h, "b", order, b), "b");
      co_return;
    });
  };
  auto task = [&]() -> Task<void> {
    try {
      co_await with_timeout(group(), 15ms, "the group");
      ADD_FAILURE() << "no timeout";
    } catch (const TimeoutError&) {
      children_ended_first = a.cancelled && b.cancelled;
    }
  };
  runtime.block_on(task());
  EXPECT_TRUE(children_ended_first);
  EXPECT_EQ(a.at, 15ms);
}

TEST(TaskGroup, ACallerAlreadyCancelledStartsNothing) {
  Runtime runtime;
  bool body_ran = false, aborted = false;
  auto task = [&]() -> Task<void> {
    try {
      co_await sleep_for(1h);
    } catch (const boost::system::system_error&) {
    }
    try {
      co_await task_group([&](TaskGroup&) -> Task<void> {
        body_ran = true;
        co_return;
      });
    } catch (const boost::system::system_error& e) {
      aborted = is_aborted(e);
    }
  };
  runtime.spawn(task(), "stopped");
  std::this_thread::sleep_for(20ms);
  runtime.request_stop();
  runtime.shutdown();
  EXPECT_FALSE(body_ran);
  EXPECT_TRUE(aborted);
  EXPECT_EQ(runtime.completed_tasks(), 1u);  // it caught both cancellations
}

TEST(TaskGroup, ShutdownWithChildrenWaitingEndsThemAllAndTheCountsAddUp) {
  Runtime runtime;
  std::vector<std::string> order;
  Outcome a, b;
  bool group_aborted = false;
  auto task = [&]() -> Task<void> {
    try {
      co_await task_group([&](TaskGroup& group) -> Task<void> {
        group.spawn(sleeper(1h, "a", order, a), "a");
        group.spawn(sleeper(1h, "b", order, b), "b");
        co_await sleep_for(1h);
      });
    } catch (const boost::system::system_error& e) {
      group_aborted = is_aborted(e);
      throw;
    }
  };
  runtime.spawn(task(), "owner");
  std::this_thread::sleep_for(20ms);
  runtime.shutdown();
  EXPECT_TRUE(group_aborted);
  EXPECT_TRUE(a.cancelled && b.cancelled);
  EXPECT_EQ(runtime.cancelled_tasks(), 1u);
  EXPECT_EQ(runtime.completed_tasks(), 0u);
  EXPECT_EQ(runtime.failed_tasks(), 0u);
}

TEST(TaskGroup, ACallableIsKeptAliveForItsTask) {
  Runtime runtime(virtual_time());
  std::vector<std::string> seen;
  auto task = [&]() -> Task<void> {
    co_await task_group([&](TaskGroup& group) -> Task<void> {
      for (int i = 0; i < 3; ++i) {
        // The lambda is a temporary; its capture is read after a wait.
        group.spawn(
            [&seen, name = "order " + std::to_string(i)]() -> Task<void> {
              co_await sleep_for(10ms);
              seen.push_back(name);
            },
            "order");
      }
      co_return;
    });
  };
  runtime.block_on(task());
  EXPECT_EQ(seen, (std::vector<std::string>{"order 0", "order 1", "order 2"}));
}

TEST(TaskGroup, SpawnOffTheLoopThreadIsALogicError) {
  Runtime runtime;
  auto task = [&]() -> Task<void> {
    co_await task_group([&](TaskGroup& group) -> Task<void> {
      const std::string error = co_await offload([&group]() -> std::string {
        try {
          group.spawn([]() -> Task<void> { co_return; }, "from the pool");
        } catch (const std::logic_error& e) {
          return e.what();
        }
        return "";
      });
      EXPECT_NE(error.find("off the loop thread"), std::string::npos) << error;
      EXPECT_EQ(group.running(), 1u);  // the body only
    });
  };
  runtime.block_on(task());
}

TEST(TaskGroup, OutsideARuntimeIsALogicError) {
  // A Task only runs inside a Runtime; awaiting one elsewhere needs a loop of one's own.
  boost::asio::io_context loop;
  bool refused = false;
  boost::asio::co_spawn(
      loop,
      [&]() -> Task<void> {
        try {
          co_await task_group([](TaskGroup&) -> Task<void> { co_return; });
        } catch (const std::logic_error&) {
          refused = true;
        }
      },
      boost::asio::detached);
  loop.run();
  EXPECT_TRUE(refused);
}

TEST(TaskGroup, TheChildrenAndTheCallersWaitAreInTheTimeline) {
  trace::Recording recording;
  {
    Runtime runtime;
    auto task = [&]() -> Task<void> {
      co_await task_group([&](TaskGroup& group) -> Task<void> {
        group.spawn(
            []() -> Task<void> {
              co_await sleep_for(20ms);
              throw std::runtime_error("boom");
            },
            "failing");
        group.spawn([]() -> Task<void> { co_await sleep_for(1h); }, "cancelled");
        co_return;
      });
    };
    EXPECT_THROW(runtime.block_on(task(), "owner"), std::runtime_error);
  }
  const auto spans = recording.finish();
  auto waiting_span = [&](std::string_view task) -> const trace::Span* {
    for (const auto& span : spans) {
      if (span.task == task && span.kind == trace::Kind::waiting) return &span;
    }
    return nullptr;
  };
  const auto* owner = waiting_span("owner");
  const auto* failing = waiting_span("failing");
  const auto* cancelled = waiting_span("cancelled");
  ASSERT_NE(owner, nullptr);
  ASSERT_NE(failing, nullptr);
  ASSERT_NE(cancelled, nullptr);
  // The cancelled child's wait ends when the failing child's does, not an hour later, and the
  // owner waits until both have ended.
  EXPECT_LT(cancelled->end - failing->end, 1s);
  EXPECT_GE(owner->end, cancelled->end);
}

}  // namespace
}  // namespace asyncrt
