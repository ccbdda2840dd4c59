// asyncrt-primes end to end: the real executable, its output and its exit codes.

#include <boost/process/child.hpp>
#include <boost/process/io.hpp>

#include <fcntl.h>

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <regex>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <unistd.h>
#include <vector>

#include <gtest/gtest.h>

#include "support/background_program.hpp"
#include "support/json.hpp"
#include "support/run_program.hpp"

namespace asyncrt::testing {
namespace {

const std::string primes = ASYNCRT_PRIMES_EXE;

ProgramResult primes_with(std::vector<std::string> args) {
  return run_program(primes, args);
}

const std::vector<std::string> lesson_answers{
    "112272535095293 is prime: true", "112582705942171 is prime: true",
    "112272535095293 is prime: true", "115280095190773 is prime: true",
    "115797848077099 is prime: true", "1099726899285419 is prime: false"};

TEST(PrimesDemo, DefaultRunChecksTheLessonsNumbersInEveryMode) {
  const auto result = primes_with({"--workers", "2"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto lines = lines_of(result.out);
  ASSERT_GE(lines.size(), lesson_answers.size());
  EXPECT_EQ(std::vector<std::string>(lines.begin(), lines.begin() + 6), lesson_answers);
  for (const char* mode : {"serial", "loop", "threads", "chunks", "processes"}) {
    EXPECT_TRUE(std::regex_search(
        result.out, std::regex(std::string("\n") + mode + R"( +\d+ +[0-9.]+ ms +[0-9.]+x +\d+%)")))
        << mode << " row missing in:\n"
        << result.out;
  }
  EXPECT_NE(result.out.find("worker process "), std::string::npos);
}

// The run of `mode` in a --json object.
const boost::json::object& run_of(const boost::json::value& json, std::string_view mode) {
  for (const auto& run : json.at("runs").as_array()) {
    if (run.at("mode").as_string() == mode) return run.as_object();
  }
  throw std::runtime_error("no " + std::string(mode) + " run in " + boost::json::serialize(json));
}

TEST(PrimesDemo, JsonIsOneObjectWithExactNumbersAndEveryRun) {
  const auto result = primes_with({"--json", "--workers", "2", "--numbers",
                                   "18446744073709551557,4,2", "--algorithm", "miller-rabin"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(lines_of(result.out).size(), 1u);
  const auto json = parse_json(result.out);
  EXPECT_EQ(json.as_object().begin()->key(), "schema");
  EXPECT_EQ(json.at("schema"), 1);
  EXPECT_GE(json.at("cores").to_number<int>(), 1);
  const auto& results = json.at("results").as_array();
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[0].at("n").as_uint64(), 18446744073709551557u);
  EXPECT_EQ(results[0].at("n_text"), "18446744073709551557");  // what JavaScript cannot read
  EXPECT_EQ(results[0].at("prime"), true);
  EXPECT_EQ(results[1].at("n"), 4);
  EXPECT_EQ(results[1].at("prime"), false);
  EXPECT_EQ(results[2].at("prime"), true);
  EXPECT_EQ(inexact_integer(json), "");
  std::vector<std::string> modes;
  for (const auto& run : json.at("runs").as_array()) {
    modes.emplace_back(run.at("mode").as_string());
    EXPECT_GE(run.at("workers").to_number<int>(), 1);
    EXPECT_GT(run.at("seconds").to_number<double>(), 0);
    EXPECT_GT(run.at("speedup").to_number<double>(), 0);
  }
  EXPECT_EQ(modes, (std::vector<std::string>{"serial", "loop", "threads", "chunks", "processes"}));
}

// Three numbers keep at most three threads or processes busy: the table counts those, and the
// efficiency is measured against them (no "1000 workers, 0%").
TEST(PrimesDemo, WorkersAreTheOnesThatRan) {
  const auto result = primes_with({"--workers", "1000", "--numbers", "97,89,83", "--json"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto json = parse_json(result.out);
  EXPECT_EQ(run_of(json, "threads").at("workers"), 3);
  EXPECT_EQ(run_of(json, "processes").at("workers"), 3);
}

TEST(PrimesDemo, LoopModeTripsTheStallDetector) {
  const auto result = primes_with({"--mode", "loop", "--stall-ms", "1", "--json"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto json = parse_json(result.out);
  ASSERT_EQ(json.at("runs").as_array().size(), 2u);  // the serial baseline, then the loop
  EXPECT_EQ(json.at("runs").at(0).at("mode"), "serial");
  // All six checks take milliseconds each on the loop; every one is caught, by name.
  const auto& loop = run_of(json, "loop");
  EXPECT_EQ(loop.at("stalls"), 6);
  std::vector<std::string> caught;
  for (const auto& stall : loop.at("stalled").as_array()) {
    caught.emplace_back(stall.at("task").as_string());
    EXPECT_GE(stall.at("ms").to_number<double>(), 1.0);
  }
  EXPECT_NE(std::find(caught.begin(), caught.end(), "check #6 (1099726899285419)"), caught.end())
      << boost::json::serialize(json);
  // Each check is counted once, even when its start crossed the threshold too (a sanitizer
  // build): "7 of 6 checks" would be untrue.
  std::sort(caught.begin(), caught.end());
  EXPECT_EQ(std::unique(caught.begin(), caught.end()), caught.end())
      << boost::json::serialize(json);
}

TEST(PrimesDemo, TheStallDetectorsReportNamesEachCheck) {
  const auto result = primes_with({"--mode", "loop", "--stall-ms", "1"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("the stall detector caught, in the loop mode:\n  check #"),
            std::string::npos)
      << result.out;
  EXPECT_TRUE(std::regex_search(
      result.out,
      std::regex(R"(\n  check #2 \(112582705942171\) held the event loop [0-9.]+ ms\n)")))
      << result.out;
}

TEST(PrimesDemo, ProcessesModeNamesItsWorkerPids) {
  const auto result = primes_with({"--mode", "processes", "--workers", "3"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  std::smatch match;
  std::string rest = result.out;
  int workers = 0;
  int checked = 0;
  const std::regex line(R"(worker process (\d+) checked ([0-9, ]+)\n)");
  while (std::regex_search(rest, match, line)) {
    ++workers;
    checked += 1 + static_cast<int>(std::count(match[2].first, match[2].second, ','));
    rest = match.suffix();
  }
  EXPECT_GE(workers, 1);
  EXPECT_LE(workers, 3);
  EXPECT_EQ(checked, 6);  // every number checked exactly once
}

// Chunks: the divisor found in the last chunk of a number, in the first, in none (a prime),
// and numbers too small to cut; the demo itself checks every mode against the serial run.
TEST(PrimesDemo, ChunksAgreeWithSerialWhereverTheDivisorLies) {
  const std::string numbers =
      "9000138000493,"       // 3000017 x 3000029: the divisor is in the third and last chunk
      "9000174000841,"       // 3000029^2: the divisor is the last one tried
      "300000700000119,"     // 3 x 100000233333373: the first divisor tried
      "1000000007,"          // a prime under one chunk
      "100000000000000003,"  // a prime of 302 chunks
      "0,1,2,3,4,9,25,49";
  const auto result = primes_with({"--mode", "chunks", "--workers", "2", "--numbers", numbers});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto lines = lines_of(result.out);
  ASSERT_GE(lines.size(), 13u);
  EXPECT_EQ(std::vector<std::string>(lines.begin(), lines.begin() + 13),
            (std::vector<std::string>{
                "9000138000493 is prime: false", "9000174000841 is prime: false",
                "300000700000119 is prime: false", "1000000007 is prime: true",
                "100000000000000003 is prime: true", "0 is prime: false", "1 is prime: false",
                "2 is prime: true", "3 is prime: true", "4 is prime: false", "9 is prime: false",
                "25 is prime: false", "49 is prime: false"}));
  EXPECT_TRUE(std::regex_search(
      result.out, std::regex(R"(\nchunks +2 .* 2 threads, the numbers cut into \d+ chunks)")))
      << result.out;
}

TEST(PrimesDemo, EveryModeAndAlgorithmAgreesOnEdgeCases) {
  for (const char* algorithm : {"trial", "miller-rabin"}) {
    const auto result = primes_with(
        {"--numbers", "0,1,2,3,4,97,561,1000000007", "--algorithm", algorithm, "--workers", "2"});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    const auto lines = lines_of(result.out);
    ASSERT_GE(lines.size(), 8u);
    EXPECT_EQ(
        std::vector<std::string>(lines.begin(), lines.begin() + 8),
        (std::vector<std::string>{"0 is prime: false", "1 is prime: false", "2 is prime: true",
                                  "3 is prime: true", "4 is prime: false", "97 is prime: true",
                                  "561 is prime: false", "1000000007 is prime: true"}));
  }
}

TEST(PrimesDemo, ARandomListIsSummedUpAndTheSameForTheSameSeed) {
  const auto first = primes_with({"--random", "200", "--near", "1e9", "--mode", "serial"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_TRUE(
      std::regex_search(first.out, std::regex(R"(^200 numbers checked, \d+ prime: 1\d{9}, )")))
      << first.out;
  const auto again = primes_with({"--random", "200", "--near", "1e9", "--mode", "serial"});
  EXPECT_EQ(lines_of(again.out)[0], lines_of(first.out)[0]);
  const auto other =
      primes_with({"--random", "200", "--near", "1e9", "--seed", "2", "--mode", "serial"});
  EXPECT_NE(lines_of(other.out)[0], lines_of(first.out)[0]);
}

TEST(PrimesDemo, HelpExplainsTheOptions) {
  const auto result = primes_with({"--help"});
  EXPECT_EQ(result.exit_code, 0);
  for (const char* option : {"--numbers", "--mode", "--workers", "--algorithm", "--json"}) {
    EXPECT_NE(result.out.find(option), std::string::npos) << option;
  }
}

TEST(PrimesDemo, VersionIsTheProjectVersion) {
  const auto result = primes_with({"--version"});
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.out, std::string("asyncrt-primes ") + ASYNCRT_VERSION_STRING + "\n");
}

// Starts the demo on a number that takes seconds, sends `signal` while it runs, and checks that
// it stops promptly with one line on stderr and exit status 128 + signal.
void expect_clean_interrupt(int signal, const std::string& name, int status) {
  namespace bp = boost::process;
  const auto err_path = std::filesystem::temp_directory_path() /
                        ("asyncrt-primes-interrupt-" + std::to_string(::getpid()) + ".err");
  bp::child demo(primes, "--numbers", "18446744073709551557", "--workers", "1",
                 bp::std_out > bp::null, bp::std_err > err_path.string());
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const auto sent = std::chrono::steady_clock::now();
  ::kill(demo.id(), signal);
  demo.wait();
  EXPECT_LT(std::chrono::steady_clock::now() - sent, std::chrono::seconds(3));
  EXPECT_EQ(demo.exit_code(), status);
  std::ifstream err_file(err_path);
  const std::string err((std::istreambuf_iterator<char>(err_file)), {});
  std::filesystem::remove(err_path);
  const auto lines = lines_of(err);
  ASSERT_EQ(lines.size(), 1u) << err;
  EXPECT_EQ(lines[0].rfind("asyncrt-primes: interrupted by " + name, 0), 0u) << lines[0];
}

TEST(PrimesDemo, CtrlCStopsTheRunWithStatus130) {
  expect_clean_interrupt(SIGINT, "SIGINT", 130);
}

TEST(PrimesDemo, SigtermStopsTheRunWithStatus143) {
  expect_clean_interrupt(SIGTERM, "SIGTERM", 143);
}

// asyncrt-primes in processes mode with two workers on four primes of about half a second each
// under trial division (the workers are busy), watched from outside through /proc.
class WorkersUnderFire {
 public:
  const std::vector<std::string> numbers{"100000000000000003", "100000000000000013",
                                         "100000000000000019", "100000000000000021"};

  /// Waits until the demo runs a worker not seen before, and returns its pid (0 on timeout).
  /// Only a worker that runs as one: between fork and exec the child is still a copy of the
  /// demo (a SIGSTOP there would stop the demo's start of the worker, not the worker).
  long new_worker() {
    while (std::chrono::steady_clock::now() < deadline_ && demo_.running()) {
      for (const auto& [pid, state] : look()) {
        if (killed_.count(pid) == 0 && returned_.count(pid) == 0 && runs_as_worker(pid)) {
          returned_.insert(pid);
          return pid;
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return 0;
  }

  static bool runs_as_worker(long pid) {
    std::ifstream cmdline("/proc/" + std::to_string(pid) + "/cmdline");
    const std::string arguments((std::istreambuf_iterator<char>(cmdline)), {});
    return arguments.find(std::string("--worker") + '\0') != std::string::npos;
  }

  /// kill -9 `pid` in the middle of its check, then waits until the demo has reaped it (it
  /// leaves the process table: no zombie stays behind). False if it was never reaped.
  bool kill_and_see_it_reaped(long pid) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    killed_.insert(pid);
    if (::kill(static_cast<pid_t>(pid), SIGKILL) != 0) return false;
    while (std::chrono::steady_clock::now() < deadline_) {
      if (look().count(pid) == 0) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }

  /// Stops `pid` with SIGSTOP: it stays alive and answers nothing (a hung worker).
  void stop(long pid) { ASSERT_EQ(::kill(static_cast<pid_t>(pid), SIGSTOP), 0); }

  /// Writes `bytes` into the pipe on which worker `pid` answers, as if the worker had (through
  /// /proc: the test holds no end of that pipe). Without blocking: a full pipe takes what fits.
  void write_as(long pid, const std::string& bytes) {
    const auto answers = "/proc/" + std::to_string(pid) + "/fd/1";
    const int fd = ::open(answers.c_str(), O_WRONLY | O_NONBLOCK);
    ASSERT_GE(fd, 0) << answers;
    EXPECT_GT(::write(fd, bytes.data(), bytes.size()), 0) << answers;
    ::close(fd);
  }

  /// Waits for the demo to exit: its status, stdout and stderr.
  ProgramResult finish() { return demo_.finish(); }

  /// Every worker the demo started that still exists (after finish(): none may).
  std::vector<long> survivors() const { return still_existing({seen_.begin(), seen_.end()}); }

 private:
  std::map<long, char> look() {
    auto children = children_of(demo_.pid());
    for (const auto& [pid, state] : children) seen_.insert(pid);
    return children;
  }

  BackgroundProgram demo_{
      primes,
      {"--mode", "processes", "--workers", "2", "--worker-timeout-ms", "5000", "--numbers",
       numbers[0] + "," + numbers[1] + "," + numbers[2] + "," + numbers[3]}};
  std::chrono::steady_clock::time_point deadline_ =
      std::chrono::steady_clock::now() + std::chrono::seconds(60);
  std::set<long> seen_, returned_, killed_;
};

// The run completed with every answer right, and one line on stderr names the lost worker,
// `how` it was lost and its number, which was checked again; no worker is left behind.
void expect_one_worker_lost_and_replaced(WorkersUnderFire& run, long victim,
                                         const std::string& how) {
  const auto result = run.finish();
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto lines = lines_of(result.out);
  ASSERT_GE(lines.size(), 4u) << result.out;
  for (std::size_t i = 0; i < run.numbers.size(); ++i) {
    EXPECT_EQ(lines[i], run.numbers[i] + " is prime: true");
  }
  const auto err_lines = lines_of(result.err);
  ASSERT_EQ(err_lines.size(), 1u) << result.err;
  std::smatch match;
  ASSERT_TRUE(std::regex_match(err_lines[0], match,
                               std::regex("asyncrt-primes: worker process (\\d+) " + how +
                                          R"(; checking (\d+) again on a new worker)")))
      << err_lines[0];
  EXPECT_EQ(std::stol(match[1]), victim);
  EXPECT_NE(std::find(run.numbers.begin(), run.numbers.end(), match[2].str()), run.numbers.end());
  EXPECT_NE(err_lines[0].find("while checking " + match[2].str()), std::string::npos);
  EXPECT_EQ(run.survivors(), std::vector<long>{});  // every worker was reaped
}

TEST(PrimesDemo, AWorkerKilledMidCheckIsReportedReapedAndItsNumberCheckedAgain) {
  WorkersUnderFire run;
  const long victim = run.new_worker();
  ASSERT_NE(victim, 0);
  ASSERT_NE(run.new_worker(), 0);  // both workers run
  EXPECT_TRUE(run.kill_and_see_it_reaped(victim)) << "worker " << victim << " was never reaped";
  EXPECT_NE(run.new_worker(), 0);  // the victim's replacement
  expect_one_worker_lost_and_replaced(run, victim,
                                      R"(was killed by signal 9 \(SIGKILL\) while checking \d+)");
}

// A worker that hangs (SIGSTOP), answers garbage or floods its pipe is caught (a deadline per
// number, the answer's form checked, a bounded buffer), killed, reaped and replaced, and its
// number checked again.
void expect_misbehaving_worker_replaced(const std::function<void(WorkersUnderFire&, long)>& harm,
                                        const std::string& what_it_did) {
  std::signal(SIGPIPE, SIG_IGN);  // a write into a pipe the demo has closed fails, not kills us
  WorkersUnderFire run;
  const long victim = run.new_worker();
  ASSERT_NE(victim, 0);
  run.stop(victim);  // at once: its first number takes far longer than the test's poll
  harm(run, victim);
  EXPECT_NE(run.new_worker(), 0);
  EXPECT_NE(run.new_worker(), 0);  // the other worker and the victim's replacement
  expect_one_worker_lost_and_replaced(run, victim,
                                      what_it_did + R"( while checking \d+ \(killed\))");
}

TEST(PrimesDemo, AWorkerThatStopsAnsweringIsKilledAfterItsDeadlineAndReplaced) {
  expect_misbehaving_worker_replaced([](WorkersUnderFire&, long) {},
                                     R"(did not answer within 5000 ms)");
}

TEST(PrimesDemo, AWorkerThatAnswersGarbageIsKilledAndReplaced) {
  expect_misbehaving_worker_replaced(
      [](WorkersUnderFire& run, long victim) { run.write_as(victim, "4 is prime\x01\n"); },
      R"(answered '4 is prime\\x01')");
}

TEST(PrimesDemo, AWorkerThatFloodsItsPipeIsCutOffAfterOneAnswersWorth) {
  // A megabyte without a line end: the demo reads 64 bytes of it, no more, and gives up.
  expect_misbehaving_worker_replaced(
      [](WorkersUnderFire& run, long victim) { run.write_as(victim, std::string(1 << 20, '7')); },
      R"(sent 64 bytes without ending its answer)");
}

TEST(PrimesDemo, ANumberThatCostsTwoWorkersEndsTheRunWithAnError) {
  WorkersUnderFire run;
  const long victim = run.new_worker();
  ASSERT_NE(victim, 0);
  ASSERT_NE(run.new_worker(), 0);
  EXPECT_TRUE(run.kill_and_see_it_reaped(victim));
  const long replacement = run.new_worker();  // it checks the victim's number first
  ASSERT_NE(replacement, 0);
  EXPECT_TRUE(run.kill_and_see_it_reaped(replacement));
  const auto result = run.finish();

  EXPECT_EQ(result.exit_code, 1);
  const auto err_lines = lines_of(result.err);
  ASSERT_EQ(err_lines.size(), 2u) << result.err;
  EXPECT_NE(err_lines[0].find("worker process " + std::to_string(victim)), std::string::npos);
  EXPECT_TRUE(std::regex_search(
      err_lines[1],
      std::regex("worker process " + std::to_string(replacement) +
                 R"( was killed by signal 9 \(SIGKILL\) while checking \d+, the second worker )"
                 R"(lost on that number)")))
      << err_lines[1];
  EXPECT_EQ(run.survivors(), std::vector<long>{});  // the other worker was stopped and reaped
}

struct BadCommandLine {
  std::vector<std::string> args;
  std::string names;  // what the error line must mention
};

class PrimesDemoBadInput : public ::testing::TestWithParam<BadCommandLine> {};

TEST_P(PrimesDemoBadInput, OneLineOnStderrAndExitStatus2) {
  const auto result = primes_with(GetParam().args);
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_TRUE(result.out.empty()) << result.out;
  const auto lines = lines_of(result.err);
  ASSERT_EQ(lines.size(), 1u) << result.err;
  EXPECT_EQ(lines[0].rfind("asyncrt-primes: ", 0), 0u) << lines[0];
  EXPECT_NE(lines[0].find(GetParam().names), std::string::npos) << lines[0];
}

INSTANTIATE_TEST_SUITE_P(
    Table, PrimesDemoBadInput,
    ::testing::Values(BadCommandLine{{"--bogus"}, "--bogus"},
                      BadCommandLine{{"--numbers"}, "--numbers"},
                      BadCommandLine{{"--numbers", "abc"}, "--numbers"},
                      BadCommandLine{{"--numbers=-5"}, "'-5'"},
                      BadCommandLine{{"--numbers", "18446744073709551616"}, "larger than"},
                      BadCommandLine{{"--numbers", ""}, "at least one number"},
                      BadCommandLine{{"--numbers", "7,,11"}, "empty"},
                      BadCommandLine{{"--workers", "0"}, "--workers"},
                      BadCommandLine{{"--workers", "100000"}, "--workers"},
                      BadCommandLine{{"--workers=-1"}, "--workers"},
                      BadCommandLine{{"--workers", "two"}, "--workers"},
                      BadCommandLine{{"--mode", "fast"}, "--mode"},
                      BadCommandLine{{"--algorithm", "guess"}, "--algorithm"},
                      BadCommandLine{{"--stall-ms", "0"}, "--stall-ms"},
                      BadCommandLine{{"--numbers", "7", "--random", "3"}, "--numbers or --random"},
                      BadCommandLine{{"--random", "0"}, "--random"},
                      BadCommandLine{{"--random", "3", "--near", "2"}, "--near"},
                      BadCommandLine{{"--random", "3", "--near", "1e99"}, "--near"},
                      BadCommandLine{{"--random", "3", "--seed", "x"}, "--seed"},
                      BadCommandLine{{"stray"}, "stray"}));

TEST(PrimesWorker, UnreadableJobIsAnErrorNotACrash) {
  const auto result = run_program(primes, {"--worker"}, "12\nnot-a-number\n");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.out, "12 0\n");
  EXPECT_NE(result.err.find("not-a-number"), std::string::npos);
}

}  // namespace
}  // namespace asyncrt::testing
