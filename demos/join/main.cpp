// asyncrt-join: a sub-task that sleeps 3 s (scaled). Without join() the main flow logs "all
// finished" before the sub-task is done; with join() it waits. The same with a coroutine:
// spawned and not awaited, or awaited. Then daemon-like work that dies with its owner vs work
// that outlives it: a real child process starts both, and its main() returns.

#include <map>
#include <optional>
#include <thread>

#include <boost/process/args.hpp>
#include <boost/process/child.hpp>
#include <boost/process/io.hpp>
#include <boost/process/pipe.hpp>
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
using std::chrono::milliseconds;
namespace bp = boost::process;

namespace {

void sub_task(const demo::Log& log, milliseconds sleep, std::stop_token stop) {
  log(fmt::format("sub-task: sleeping {} ms", sleep.count()));
  trace::Scope sleeping("sub-task", trace::Kind::waiting);
  if (demo::sleep_unless_stopped(sleep, stop)) log("sub-task: finished");
}

void threads(const demo::Log& log, milliseconds sleep, bool join, std::stop_token stop) {
  std::thread sub([&] {
    trace::name_this_thread("sub");
    sub_task(log, sleep, stop);
  });
  if (join) {
    trace::Scope joining("main", trace::Kind::waiting);  // main's thread sleeps in join()
    sub.join();
  }
  {
    trace::Scope finishing("main");
    log("main: all finished");
  }
  if (!join) sub.join();  // (joined afterwards only so the demo ends tidily; not drawn)
}

void coroutines(const demo::Log& log, milliseconds sleep, bool await_it,
                std::stop_token interrupt) {
  Runtime runtime({.stop_token = interrupt});
  auto sub = [&]() -> Task<void> {
    log(fmt::format("sub-task: sleeping {} ms", sleep.count()));
    co_await sleep_for(sleep);
    log("sub-task: finished");
  };
  auto main_flow = [&]() -> Task<void> {
    if (await_it) {
      trace::Suspension waiting;  // main's own lane: suspended until the sub-task is done
      co_await named("sub-task", sub());
    } else {
      runtime.spawn(sub(), "sub-task");  // detached: main goes on at once
    }
    log("main: all finished");
  };
  runtime.block_on(main_flow(), "main");
  if (!await_it) {
    while (runtime.completed_tasks() == 0 && !interrupt.stop_requested()) {
      std::this_thread::sleep_for(milliseconds(5));  // (let it end, so the demo ends tidily)
    }
  }
}

// The owner: a process that starts a daemon-like thread (detached: it dies with the process)
// and a normal one (joined before the process ends), then returns from main.
int owner(milliseconds sleep) {
  const demo::Log log;
  trace::name_this_thread("owner");
  // The daemon owns everything it touches (its own copy of the log): it runs on after owner()
  // returns, so a reference to owner()'s locals would dangle.
  std::thread daemon([log, sleep] {
    trace::name_this_thread("daemon");
    for (int tick = 1;; ++tick) {
      log(fmt::format("daemon: tick {}", tick));
      std::this_thread::sleep_for(sleep / 3);
    }
  });
  daemon.detach();
  std::jthread normal([&] {
    trace::name_this_thread("normal");
    std::this_thread::sleep_for(sleep);
    log("normal: finished (it outlived the owner's main body)");
  });
  log("owner: main() returns now");
  return 0;  // ~jthread joins `normal`; then the process exits and the daemon dies with it
}

// The child's threads drawn from outside, from what it prints ("[ 2.6 ms] daemon (tid 42)
// daemon: tick 1"): a lane per thread, "daemon (pid 41)", each line a moment of work and the
// time between asleep, from the child's first line on. After its last line the owner's main
// thread waits for `normal` (its jthread's join) and the daemon sleeps until the process ends,
// which ends it. (The child's own spans cannot be recorded here: they are in another process.)
class ChildLanes {
 public:
  explicit ChildLanes(long pid) : pid_(pid) {}

