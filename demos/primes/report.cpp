#include "primes/report.hpp"

#include <algorithm>
#include <map>

#include <fmt/core.h>
#include <fmt/ranges.h>

#include "common/cli.hpp"

namespace asyncrt::primes {
namespace {

// Longer lists (from --random) are summed up instead of listed a line a number.
constexpr std::size_t longest_list_shown = 50;
constexpr std::size_t primes_shown = 10;

double speedup(const ModeRun& run, const ModeRun& serial) {
  return run.seconds > 0 ? serial.seconds / run.seconds : 0.0;
}

// The speedup over what the run could have had at best: one per worker that ran, no more than
// one per core.
double efficiency(const ModeRun& run, const ModeRun& serial, std::size_t cores) {
  return speedup(run, serial) /
         static_cast<double>(std::max<std::size_t>(1, std::min(run.workers, cores)));
}

std::string what_it_showed(const ModeRun& run, const Job& job) {
  switch (run.mode) {
    case Mode::serial:
      return "one thread, one number after another";
    case Mode::loop:
      return fmt::format(
          "stall detector: {} of {} checks held the loop over {} ms", run.stalled_tasks.size(),
          job.numbers.size(),
          std::chrono::duration_cast<std::chrono::milliseconds>(job.stall_threshold).count());
    case Mode::threads:
      return fmt::format("{} of the CPU pool, a whole number each",
                         demo::counted(run.workers, "thread"));
    case Mode::chunks:
      return fmt::format("{}, the numbers cut into {}", demo::counted(run.workers, "thread"),
                         demo::counted(run.chunks, "chunk"));
    case Mode::processes: {
      std::vector<long> pids = run.checked_by;
      std::sort(pids.begin(), pids.end());
      pids.erase(std::unique(pids.begin(), pids.end()), pids.end());
      return fmt::format("worker pids {}", fmt::join(pids, ", "));
    }
  }
  return {};
}

}  // namespace

void print_text(const std::vector<std::uint64_t>& numbers, const std::vector<ModeRun>& runs,
                const Job& job, std::size_t cores) {
  const ModeRun& serial = runs.front();
  print_answers(numbers, serial.prime);
  fmt::print(
      "\n{}; speedup = serial time / wall time; efficiency = speedup / the workers that\n"
      "ran, counting no more than the cores\n",
      demo::counted(cores, "core"));
  fmt::print("\n{:<10} {:>7} {:>11} {:>8} {:>10}   {}\n", "mode", "workers", "wall time", "speedup",
             "efficiency", "what it shows");
  bool over_full = false;
  for (const ModeRun& run : runs) {
    const double e = efficiency(run, serial, cores);
    over_full = over_full || e > 1.05;
    fmt::print("{:<10} {:>7} {:>8.1f} ms {:>7.2f}x {:>9.0f}%   {}\n", mode_name(run.mode),
               run.workers, run.seconds * 1e3, speedup(run, serial), 100.0 * e,
               what_it_showed(run, job));
  }
  if (over_full) {
    fmt::print(
        "\nOver 100%: faster than its workers (at most one per core) could make it, so the\n"
        "serial baseline ran slow (another program took its core, or the CPU clocked down);\n"
        "run it again on an idle machine.\n");
  }
  for (const ModeRun& run : runs) {
    if (run.mode != Mode::loop || run.stalled_tasks.empty()) continue;
    fmt::print("\nthe stall detector caught, in the loop mode:\n");
    for (const auto& stall : run.stalled_tasks) {
      fmt::print("  {} held the event loop {:.1f} ms\n", stall.task, stall.ms);
    }
  }
  for (const ModeRun& run : runs) {
    if (run.mode != Mode::processes) continue;
    std::map<long, std::vector<std::uint64_t>> by_pid;
    for (std::size_t i = 0; i < numbers.size(); ++i)
      by_pid[run.checked_by[i]].push_back(numbers[i]);
    fmt::print("\n");
    for (const auto& [pid, checked] : by_pid) {
      fmt::print("worker process {} checked {}\n", pid, fmt::join(checked, ", "));
    }
  }
}

void print_answers(const std::vector<std::uint64_t>& numbers, const std::vector<bool>& prime) {
  if (numbers.size() <= longest_list_shown) {
    for (std::size_t i = 0; i < numbers.size(); ++i) {
      fmt::print("{} is prime: {}\n", numbers[i], static_cast<bool>(prime[i]));
    }
    return;
  }
  std::vector<std::uint64_t> primes;  // a --random list: the count, and the primes themselves
  for (std::size_t i = 0; i < numbers.size(); ++i) {
    if (prime[i]) primes.push_back(numbers[i]);
  }
  const std::size_t shown = std::min(primes.size(), primes_shown);
  fmt::print("{} numbers checked, {} prime{}{}{}\n", numbers.size(), primes.size(),
             shown > 0 ? ": " : "", fmt::join(primes.begin(), primes.begin() + shown, ", "),
             shown < primes.size() ? ", ... (--json has every answer)" : "");
}

std::vector<demo::JsonObject> answers_json(const std::vector<std::uint64_t>& numbers,
                                           const std::vector<bool>& prime) {
  std::vector<demo::JsonObject> results;
  for (std::size_t i = 0; i < numbers.size(); ++i) {
    results.push_back(demo::JsonObject().add_exact("n", numbers[i]).add("prime", prime[i] == true));
  }
  return results;
}

void print_json(const std::vector<std::uint64_t>& numbers, const std::vector<ModeRun>& runs,
                std::size_t cores) {
  const ModeRun& serial = runs.front();
  std::vector<demo::JsonObject> modes;
  for (const ModeRun& run : runs) {
    demo::JsonObject mode;
    mode.add("mode", mode_name(run.mode))
        .add("workers", run.workers)
        .add("seconds", run.seconds)
        .add("speedup", speedup(run, serial))
        .add("efficiency", efficiency(run, serial, cores));
    if (run.mode == Mode::loop) {
      std::vector<demo::JsonObject> stalled;
      for (const auto& stall : run.stalled_tasks) {
        stalled.push_back(demo::JsonObject().add("task", stall.task).add("ms", stall.ms));
      }
      mode.add("stalls", run.stalled_tasks.size()).add("stalled", stalled);
    }
    if (run.mode == Mode::chunks) mode.add("chunks", run.chunks);
    if (run.mode == Mode::processes) mode.add("checked_by", run.checked_by);
    modes.push_back(std::move(mode));
  }
  fmt::print("{}\n", demo::JsonObject()
                         .add("schema", json_schema)
                         .add("cores", cores)
                         .add("results", answers_json(numbers, serial.prime))
                         .add("runs", modes)
                         .text());
}

}  // namespace asyncrt::primes
