// asyncrt-delivery: the lesson's two jobs, Delivery and RetrieveDish, run one after the
// other, then on two threads, then as two coroutines on one event loop. The log says which
// thread ran each line. The trap from the notes: calling a job's body directly (Python's
// run() instead of start()) runs it on the caller's thread, one after the other.

#include <functional>
#include <thread>

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

namespace {

/// A job in the lesson's shape: a name, a number of steps, a wait per step.
struct Job {
  std::string name;
  std::size_t steps;
  std::chrono::milliseconds step;
  const demo::Log* log;
  std::stop_token stop;

  /// The body, run on the calling thread; each step waits on that thread.
  void run() const {
    (*log)(fmt::format("{} starts", name));
    for (std::size_t i = 1; i <= steps; ++i) {
      trace::Scope waiting(name, trace::Kind::waiting);
      if (!demo::sleep_unless_stopped(step, stop)) return;
      (*log)(fmt::format("{}: step {} of {}", name, i, steps));
    }
    (*log)(fmt::format("{} done", name));
  }

  /// The same job as a coroutine: each step is a timer, the loop is free meanwhile.
  Task<void> run_async() const {
    (*log)(fmt::format("{} starts", name));
    for (std::size_t i = 1; i <= steps; ++i) {
      co_await sleep_for(step);
      (*log)(fmt::format("{}: step {} of {}", name, i, steps));
    }
    (*log)(fmt::format("{} done", name));
  }
};

/// Python's threading.Thread in C++: start() runs the job on a new thread, join() waits for
/// it. run() is only the body: called directly, it runs on the caller's thread (the trap).
class JobThread {
 public:
  explicit JobThread(const Job& job) : job_(job) {}
  void start() {
    thread_ = std::thread([this] {
      trace::name_this_thread_once("thread");
      job_.run();
    });
  }
  void run() const { job_.run(); }
  void join() { thread_.join(); }

 private:
  const Job& job_;
  std::thread thread_;
};

int run(int argc, char** argv) {
  demo::Cli cli("asyncrt-delivery",
                "Delivery and RetrieveDish one after the other, on two threads, and as two\n"
                "coroutines on one event loop; the log shows which thread ran each line.");
  cli.add()("step-ms", demo::po::value<std::string>()->default_value("100"),
            "how long one step of a job waits")(
      "steps", demo::po::value<std::string>()->default_value("3"), "steps per job");
  if (auto done = cli.parse(argc, argv)) return *done;
  const auto step = std::chrono::milliseconds(cli.count("step-ms", 1, 10'000));
  const std::size_t steps = cli.count("steps", 1, 1'000);

  demo::JsonReport report(cli, 1);
  demo::InterruptWatch interrupts;
  demo::Timelines timelines(cli);
  trace::name_this_thread("main");
  demo::Log log;
  if (report.on()) log.keep_lines();
  std::vector<demo::JsonObject> sections;
  const Job delivery{"Delivery", steps, step, &log, interrupts.token()};
  const Job retrieve{"RetrieveDish", steps, step, &log, interrupts.token()};
  auto section = [&](std::string_view title, const std::function<void()>& body) {
    fmt::print("\n== {}\n", title);
    timelines.section();
    log.restart();
    interrupts.guard(title, body);
    fmt::print("{}: {:.0f} ms\n", title, log.elapsed_ms());
    sections.push_back(demo::JsonObject()
                           .add("title", title)
                           .add("ms", log.elapsed_ms())
                           .add("lines", log.take_lines()));
    timelines.show(title);
  };

  fmt::print("main thread: tid {}\n", demo::thread_id());
  section("one after the other", [&] {
    delivery.run();
    retrieve.run();
  });
  section("the trap: two JobThreads, but run() called instead of start()", [&] {
    JobThread first(delivery), second(retrieve);
    first.run();  // no new thread: the body runs right here, on main
    second.run();
  });
  section("two JobThreads: start(), then join()", [&] {
    JobThread first(delivery), second(retrieve);
    first.start();
    second.start();
    first.join();
    second.join();
  });
  section("two coroutines on one event loop", [&] {
    Runtime runtime({.stop_token = interrupts.token()});
    auto both = [&]() -> Task<void> {
      std::vector<Task<void>> jobs;
      jobs.push_back(named("Delivery", delivery.run_async()));
      jobs.push_back(named("RetrieveDish", retrieve.run_async()));
      co_await when_all(std::move(jobs));
    };
    try {
      runtime.block_on(both());
    } catch (...) {
      if (interrupts.signal() == 0) throw;
    }
  });
  fmt::print(
      "\nOne after the other takes both jobs' time; threads and coroutines overlap the waits.\n"
      "The threads are two tids; the coroutines share one (the loop's) and still overlap.\n");
  timelines.finish("Delivery and RetrieveDish");
  report.object()
      .add("steps", steps)
      .add("step_ms", step.count())
      .add("main_tid", demo::thread_id())
      .add("sections", sections);
  report.finish();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return asyncrt::demo::guarded_main("asyncrt-delivery", [&] { return run(argc, argv); });
}
