// The lesson's six primes: serial vs the CPU pool, a whole number per job (threads) or each
// number cut into chunks (chunks), 1 and 2 workers (and more where there are more cores).
//
//   ./build/default/bench/primes_bench --benchmark_repetitions=5
//       --benchmark_report_aggregates_only=true   (one command line)

#include <thread>

#include <benchmark/benchmark.h>

#include "primes/modes.hpp"

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

BENCHMARK_MAIN();
