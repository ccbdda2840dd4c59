// The primes demo's modes and report: each mode stops soon after a stop request (Ctrl-C), even
// in the middle of one number's trial division (2^64 - 59 takes seconds to check); the
// report's efficiency counts no more workers than cores.

#include <atomic>
#include <chrono>
#include <thread>

#include <boost/asio/error.hpp>
#include <boost/system/system_error.hpp>
#include <gtest/gtest.h>

#include "primes/modes.hpp"
#include "primes/report.hpp"

namespace asyncrt::primes {
namespace {

using Clock = std::chrono::steady_clock;

class ModeStops : public ::testing::TestWithParam<Mode> {};

TEST_P(ModeStops, WithinASecondOfTheRequest) {
  Job job;
  job.numbers = {18446744073709551557ull, 18446744073709551557ull};
  job.workers = 2;
  std::stop_source stop;
  job.stop = stop.get_token();
  Clock::time_point requested;
  std::jthread requester([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    requested = Clock::now();
    stop.request_stop();
  });
  // The modes on a Runtime end with the cancellation (operation_aborted); the demo's
  // InterruptWatch turns either ending into "interrupted by SIGINT during ...".
  try {
    const ModeRun run = run_mode(GetParam(), job);
    EXPECT_EQ(run.mode, GetParam());
  } catch (const boost::system::system_error& cancelled) {
    EXPECT_EQ(cancelled.code(), boost::asio::error::operation_aborted);
  }
  const auto stopped = Clock::now();
  requester.join();
  EXPECT_LT(stopped - requested, std::chrono::seconds(1)) << mode_name(GetParam());
}

// The processes mode needs the demo's executable as its workers: primes_demo_test stops it.
INSTANTIATE_TEST_SUITE_P(InProcess, ModeStops,
                         ::testing::Values(Mode::serial, Mode::loop, Mode::threads, Mode::chunks),
                         [](const auto& info) { return std::string(mode_name(info.param)); });

// Efficiency counts no more workers than cores; one over 100% (a baseline that ran slow) is
// not printed without a word.
TEST(PrimesReport, EfficiencyIsAgainstTheCoresAndOverFullIsExplained) {
  Job job;
  job.numbers = {97, 89};
  std::vector<ModeRun> runs(2);
  runs[0].mode = Mode::serial;
  runs[0].seconds = 1.0;
  runs[0].prime = {true, true};
  runs[1].mode = Mode::threads;
  runs[1].workers = 4;
  runs[1].seconds = 0.5;
  ::testing::internal::CaptureStdout();
  print_text(job.numbers, runs, job, 2);  // 4 threads on 2 cores, twice as fast: 100%
  std::string out = ::testing::internal::GetCapturedStdout();
  EXPECT_NE(out.find("\nthreads          4    500.0 ms    2.00x       100%"), std::string::npos)
      << out;
  EXPECT_EQ(out.find("Over 100%"), std::string::npos) << out;

  runs[1].seconds = 0.4;  // 2.5x on 2 cores: the baseline must have run slow
  ::testing::internal::CaptureStdout();
  print_text(job.numbers, runs, job, 2);
  out = ::testing::internal::GetCapturedStdout();
  EXPECT_NE(out.find("2.50x       125%"), std::string::npos) << out;
  EXPECT_NE(out.find("\nOver 100%: faster than its workers"), std::string::npos) << out;
}

}  // namespace
}  // namespace asyncrt::primes
