// asyncrt-primes: the lesson's prime-checking exercise, five ways.
//
// The same numbers are checked serially, as coroutines on the event loop (concurrency without
// parallelism: the checks take turns and block the loop), offloaded to the CPU pool's threads
// (parallelism), each number's divisor range cut into chunks on those threads (one job split
// into subtasks, which balances where whole numbers cannot), and in worker processes
// (parallelism with isolation). The table shows that only more cores make CPU-bound work faster.

#include <csignal>
#include <iostream>

#include <boost/program_options.hpp>
#include <fmt/core.h>

#include <asyncrt/cpu_pool.hpp>

#include "common/cli.hpp"
#include "common/demo_cli.hpp"
#include "common/interrupt.hpp"
#include "common/number_options.hpp"
#include "common/progress.hpp"
#include "common/timelines.hpp"
#include "primes/modes.hpp"
#include "primes/report.hpp"
#include "primes/worker.hpp"

namespace po = boost::program_options;
using namespace asyncrt;
using namespace asyncrt::primes;

namespace {

constexpr std::string_view program = "asyncrt-primes";
constexpr demo::NumberDefaults lesson_numbers{
    "112272535095293,112582705942171,112272535095293,115280095190773,115797848077099,"
    "1099726899285419"};

std::vector<Mode> parse_modes(const std::string& name) {
  if (name == "all") {
    return {Mode::serial, Mode::loop, Mode::threads, Mode::chunks, Mode::processes};
  }
  const auto mode = parse_mode(name);
  if (!mode) {
    throw demo::UsageError(fmt::format(
        "--mode must be serial, loop, threads, chunks, processes or all (got '{}')", name));
  }
  // Serial always runs first: it is the baseline of every speedup.
  if (*mode == Mode::serial) return {Mode::serial};
  return {Mode::serial, *mode};
}

int run(int argc, char** argv) {
  demo::Cli cli(std::string(program),
                "Checks numbers for primality serially, on the event loop, on the CPU pool's\n"
                "threads and in worker processes, and compares their wall times.");
  demo::add_number_options(cli, lesson_numbers);
  cli.add()(
      "mode", po::value<std::string>()->default_value("all"),
      "serial | loop | threads | chunks | processes | all (serial always runs, as the baseline)")(
      "workers", po::value<std::string>(), "threads or processes to use (default: one per core)")(
      "algorithm", po::value<std::string>()->default_value("trial"),
      "trial (the lesson's odd trial division) | miller-rabin")(
      "stall-ms", po::value<std::string>()->default_value("5"),
      "loop mode: report checks that hold the event loop longer than this")(
      "worker-timeout-ms", po::value<std::string>()->default_value("60000"),
      "processes mode: a worker that takes longer than this to answer one number is killed "
      "and replaced");
  cli.add_hidden()("worker", "run as a worker process (used by --mode processes)");
  if (auto done = cli.parse(argc, argv)) return *done;

  const auto algorithm = parse_algorithm(cli.text("algorithm"));
  if (!algorithm) {
    throw demo::UsageError(
        fmt::format("--algorithm must be trial or miller-rabin (got '{}')", cli.text("algorithm")));
  }
  if (cli.has("worker")) return serve_as_worker(*algorithm);

  Job job;
  job.algorithm = *algorithm;
  job.numbers = demo::numbers_from(cli, lesson_numbers);
  job.workers = cli.has("workers") ? cli.count("workers", 1, 1024) : demo::default_workers();
  job.stall_threshold = std::chrono::milliseconds(cli.count("stall-ms", 1, 60'000));
  job.worker_timeout = std::chrono::milliseconds(cli.count("worker-timeout-ms", 1, 3'600'000));
  const auto modes = parse_modes(cli.text("mode"));

  // A worker process that dies must show up as a write error, not kill us with SIGPIPE.
  std::signal(SIGPIPE, SIG_IGN);
  // Ctrl-C and SIGTERM stop whichever mode is running. Set up before any thread starts.
  demo::InterruptWatch interrupts;
  job.stop = interrupts.token();
  demo::Timelines timelines(cli);
  demo::Progress progress(std::string(program), cli.progress_wanted());
  job.progress = &progress;

  std::vector<ModeRun> runs;
  for (Mode mode : modes) {
    timelines.section();
    runs.push_back(interrupts.guard(fmt::format("the {} mode", mode_name(mode)),
                                    [&] { return run_mode(mode, job); }));
    progress.finish();
    timelines.show(fmt::format("{} mode", mode_name(mode)));
    if (runs.back().prime != runs.front().prime) {
      throw std::runtime_error(
          fmt::format("the {} mode disagrees with the serial results", mode_name(mode)));
    }
  }
  timelines.finish("Prime checking, five ways");
  if (cli.has("json")) {
    print_json(job.numbers, runs, usable_cores());
  } else {
    print_text(job.numbers, runs, job, usable_cores());
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return demo::guarded_main(program, [&] { return run(argc, argv); });
}
