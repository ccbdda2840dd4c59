// asyncrt-tour: the whole lesson in order. Runs each demo (a real child process, found next to
// this executable; scale-out under mpirun) on small inputs with a short explanation before it;
// about 10 s. `--only NAME` runs one step, `--list` lists them; `--timeline`, `--svg DIR` and
// `--trace DIR` are passed on to every step that draws.

#include <csignal>
#include <filesystem>
#include <mutex>
#include <optional>
#include <utility>

#include <unistd.h>

#include <boost/process/args.hpp>
#include <boost/process/child.hpp>
#include <fmt/core.h>
#include <fmt/ranges.h>

#include "common/cli.hpp"
#include "common/demo_cli.hpp"
#include "common/interrupt.hpp"
#include "common/report.hpp"

using namespace asyncrt;
namespace bp = boost::process;

namespace {

struct Step {
  std::string demo;
  std::vector<std::string> args;
  std::string lesson;  // the heading
  std::string intro;   // what to look for
  int mpi_ranks = 0;   // run under mpirun with this many ranks (scale-out)
};

const std::vector<Step>& steps() {
  static const std::vector<Step> all{
      {"ramen-shop",
       {"--orders", "8", "--minute-ms", "5"},
       "1. Concurrency and parallelism",
       "One cook serves 6 bowls an hour standing at the pot. Working while the water boils\n"
       "(async) serves about three times as many; more cooks add parallelism."},
      {"ramen-shop",
       {"--mode", "async", "--orders", "4", "--minute-ms", "5", "--timeline"},
       "1b. One cook, seen as a timeline",
       "The loop lane is the cook: letters are bowls being prepared or served; the bowls'\n"
       "own lanes show them waiting (~) on the stove while the cook is free."},
      {"delivery",
       {"--step-ms", "50", "--steps", "2"},
       "2. Synchronous vs asynchronous",
       "Two jobs one after the other, on two threads, and as two coroutines on one thread.\n"
       "Watch the tids: calling run() instead of start() never leaves the main thread."},
      {"io-vs-cpu",
       {"--jobs", "4", "--io-ms", "50", "--cpu-ms", "50"},
       "3. I/O-bound vs CPU-bound",
       "Waiting overlaps on one thread; computing only gets faster with more cores."},
      {"processes",
       {},
       "4, 7. Processes and threads",
       "A process has a pid, an owner and threads; children are started, joined, killed; a\n"
       "pool of worker processes maps double over 1..5."},
      {"profiling",
       {"--repeat", "5000", "--rounds", "3"},
       "4b. Profiling",
       "Measure before you optimise: eight ways to build 100 numbers, timed."},
      {"scale-out",
       {"--random", "1500"},
       "5. Scale up vs scale out",
       "More machines acting as one: the exercise over MPI ranks, each its own process (on\n"
       "other machines with a hostfile), each with its own pool.",
       2},
      {"worker",
       {"--stop-after", "400", "--rest-ms", "150", "--overwork-ms", "20"},
       "6. Threads in practice: stopping a worker",
       "A thread checks a stop flag and must finish its rest first; a coroutine is cancelled\n"
       "at once."},
      {"join",
       {"--sleep-ms", "150"},
       "6b. join() and daemon work",
       "Without join() the main flow finishes first. Daemon-like work dies with its owner."},
      {"gil",
       {"--work-ms", "100"},
       "6c. Python's GIL",
       "One global lock makes CPU-bound threads take turns: no speedup. I/O waits release it."},
      {"pools",
       {"--part", "futures", "--jobs", "8", "--job-ms", "30"},
       "8. Pools and concurrent.futures",
       "Reuse threads: submit returns a future, map keeps the order, shutdown can cancel."},
      {"pools",
       {"--part", "task-group", "--job-ms", "30", "--timeline"},
       "8b. A task group: the `with` block for tasks",
       "The group waits for every job it started. Job 2 fails: the jobs still running are\n"
       "cancelled at once (their lanes end where it failed), then its error is rethrown."},
      {"primes",
       {"--workers", "2"},
       "9. The exercise: prime checking",
       "The lesson's six numbers serially, on the loop, on threads and in processes."},
      {"race",
       {"--delay-ms", "50", "--timeline"},
       "10. Race conditions",
       "Three updates on two workers end at 2: in the timeline two updates overlap, and one\n"
       "write overwrites the other. A mutex, a strand and an async mutex each end at 3."},
      {"semaphore",
       {"--query-ms", "10", "--timeout-ms", "100"},
       "10b. Semaphores and deadlock",
       "At most 5 at once; a mutex is one at a time; two locks in opposite order deadlock."},
      {"producer-consumer",
       {"--run-ms", "150"},
       "10c. Producer and consumer",
       "A bounded queue between them: nothing lost, and a slow consumer holds the producer\n"
       "back."},
  };
  return all;
}

// The demos sit next to the tour (the build's bin/ or the install's bin/).
std::filesystem::path demo_path(const std::string& demo) {
  return std::filesystem::read_symlink("/proc/self/exe").parent_path() / ("asyncrt-" + demo);
}

// mpirun, where the build found MPI (and it is still there).
std::optional<std::string> mpiexec() {
#ifdef ASYNCRT_MPIEXEC
  if (std::filesystem::exists(ASYNCRT_MPIEXEC)) return std::string(ASYNCRT_MPIEXEC);
#endif
  return std::nullopt;
}

// "tour.svg", step 3 of ramen-shop -> "tour-03-ramen-shop.svg": one file per step, next to the
// file named on the tour's command line.
std::string file_for_step(const std::string& tour_file, std::size_t number, const Step& step) {
  const std::filesystem::path path(tour_file);
  const auto name = fmt::format("{}-{:02}-{}{}", path.stem().string(), number, step.demo,
                                path.extension().string());
  return (path.parent_path() / name).string();
}

// The step's arguments, with the tour's --timeline, --color, --svg and --trace passed on.
std::vector<std::string> args_of(const Step& step, std::size_t number, const demo::Cli& cli) {
  std::vector<std::string> args = step.args;
  const bool draws = std::find(args.begin(), args.end(), "--timeline") != args.end();
  if (cli.has("timeline") && !draws) args.push_back("--timeline");
  if (const auto when = cli.text("color"); when != "auto")
    args.insert(args.end(), {"--color", when});
  if (auto svg = cli.svg_path())
    args.insert(args.end(), {"--svg", file_for_step(*svg, number, step)});
  if (auto trace = cli.trace_path()) {
    args.insert(args.end(), {"--trace", file_for_step(*trace, number, step)});
  }
  return args;
}

// The step's command line as a person would type it.
std::string shown_command(const Step& step, const std::vector<std::string>& args) {
  return fmt::format("{}asyncrt-{}{}{}",
                     step.mpi_ranks ? fmt::format("mpirun -np {} ", step.mpi_ranks) : "", step.demo,
                     args.empty() ? "" : " ", fmt::join(args, " "));
}

// The program that runs a step, and its arguments: the demo itself, or mpirun starting its ranks.
std::pair<std::string, std::vector<std::string>> command_of(const Step& step,
                                                            std::vector<std::string> args) {
  const std::string exe = demo_path(step.demo).string();
  if (step.mpi_ranks == 0) return {exe, std::move(args)};
  // More ranks than cores needs --oversubscribe; Open MPI refuses root unless told.
  std::vector<std::string> all{"--oversubscribe", "-np", std::to_string(step.mpi_ranks)};
  if (::geteuid() == 0) all.push_back("--allow-run-as-root");
  all.push_back(exe);
  all.insert(all.end(), args.begin(), args.end());
  return {*mpiexec(), std::move(all)};
}

int run(int argc, char** argv) {
  demo::Cli cli("asyncrt-tour",
                "The whole lesson in order: each demo on small inputs, with a short explanation.\n"
                "About 10 s. Ctrl-C stops it. --timeline is passed on to every step; --svg FILE\n"
                "and --trace FILE write one file per step beside FILE (tour.svg:\n"
                "tour-01-ramen-shop.svg, ...).");
  cli.add()("only", demo::po::value<std::string>(), "run only the steps of this demo")(
      "list", "list the steps and exit");
  if (auto done = cli.parse(argc, argv)) return *done;
  if (cli.has("list")) {
    for (const auto& step : steps()) {
      fmt::print("{:<44} {}\n", step.lesson, shown_command(step, step.args));
    }
    return 0;
  }
  std::optional<std::string> only;
  if (cli.has("only")) {
    only = cli.text("only");
    const bool known =
        std::any_of(steps().begin(), steps().end(), [&](const Step& s) { return s.demo == *only; });
    if (!known)
      throw demo::UsageError(fmt::format("--only: no step runs '{}' (see --list)", *only));
  }

  demo::JsonReport report(cli, 1);  // the steps' own output goes where the tour's text does
  std::vector<demo::JsonObject> ran_steps;
  demo::InterruptWatch interrupts;
  std::mutex running_mutex;
  bp::child* running = nullptr;
  std::stop_callback forward(interrupts.token(), [&] {
    std::lock_guard lock(running_mutex);
    if (running && running->running()) ::kill(running->id(), interrupts.signal());
  });

  const auto start = std::chrono::steady_clock::now();
  std::size_t ran = 0, number = 0;
  for (const auto& step : steps()) {
    ++number;
    if (only && step.demo != *only) continue;
    const auto args = args_of(step, number, cli);
    fmt::print("\n{}\n{}\n{}\n$ {}\n\n", std::string(78, '='), step.lesson, step.intro,
               shown_command(step, args));
    std::fflush(stdout);
    const auto exe = demo_path(step.demo);
    if (step.mpi_ranks && (!mpiexec() || !std::filesystem::exists(exe))) {
      fmt::print(
          "skipped: this build has no asyncrt-scale-out (it is built where Open MPI and "
          "Boost.MPI\nare installed: see docs/scale-out.md)\n");
      ran_steps.push_back(demo::JsonObject()
                              .add("lesson", step.lesson)
                              .add("command", shown_command(step, args))
                              .add("skipped", true));
      continue;
    }
    if (!std::filesystem::exists(exe)) {
      throw std::runtime_error(fmt::format("cannot find {} next to the tour", exe.string()));
    }
    auto [program, all_args] = command_of(step, args);
    const auto step_start = std::chrono::steady_clock::now();
    bp::child child(program, bp::args(all_args));
    {
      std::lock_guard lock(running_mutex);
      running = &child;
    }
    child.wait();
    {
      std::lock_guard lock(running_mutex);
      running = nullptr;
    }
    interrupts.throw_if_interrupted(fmt::format("asyncrt-{}", step.demo));
    if (child.exit_code() != 0) {
      throw std::runtime_error(
          fmt::format("asyncrt-{} exited with status {}", step.demo, child.exit_code()));
    }
    ++ran;
    ran_steps.push_back(demo::JsonObject()
                            .add("lesson", step.lesson)
                            .add("command", shown_command(step, args))
                            .add("exit_status", child.exit_code())
                            .add("seconds", std::chrono::duration<double>(
                                                std::chrono::steady_clock::now() - step_start)
                                                .count()));
  }
  fmt::print(
      "\n{}\nThe tour ran {} in {:.1f} s. Each demo has --help; try --timeline, --svg "
      "and --trace.\n",
      std::string(78, '='), demo::counted(ran, "step"),
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  report.object()
      .add("steps", ran_steps)
      .add("seconds",
           std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  report.finish();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return asyncrt::demo::guarded_main("asyncrt-tour", [&] { return run(argc, argv); });
}
