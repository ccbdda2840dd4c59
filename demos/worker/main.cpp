// asyncrt-worker: a worker that loops "do Overwork; rest" until it is asked to stop. A thread
// cannot be killed from outside, so it checks a shared stop flag once per loop and main waits
// for it with join() ("retired.." then "worker is gone."); it notices the flag only after its
// rest. A coroutine is stopped by cancellation instead: its rest (a timer) wakes at once.
// Stop with --stop-after or Ctrl-C. Last, the rhythm on a clock: a PeriodicTimer keeps
// "a round every rest" on the grid, where a loop of work then sleep falls behind each round.

#include <atomic>
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
using std::chrono::milliseconds;

namespace {

struct Settings {
  milliseconds overwork{50};
  milliseconds rest{300};
  milliseconds stop_after{800};
};

// The thread version: an atomic flag, checked once per loop.
void thread_worker(const Settings& s, const demo::Log& log, std::stop_token interrupt) {
  std::atomic<bool> stopped{false};
  std::thread worker([&] {
    trace::name_this_thread("worker");
    for (int round = 1; !stopped.load(); ++round) {
      log(fmt::format("Overwork #{}", round));
      {
        trace::Scope work("worker", trace::Kind::computing);
        demo::burn_cpu(s.overwork, interrupt);
      }
      trace::Scope rest("worker", trace::Kind::waiting);
      // The stop flag is not seen while the thread sleeps: the lesson's point. (Ctrl-C, a
      // different request, does cut the sleep short, so that the demo ends at once.)
      demo::sleep_unless_stopped(s.rest, interrupt);
    }
    log("retired..");
  });
  demo::sleep_unless_stopped(s.stop_after, interrupt);  // Ctrl-C cuts main's wait short
  log("main: setting the stop flag");
  const double asked = log.elapsed_ms();
  stopped = true;
  worker.join();
  log(fmt::format("worker is gone. (joined {:.0f} ms after the flag was set)",
                  log.elapsed_ms() - asked));
}

// The coroutine version: cancellation wakes the rest at once.
void coroutine_worker(const Settings& s, const demo::Log& log, std::stop_token interrupt) {
  Runtime runtime({.stop_token = interrupt});
  double asked = 0;
  auto worker = [&]() -> Task<void> {
    try {
      for (int round = 1;; ++round) {
        log(fmt::format("Overwork #{}", round));
        co_await offload([&s](std::stop_token token) { demo::burn_cpu(s.overwork, token); });
        co_await sleep_for(s.rest);
      }
    } catch (const boost::system::system_error&) {
      log("retired..");  // woken by the cancellation, in the middle of a rest or a job
    }
  };
  // The worker is a child of main's task group: main cancels it, and the group waits for it
  // to finish (its "retired..") before main goes on.
  auto main_flow = [&]() -> Task<void> {
    co_await task_group([&](TaskGroup& group) -> Task<void> {
      group.spawn(worker(), "worker");
      try {
        co_await sleep_for(s.stop_after);
      } catch (const boost::system::system_error&) {  // Ctrl-C: stop now
      }
      log("main: cancelling the worker");
      asked = log.elapsed_ms();
      group.cancel();
    });
  };
  try {
    runtime.block_on(main_flow(), "main");
  } catch (const boost::system::system_error&) {  // interrupted: the stopper's wait was cut
  }
  log(fmt::format("worker is gone. (finished {:.0f} ms after the cancellation)",
                  log.elapsed_ms() - asked));
}

// The rhythm on a clock: a round every `rest` (the notes' sleep(3) as the period), each
// starting with `overwork` of work, for `rounds` rounds, under virtual time (exact, and at
// once). On a PeriodicTimer the rounds end on the grid; a loop of work then sleep_for(rest)
// ends each `overwork` later than the one before. Returns the end of each round, in ms.
struct Rhythm {
  std::vector<double> timer_ms, sleep_loop_ms;
};

Rhythm rhythm(const Settings& s, int rounds) {
  Runtime runtime({.virtual_time = true});
  Rhythm ends;
  auto both = [&]() -> Task<void> {
    auto ms_since = [](TimePoint start) {
      return std::chrono::duration<double, std::milli>(now() - start).count();
    };
    TimePoint start = now();
    PeriodicTimer every_rest(s.rest);
    for (int round = 0; round < rounds; ++round) {
      busy_for(s.overwork);
      co_await every_rest.tick();
      ends.timer_ms.push_back(ms_since(start));
    }
    start = now();
    for (int round = 0; round < rounds; ++round) {
      busy_for(s.overwork);
      co_await sleep_for(s.rest);
      ends.sleep_loop_ms.push_back(ms_since(start));
    }
  };
  runtime.block_on(both(), "rhythm");
  return ends;
}

int run(int argc, char** argv) {
  demo::Cli cli("asyncrt-worker",
                "A worker loops \"Overwork, rest\" until asked to stop: as a thread with a stop\n"
                "flag and join(), and as a coroutine stopped by cancellation (--stop-after or\n"
                "Ctrl-C).");
  cli.add()("overwork-ms", demo::po::value<std::string>()->default_value("50"),
            "CPU work per round")("rest-ms", demo::po::value<std::string>()->default_value("300"),
                                  "rest after each round (the notes' sleep(3), scaled)")(
      "stop-after", demo::po::value<std::string>()->default_value("800"),
      "milliseconds until main asks the worker to stop");
  if (auto done = cli.parse(argc, argv)) return *done;
  Settings s;
  s.overwork = milliseconds(cli.count("overwork-ms", 1, 60'000));
  s.rest = milliseconds(cli.count("rest-ms", 1, 60'000));
  s.stop_after = milliseconds(cli.count("stop-after", 0, 3'600'000));

  demo::JsonReport report(cli, 1);
  demo::InterruptWatch interrupts;
  demo::work_rounds_per_second();  // sizes the computing now, not in the first timed run
  demo::Timelines timelines(cli);
  demo::Log log;
  if (report.on()) log.keep_lines();
  fmt::print("== a thread with a stop flag\n");
  thread_worker(s, log, interrupts.token());
  timelines.show("a thread with a stop flag");
  const auto thread_lines = log.take_lines();
  fmt::print("\n== a coroutine stopped by cancellation\n");
  timelines.section();
  log.restart();
  coroutine_worker(s, log, interrupts.token());
  timelines.show("a coroutine stopped by cancellation");
  timelines.finish("A worker that retires");

  constexpr int rounds = 5;
  fmt::print("\n== the rhythm on a clock: a round every {} ms, {} ms of it work (virtual time)\n",
             s.rest.count(), s.overwork.count());
  const auto ends = rhythm(s, rounds);
  fmt::print("{:>5}  {:>15}  {:>20}  {:>8}\n", "round", "PeriodicTimer", "sleep_for(rest) loop",
             "drift");
  for (int i = 0; i < rounds; ++i) {
    fmt::print("{:>5}  {:>12.0f} ms  {:>17.0f} ms  {:>5.0f} ms\n", i + 1, ends.timer_ms[i],
               ends.sleep_loop_ms[i], ends.sleep_loop_ms[i] - ends.timer_ms[i]);
  }
  if (s.overwork > s.rest) {
    fmt::print("(the work is longer than the period: the timer skips the ticks it overran)\n");
  } else {
    fmt::print("the timer keeps the grid; the sleep loop falls {} ms behind every round\n",
               s.overwork.count());
  }
  report.object()
      .add("overwork_ms", s.overwork.count())
      .add("rest_ms", s.rest.count())
      .add("stop_after_ms", s.stop_after.count())
      .add("thread", demo::JsonObject().add("lines", thread_lines))
      .add("coroutine", demo::JsonObject().add("lines", log.take_lines()))
      .add("rhythm", demo::JsonObject()
                         .add("timer_ms", ends.timer_ms)
                         .add("sleep_loop_ms", ends.sleep_loop_ms));
  interrupts.throw_if_interrupted("the worker demo");
  report.finish();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return asyncrt::demo::guarded_main("asyncrt-worker", [&] { return run(argc, argv); });
}
