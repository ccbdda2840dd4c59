#include "primes/modes.hpp"

#include <mutex>
#include <stdexcept>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <fmt/core.h>

#include <asyncrt/asyncrt.hpp>

namespace asyncrt::primes {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::string_view check_prefix = "check #";

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// A check that computes right on the loop: it takes its turn, then holds the loop until done.
// Only at the turn can the loop run anything else, a cancellation included.
Task<bool> check_on_loop(std::uint64_t n, Algorithm algorithm) {
  co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);
  const bool prime = is_prime(n, algorithm);
  co_return prime;
}

}  // namespace

std::optional<Mode> parse_mode(std::string_view name) {
  for (Mode mode : {Mode::serial, Mode::loop, Mode::threads, Mode::processes}) {
    if (name == mode_name(mode)) return mode;
  }
  return std::nullopt;
}

std::string_view mode_name(Mode mode) {
  switch (mode) {
    case Mode::serial:
      return "serial";
    case Mode::loop:
      return "loop";
    case Mode::threads:
      return "threads";
    case Mode::processes:
      return "processes";
  }
  return "?";
}

ModeRun run_serial(const Job& job) {
  ModeRun run{Mode::serial};
  const auto start = Clock::now();
  for (std::uint64_t n : job.numbers) {
    if (job.stop.stop_requested()) break;
    trace::Scope checking(std::to_string(n));
    run.prime.push_back(is_prime(n, job.algorithm, job.stop));
  }
  run.seconds = seconds_since(start);
  return run;
}

ModeRun run_loop(const Job& job) {
  ModeRun run{Mode::loop};
  std::mutex stalls_mutex;
  RuntimeOptions options;
  options.cpu_threads = 1;
  options.stall_threshold = job.stall_threshold;
  // The lesson counts the checks that held the loop. (The parent task that starts them may
  // cross a very low threshold too; it is not one of the checks.)
  options.on_stall = [&](const StallReport& report) {
    if (!report.task.starts_with(check_prefix)) return;
    std::lock_guard lock(stalls_mutex);
    run.stalled_tasks.emplace_back(report.task);
  };
  const auto start = Clock::now();
  {
    Runtime runtime(options);
    std::stop_callback forward_stop(job.stop, [&runtime] { runtime.request_stop(); });
    std::vector<Task<bool>> checks;
    for (std::size_t i = 0; i < job.numbers.size(); ++i) {
      // Each check is a task of its own name, so the stall detector can say which one it was.
      const std::string name = fmt::format("{}{} ({})", check_prefix, i + 1, job.numbers[i]);
      checks.push_back(asio::co_spawn(runtime.task_executor(name),
                                      check_on_loop(job.numbers[i], job.algorithm),
                                      asio::use_awaitable));
    }
    run.prime = runtime.block_on(when_all(std::move(checks)), "primes on the loop");
  }  // joins the loop thread: every stall report is in
  run.seconds = seconds_since(start);
  return run;
}

ModeRun run_threads(const Job& job) {
  ModeRun run{Mode::threads, job.workers};
  const auto start = Clock::now();
  {
    Runtime runtime({.cpu_threads = job.workers});
    std::stop_callback forward_stop(job.stop, [&runtime] { runtime.request_stop(); });
    // map() runs at most `workers` checks at once and keeps the results in input order. Each
    // check is a task named after its number (so timelines say which is which) that offloads
    // the computation to the CPU pool; the stop_token lets a check in the middle of a huge
    // number give up when cancelled.
    auto check = [&runtime, algorithm = job.algorithm](std::uint64_t n) -> Task<bool> {
      auto compute = [algorithm, n](std::stop_token stop) { return is_prime(n, algorithm, stop); };
      co_return co_await asio::co_spawn(runtime.task_executor(std::to_string(n)),
                                        offload(std::move(compute)), asio::use_awaitable);
    };
    run.prime = runtime.block_on(map(check, job.numbers, job.workers), "primes on threads");
  }  // joins the pools: timed like the other modes
  run.seconds = seconds_since(start);
  return run;
}

ModeRun run_mode(Mode mode, const Job& job) {
  switch (mode) {
    case Mode::serial:
      return run_serial(job);
    case Mode::loop:
      return run_loop(job);
    case Mode::threads:
      return run_threads(job);
    case Mode::processes:
      return run_processes(job);
  }
  throw std::logic_error("run_mode: unknown mode");
}

}  // namespace asyncrt::primes
