// The cost of asyncrt's primitives next to the same thing written with raw Asio.
//
//   ./build/default/bench/runtime_bench --benchmark_repetitions=5
//       --benchmark_report_aggregates_only=true   (one command line)

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include <benchmark/benchmark.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/experimental/channel.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_future.hpp>

#include <asyncrt/asyncrt.hpp>

namespace asio = boost::asio;
using asyncrt::Task;

namespace {

constexpr int spawn_batch = 1000;

// For benchmarks whose loop never yields (the stall detector would rightly report it) or that
// measure the loop without the detector's executor wrapper.
asyncrt::RuntimeOptions one_cpu_no_stall_detector() {
  asyncrt::RuntimeOptions options;
  options.cpu_threads = 1;
  options.detect_stalls = false;
  return options;
}

asio::awaitable<int> trivial() {
  co_return 1;
}
asio::awaitable<void> nothing() {
  co_return;
}

// Raw Asio on one io_context: per iteration, co_spawns `spawn_batch` tasks made by `task()` and
// waits until all of their completion handlers have run. A co_spawn'ed task that has returned
// still posts once through the loop before its frame goes and its handler runs: counting in
// the handler times that too, as the asyncrt rows do (a task counts as completed in the loop's
// last step for it), and leaves no posts queued behind the clock.
void run_raw_batches(benchmark::State& state, asio::awaitable<void> (*task)()) {
  asio::io_context loop(1);
  asio::co_spawn(
      loop,
      [](benchmark::State& state, auto task) -> asio::awaitable<void> {
        auto executor = co_await asio::this_coro::executor;
        int done = 0;  // one thread: no atomics needed
        for (auto _ : state) {
          done = 0;
          for (int i = 0; i < spawn_batch; ++i)
            asio::co_spawn(executor, task(), [&done](std::exception_ptr) { ++done; });
          while (done < spawn_batch) co_await asio::post(executor, asio::use_awaitable);
        }
        state.SetItemsProcessed(state.iterations() * spawn_batch);
      }(state, task),
      asio::detached);
  loop.run();
}

// -- await a trivial child task ------------------------------------------------------------

asio::awaitable<void> await_trivial_loop(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(co_await trivial());
}

void BM_AwaitTrivialTask_RawAsio(benchmark::State& state) {
  asio::io_context loop(1);
  asio::co_spawn(loop, await_trivial_loop(state), asio::detached);
  loop.run();
}

void BM_AwaitTrivialTask_Asyncrt(benchmark::State& state) {
  // The benchmark loop never yields, so the stall detector would (rightly) report it; awaiting
  // a child task does not go through the executor, so switching it off changes no figure.
  asyncrt::Runtime runtime(one_cpu_no_stall_detector());
  runtime.block_on(await_trivial_loop(state));
}

// -- spawn detached trivial tasks (from another thread) and wait until all have run ----------

void BM_SpawnTrivialTask_RawAsio(benchmark::State& state) {
  asio::io_context loop(1);
  auto work = asio::make_work_guard(loop);
  std::thread thread([&] { loop.run(); });
  std::atomic<int> done{0};  // counted in the completion handler: the task's frame is gone
  auto count = [&done](std::exception_ptr) { done.fetch_add(1, std::memory_order_relaxed); };
  for (auto _ : state) {
    done = 0;
    for (int i = 0; i < spawn_batch; ++i) asio::co_spawn(loop, nothing(), count);
    while (done.load() < spawn_batch) std::this_thread::yield();
  }
  state.SetItemsProcessed(state.iterations() * spawn_batch);
  work.reset();
  thread.join();
}

void BM_SpawnTrivialTask_Asyncrt(benchmark::State& state) {
  asyncrt::Runtime runtime({.cpu_threads = 1});
  std::size_t target = 0;
  for (auto _ : state) {
    target += spawn_batch;
    for (int i = 0; i < spawn_batch; ++i) runtime.spawn(nothing(), "trivial");
    while (runtime.completed_tasks() < target) std::this_thread::yield();
  }
  state.SetItemsProcessed(state.iterations() * spawn_batch);
}

// -- offload round trip: loop -> CPU pool -> back on the loop ---------------------------------

asio::awaitable<void> hop_raw_loop(benchmark::State& state, asio::thread_pool& pool) {
  // post(pool, use_awaitable) runs the completion on the pool, then resumes on the loop.
  for (auto _ : state) co_await asio::post(pool.get_executor(), asio::use_awaitable);
}

void BM_OffloadRoundTrip_RawAsio(benchmark::State& state) {
  asio::io_context loop(1);
  asio::thread_pool pool(1);
  asio::co_spawn(loop, hop_raw_loop(state, pool), asio::detached);
  loop.run();
  pool.join();
}

asio::awaitable<void> offload_loop(benchmark::State& state) {
  for (auto _ : state) co_await asyncrt::offload([] {});
}

void BM_OffloadRoundTrip_Asyncrt(benchmark::State& state) {
  // spin_us: how long the pool's thread and the loop look for work before they sleep.
  asyncrt::Runtime runtime({.cpu_threads = 1, .spin = std::chrono::microseconds(state.range(0))});
  runtime.block_on(offload_loop(state));
}

// -- a yield through the loop: what the stall detector's executor adds per handler ------------

asio::awaitable<void> yield_loop(benchmark::State& state) {
  auto executor = co_await asio::this_coro::executor;
  for (auto _ : state) co_await asio::post(executor, asio::use_awaitable);
}

void BM_Yield_RawAsio(benchmark::State& state) {
  asio::io_context loop(1);
  asio::co_spawn(loop, yield_loop(state), asio::detached);
  loop.run();
}

void BM_Yield_Asyncrt(benchmark::State& state) {
  asyncrt::RuntimeOptions options;
  options.cpu_threads = 1;
  options.detect_stalls = state.range(0) != 0;
  asyncrt::Runtime runtime(options);
  runtime.block_on(yield_loop(state));
}

// -- tasks that sleep: 1000 spawned tasks each wait on a timer that is due at once ---------
// (the loop wakes once for the whole batch, so this is the per-task cost of a timer wait and
// its wake-up, spawn included; the 1M-sleepers row measures memory)

asio::awaitable<void> sleep_zero() {
  asio::steady_timer timer(co_await asio::this_coro::executor, std::chrono::nanoseconds(0));
  co_await timer.async_wait(asio::use_awaitable);
}

void BM_SleepBatch_RawAsio(benchmark::State& state) {
  run_raw_batches(state, &sleep_zero);
}

void BM_SleepBatch_Asyncrt(benchmark::State& state) {
  asyncrt::Runtime runtime(one_cpu_no_stall_detector());
  runtime.block_on([](asyncrt::Runtime& runtime, benchmark::State& state) -> Task<void> {
    for (auto _ : state) {
      const std::size_t before = runtime.completed_tasks();
      for (int i = 0; i < spawn_batch; ++i) {
        runtime.spawn(asyncrt::sleep_for(std::chrono::nanoseconds(0)), "sleeper");
      }
      while (runtime.completed_tasks() - before < spawn_batch) co_await asyncrt::yield();
    }
    state.SetItemsProcessed(state.iterations() * spawn_batch);
  }(runtime, state));
}

// -- when_all over 10 children that return at once (waits: 0) or after one trip through the
// loop (waits: 1); per child. Raw Asio: the same parallel_group of co_spawn'ed children.

constexpr int group_size = 10;

asio::awaitable<int> child_task(bool waits) {
  if (waits) co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);
  co_return 1;
}

