// Test that the header is self-contained.
#include <asyncrt/signals.hpp>

#include <atomic>
#include <chrono>
#include <csignal>
#include <thread>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

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

bool blocked_here(int signal) {
  sigset_t mask;
  pthread_sigmask(SIG_SETMASK, nullptr, &mask);
  return sigismember(&mask, signal) == 1;
}

// One watch, two Runtimes and a plain thread: a signal sent to the process stops them all.
void expect_signal_stops_every_watcher(int signal) {
  ASSERT_FALSE(blocked_here(signal));
  {
    SignalWatch signals;
    EXPECT_TRUE(blocked_here(SIGINT));
    EXPECT_TRUE(blocked_here(SIGTERM));
    Runtime first({.stop_token = signals.token()});
    Runtime second({.stop_token = signals.token()});
    std::atomic<bool> thread_saw_stop{false};
    std::thread plain([&, token = signals.token()] {
      EXPECT_TRUE(blocked_here(signal));  // inherited
      while (!token.stop_requested()) std::this_thread::sleep_for(1ms);
      thread_saw_stop = true;
    });
    auto serve = [signal]() -> Task<void> {
      co_await sleep_for(1ms);
      ::kill(::getpid(), signal);  // as if Ctrl-C were pressed: sent to the process
      co_await sleep_for(60s);
    };
    const auto start = std::chrono::steady_clock::now();
    EXPECT_THROW(first.block_on(serve()), boost::system::system_error);
    EXPECT_THROW(second.block_on(sleep_for(60s)), boost::system::system_error);
    plain.join();
    EXPECT_LT(std::chrono::steady_clock::now() - start, 30s);
    EXPECT_TRUE(thread_saw_stop);
    EXPECT_EQ(signals.signal(), signal);
  }
  EXPECT_FALSE(blocked_here(signal));  // the previous mask is back
}

TEST(SignalWatch, CtrlCStopsTheTokenEveryRuntimeAndThreadWatches) {
  expect_signal_stops_every_watcher(SIGINT);
}

TEST(SignalWatch, SigtermDoesTheSame) {
  expect_signal_stops_every_watcher(SIGTERM);
}

TEST(SignalWatch, NothingIsStoppedWithoutASignalNorByTheDestructor) {
  std::stop_token token;
  {
    SignalWatch signals;
    token = signals.token();
    Runtime runtime({.stop_token = token});
    runtime.block_on(sleep_for(1ms));
    EXPECT_FALSE(runtime.stop_requested());
  }
  EXPECT_FALSE(token.stop_requested());
}

// A child process inherits the blocked mask: a Ctrl-C sent to the whole group leaves it
// running until the parent ends it.
TEST(SignalWatch, AChildProcessOutlivesTheGroupsCtrlC) {
  SignalWatch signals;
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::pause();  // SIGINT is blocked: only SIGKILL ends this
    ::_exit(0);
  }
  ::kill(child, SIGINT);
  ::kill(::getpid(), SIGINT);
  while (!signals.token().stop_requested()) std::this_thread::sleep_for(1ms);
  std::this_thread::sleep_for(20ms);
  int status = 0;
  EXPECT_EQ(::waitpid(child, &status, WNOHANG), 0) << "the child died of the SIGINT";
  ::kill(child, SIGKILL);
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
}

}  // namespace
}  // namespace asyncrt
