// asyncrt-pools: creating threads is the expensive part, so reuse them: a pool. This is
// Python's concurrent.futures (submit, map, shutdown, futures) on a C++ thread pool, then the
// same work the runtime's way: asyncrt::map, each job offloaded to the blocking pool (a job
// that sleeps holds a thread without computing: that is what the blocking pool is for).

#include <thread>

#include <fmt/core.h>
#include <fmt/ranges.h>

#include <asyncrt/asyncrt.hpp>

#include "common/cli.hpp"
#include "common/demo_cli.hpp"
#include "common/interrupt.hpp"
#include "common/log.hpp"
#include "common/report.hpp"
#include "common/timelines.hpp"
#include "common/work.hpp"
#include "pools/executor.hpp"

using namespace asyncrt;
using namespace asyncrt::pools;
using std::chrono::milliseconds;

namespace {

// The job: "takes" a while (the thread sleeps), returns n * n.
std::stop_token interrupted;  // set once in run(), before any pool starts

std::uint64_t square_slowly(std::uint64_t n, milliseconds each) {
  trace::name_this_thread_once("pool");
  trace::Scope job(fmt::format("square({})", n), trace::Kind::waiting);
  if (!demo::sleep_unless_stopped(each, interrupted)) throw std::runtime_error("interrupted");
  return n * n;
}

int run(int argc, char** argv) {
  demo::Cli cli("asyncrt-pools",
                "A thread pool with submit (a future), map (ordered results) and shutdown (wait,\n"
                "or cancel what has not started): concurrent.futures on C++ threads; then the\n"
                "same map on the asyncrt runtime (its blocking pool: the jobs wait, they do\n"
                "not compute).");
  cli.add()("workers", demo::po::value<std::string>()->default_value("4"), "threads in the pool")(
      "jobs", demo::po::value<std::string>()->default_value("8"), "jobs to run")(
      "job-ms", demo::po::value<std::string>()->default_value("50"), "how long a job takes");
  if (auto done = cli.parse(argc, argv)) return *done;
  const std::size_t workers = cli.count("workers", 1, 256);
  const std::size_t jobs = cli.count("jobs", 1, 100'000);
  const auto each = milliseconds(cli.count("job-ms", 0, 60'000));
  std::vector<std::uint64_t> numbers(jobs);
  for (std::size_t i = 0; i < jobs; ++i) numbers[i] = i + 1;

  demo::JsonReport report(cli, 1);
  report.object().add("workers", workers).add("jobs", jobs).add("job_ms", each.count());
  demo::InterruptWatch interrupts;
  interrupted = interrupts.token();
  demo::Timelines timelines(cli);
  const std::size_t rounds = (jobs + workers - 1) / workers;

  // A job cut short by Ctrl-C throws out of its future: report the interrupt, not that.
  try {
    fmt::print("== submit: one future per job ({} of {} ms, {})\n", demo::counted(jobs, "job"),
               each.count(), demo::counted(workers, "worker"));
    {
      const auto start = std::chrono::steady_clock::now();
      ThreadPoolExecutor executor(workers);
      std::vector<std::future<std::uint64_t>> futures;
      for (auto n : numbers)
        futures.push_back(executor.submit([n, each] { return square_slowly(n, each); }));
      std::uint64_t sum = 0;
      for (auto& f : futures) sum += f.get();
      fmt::print("sum of squares = {} in {:.0f} ms (model: {} of {} ms)\n", sum,
                 demo::ms_since(start), demo::counted(rounds, "round"), each.count());
      report.object().add("submit", demo::JsonObject()
                                        .add("sum_of_squares", sum)
                                        .add("ms", demo::ms_since(start))
                                        .add("model_rounds", rounds));
    }

    interrupts.throw_if_interrupted("submit");
    fmt::print("\n== map: results in the order of the inputs\n");
    {
      const auto start = std::chrono::steady_clock::now();
      ThreadPoolExecutor executor(workers);
      const auto squares =
          executor.map([each](std::uint64_t n) { return square_slowly(n, each); }, numbers);
      fmt::print("map(square, [1..{}]) = [{}] in {:.0f} ms\n", jobs, fmt::join(squares, ", "),
                 demo::ms_since(start));
      report.object().add(
          "map", demo::JsonObject().add("results", squares).add("ms", demo::ms_since(start)));
    }

    interrupts.throw_if_interrupted("map");
    fmt::print("\n== shutdown(wait=true, cancel_futures=true) right after submitting\n");
    {
      ThreadPoolExecutor executor(workers);
      std::vector<std::future<std::uint64_t>> futures;
      for (auto n : numbers)
        futures.push_back(executor.submit([n, each] { return square_slowly(n, each); }));
      std::this_thread::sleep_for(each / 2);  // the first jobs have started by now
      executor.shutdown(true, true);
      std::size_t done = 0, cancelled = 0;
      for (auto& f : futures) {
        try {
          f.get();
          ++done;
        } catch (const CancelledError&) {
          ++cancelled;
        }
      }
      fmt::print(
          "{} jobs finished (they had started), {} cancelled before they started; "
          "{} in all\n",
          done, cancelled, done + cancelled);
      report.object().add("shutdown",
                          demo::JsonObject().add("finished", done).add("cancelled", cancelled));
    }

    interrupts.throw_if_interrupted("shutdown");
    fmt::print(
        "\n== the runtime's way: asyncrt::map, each job offloaded to the blocking pool ({} "
        "threads:\n   a job that sleeps holds its thread without computing, so not the CPU pool)\n",
        workers);
    {
      RuntimeOptions options;
      options.blocking_threads = workers;
      options.stop_token = interrupts.token();
      Runtime runtime(options);
      const auto start = std::chrono::steady_clock::now();
      auto squares_task = [&]() -> Task<std::vector<std::uint64_t>> {
        // `workers` jobs at a time, each a task that waits for its call on the blocking pool.
        auto job = [each](std::uint64_t n) {
          return offload_blocking([n, each] { return square_slowly(n, each); });
        };
        co_return co_await asyncrt::map(job, numbers, workers);
      };
      try {
        const auto squares = runtime.block_on(squares_task(), "map");
        fmt::print("map = [{}] in {:.0f} ms\n", fmt::join(squares, ", "), demo::ms_since(start));
        report.object().add(
            "runtime_map",
            demo::JsonObject().add("results", squares).add("ms", demo::ms_since(start)));
      } catch (...) {
        if (interrupts.signal() == 0) throw;
      }
    }
  } catch (...) {
    interrupts.throw_if_interrupted("the pools demo");
    throw;
  }
  timelines.show("pools");
  timelines.finish("Pools");
  interrupts.throw_if_interrupted("the pools demo");
  report.finish();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return asyncrt::demo::guarded_main("asyncrt-pools", [&] { return run(argc, argv); });
}