void BM_WhenAll_RawAsio(benchmark::State& state) {
  asio::io_context loop(1);
  asio::co_spawn(
      loop,
      [](benchmark::State& state) -> asio::awaitable<void> {
        auto executor = co_await asio::this_coro::executor;
        for (auto _ : state) {
          std::vector<decltype(asio::co_spawn(executor, child_task(false), asio::deferred))> ops;
          for (int i = 0; i < group_size; ++i) {
            ops.push_back(
                asio::co_spawn(executor, child_task(state.range(0) != 0), asio::deferred));
          }
          auto [order, errors, values] =
              co_await asio::experimental::make_parallel_group(std::move(ops))
                  .async_wait(asio::experimental::wait_for_one_error(), asio::use_awaitable);
          benchmark::DoNotOptimize(values);
        }
        state.SetItemsProcessed(state.iterations() * group_size);
      }(state),
      asio::detached);
  loop.run();
}

void BM_WhenAll_Asyncrt(benchmark::State& state) {
  asyncrt::Runtime runtime(one_cpu_no_stall_detector());
  runtime.block_on([](benchmark::State& state) -> Task<void> {
    for (auto _ : state) {
      std::vector<Task<int>> children;
      for (int i = 0; i < group_size; ++i) children.push_back(child_task(state.range(0) != 0));
      benchmark::DoNotOptimize(co_await asyncrt::when_all(std::move(children)));
    }
    state.SetItemsProcessed(state.iterations() * group_size);
  }(state));
}

// -- spawn detached trivial tasks on the loop's own thread (the 1M-tasks row) ----------------

void BM_SpawnOnLoop_RawAsio(benchmark::State& state) {
  run_raw_batches(state, &nothing);
}

asio::awaitable<void> spawn_asyncrt_loop(benchmark::State& state, asyncrt::Runtime& runtime) {
  auto executor = co_await asio::this_coro::executor;
  std::size_t target = runtime.completed_tasks();
  for (auto _ : state) {
    target += spawn_batch;
    for (int i = 0; i < spawn_batch; ++i) runtime.spawn(nothing(), "trivial");
    while (runtime.completed_tasks() < target) co_await asio::post(executor, asio::use_awaitable);
  }
  state.SetItemsProcessed(state.iterations() * spawn_batch);
}

void BM_SpawnOnLoop_Asyncrt(benchmark::State& state) {
  asyncrt::RuntimeOptions options = one_cpu_no_stall_detector();
  options.detect_stalls = state.range(0) != 0;  // the loop yields after each batch
  asyncrt::Runtime runtime(options);
  runtime.block_on(spawn_asyncrt_loop(state, runtime));
}

