// The lesson's six primes: serial vs the CPU pool, a whole number per job (threads) or each
// number cut into chunks (chunks), 1 and 2 workers (and more where there are more cores).
//
//   ./build/default/bench/primes_bench --benchmark_repetitions=5
//       --benchmark_report_aggregates_only=true   (one command line)

#include <thread>

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

// The scaling benchmark: a larger list (the first 32 primes above 10^15, about 40 ms of trial
// division each here), whole numbers on the CPU pool, 1, 2, 4, ... workers up to the cores.
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

BENCHMARK_MAIN();
