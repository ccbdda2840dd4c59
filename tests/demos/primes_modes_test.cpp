// Each of the primes demo's modes stops soon after a stop request (Ctrl-C), even in the middle
// of one number's trial division: 2^64 - 59 takes seconds to check.

#include <atomic>
#include <chrono>
#include <thread>

#include <boost/asio/error.hpp>
#include <boost/system/system_error.hpp>
#include <gtest/gtest.h>

#include "primes/modes.hpp"

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

}  // namespace
}  // namespace asyncrt::primes
