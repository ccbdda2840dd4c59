// Test that the header is self-contained.
#include <asyncrt/named.hpp>

#include <algorithm>
#include <chrono>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <gtest/gtest.h>

#include <asyncrt/map.hpp>
#include <asyncrt/offload.hpp>
#include <asyncrt/time.hpp>
#include <asyncrt/trace.hpp>
#include <asyncrt/when_all.hpp>

#include "support/busy.hpp"

namespace asyncrt {
namespace {

using namespace std::chrono_literals;
using trace::Kind;

// Spans of `task` of this kind; on a CPU pool thread only, with on_pool.
std::size_t count_spans(const std::vector<trace::Span>& spans, std::string_view task, Kind kind,
                        bool on_pool = false) {
  return static_cast<std::size_t>(std::count_if(spans.begin(), spans.end(), [&](const auto& s) {
    return s.task == task && s.kind == kind && (!on_pool || s.thread.starts_with("cpu-"));
  }));
}

TEST(Named, GivesBackTheValueOrTheExceptionAndResumesTheCallerOnTheLoop) {
  Runtime runtime;
  auto answer = []() -> Task<int> {
    co_await sleep_for(1ms);
    co_return 42;
  };
  auto fails = []() -> Task<void> {
    co_await sleep_for(1ms);
    throw std::runtime_error("the child failed");
  };
  auto parent = [&]() -> Task<int> {
    const int value = co_await named("answer", answer());
    EXPECT_TRUE(runtime.in_loop_thread());
    try {
      co_await named("fails", fails());
      ADD_FAILURE() << "no exception";
    } catch (const std::runtime_error& e) {
      EXPECT_STREQ(e.what(), "the child failed");
    }
    EXPECT_TRUE(runtime.in_loop_thread());
    co_return value;
  };
  EXPECT_EQ(runtime.block_on(parent()), 42);
}

TEST(Named, TracesDrawEachChildUnderItsOwnName) {
  trace::Recording recording;
  {
    Runtime runtime({.cpu_threads = 2});
    auto sleeper = []() -> Task<void> { co_await sleep_for(5ms); };
    auto parent = [&]() -> Task<void> {
      // offload through named: the pool's span belongs to "7", not to "main".
      const bool seven_is_odd = co_await named("7", offload([] {
                                                 testing::busy_for(2ms);
                                                 return true;
                                               }));
      EXPECT_TRUE(seven_is_odd);
      co_await when_all(named("tea", sleeper()), named("toast", sleeper()));
      const std::vector<int> items{1, 2};
      co_await for_each([](int n) { return named("item-" + std::to_string(n), offload([] {})); },
                        items, 2);
    };
    runtime.block_on(parent(), "main");
  }
  const auto spans = recording.finish();
  EXPECT_EQ(count_spans(spans, "7", Kind::computing, true), 1u);
  EXPECT_EQ(count_spans(spans, "main", Kind::computing, true), 0u);
  EXPECT_GT(count_spans(spans, "main", Kind::computing), 0u);  // its own steps, on the loop
  EXPECT_EQ(count_spans(spans, "tea", Kind::waiting), 1u);
  EXPECT_EQ(count_spans(spans, "toast", Kind::waiting), 1u);
  EXPECT_EQ(count_spans(spans, "item-1", Kind::computing, true), 1u);
  EXPECT_EQ(count_spans(spans, "item-2", Kind::computing, true), 1u);
}

TEST(Named, TheStallDetectorBlamesTheNamedChild) {
  std::mutex mutex;
  std::vector<std::string> blamed;
  {
    Runtime runtime({.stall_threshold = 30ms, .on_stall = [&](const StallReport& report) {
                       std::lock_guard lock(mutex);
                       blamed.emplace_back(report.task);
                     }});
    auto hog = []() -> Task<void> {
      co_await sleep_for(1ms);
      testing::busy_for(80ms);  // holds the loop
    };
    auto parent = [&]() -> Task<void> { co_await named("hog", hog()); };
    runtime.block_on(parent(), "parent");
  }
  std::lock_guard lock(mutex);
  ASSERT_EQ(blamed.size(), 1u);
  EXPECT_EQ(blamed[0], "hog");
}

TEST(Named, CancellingTheCallerCancelsTheChild) {
  Runtime runtime;
  bool child_cancelled = false;
  auto child = [&]() -> Task<void> {
    try {
      co_await sleep_for(10s);
    } catch (const boost::system::system_error& e) {
      child_cancelled = e.code() == asio::error::operation_aborted;
      throw;
    }
  };
  auto parent = [&]() -> Task<void> { co_await with_timeout(named("sleeper", child()), 10ms); };
  const auto start = std::chrono::steady_clock::now();
  EXPECT_THROW(runtime.block_on(parent()), TimeoutError);
  EXPECT_TRUE(child_cancelled);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);  // not the child's 10 s
}

TEST(Named, OutsideARuntimesTaskIsAnError) {
  auto task = named("orphan", []() -> Task<void> { co_return; }());
  // Started on a thread that is no Runtime's loop: Runtime::current() refuses.
  asio::io_context other;
  auto future = asio::co_spawn(other, std::move(task), asio::use_future);
  other.run();
  EXPECT_THROW(future.get(), std::logic_error);
}

}  // namespace
}  // namespace asyncrt
