// asyncrt-semaphore: a semaphore lets up to N tasks in at once (a pool of 5 database
// connections shared by 20 queries), a mutex one at a time (one printer); only a mutex's owner
// unlocks it, anyone may release a semaphore. Then a deadlock: two tasks take two locks in
// opposite order and wait for each other forever; a watchdog that looks when a wait runs long
// finds the circle of waits (two_locks.cpp), and taking the locks in one agreed order fixes it.

#include <algorithm>
#include <vector>

#include <fmt/core.h>

#include <asyncrt/asyncrt.hpp>

#include "common/cli.hpp"
#include "common/demo_cli.hpp"
#include "common/interrupt.hpp"
#include "common/log.hpp"
#include "common/report.hpp"
#include "common/timelines.hpp"
#include "semaphore/two_locks.hpp"

using namespace asyncrt;

namespace {

struct Settings {
  std::size_t tasks = 20;
  std::size_t connections = 5;
  std::chrono::milliseconds query{20};
};

struct Measured {
  std::size_t most_at_once = 0;
  double wall_ms = 0;
};

// `tasks` queries, each holding one of `permits` for the query's time.
Task<Measured> share(const Settings& s, std::size_t permits, std::string_view who) {
  Semaphore pool(permits);
  std::size_t in_use = 0;  // on the loop only
  Measured measured;
  const TimePoint start = now();  // the loop's clock: virtual with --virtual-time
  auto query = [&]() -> Task<void> {
    auto connection = co_await pool.hold();
    measured.most_at_once = std::max(measured.most_at_once, ++in_use);
    co_await sleep_for(s.query);
    --in_use;
  };
  std::vector<Task<void>> queries;
  for (std::size_t i = 1; i <= s.tasks; ++i) {
    queries.push_back(named(fmt::format("{}-{}", who, i), query()));
  }
  co_await when_all(std::move(queries));
  measured.wall_ms = std::chrono::duration<double, std::milli>(now() - start).count();
  co_return measured;
}

// Who may give a lock back. A Mutex has no unlock(): the Lock that lock() returned to its
// owner is the only way to unlock it. A Semaphore's permit may be given back by any task: here
// one task takes a port and another, later, releases it.
template <typename Lockable>
concept unlocks_by_itself = requires(Lockable& lock) {
  lock.unlock();
};

Task<std::string> who_gives_it_back() {
  static_assert(!unlocks_by_itself<Mutex>, "only a Mutex's Lock unlocks it");
  Semaphore ports(3);
  std::string story;
  auto opener = [&]() -> Task<void> {
    co_await ports.acquire();
    story += fmt::format("port-opener took a port ({} of 3 left); ", ports.available());
  };
  auto closer = [&]() -> Task<void> {
    ports.release();
    story +=
        fmt::format("port-closer, another task, gave it back ({} of 3 left)", ports.available());
    co_return;
  };
  co_await named("port-opener", opener());
  co_await named("port-closer", closer());
  co_return fmt::format(
      "mutex:     only its owner unlocks it (a Mutex has no unlock(): the owner's Lock does it)\n"
      "semaphore: anyone may release it: {}",
      story);
}

int run(int argc, char** argv) {
  demo::Cli cli("asyncrt-semaphore",
                "20 tasks share 5 database connections (a semaphore: at most 5 at once), then\n"
                "one printer (a mutex: one at a time), and who may give each back; then a\n"
                "deadlock, found by a watchdog (two tasks waiting for each other), and its fix\n"
                "(one lock order).");
  cli.add()("tasks", demo::po::value<std::string>()->default_value("20"), "tasks that query")(
      "connections", demo::po::value<std::string>()->default_value("5"),
      "connections in the pool (the semaphore's permits)")(
      "query-ms", demo::po::value<std::string>()->default_value("20"), "how long a query takes")(
      "timeout-ms", demo::po::value<std::string>()->default_value("200"),
      "how long a wait may last before the watchdog looks for tasks waiting for each other in a "
      "circle (a deadlock); it looks again every as long")(
      "virtual-time", "run on a virtual clock: the same schedule, exact and at once");
  if (auto done = cli.parse(argc, argv)) return *done;
  Settings s;
  s.tasks = cli.count("tasks", 1, 100'000);
  s.connections = cli.count("connections", 1, 100'000);
  s.query = std::chrono::milliseconds(cli.count("query-ms", 1, 10'000));
  const auto limit = std::chrono::milliseconds(cli.count("timeout-ms", 1, 60'000));

  const bool virtual_time = cli.has("virtual-time");
  if (virtual_time && (cli.has("timeline") || cli.has("svg") || cli.has("trace"))) {
    throw demo::UsageError(
        "--virtual-time cannot be drawn: timelines show real time, and a virtual run takes none");
  }

  demo::JsonReport report(cli, 1);
  demo::InterruptWatch interrupts;
  demo::Timelines timelines(cli);
  Runtime runtime({.virtual_time = virtual_time, .stop_token = interrupts.token()});
  auto guarded = [&](auto task, std::string_view what) {
    return interrupts.guard(what, [&] { return runtime.block_on(std::move(task)); });
  };

  timelines.section();
  const auto semaphore = guarded(share(s, s.connections, "query"), "the semaphore");
  fmt::print(
      "semaphore({}): {}, at most {} at once, {:.0f} ms (model: {} of {} ms)\n", s.connections,
      demo::counted(s.tasks, "task"), semaphore.most_at_once, semaphore.wall_ms,
      demo::counted((s.tasks + s.connections - 1) / s.connections, "round"), s.query.count());
  timelines.show(fmt::format("a semaphore of {}", s.connections));

  timelines.section();
  const auto mutex = guarded(share(s, 1, "print"), "the mutex");
  fmt::print("mutex:        {}, at most {} at once, {:.0f} ms (model: {} of {} ms)\n",
             demo::counted(s.tasks, "task"), mutex.most_at_once, mutex.wall_ms,
             demo::counted(s.tasks, "round"), s.query.count());
  timelines.show("a mutex (a semaphore of 1)");

  timelines.section();
  fmt::print("\n{}\n", guarded(who_gives_it_back(), "who gives it back"));
  timelines.show("who gives a lock back");

  timelines.section();
  const auto opposite = guarded(semaphore_demo::two_locks(false, limit), "the deadlock");
  fmt::print("\nopposite lock order: {}\n", opposite.story);
  timelines.show("two locks taken in opposite order");
  timelines.section();
  const auto same = guarded(semaphore_demo::two_locks(true, limit), "the fix");
  fmt::print("one lock order:      {}\n", same.story);
  timelines.show("the fix: one lock order");
  timelines.finish("Semaphore, mutex and deadlock");
  auto shared = [&](const Measured& m, std::size_t permits) {
    return demo::JsonObject()
        .add("permits", permits)
        .add("tasks", s.tasks)
        .add("most_at_once", m.most_at_once)
        .add("wall_ms", m.wall_ms)
        .add("model_rounds", (s.tasks + permits - 1) / permits);
  };
  auto locks = [](const semaphore_demo::TwoLocksRun& run) {
    return demo::JsonObject()
        .add("deadlock", run.deadlock)
        .add("ms", run.ms)
        .add("story", run.story);
  };
  report.object()
      .add("query_ms", s.query.count())
      .add("timeout_ms", limit.count())
      .add("virtual_time", virtual_time)
      .add("semaphore", shared(semaphore, s.connections))
      .add("mutex", shared(mutex, 1))
      .add("opposite_lock_order", locks(opposite))
      .add("one_lock_order", locks(same));
  report.finish();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return asyncrt::demo::guarded_main("asyncrt-semaphore", [&] { return run(argc, argv); });
}
