// Test that the header is self-contained.
#include <asyncrt/signals.hpp>

#include <atomic>
#include <chrono>
#include <csignal>

#include <boost/system/system_error.hpp>
#include <gtest/gtest.h>

#include <asyncrt/time.hpp>

namespace asyncrt {
namespace {

using namespace std::chrono_literals;

bool has_default_action(int signal) {
  struct sigaction action {};
  sigaction(signal, nullptr, &action);
  return action.sa_handler == SIG_DFL;
}

// A task that would sleep for a minute; a signal raised meanwhile must cancel it.
void expect_signal_stops_the_runtime(int signal) {
  Runtime runtime;
  std::atomic<int> seen{0};
  StopOnSignals stop(runtime, [&](int number) { seen = number; });
  EXPECT_FALSE(has_default_action(signal));
  auto serve = [&]() -> Task<void> {
    co_await sleep_for(1ms);
    std::raise(signal);  // as if Ctrl-C were pressed (delivered on the loop thread)
    co_await sleep_for(60s);
  };
  const auto start = std::chrono::steady_clock::now();
  try {
    runtime.block_on(serve());
    ADD_FAILURE() << "the task was not cancelled";
  } catch (const boost::system::system_error& e) {
    EXPECT_EQ(e.code(), asio::error::operation_aborted);
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, 30s);
  EXPECT_TRUE(runtime.stop_requested());
  EXPECT_EQ(stop.signal(), signal);
  EXPECT_EQ(seen, signal);
}

TEST(StopOnSignals, CtrlCCancelsEveryTaskAndBlockOnReturns) {
  expect_signal_stops_the_runtime(SIGINT);
}

TEST(StopOnSignals, SigtermDoesTheSame) {
  expect_signal_stops_the_runtime(SIGTERM);
}

TEST(StopOnSignals, NothingHappensWithoutASignal) {
  Runtime runtime;
  StopOnSignals stop(runtime);
  auto work = []() -> Task<int> {
    co_await sleep_for(1ms);
    co_return 7;
  };
  EXPECT_EQ(runtime.block_on(work()), 7);
  EXPECT_EQ(stop.signal(), 0);
  EXPECT_FALSE(runtime.stop_requested());
}

TEST(StopOnSignals, DestroyingItGivesTheSignalsBackTheirDefaultAction) {
  Runtime runtime;
  { StopOnSignals stop(runtime); }
  EXPECT_TRUE(has_default_action(SIGINT));
  EXPECT_TRUE(has_default_action(SIGTERM));
}

TEST(StopOnSignalsDeathTest, ASecondSignalEndsTheProgramTheDefaultWay) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  auto stubborn = [] {
    Runtime runtime({.shutdown_grace = std::chrono::seconds(60)});
    StopOnSignals stop(runtime);
    auto ignores_cancellation = []() -> Task<void> {
      std::raise(SIGINT);  // the first: a stop request, which this task does not heed
      for (;;) {
        try {
          co_await sleep_for(10ms);
        } catch (const boost::system::system_error&) {
          std::raise(SIGINT);  // the second: the default action, the end of the program
        }
      }
    };
    runtime.block_on(ignores_cancellation());
  };
  EXPECT_EXIT(stubborn(), ::testing::KilledBySignal(SIGINT), "");
}

}  // namespace
}  // namespace asyncrt
