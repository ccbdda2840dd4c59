// asyncrt-pools: creating threads is the expensive part, so reuse them: a pool. This is
// Python's concurrent.futures (submit, map, shutdown, futures) on a C++ thread pool, then the
// same work the runtime's way: asyncrt::map, each job offloaded to the blocking pool (a job
// that sleeps holds a thread without computing: that is what the blocking pool is for), and
// as_completed (results in the order they finish) over tasks that wait. Last,
// the `with` block for tasks: a task group waits for every job it started, and the first job
// that fails cancels the others at once.

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

// How one job of the task group ended.
struct JobEnd {
  std::string name;
  std::string ended;  // "finished", "failed" or "cancelled"
  double ms = 0;      // since the group started
  long long needed_ms = 0;
};

// A task group of three jobs that take 3, 1 and 2 x `each`; job 2 fails when it is done. Prints
// each job's end as it happens; returns them in that order, with what the group rethrew.
std::vector<JobEnd> run_task_group(Runtime& runtime, milliseconds each, std::string& rethrown) {
  std::vector<JobEnd> ends;
  const auto start = std::chrono::steady_clock::now();
  auto job = [&](int n, milliseconds needs, bool fails) -> Task<void> {
    const auto name = fmt::format("job {}", n);
    try {
      co_await sleep_for(needs);
    } catch (const boost::system::system_error&) {  // operation_aborted: the group cancelled it
      ends.push_back({name, "cancelled", demo::ms_since(start), needs.count()});
      fmt::print("{} cancelled at {:.0f} ms (it needed {} ms)\n", name, ends.back().ms,
                 needs.count());
      throw;
    }
    ends.push_back({name, fails ? "failed" : "finished", demo::ms_since(start), needs.count()});
    if (fails) {
      fmt::print("{} failed at {:.0f} ms: the group cancels the jobs still running\n", name,
                 ends.back().ms);
      throw std::runtime_error(name + " failed");
    }
    fmt::print("{} finished at {:.0f} ms\n", name, ends.back().ms);
  };
  auto group = [&]() -> Task<void> {
    co_await task_group([&](TaskGroup& jobs) -> Task<void> {
      jobs.spawn(job(1, 3 * each, false), "job 1");
      jobs.spawn(job(2, each, true), "job 2");
      jobs.spawn(job(3, 2 * each, false), "job 3");
      co_return;  // the group now waits for its jobs
    });
  };
  try {
    runtime.block_on(group(), "task group");
    rethrown.clear();
  } catch (const std::runtime_error& e) {
    rethrown = e.what();
    fmt::print("the group rethrew \"{}\" at {:.0f} ms, once all {} jobs had ended\n", rethrown,
               demo::ms_since(start), ends.size());
  }
  return ends;
}

int run(int argc, char** argv) {
  demo::Cli cli("asyncrt-pools",
                "A thread pool with submit (a future), map (ordered results) and shutdown (wait,\n"
                "or cancel what has not started): concurrent.futures on C++ threads; then the\n"
                "same map on the asyncrt runtime (its blocking pool: the jobs wait, they do\n"
                "not compute).");
  cli.add()("workers", demo::po::value<std::string>()->default_value("4"), "threads in the pool")(
      "jobs", demo::po::value<std::string>()->default_value("8"), "jobs to run")(
      "job-ms", demo::po::value<std::string>()->default_value("50"), "how long a job takes")(
      "part", demo::po::value<std::string>()->default_value("all"),
      "all, futures (submit, map, shutdown, the runtime's map) or task-group");
  if (auto done = cli.parse(argc, argv)) return *done;
  const auto part = cli.choice("part", {"all", "futures", "task-group"});
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
    if (part != "task-group") {
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
          "threads:\n   a job that sleeps holds its thread without computing, so not the CPU "
          "pool)\n",
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

        interrupts.throw_if_interrupted("map");
        fmt::print(
            "\n== as_completed: the same squares as tasks that wait (no thread each), all at "
            "once;\n   job n takes (jobs + 1 - n) / jobs x {} ms, so the last submitted finishes "
            "first\n",
            each.count());
        const auto as_start = std::chrono::steady_clock::now();
        std::vector<double> finish_ms;
        std::vector<std::uint64_t> finish_order;
        auto finished_task = [&]() -> Task<void> {
          std::vector<Task<std::uint64_t>> tasks;
          for (auto n : numbers) {
            const milliseconds takes(each.count() * static_cast<long>(jobs + 1 - n) /
                                     static_cast<long>(jobs));
            tasks.push_back(named(fmt::format("square({})", n),
                                  [](std::uint64_t n, milliseconds takes) -> Task<std::uint64_t> {
                                    co_await sleep_for(takes);
                                    co_return n* n;
                                  }(n, takes)));
          }
          co_await as_completed(std::move(tasks), [&](Completed<std::uint64_t> done) {
            finish_order.push_back(numbers[done.index]);
            finish_ms.push_back(demo::ms_since(as_start));
            fmt::print("square({}) = {} at {:.0f} ms\n", numbers[done.index], done.value,
                       finish_ms.back());
          });
        };
        try {
          runtime.block_on(finished_task(), "as_completed");
          report.object().add("runtime_as_completed",
                              demo::JsonObject().add("order", finish_order).add("ms", finish_ms));
        } catch (...) {
          if (interrupts.signal() == 0) throw;
        }
      }
      timelines.show("pools");
    }

    if (part != "futures") {
      if (part == "all") fmt::print("\n");
      fmt::print("== a task group: the `with` block for tasks (3 jobs; job 2 fails after {} ms)\n",
                 each.count());
      RuntimeOptions options;
      options.stop_token = interrupts.token();
      Runtime runtime(options);
      timelines.section();
      std::string rethrown;
      const auto start = std::chrono::steady_clock::now();
      try {
        const auto ends = run_task_group(runtime, each, rethrown);
        std::vector<demo::JsonObject> jobs_json;
        for (const auto& end : ends) {
          jobs_json.push_back(demo::JsonObject()
                                  .add("name", end.name)
                                  .add("ended", end.ended)
                                  .add("ms", end.ms)
                                  .add("needed_ms", end.needed_ms));
        }
        report.object().add("task_group", demo::JsonObject()
                                              .add("jobs", jobs_json)
                                              .add("rethrown", rethrown)
                                              .add("ms", demo::ms_since(start)));
      } catch (...) {
        if (interrupts.signal() == 0) throw;
      }
      timelines.show("a task group: job 2 fails, the others are cancelled");
    }
  } catch (...) {
    interrupts.throw_if_interrupted("the pools demo");
    throw;
  }
  timelines.finish("Pools");
  interrupts.throw_if_interrupted("the pools demo");
  report.finish();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return asyncrt::demo::guarded_main("asyncrt-pools", [&] { return run(argc, argv); });
}
