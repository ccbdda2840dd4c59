// The granularity lesson: from which size does offloading a CPU job to the pool beat running it
// right on the loop? 64 jobs of `work_us` microseconds of busy CPU each, either one after
// another on the loop, or offloaded through map() to the CPU pool (one thread per core, as
// many jobs in flight as threads). Offloading costs a round trip per job (a wake-up of a pool
// thread, a post back); it pays once the jobs are big enough for the cores to win that back.
//
//   ./build/default/bench/granularity_bench --benchmark_repetitions=5
//       --benchmark_report_aggregates_only=true   (one command line)

#include <chrono>
#include <thread>
#include <vector>

#include <benchmark/benchmark.h>

#include <asyncrt/asyncrt.hpp>

namespace {

using std::chrono::microseconds;

constexpr int jobs = 64;

asyncrt::RuntimeOptions quiet() {
  asyncrt::RuntimeOptions options;
  options.detect_stalls = false;  // the on-loop jobs hold the loop on purpose
  return options;
}

void BM_Granularity_OnLoop(benchmark::State& state) {
  const microseconds work(state.range(0));
  asyncrt::Runtime runtime(quiet());
  for (auto _ : state) {
    runtime.block_on([](microseconds work) -> asyncrt::Task<void> {
      for (int j = 0; j < jobs; ++j) asyncrt::busy_for(work);
      co_return;
    }(work));
  }
  state.SetItemsProcessed(state.iterations() * jobs);
}

void BM_Granularity_Offloaded(benchmark::State& state) {
  const microseconds work(state.range(0));
  asyncrt::Runtime runtime(quiet());
  const std::vector<int> items(jobs, 0);
  for (auto _ : state) {
    runtime.block_on([](const std::vector<int>& items, microseconds work,
                        std::size_t threads) -> asyncrt::Task<void> {
      co_await asyncrt::map(
          [work](int) {
            asyncrt::busy_for(work);
            return 0;
          },
          items, threads);
    }(items, work, runtime.cpu_threads()));
  }
  state.SetItemsProcessed(state.iterations() * jobs);
}

void sizes(benchmark::internal::Benchmark* b) {
  b->ArgName("work_us");
  for (int us : {1, 2, 5, 10, 20, 50, 100, 200, 500}) b->Arg(us);
  b->UseRealTime()->Unit(benchmark::kMicrosecond);
}

}  // namespace

BENCHMARK(BM_Granularity_OnLoop)->Apply(sizes);
BENCHMARK(BM_Granularity_Offloaded)->Apply(sizes);

BENCHMARK_MAIN();
