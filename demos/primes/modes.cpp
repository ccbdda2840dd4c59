#include "primes/modes.hpp"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <numeric>
#include <optional>
#include <stdexcept>

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
// Only at the turn can the loop run anything else; a cancellation from the loop would wait for
// the check to end, so Ctrl-C reaches it through `stop`, which the signal thread requests.
Task<bool> check_on_loop(std::uint64_t n, const Job& job) {
  co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);
  const bool prime = is_prime(n, job.algorithm, job.stop);
  count_done(job);
  co_return prime;
}

}  // namespace

std::optional<Mode> parse_mode(std::string_view name) {
  for (Mode mode : {Mode::serial, Mode::loop, Mode::threads, Mode::chunks, Mode::processes}) {
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
    case Mode::chunks:
      return "chunks";
    case Mode::processes:
      return "processes";
  }
  return "?";
}

std::size_t workers_for(const Job& job, std::size_t pieces) {
  return std::max<std::size_t>(1, std::min(job.workers, pieces));
}

ModeRun run_serial(const Job& job) {
  ModeRun run{Mode::serial};
  const auto start = Clock::now();
  for (std::uint64_t n : job.numbers) {
    if (job.stop.stop_requested()) break;
    trace::Scope checking(std::to_string(n));
    run.prime.push_back(is_prime(n, job.algorithm, job.stop));
    count_done(job);
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
  // The lesson counts the checks that held the loop, each once. (The parent task that starts
  // them may cross a very low threshold too; it is not one of the checks. A check runs in two
  // slices, its start and then the check itself; under a sanitizer its start alone can cross a
  // 1 ms threshold, so a check caught twice keeps its longest hold.)
  options.on_stall = [&](const StallReport& report) {
    if (!report.task.starts_with(check_prefix)) return;
    const double ms = std::chrono::duration<double, std::milli>(report.ran).count();
    std::lock_guard lock(stalls_mutex);
    const auto same = std::find_if(run.stalled_tasks.begin(), run.stalled_tasks.end(),
                                   [&](const auto& stall) { return stall.task == report.task; });
    if (same == run.stalled_tasks.end()) {
      run.stalled_tasks.push_back({std::string(report.task), ms});
    } else {
      same->ms = std::max(same->ms, ms);
    }
  };
  const auto start = Clock::now();
  {
    options.stop_token = job.stop;
    Runtime runtime(options);
    std::vector<Task<bool>> checks;
    for (std::size_t i = 0; i < job.numbers.size(); ++i) {
      // Each check is a task of its own name, so the stall detector can say which one it was.
      const std::string name = fmt::format("{}{} ({})", check_prefix, i + 1, job.numbers[i]);
      checks.push_back(named(name, check_on_loop(job.numbers[i], job)));
    }
    run.prime = runtime.block_on(when_all(std::move(checks)), "primes on the loop");
  }  // joins the loop thread: every stall report is in
  run.seconds = seconds_since(start);
  return run;
}

ModeRun run_threads(const Job& job) {
  ModeRun run{Mode::threads, workers_for(job, job.numbers.size())};
  const auto start = Clock::now();
  {
    Runtime runtime({.cpu_threads = run.workers, .stop_token = job.stop});
    // map() runs at most `workers` checks at once and keeps the results in input order. Each
    // check is a task named after its number (so timelines say which is which) that offloads
    // the computation to the CPU pool; the stop_token lets a check in the middle of a huge
    // number give up when cancelled.
    auto check = [&job](std::uint64_t n) {
      return named(std::to_string(n), offload([&job, n](std::stop_token stop) {
                     const bool prime = is_prime(n, job.algorithm, stop);
                     count_done(job);
                     return prime;
                   }));
    };
    run.prime = runtime.block_on(map(check, job.numbers, run.workers), "primes on threads");
  }  // joins the pools: timed like the other modes
  run.seconds = seconds_since(start);
  return run;
}

namespace {

// Odd divisors a chunk tries: about 0.7 ms of trial division on the development machine, so
// the lesson's numbers give 11 chunks each (87 in all) and a chunk's task and offload (about
// 15 µs of the workers' time) cost about 2% of it. Smaller chunks leave less for one worker to
// finish alone at the end; larger ones pay fewer round trips. Medians of 9, 2 workers: 2^18
// 19.9 ms, 2^19 19.4-19.7 ms, 2^20 20.1-20.2 ms (serial 36.4 ms).
constexpr std::uint64_t divisors_per_chunk = 1u << 19;

}  // namespace

std::vector<Chunk> cut_into_chunks(const Job& job, std::vector<std::optional<bool>>& settled) {
  std::vector<Chunk> chunks;
  for (std::size_t i = 0; i < job.numbers.size(); ++i) {
    const std::uint64_t n = job.numbers[i];
    if (job.algorithm != Algorithm::trial) {
      chunks.push_back({i, 0, 0});
      continue;
    }
    const std::uint64_t limit = isqrt(n);
    if (n < 4 || n % 2 == 0 || limit < 3) {
      settled[i] = is_prime_trial(n);  // no odd divisor to try
      continue;
    }
    for (std::uint64_t first = 3; first <= limit; first += 2 * divisors_per_chunk) {
      const std::uint64_t span = 2 * (divisors_per_chunk - 1);
      chunks.push_back({i, first, limit - first < span ? limit : first + span});
    }
  }
  return chunks;
}

ModeRun run_chunks(const Job& job) {
  ModeRun run{Mode::chunks, job.workers};
  const auto start = Clock::now();
  std::vector<std::optional<bool>> settled(job.numbers.size());
  const std::vector<Chunk> chunks = cut_into_chunks(job, settled);
  run.chunks = chunks.size();
  run.workers = workers_for(job, chunks.size());
  if (job.progress != nullptr) job.progress->start("the chunks mode", chunks.size(), "chunks");
  // Per number: a chunk found a divisor (written on pool threads, read after they are joined).
  std::vector<std::atomic<bool>> divisor_found(job.numbers.size());
  {
    Runtime runtime({.cpu_threads = run.workers, .stop_token = job.stop});
    // Each chunk is a task named after its number (a number's chunks share a letter in the
    // timeline, spread over the pool's lanes) that offloads its search.
    auto search = [&](std::size_t c) {
      const Chunk chunk = chunks[c];
      const std::uint64_t n = job.numbers[chunk.number];
      std::atomic<bool>& found = divisor_found[chunk.number];
      auto compute = [&job, chunk, n, &found](std::stop_token stop) {
        if (job.algorithm != Algorithm::trial) {
          if (!is_prime(n, job.algorithm, stop)) found.store(true, std::memory_order_relaxed);
        } else if (!found.load(std::memory_order_relaxed) &&
                   search_odd_divisors(n, chunk.first, chunk.last, &found, stop) ==
                       Search::divisor) {
          found.store(true, std::memory_order_relaxed);  // its siblings stop early
        }
        count_done(job);
      };
      return named(std::to_string(n), offload(std::move(compute)));
    };
    std::vector<std::size_t> pieces(chunks.size());
    std::iota(pieces.begin(), pieces.end(), std::size_t{0});
    // Twice as many chunks in flight as workers: a worker that finishes one finds the next
    // already queued instead of sleeping until the loop hands it one.
    runtime.block_on(for_each(search, pieces, 2 * run.workers), "primes in chunks");
  }  // joins the pools
  for (std::size_t i = 0; i < job.numbers.size(); ++i) {
    run.prime.push_back(settled[i] ? *settled[i] : !divisor_found[i].load());
  }
  run.seconds = seconds_since(start);
  return run;
}

ModeRun run_mode(Mode mode, const Job& job) {
  if (job.progress != nullptr) {
    job.progress->start(fmt::format("the {} mode", mode_name(mode)), job.numbers.size(), "numbers");
  }
  switch (mode) {
    case Mode::serial:
      return run_serial(job);
    case Mode::loop:
      return run_loop(job);
    case Mode::threads:
      return run_threads(job);
    case Mode::chunks:
      return run_chunks(job);
    case Mode::processes:
      return run_processes(job);
  }
  throw std::logic_error("run_mode: unknown mode");
}

}  // namespace asyncrt::primes
