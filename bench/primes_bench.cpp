// The lesson's six primes: serial vs the CPU pool, a whole number per job (threads) or each
// number cut into chunks (chunks), 1 and 2 workers (and more where there are more cores). Then
// the scaling run: 32 larger primes, whole numbers and chunks on 1, 2, 4, ... workers, next to
// the same chunks on bare threads (no runtime), the ceiling of what the machine gives.
//
//   ./build/default/bench/primes_bench --benchmark_repetitions=5
//       --benchmark_report_aggregates_only=true   (one command line)

#include <atomic>
#include <optional>
#include <thread>
#include <vector>

#include <benchmark/benchmark.h>

#include "primes/modes.hpp"
#include "primes/primality.hpp"

namespace {

using namespace asyncrt::primes;

Job lesson_job(std::size_t workers) {
  Job job;
  job.numbers = {112272535095293ull, 112582705942171ull, 112272535095293ull,
                 115280095190773ull, 115797848077099ull, 1099726899285419ull};
  job.workers = workers;
  return job;
}

void BM_LessonPrimes_Serial(benchmark::State& state) {
  const Job job = lesson_job(1);
  for (auto _ : state) benchmark::DoNotOptimize(run_serial(job));
}

void BM_LessonPrimes_Threads(benchmark::State& state) {
  const Job job = lesson_job(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(run_threads(job));
}

// The scaling benchmark: a larger list (the first 32 primes above 10^15, about 20 ms of trial
// division each here, 31 chunks each), 1, 2, 4, ... workers up to the cores.
Job scaling_job(std::size_t workers) {
  Job job;
  for (std::uint64_t n = 1'000'000'000'000'001ull; job.numbers.size() < 32; n += 2) {
    if (is_prime_miller_rabin(n)) job.numbers.push_back(n);
  }
  job.workers = workers;
  return job;
}

void BM_ScalingPrimes_Serial(benchmark::State& state) {
  const Job job = scaling_job(1);
  for (auto _ : state) benchmark::DoNotOptimize(run_serial(job));
}

void BM_ScalingPrimes_Threads(benchmark::State& state) {
  const Job job = scaling_job(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(run_threads(job));
}

void BM_ScalingPrimes_Chunks(benchmark::State& state) {
  const Job job = scaling_job(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(run_chunks(job));
}

// The same chunks on `workers` plain threads that take the next chunk from one atomic counter:
// no loop, no tasks, no pool, no sleeping. Its efficiency is what the machine gives to this
// arithmetic on that many cores (shared physical cores, turbo clocks and neighbours on the host
// all show here); what the runtime's chunks lose against it is the runtime's own cost.
std::vector<bool> run_bare_threads(const Job& job) {
  std::vector<std::optional<bool>> settled(job.numbers.size());
  const std::vector<Chunk> chunks = cut_into_chunks(job, settled);
  std::vector<std::atomic<bool>> divisor_found(job.numbers.size());
  std::atomic<std::size_t> next{0};
  {
    std::vector<std::jthread> threads;
    for (std::size_t w = 0; w < job.workers; ++w) {
      threads.emplace_back([&] {
        for (std::size_t c; (c = next.fetch_add(1, std::memory_order_relaxed)) < chunks.size();) {
          std::atomic<bool>& found = divisor_found[chunks[c].number];
          if (!found.load(std::memory_order_relaxed) &&
              search_odd_divisors(job.numbers[chunks[c].number], chunks[c].first, chunks[c].last,
                                  &found) == Search::divisor) {
            found.store(true, std::memory_order_relaxed);
          }
        }
      });
    }
  }  // joins them
  std::vector<bool> prime;
  for (std::size_t i = 0; i < job.numbers.size(); ++i) {
    prime.push_back(settled[i] ? *settled[i] : !divisor_found[i].load());
  }
  return prime;
}

void BM_ScalingPrimes_BareThreads(benchmark::State& state) {
  const Job job = scaling_job(static_cast<std::size_t>(state.range(0)));
  if (run_bare_threads(job) != std::vector<bool>(job.numbers.size(), true)) {
    state.SkipWithError("bare threads found a divisor of a prime");
    return;
  }
  for (auto _ : state) benchmark::DoNotOptimize(run_bare_threads(job));
}

void worker_counts(benchmark::internal::Benchmark* b) {
  const int cores = static_cast<int>(std::max(2u, std::thread::hardware_concurrency()));
  b->ArgName("workers");
  for (int w = 1; w < cores; w *= 2) b->Arg(w);
  b->Arg(cores);
  b->Unit(benchmark::kMillisecond)->UseRealTime();
}

void BM_LessonPrimes_Chunks(benchmark::State& state) {
  const Job job = lesson_job(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(run_chunks(job));
}

}  // namespace

BENCHMARK(BM_LessonPrimes_Serial)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_LessonPrimes_Threads)
    ->ArgName("workers")
    ->DenseRange(1, static_cast<int>(std::max(2u, std::thread::hardware_concurrency())))
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

BENCHMARK(BM_LessonPrimes_Chunks)
    ->ArgName("workers")
    ->DenseRange(1, static_cast<int>(std::max(2u, std::thread::hardware_concurrency())))
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

BENCHMARK(BM_ScalingPrimes_Serial)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_ScalingPrimes_Threads)->Apply(worker_counts);
BENCHMARK(BM_ScalingPrimes_Chunks)->Apply(worker_counts);
BENCHMARK(BM_ScalingPrimes_BareThreads)->Apply(worker_counts);

BENCHMARK_MAIN();