  void saw(const std::string& line) {
    const auto name_at = line.find("] ");
    if (name_at == std::string::npos) return;
    const auto name_end = line.find(' ', name_at + 2);
    const std::string thread = line.substr(name_at + 2, name_end - name_at - 2);
    const auto now = trace::Clock::now();
    if (!first_line_) first_line_ = now;
    auto& last = last_.try_emplace(thread, *first_line_).first->second;
    record(thread, trace::Kind::waiting, last, now);
    record(thread, trace::Kind::computing, now, now + moment);
    last = now + moment;
  }
  void exited() {
    const auto now = trace::Clock::now();
    for (const auto& [thread, last] : last_) {
      if (thread == "owner" || thread == "daemon") record(thread, trace::Kind::waiting, last, now);
    }
  }

 private:
  void record(const std::string& thread, trace::Kind kind, trace::Clock::time_point from,
              trace::Clock::time_point to) const {
    if (to > from)
      trace::record({thread, kind, fmt::format("{} (pid {})", thread, pid_), {}, from, to});
  }

  static constexpr auto moment = std::chrono::microseconds(500);
  long pid_;
  std::optional<trace::Clock::time_point> first_line_;
  std::map<std::string, trace::Clock::time_point> last_;
};

int run(int argc, char** argv) {
  demo::Cli cli("asyncrt-join",
                "A sub-task that sleeps: without join() the main flow finishes first, with join()\n"
                "it waits; the same with coroutines; then daemon-like work that dies with its\n"
                "owner process vs work that outlives the owner's main().");
  cli.add()("sleep-ms", demo::po::value<std::string>()->default_value("300"),
            "how long the sub-task sleeps (the notes' 3 s, scaled)");
  cli.add_hidden()("owner", "run as the owner process of the daemon part");
  if (auto done = cli.parse(argc, argv)) return *done;
  const auto sleep = milliseconds(cli.count("sleep-ms", 1, 60'000));
  if (cli.has("owner")) return owner(sleep);

  demo::JsonReport report(cli, 1);
  demo::InterruptWatch interrupts;
  demo::Timelines timelines(cli);
  demo::Log log;
  if (report.on()) log.keep_lines();
  std::vector<demo::JsonObject> sections;
  std::vector<std::string> child_lines;  // what the owner process printed
  auto section = [&](std::string_view title, auto body) {
    fmt::print("\n== {}\n", title);
    timelines.section();
    log.restart();
    interrupts.guard(title, body);
    timelines.show(title);
    sections.push_back(demo::JsonObject().add("title", title).add("lines", log.take_lines()));
  };
  section("a thread, not joined", [&] { threads(log, sleep, false, interrupts.token()); });
  section("a thread, joined", [&] { threads(log, sleep, true, interrupts.token()); });
  section("a coroutine, spawned and not awaited",
          [&] { coroutines(log, sleep, false, interrupts.token()); });
  section("a coroutine, awaited", [&] { coroutines(log, sleep, true, interrupts.token()); });
  section("daemon vs normal work in a child process", [&] {
    bp::ipstream out;
    bp::child child("/proc/self/exe",
                    bp::args({"--owner", "--sleep-ms", std::to_string(sleep.count())}),
                    bp::std_out > out);
    ChildLanes lanes(child.id());
    // Ctrl-C ends the owner (its pipe then ends, and so does this loop).
    std::stop_callback end_it(interrupts.token(), [&child] {
      std::error_code ignored;
      child.terminate(ignored);
    });
    for (std::string line; std::getline(out, line);) {
      fmt::print("  | {}\n", line);
      child_lines.push_back(line);
      lanes.saw(line);
    }
    child.wait();
    lanes.exited();
    fmt::print("owner exited with status {}; the daemon's ticks stopped when it exited\n",
               child.exit_code());
  });
  timelines.finish("Join, detach, daemon");
  report.object()
      .add("sleep_ms", sleep.count())
      .add("sections", sections)
      .add("owner_process_lines", child_lines);
  report.finish();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return asyncrt::demo::guarded_main("asyncrt-join", [&] { return run(argc, argv); });
}
