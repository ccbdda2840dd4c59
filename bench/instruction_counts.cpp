// Instructions per operation of asyncrt's primitives, as callgrind counts them: the count
// repeats for the same binary whatever else the machine is doing, so a regression of a few
// percent shows where wall time (±20% on a shared machine) would hide it. bench/run
// --instructions runs each row under valgrind and compares it with bench/instructions.json:
//
//   valgrind --tool=callgrind --callgrind-out-file=out
//       ./build/default/bench/instruction_counts ROW N          (one command line)
//
// A row runs its operation N times on the loop to warm up (allocator caches, task records),
// zeroes callgrind's counters (every thread's), runs N more, waits until the loop has nothing
// left of them, and dumps the counters: out.1 holds the instructions of those N operations,
// the loop's and the CPU pool's threads together. Without valgrind the requests do nothing.
//
//   instruction_counts --rows        the rows, one per line
//   instruction_counts --toolchain   what the counts depend on (compiler, Boost, build)
//
// The CPU pool and the loop sleep at once when idle (RuntimeOptions::spin = 0): how long a
// thread spins depends on timing, and the counts must not.

#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string_view>
#include <vector>

#include <valgrind/callgrind.h>
#include <boost/version.hpp>

#include <asyncrt/asyncrt.hpp>

namespace {

using asyncrt::Runtime;
using asyncrt::Task;

Task<int> trivial() {
  co_return 1;
}
Task<void> nothing() {
  co_return;
}

Task<void> await_trivial(Runtime&, int n) {
  int sum = 0;
  for (int i = 0; i < n; ++i) sum += co_await trivial();
  if (sum != n) std::fprintf(stderr, "instruction_counts: await: wrong sum\n");
}

// A task spawned on the loop runs to its end inside spawn(): nothing is left of it after.
Task<void> spawn_on_loop(Runtime& runtime, int n) {
  const std::size_t target = runtime.completed_tasks() + static_cast<std::size_t>(n);
  for (int i = 0; i < n; ++i) runtime.spawn(nothing(), "trivial");
  while (runtime.completed_tasks() < target) co_await asyncrt::yield();
}

Task<void> offload_round_trip(Runtime&, int n) {
  for (int i = 0; i < n; ++i) co_await asyncrt::offload([] {});
}

Task<void> channel_message(Runtime&, int n) {
  asyncrt::Channel<int> channel(64);
  auto produce = [](asyncrt::Channel<int>& channel, int n) -> Task<void> {
    for (int i = 0; i < n; ++i) co_await channel.send(i);
  };
  auto consume = [](asyncrt::Channel<int>& channel, int n) -> Task<void> {
    long sum = 0;
    for (int i = 0; i < n; ++i) sum += *co_await channel.receive();
    if (sum != static_cast<long>(n) * (n - 1) / 2)
      std::fprintf(stderr, "instruction_counts: channel: wrong sum\n");
  };
  co_await asyncrt::when_all(produce(channel, n), consume(channel, n));
}

// One after another: each sleep is a timer already due when the loop next looks.
Task<void> sleep_and_wake(Runtime&, int n) {
  for (int i = 0; i < n; ++i) co_await asyncrt::sleep_for(std::chrono::nanoseconds(1));
}

constexpr int group_size = 10;

// Per child: a group of ten children that return at once, awaited together.
Task<void> when_all_child(Runtime&, int n) {
  for (int i = 0; i < n / group_size; ++i) {
    std::vector<Task<int>> children;
    for (int c = 0; c < group_size; ++c) children.push_back(trivial());
    auto values = co_await asyncrt::when_all(std::move(children));
    if (values.size() != group_size) std::fprintf(stderr, "instruction_counts: when_all\n");
  }
}

Task<void> yield_through_loop(Runtime&, int n) {
  for (int i = 0; i < n; ++i) co_await asyncrt::yield();
}

struct Row {
  std::string_view name;
  std::string_view operation;
  Task<void> (*run)(Runtime&, int n);
};

constexpr Row rows[] = {
    {"await", "create and await a trivial child task", &await_trivial},
    {"spawn", "spawn a detached trivial task on the loop", &spawn_on_loop},
    {"offload", "offload round trip: loop -> CPU pool -> loop", &offload_round_trip},
    {"channel", "a message through a channel (64), producer to consumer", &channel_message},
    {"sleep", "sleep for a timer already due, and wake", &sleep_and_wake},
    {"when_all", "when_all over 10 children that return at once, per child", &when_all_child},
    {"yield", "one trip through the loop (yield)", &yield_through_loop},
};

Task<void> measure(Runtime& runtime, const Row& row, int n) {
  co_await row.run(runtime, n);  // warm-up
  CALLGRIND_ZERO_STATS;
  co_await row.run(runtime, n);
  CALLGRIND_DUMP_STATS_AT("measured");
}

int usage() {
  std::fprintf(stderr, "usage: instruction_counts ROW N | --rows | --toolchain\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 2 && std::strcmp(argv[1], "--rows") == 0) {
    for (const Row& row : rows) {
      std::printf("%.*s\t%.*s\n", static_cast<int>(row.name.size()), row.name.data(),
                  static_cast<int>(row.operation.size()), row.operation.data());
    }
    return 0;
  }
  if (argc == 2 && std::strcmp(argv[1], "--toolchain") == 0) {
#if defined(__clang__)
    const char* compiler = "clang++";
#elif defined(__GNUC__)
    const char* compiler = "g++";
#else
    const char* compiler = "c++";
#endif
#ifdef __OPTIMIZE__
    const char* build = "optimized";
#else
    const char* build = "unoptimized";
#endif
    std::printf("%s %s, Boost %d.%d, %s, %s\n", compiler, __VERSION__, BOOST_VERSION / 100000,
                BOOST_VERSION / 100 % 1000, build,
                ASYNCRT_ASIO_INTERNALS ? "Asio internals" : "co_spawn");
    return 0;
  }
  if (argc != 3) return usage();
  const std::string_view name = argv[1];
  const std::string_view count = argv[2];
  int n = 0;
  const auto [end, error] = std::from_chars(count.data(), count.data() + count.size(), n);
  if (error != std::errc{} || end != count.data() + count.size() || n < group_size) {
    std::fprintf(stderr, "instruction_counts: N must be a whole number of at least %d (got '%s')\n",
                 group_size, argv[2]);
    return 2;
  }
  for (const Row& row : rows) {
    if (row.name != name) continue;
    asyncrt::RuntimeOptions options;
    options.cpu_threads = 1;
    options.detect_stalls = false;  // valgrind runs the loop ~50x slower: no stall is real
    options.spin = std::chrono::nanoseconds(0);
    Runtime runtime(options);
    runtime.block_on(measure(runtime, row, n));
    return 0;
  }
  std::fprintf(stderr, "instruction_counts: no row '%s' (instruction_counts --rows)\n", argv[1]);
  return 2;
}
