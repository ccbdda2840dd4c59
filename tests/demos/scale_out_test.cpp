// asyncrt-scale-out end to end: real MPI ranks started by mpirun on this machine, compared with
// the single-process demo, and ranks that die or hang mid-run.

#include <signal.h>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "support/background_program.hpp"
#include "support/json.hpp"
#include "support/run_program.hpp"

namespace asyncrt::testing {
namespace {

const std::string mpiexec = ASYNCRT_MPIEXEC;
const std::string scale_out = ASYNCRT_SCALE_OUT_EXE;
const std::string primes = ASYNCRT_PRIMES_EXE;

// mpirun -np N asyncrt-scale-out ARGS. More ranks than cores needs --oversubscribe; running as
// root needs OMPI_ALLOW_RUN_AS_ROOT(_CONFIRM), which the test's environment sets.
std::vector<std::string> mpirun_args(int ranks, const std::vector<std::string>& args) {
  std::vector<std::string> all{"--oversubscribe", "-np", std::to_string(ranks), scale_out};
  all.insert(all.end(), args.begin(), args.end());
  return all;
}

// The "results" array of the JSON object both demos print: the numbers and their answers.
boost::json::value results_of(const std::string& out) {
  return parse_json(out).at("results");
}

struct RankRow {
  long rank, pid, workers, shares, checked, primes;
};

std::vector<RankRow> ranks_of(const std::string& out) {
  std::vector<RankRow> rows;
  const auto json = parse_json(out);
  for (const auto& r : json.at("ranks").as_array()) {
    EXPECT_TRUE(r.at("host").is_string());
    rows.push_back({r.at("rank").to_number<long>(), r.at("pid").to_number<long>(),
                    r.at("workers").to_number<long>(), r.at("shares").to_number<long>(),
                    r.at("checked").to_number<long>(), r.at("primes").to_number<long>()});
  }
  return rows;
}

long count_of(const std::string& text, const std::string& what) {
  long n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// Runs `ranks` ranks and the single-process demo on the same seeded list; both must agree on
// every number, and the ranks' counts must add up.
void expect_same_as_one_process(int ranks, const std::vector<std::string>& list,
                                const std::vector<std::string>& extra = {}) {
  std::vector<std::string> args = list;
  args.push_back("--json");
  args.insert(args.end(), extra.begin(), extra.end());
  const auto distributed = run_program(mpiexec, mpirun_args(ranks, args));
  ASSERT_EQ(distributed.exit_code, 0) << distributed.err;

  std::vector<std::string> single = list;
  for (const char* a : {"--mode", "threads", "--workers", "2", "--json"}) single.push_back(a);
  const auto alone = run_program(primes, single);
  ASSERT_EQ(alone.exit_code, 0) << alone.err;
  EXPECT_EQ(results_of(distributed.out), results_of(alone.out));

  const auto rows = ranks_of(distributed.out);
  ASSERT_EQ(rows.size(), static_cast<std::size_t>(ranks)) << distributed.out;
  long checked = 0, primes_found = 0;
  std::vector<long> pids;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    EXPECT_EQ(rows[r].rank, static_cast<long>(r));
    EXPECT_GE(rows[r].workers, 1);
    checked += rows[r].checked;
    primes_found += rows[r].primes;
    pids.push_back(rows[r].pid);
  }
  const auto answers = results_of(distributed.out);
  const auto& results = answers.as_array();
  EXPECT_EQ(checked, static_cast<long>(results.size()));  // each number once, somewhere
  EXPECT_EQ(primes_found, std::count_if(results.begin(), results.end(),
                                        [](const auto& r) { return r.at("prime") == true; }));
  std::sort(pids.begin(), pids.end());
  EXPECT_EQ(std::unique(pids.begin(), pids.end()), pids.end()) << "ranks are distinct processes";
}

// The tour's §5 step starts two ranks under mpirun (the tour sits next to the demo).
TEST(ScaleOut, TheTourRunsItUnderMpirun) {
  const auto tour = (std::filesystem::path(scale_out).parent_path() / "asyncrt-tour").string();
  const auto r = run_program(tour, {"--only", "scale-out"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("5. Scale up vs scale out\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("$ mpirun -np 2 asyncrt-scale-out --random 1500\n"), std::string::npos)
      << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(\n2 ranks \(2 workers\) +[0-9.]+ s)")))
      << r.out;
  EXPECT_NE(r.out.find("The tour ran 1 step in"), std::string::npos) << r.out;
}

TEST(ScaleOut, TwoRanksAgreeWithTheSingleProcessDemo) {
  expect_same_as_one_process(2, {"--random", "400", "--near", "1e13", "--seed", "7"});
}

TEST(ScaleOut, ThreeRanksWithSmallSharesAgreeWithTheSingleProcessDemo) {
  expect_same_as_one_process(3, {"--random", "300", "--near", "1e13", "--seed", "11"},
                             {"--share", "5"});
}

TEST(ScaleOut, AListFromTheCommandLineIsAnsweredInInputOrder) {
  expect_same_as_one_process(
      2, {"--numbers", "2,1,0,112272535095293,9,7,1000000000000037,4,3,112582705942171"},
      {"--share", "1", "--skip-one-rank"});
}

TEST(ScaleOut, AHostfileSaysWhichMachinesTakeHowManyRanks) {
  // The way across machines, on this one: a hostfile whose one line gives localhost 3 slots,
  // so 3 ranks start without --oversubscribe.
  const auto hostfile =
      std::filesystem::temp_directory_path() / ("asyncrt-hosts-" + std::to_string(::getpid()));
  std::ofstream(hostfile) << "localhost slots=3\n";
  const auto result =
      run_program(mpiexec, {"--hostfile", hostfile.string(), "-np", "3", scale_out, "--random",
                            "200", "--near", "1e12", "--seed", "5", "--json"});
  std::filesystem::remove(hostfile);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(ranks_of(result.out).size(), 3u) << result.out;
  const auto alone = run_program(
      primes, {"--random", "200", "--near", "1e12", "--seed", "5", "--mode", "serial", "--json"});
  EXPECT_EQ(results_of(result.out), results_of(alone.out));
}

TEST(ScaleOut, EveryRankGetsWorkAndTheTableAddsUp) {
  const auto result =
      run_program(mpiexec, mpirun_args(2, {"--random", "1500", "--near", "1e13", "--seed", "3",
                                           "--workers", "1", "--share", "4"}));
  ASSERT_EQ(result.exit_code, 0) << result.err;
  // "total" row: 2 workers, and every number checked.
  EXPECT_TRUE(std::regex_search(result.out, std::regex(R"(\n\s*total\s+2\s+\d+\s+1500\s)")))
      << result.out;
  for (const char* rank : {"0", "1"}) {
    std::smatch row;
    ASSERT_TRUE(std::regex_search(
        result.out, row,
        std::regex(std::string(R"(\n\s+)") + rank + R"(\s+\S+\s+\d+\s+1\s+(\d+)\s+(\d+)\s)")))
        << result.out;
    EXPECT_GT(std::stol(row[2]), 0) << "rank " << rank << " checked nothing:\n" << result.out;
  }
  EXPECT_TRUE(std::regex_search(result.out,
                                std::regex(R"(one rank: rank 0 alone \(1 worker\)\s+\d+\.\d+ s)")))
      << result.out;
  EXPECT_TRUE(std::regex_search(result.out,
                                std::regex(R"(2 ranks \(2 workers\)\s+\d+\.\d+ s\s+\d+\.\d+x)")))
      << result.out;
}

TEST(ScaleOut, OneRankRunsWithoutMpirun) {
  const auto result = run_program(scale_out, {"--random", "60", "--near", "1e9", "--json"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  ASSERT_EQ(ranks_of(result.out).size(), 1u) << result.out;
  EXPECT_EQ(ranks_of(result.out)[0].checked, 60);
  const auto json = parse_json(result.out);
  EXPECT_EQ(json.as_object().begin()->key(), "schema");
  EXPECT_EQ(undocumented_paths(json, "asyncrt-scale-out"), std::vector<std::string>{})
      << "add them to docs/json.md";
}

// Ctrl-C reaches a rank's work: it stops within moments and says so in one line, status 130.
TEST(ScaleOut, CtrlCStopsTheRunWithOneLine) {
  BackgroundProgram rank(scale_out, {"--random", "2000000", "--skip-one-rank"});
  std::this_thread::sleep_for(std::chrono::seconds(1));
  const auto sent = std::chrono::steady_clock::now();
  ::kill(static_cast<pid_t>(rank.pid()), SIGINT);
  const auto result = rank.finish();
  EXPECT_LT(std::chrono::steady_clock::now() - sent, std::chrono::seconds(3));
  EXPECT_EQ(result.exit_code, 130) << result.err;
  const auto lines = lines_of(result.err);
  ASSERT_EQ(lines.size(), 1u) << result.err;
  EXPECT_EQ(lines[0].rfind("asyncrt-scale-out: interrupted by SIGINT", 0), 0u) << lines[0];
}

TEST(ScaleOut, BadInputIsOneLineFromRank0AndExitStatus2) {
  const std::vector<std::vector<std::string>> bad{{"--workers", "0"},
                                                  {"--numbers", "7", "--random", "3"},
                                                  {"--near", "1e19", "--random", "3"},
                                                  {"--near", "1e", "--random", "3"},
                                                  {"--share", "0"},
                                                  {"--timeout", "soon"},
                                                  {"--no-such-option"}};
  for (const auto& args : bad) {  // one rank, without mpirun: just our line
    const auto result = run_program(scale_out, args);
    EXPECT_EQ(result.exit_code, 2) << args[0];
    EXPECT_EQ(lines_of(result.err).size(), 1u) << result.err;
    EXPECT_NE(result.err.find(args[0]), std::string::npos) << result.err;
  }
  for (const auto& args : {bad[0], bad.back()}) {  // two ranks: said once, by rank 0
    const auto result = run_program(mpiexec, mpirun_args(2, args));
    EXPECT_NE(result.exit_code, 0) << args[0];
    // Open MPI adds its own banner about the exit status; ours is one line, said once.
    EXPECT_EQ(count_of(result.err, "asyncrt-scale-out: "), 1) << result.err;
  }
}

TEST(ScaleOut, MoreWorkersThanTheCoresARankIsBoundToIsSaidAndStillWorks) {
  const auto bound = run_program(mpiexec, {"--bind-to", "core", "-np", "1", scale_out, "--random",
                                           "50", "--near", "1e9", "--workers", "2"});
  ASSERT_EQ(bound.exit_code, 0) << bound.err;
  EXPECT_NE(bound.err.find("asyncrt-scale-out: rank 0: 2 workers but only 1 core to run on: "
                           "mpirun bound this rank (start it with --bind-to none"),
            std::string::npos)
      << bound.err;
  EXPECT_NE(bound.out.find("1 rank (2 workers)"), std::string::npos) << bound.out;
  // Left to choose, a bound rank takes one worker per core it may use, and says nothing.
  const auto chosen = run_program(
      mpiexec, {"--bind-to", "core", "-np", "1", scale_out, "--random", "50", "--near", "1e9"});
  ASSERT_EQ(chosen.exit_code, 0) << chosen.err;
  EXPECT_EQ(chosen.err, "");
  EXPECT_NE(chosen.out.find("1 rank (1 worker)"), std::string::npos) << chosen.out;
}

TEST(ScaleOut, HelpIsPrintedOnceEvenWithManyRanks) {
  const auto result = run_program(mpiexec, mpirun_args(2, {"--help"}));
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(count_of(result.out, "Usage: asyncrt-scale-out"), 1) << result.out;
}

// Two ranks on the default list (seconds of work), and the pid of rank `rank` once it runs.
class RanksUnderFire {
 public:
  explicit RanksUnderFire(std::vector<std::string> args) : mpirun_(mpiexec, mpirun_args(2, args)) {}

  long rank_pid(const std::string& rank) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline && mpirun_.running()) {
      for (const auto& [pid, state] : children_of(mpirun_.pid())) {
        ranks_.push_back(pid);
        if (environment_of(pid, "OMPI_COMM_WORLD_RANK") == rank) return pid;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return 0;
  }

  /// Waits until rank `pid` is checking numbers: its own threads (the loop and the workers, not
  /// MPI_Init on its main thread) have used 300 ms of CPU. A fixed sleep is not enough: under
  /// a sanitizer on a loaded machine, MPI_Init alone can take longer than any guess.
  bool wait_until_checking(long pid) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline && mpirun_.running()) {
      if (cpu_time_of_other_threads(pid) >= std::chrono::milliseconds(300)) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }

  ProgramResult finish() { return mpirun_.finish(); }
  /// The ranks still running 10 s after mpirun ended. (mpirun signals them all but may exit
  /// before they have ended, and before it reaps them; they then stay zombies of whatever adopts
  /// them, which is not theirs to avoid, and run nothing.)
  std::vector<long> survivors() const {
    return still_running_after(ranks_, std::chrono::seconds(10));
  }

 private:
  BackgroundProgram mpirun_;
  std::vector<long> ranks_;
};

TEST(ScaleOut, ARankKilledMidRunEndsTheRunAndIsNamed) {
  RanksUnderFire run({"--skip-one-rank"});
  const long victim = run.rank_pid("1");
  ASSERT_NE(victim, 0);
  ASSERT_TRUE(run.wait_until_checking(victim));
  ASSERT_EQ(::kill(static_cast<pid_t>(victim), SIGKILL), 0);
  const auto result = run.finish();
  EXPECT_NE(result.exit_code, 0);
  // Open MPI's runtime notices the death and names the rank; the job does not wait forever.
  EXPECT_NE(result.err.find("rank 1"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("signal 9"), std::string::npos) << result.err;
  EXPECT_EQ(run.survivors(), std::vector<long>{});
}

TEST(ScaleOut, ARankThatHangsIsGivenUpAfterTheTimeoutWithAClearMessage) {
  RanksUnderFire run({"--skip-one-rank", "--timeout", "2"});
  const long victim = run.rank_pid("1");
  ASSERT_NE(victim, 0);
  ASSERT_TRUE(run.wait_until_checking(victim));  // so rank 0 has handed it a share
  const auto stopped = std::chrono::steady_clock::now();
  ASSERT_EQ(::kill(static_cast<pid_t>(victim), SIGSTOP), 0);  // alive, but says nothing
  const auto result = run.finish();
  EXPECT_LT(std::chrono::steady_clock::now() - stopped, std::chrono::seconds(30));
  EXPECT_EQ(result.exit_code, 1) << result.err;
  EXPECT_TRUE(std::regex_search(
      result.err, std::regex("asyncrt-scale-out: rank 0: error: rank 1 \\([^,]+, pid " +
                             std::to_string(victim) +
                             R"(\) has said nothing for 2 s \(its last share: numbers #\d+ to )"
                             R"(#\d+\): it died or hangs)")))
      << result.err;
  EXPECT_EQ(run.survivors(), std::vector<long>{});  // MPI_Abort took the stopped rank too
}

}  // namespace
}  // namespace asyncrt::testing
