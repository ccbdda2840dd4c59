// asyncrt-race: the lesson's FakeDataStore. Each update reads the value, waits 0.1 s (as if
// the work took time), and writes back value + 1. Three updates on two workers end at 2, not
// 3: two updates read the same value, and one write overwrites the other (a lost update).
// Then three fixes, each ending at 3: a mutex held across the whole update, a strand on the
// Runtime's CPU pool that runs updates one at a time without a lock, and an async mutex for
// coroutines on the event loop.

#include <atomic>
#include <mutex>
#include <numeric>
#include <vector>

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <fmt/core.h>

#include <asyncrt/asyncrt.hpp>

#include "common/cli.hpp"
#include "common/demo_cli.hpp"
#include "common/interrupt.hpp"
#include "common/log.hpp"
#include "common/report.hpp"
#include "common/timelines.hpp"
#include "common/work.hpp"

using namespace asyncrt;
namespace asio = boost::asio;

namespace {

using trace::Kind;

/// The lesson's data store. The value is an atomic read and written separately, so the
/// program is well defined (no data race in C++'s sense) and still loses updates: the race is
/// in the logic, between the read and the write.
struct FakeDataStore {
  std::atomic<int> value{0};
};

struct Settings {
  std::size_t updates = 3;
  std::size_t workers = 2;
  std::chrono::milliseconds delay{100};
  std::stop_token stop;
  demo::Log* log = nullptr;
};

// One update as the lesson writes it, on whatever thread runs it.
void update(FakeDataStore& store, int id, const Settings& s) {
  trace::name_this_thread_once("worker");
  const std::string name = fmt::format("update-{}", id);
  int local = 0;
  {
    trace::Scope read(name);
    local = store.value.load();
  }
  (*s.log)(fmt::format("{} read {}", name, local));
  {
    trace::Scope working(name, Kind::waiting);
    if (!demo::sleep_unless_stopped(s.delay, s.stop)) return;
  }
  trace::Scope write(name);
  store.value.store(local + 1);
  (*s.log)(fmt::format("{} wrote {}", name, local + 1));
}

// Runs the updates on a pool of `workers` threads. `make_runner(pool)` gives the function that
// starts one update on the pool.
template <typename MakeRunner>
int on_a_thread_pool(const Settings& s, MakeRunner make_runner) {
  FakeDataStore store;
  asio::thread_pool pool(s.workers);
  {
    auto run_one = make_runner(pool);
    for (std::size_t i = 1; i <= s.updates; ++i) {
      const int id = static_cast<int>(i);
      run_one(id, [&store, &s, id] { update(store, id, s); });
    }
    pool.join();
  }
  return store.value.load();
}

int unsafe_threads(const Settings& s) {
  return on_a_thread_pool(s, [](asio::thread_pool& pool) {
    return [&pool](int, auto job) { asio::post(pool, std::move(job)); };
  });
}

int with_a_lock(const Settings& s) {
  std::mutex lock;
  return on_a_thread_pool(s, [&lock](asio::thread_pool& pool) {
    return [&lock, &pool](int id, auto job) {
      asio::post(pool, [&lock, id, job = std::move(job)] {
        trace::name_this_thread_once("worker");
        {
          trace::Scope waiting_for_the_lock(fmt::format("update-{}", id), Kind::blocked);
          lock.lock();
        }
        std::lock_guard held(lock, std::adopt_lock);
        job();
      });
    };
  });
}

// Runs every update at once, each as a task named update-N on a Runtime built with `options`.
// `make_updates(runtime, store)` gives the function that makes update N's task.
template <typename MakeUpdates>
int on_a_runtime(const Settings& s, RuntimeOptions options, MakeUpdates make_updates) {
  options.stop_token = s.stop;
  Runtime runtime(std::move(options));
  FakeDataStore store;
  auto update_task = make_updates(runtime, store);
  std::vector<int> ids(s.updates);
  std::iota(ids.begin(), ids.end(), 1);
  auto all = [&]() -> Task<void> {
    co_await for_each([&](int id) { return named(fmt::format("update-{}", id), update_task(id)); },
                      ids, ids.size());
  };
  runtime.block_on(all(), "race");
  return store.value.load();
}

// The Runtime's own strand-backed pool: every update is offloaded at once, through one strand
// on the CPU pool (`workers` threads). The strand runs them one after another, each on
// whichever pool thread is free, so none reads a value another is about to overwrite; no lock.
int with_a_strand(const Settings& s) {
  return on_a_runtime(s, {.cpu_threads = s.workers}, [&s](Runtime& runtime, FakeDataStore& store) {
    return [&s, &store, strand = runtime.make_strand()](int id) {
      return offload(strand, [&s, &store, id] { update(store, id, s); });
    };
  });
}

// The same update as a coroutine on the event loop: the wait is a timer.
Task<void> update_async(FakeDataStore& store, int id, const Settings& s, Mutex* mutex) {
  std::optional<Mutex::Lock> held;
  if (mutex) held.emplace(co_await mutex->lock());
  const int local = store.value.load();
  (*s.log)(fmt::format("update-{} read {}", id, local));
  co_await sleep_for(s.delay);
  store.value.store(local + 1);
  (*s.log)(fmt::format("update-{} wrote {}", id, local + 1));
}

int coroutines(const Settings& s, bool with_mutex) {
  Mutex mutex;
  return on_a_runtime(s, {}, [&](Runtime&, FakeDataStore& store) {
    return [&](int id) { return update_async(store, id, s, with_mutex ? &mutex : nullptr); };
  });
}

int run(int argc, char** argv) {
  demo::Cli cli("asyncrt-race",
                "Three read-wait-write updates of one value on two workers lose an update (the\n"
                "value ends at 2, not 3). Then three fixes: a mutex, a strand, an async mutex.");
  cli.add()("updates", demo::po::value<std::string>()->default_value("3"), "updates to run")(
      "workers", demo::po::value<std::string>()->default_value("2"), "threads in the pool")(
      "delay-ms", demo::po::value<std::string>()->default_value("100"),
      "how long each update waits between its read and its write");
  if (auto done = cli.parse(argc, argv)) return *done;
  demo::Log log;
  Settings s;
  s.updates = cli.count("updates", 1, 1'000);
  s.workers = cli.count("workers", 1, 64);
  s.delay = std::chrono::milliseconds(cli.count("delay-ms", 1, 10'000));
  s.log = &log;
  demo::JsonReport report(cli, 1);
  demo::InterruptWatch interrupts;
  s.stop = interrupts.token();
  demo::Timelines timelines(cli);

  struct Way {
    std::string name;
    std::function<int()> run;
    bool safe;
  };
  const std::vector<Way> ways{
      {"threads, no lock", [&] { return unsafe_threads(s); }, false},
      {"threads + mutex", [&] { return with_a_lock(s); }, true},
      {"threads + strand", [&] { return with_a_strand(s); }, true},
      {"coroutines, no lock", [&] { return coroutines(s, false); }, false},
      {"coroutines + async mutex", [&] { return coroutines(s, true); }, true},
  };
  std::vector<std::pair<std::string, int>> results;
  for (const auto& way : ways) {
    fmt::print("\n== {} ({}, {})\n", way.name, demo::counted(s.updates, "update"),
               demo::counted(s.workers, "worker"));
    timelines.section();
    log.restart();
    const int value = interrupts.guard(way.name, way.run);
    fmt::print("{}: value = {} (expected {}){}\n", way.name, value, s.updates,
               value == static_cast<int>(s.updates) ? "" : ": updates were lost");
    results.emplace_back(way.name, value);
    timelines.show(way.name);
  }
  fmt::print("\nsummary\n");
  std::vector<demo::JsonObject> rows;
  for (const auto& [name, value] : results) {
    fmt::print("  {:<26} ends at {}\n", name, value);
    rows.push_back(demo::JsonObject().add("way", name).add("value", value));
  }
  timelines.finish("The race: lost updates and three fixes");
  report.object()
      .add("updates", s.updates)
      .add("workers", s.workers)
      .add("delay_ms", s.delay.count())
      .add("ways", rows);
  report.finish();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return asyncrt::demo::guarded_main("asyncrt-race", [&] { return run(argc, argv); });
}