// -- a bounded channel, one producer and one consumer coroutine: capacity 64 (the row),
//    and capacity 1, where every send and every receive waits (a park and a wake per message) --

constexpr int channel_batch = 100'000;

void BM_Channel_RawAsio(benchmark::State& state) {
  asio::io_context loop(1);
  using Channel = asio::experimental::channel<void(boost::system::error_code, int)>;
  Channel channel(loop, static_cast<std::size_t>(state.range(0)));
  auto produce = [&]() -> asio::awaitable<void> {
    for (int i = 0; i < channel_batch; ++i) {
      co_await channel.async_send(boost::system::error_code{}, i, asio::use_awaitable);
    }
  };
  auto consume = [&]() -> asio::awaitable<void> {
    long sum = 0;
    for (int i = 0; i < channel_batch; ++i)
      sum += co_await channel.async_receive(asio::use_awaitable);
    benchmark::DoNotOptimize(sum);
  };
  for (auto _ : state) {
    asio::co_spawn(loop, produce(), asio::detached);
    asio::co_spawn(loop, consume(), asio::detached);
    loop.run();
    loop.restart();
  }
  state.SetItemsProcessed(state.iterations() * channel_batch);
}

void BM_Channel_Asyncrt(benchmark::State& state) {
  asyncrt::Runtime runtime(one_cpu_no_stall_detector());
  asyncrt::Channel<int> channel(static_cast<std::size_t>(state.range(0)));
  auto produce = [&]() -> Task<void> {
    for (int i = 0; i < channel_batch; ++i) co_await channel.send(i);
  };
  auto consume = [&]() -> Task<void> {
    long sum = 0;
    for (int i = 0; i < channel_batch; ++i) sum += *co_await channel.receive();
    benchmark::DoNotOptimize(sum);
  };
  for (auto _ : state) runtime.block_on(asyncrt::when_all(produce(), consume()));
  state.SetItemsProcessed(state.iterations() * channel_batch);
}

// -- a runtime's whole life: start, run one trivial task, shut down -------------------------
// What a program (or a demo mode, or a test) pays once: the raw baseline is an io_context run
// by a thread of its own and an asio::thread_pool of two threads, the same shape as a Runtime
// with two CPU threads.

void BM_RuntimeLifetime_RawAsio(benchmark::State& state) {
  for (auto _ : state) {
    asio::io_context loop(1);
    auto work = asio::make_work_guard(loop);
    std::thread loop_thread([&loop] { loop.run(); });
    asio::thread_pool cpu(2);
    benchmark::DoNotOptimize(asio::co_spawn(loop, trivial(), asio::use_future).get());
    work.reset();
    loop_thread.join();
    cpu.join();
  }
}

void BM_RuntimeLifetime_Asyncrt(benchmark::State& state) {
  for (auto _ : state) {
    asyncrt::Runtime runtime({.cpu_threads = 2});
    benchmark::DoNotOptimize(runtime.block_on(
        asio::co_spawn(runtime.task_executor("trivial"), trivial(), asio::use_awaitable)));
  }
}

}  // namespace

BENCHMARK(BM_SpawnOnLoop_RawAsio)->UseRealTime();
BENCHMARK(BM_SpawnOnLoop_Asyncrt)->ArgName("stall_detector")->Arg(0)->Arg(1)->UseRealTime();
BENCHMARK(BM_Channel_RawAsio)
    ->ArgName("capacity")
    ->Arg(64)
    ->Arg(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_Channel_Asyncrt)
    ->ArgName("capacity")
    ->Arg(64)
    ->Arg(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_AwaitTrivialTask_RawAsio);
BENCHMARK(BM_AwaitTrivialTask_Asyncrt)->UseRealTime();
BENCHMARK(BM_SpawnTrivialTask_RawAsio)->UseRealTime();
BENCHMARK(BM_SpawnTrivialTask_Asyncrt)->UseRealTime();
BENCHMARK(BM_OffloadRoundTrip_RawAsio)->UseRealTime();
BENCHMARK(BM_OffloadRoundTrip_Asyncrt)->ArgName("spin_us")->Arg(20)->Arg(0)->UseRealTime();
BENCHMARK(BM_WhenAll_RawAsio)->ArgName("waits")->Arg(0)->Arg(1)->UseRealTime();
BENCHMARK(BM_WhenAll_Asyncrt)->ArgName("waits")->Arg(0)->Arg(1)->UseRealTime();
BENCHMARK(BM_SleepBatch_RawAsio)->UseRealTime();
BENCHMARK(BM_SleepBatch_Asyncrt)->UseRealTime();
BENCHMARK(BM_Yield_RawAsio);
BENCHMARK(BM_Yield_Asyncrt)->ArgName("stall_detector")->Arg(0)->Arg(1)->UseRealTime();
BENCHMARK(BM_RuntimeLifetime_RawAsio)->Unit(benchmark::kMicrosecond)->UseRealTime();
BENCHMARK(BM_RuntimeLifetime_Asyncrt)->Unit(benchmark::kMicrosecond)->UseRealTime();

BENCHMARK_MAIN();
