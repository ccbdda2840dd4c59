// asyncrt-semaphore: a semaphore lets up to N tasks in at once (a pool of 5 database
// connections shared by 20 queries), a mutex one at a time (one printer). Then a deadlock: two
// tasks take two locks in opposite order and wait for each other forever; a timeout detects
// it, and taking the locks in one agreed order fixes it.

#include <algorithm>
#include <vector>

#include <fmt/core.h>

#include <asyncrt/asyncrt.hpp>

#include "common/cli.hpp"
#include "common/demo_cli.hpp"
#include "common/interrupt.hpp"
#include "common/log.hpp"
#include "common/timelines.hpp"

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
  const auto start = std::chrono::steady_clock::now();
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
  measured.wall_ms = demo::ms_since(start);
  co_return measured;
}

// Two tasks, two locks. `same_order` false: A takes printer then scanner, B scanner then
// printer. Returns what happened, one line.
Task<std::string> two_locks(bool same_order, std::chrono::milliseconds limit) {
  Mutex printer, scanner;
  std::string a_holds, b_holds;
  auto job = [&](Mutex& first, std::string_view first_name, Mutex& second,
                 std::string_view second_name, std::string& holds) -> Task<void> {
    auto one = co_await first.lock();
    holds = first_name;
    co_await sleep_for(std::chrono::milliseconds(10));  // long enough for the other to start
    auto two = co_await second.lock();
    holds = fmt::format("{} and {}", first_name, second_name);
    co_await sleep_for(std::chrono::milliseconds(10));
  };
  auto both = [&]() -> Task<void> {
    std::vector<Task<void>> jobs;
    jobs.push_back(named("task-A", job(printer, "printer", scanner, "scanner", a_holds)));
    jobs.push_back(named("task-B", same_order
                                       ? job(printer, "printer", scanner, "scanner", b_holds)
                                       : job(scanner, "scanner", printer, "printer", b_holds)));
    co_await when_all(std::move(jobs));
  };
  try {
    co_await with_timeout(both(), limit, "the two tasks");
  } catch (const TimeoutError&) {
    co_return fmt::format(
        "DEADLOCK detected after {} ms:\n  task-A holds the {} and waits for the scanner,\n"
        "  task-B holds the {} and waits for the printer: neither can go on",
        limit.count(), a_holds, b_holds);
  }
  co_return "both tasks finished: each took the printer first, then the scanner";
}

int run(int argc, char** argv) {
  demo::Cli cli("asyncrt-semaphore",
                "20 tasks share 5 database connections (a semaphore: at most 5 at once), then\n"
                "one printer (a mutex: one at a time); then a deadlock, detected by a timeout,\n"
                "and its fix (one lock order).");
  cli.add()("tasks", demo::po::value<std::string>()->default_value("20"), "tasks that query")(
      "connections", demo::po::value<std::string>()->default_value("5"),
      "connections in the pool (the semaphore's permits)")(
      "query-ms", demo::po::value<std::string>()->default_value("20"), "how long a query takes")(
      "timeout-ms", demo::po::value<std::string>()->default_value("200"),
      "how long to wait before calling it a deadlock");
  if (auto done = cli.parse(argc, argv)) return *done;
  Settings s;
  s.tasks = cli.count("tasks", 1, 100'000);
  s.connections = cli.count("connections", 1, 100'000);
  s.query = std::chrono::milliseconds(cli.count("query-ms", 1, 10'000));
  const auto limit = std::chrono::milliseconds(cli.count("timeout-ms", 1, 60'000));

  demo::InterruptWatch interrupts;
  demo::Timelines timelines(cli);
  Runtime runtime;
  std::stop_callback stop(interrupts.token(), [&] { runtime.request_stop(); });
  auto guarded = [&](auto task, std::string_view what) {
    return interrupts.guard(what, [&] { return runtime.block_on(std::move(task)); });
  };

  timelines.section();
  const auto semaphore = guarded(share(s, s.connections, "query"), "the semaphore");
  fmt::print("semaphore({}): {} tasks, at most {} at once, {:.0f} ms (model: {} rounds of {} ms)\n",
             s.connections, s.tasks, semaphore.most_at_once, semaphore.wall_ms,
             (s.tasks + s.connections - 1) / s.connections, s.query.count());
  timelines.show(fmt::format("a semaphore of {}", s.connections));

  timelines.section();
  const auto mutex = guarded(share(s, 1, "print"), "the mutex");
  fmt::print("mutex:        {} tasks, at most {} at once, {:.0f} ms (model: {} rounds of {} ms)\n",
             s.tasks, mutex.most_at_once, mutex.wall_ms, s.tasks, s.query.count());
  timelines.show("a mutex (a semaphore of 1)");

  timelines.section();
  fmt::print("\nopposite lock order: {}\n", guarded(two_locks(false, limit), "the deadlock"));
  timelines.show("deadlock: two locks taken in opposite order");
  timelines.section();
  fmt::print("one lock order:      {}\n", guarded(two_locks(true, limit), "the fix"));
  timelines.show("the fix: one lock order");
  timelines.finish("Semaphore, mutex and deadlock");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return asyncrt::demo::guarded_main("asyncrt-semaphore", [&] { return run(argc, argv); });
}
