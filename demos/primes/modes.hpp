#pragma once
// The five ways the demo checks the same numbers: serial, on the loop, on threads (a whole
// number or a chunk of one at a time), in processes.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "common/progress.hpp"
#include "primes/primality.hpp"

namespace asyncrt::primes {

enum class Mode { serial, loop, threads, chunks, processes };

std::optional<Mode> parse_mode(std::string_view name);
std::string_view mode_name(Mode mode);

/// What to check and how.
struct Job {
  std::vector<std::uint64_t> numbers;
  Algorithm algorithm = Algorithm::trial;
  std::size_t workers = 1;
  std::chrono::nanoseconds stall_threshold = std::chrono::milliseconds(5);
  /// processes: how long a worker may take to answer one number before it counts as hung.
  std::chrono::milliseconds worker_timeout = std::chrono::seconds(60);
  /// Requested on Ctrl-C: every mode stops early (its results are then incomplete).
  std::stop_token stop{};
  /// Where each mode counts the numbers (or chunks) it has checked; null: nowhere.
  demo::Progress* progress = nullptr;
};

/// Counts `n` more numbers (or chunks) done in job.progress; from any thread.
inline void count_done(const Job& job, std::size_t n = 1) {
  if (job.progress != nullptr) job.progress->advance(n);
}

/// One mode's run: its answers (in input order), its wall time, and what it showed.
struct ModeRun {
  Mode mode;
  /// The threads or processes that ran: job.workers, or fewer where there was less work.
  std::size_t workers = 1;
  double seconds = 0;
  std::vector<bool> prime{};
  /// loop: the checks the stall detector caught holding the event loop, in the order caught.
  struct Stall {
    std::string task;  // "check #2 (97)"
    double ms = 0;     // how long it held the loop
  };
  std::vector<Stall> stalled_tasks{};
  /// chunks: how many pieces the numbers' divisor ranges were cut into.
  std::size_t chunks = 0;
  /// processes: the pid of the worker process that checked each number.
  std::vector<long> checked_by{};
};

/// The workers a mode starts for `pieces` of work: job.workers, but no more than there are
/// pieces (more could never have work), and at least one.
std::size_t workers_for(const Job& job, std::size_t pieces);

/// A plain loop on the calling thread; no runtime at all. The baseline.
ModeRun run_serial(const Job& job);
/// Every check a coroutine on the event loop: they take turns, and each blocks the loop while
/// it computes, so the stall detector fires and nothing runs in parallel.
ModeRun run_loop(const Job& job);
/// Every check offloaded to the CPU pool (job.workers threads), at most job.workers at once.
ModeRun run_threads(const Job& job);
/// Every number's divisor range cut into chunks of about half a million divisors, all chunks
/// offloaded to the CPU pool (at most job.workers at once); the first chunk to find a divisor
/// stops its siblings. One big job split into subtasks balances over the workers where whole
/// numbers cannot (with --algorithm miller-rabin there is nothing to split: one chunk a number).
ModeRun run_chunks(const Job& job);
/// Every check sent to one of job.workers worker processes (this same executable), over
/// pipes, as Python's ProcessPoolExecutor does (worker_processes.cpp).
ModeRun run_processes(const Job& job);

/// A piece of one number's trial division: the odd divisors in [first, last].
struct Chunk {
  std::size_t number;  // index into job.numbers
  std::uint64_t first;
  std::uint64_t last;
};

/// The chunks run_chunks() offloads: every number that needs trial division cut into pieces of
/// about half a million odd divisors. The answer for the others (0, 1, 2, 3, even numbers, odd
/// numbers below 9) goes into `settled` right away. With Miller-Rabin a number is one chunk.
std::vector<Chunk> cut_into_chunks(const Job& job, std::vector<std::optional<bool>>& settled);

/// Runs `mode` (one of the five above).
ModeRun run_mode(Mode mode, const Job& job);

}  // namespace asyncrt::primes
