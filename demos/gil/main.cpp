// asyncrt-gil: why Python threads do not make CPU-bound code faster. CPython lets one thread
// run at a time (the GIL) and switches every 5 ms. CPU-bound threads that must hold such a
// lock take as long as running their work one after another; the same threads without it run
// in parallel on the cores. I/O-bound threads release the lock while they wait, so they
// overlap even with it.

#include <thread>
#include <vector>

#include <fmt/core.h>

#include <asyncrt/cpu_pool.hpp>
#include <asyncrt/trace.hpp>

#include "common/cli.hpp"
#include "common/demo_cli.hpp"
#include "common/interrupt.hpp"
#include "common/log.hpp"
#include "common/report.hpp"
#include "common/timelines.hpp"
#include "common/work.hpp"
#include "gil/gil.hpp"

using namespace asyncrt;
using namespace asyncrt::gil;
using std::chrono::milliseconds;

namespace {

enum class Work { cpu, io };

struct Settings {
  std::size_t threads = 2;
  milliseconds work{200};  // per thread
  std::chrono::microseconds switch_interval{5000};
  std::stop_token stop;
};

// One thread's job: `work` of computing (in slices of the switch interval), or of I/O
// waits (a little computing, then a wait with the lock released), with or without the GIL.
void job(std::size_t id, Work kind, Gil* gil, const Settings& s) {
  trace::name_this_thread(fmt::format("thread-{}", id));
  const std::string name = fmt::format("job-{}", id);
  if (gil) {
    trace::Scope waiting(name, trace::Kind::blocked);
    gil->acquire();
  }
  if (kind == Work::cpu) {
    const auto slices = std::max<long>(1, s.work / s.switch_interval);
    for (long i = 0; i < slices && !s.stop.stop_requested(); ++i) {
      {
        trace::Scope computing(name);
        demo::burn_cpu(s.switch_interval, s.stop);
      }
      if (gil) {
        trace::Scope switching(name, trace::Kind::blocked);
        gil->maybe_switch();
      }
    }
  } else {
    for (int request = 0; request < 10 && !s.stop.stop_requested(); ++request) {
      {
        trace::Scope computing(name);
        demo::burn_cpu(std::chrono::microseconds(200), s.stop);  // parse a response
      }
      if (gil) gil->release();  // CPython releases the GIL around blocking I/O
      {
        trace::Scope waiting(name, trace::Kind::waiting);
        demo::sleep_unless_stopped(s.work / 10, s.stop);
      }
      if (gil) {
        trace::Scope reacquire(name, trace::Kind::blocked);
        gil->acquire();
      }
    }
  }
  if (gil) gil->release();
}

double run_threads(std::size_t threads, Work kind, bool with_gil, const Settings& s) {
  Gil gil;
  const auto start = std::chrono::steady_clock::now();
  {
    std::vector<std::jthread> pool;
    for (std::size_t t = 1; t <= threads; ++t) {
      pool.emplace_back([&, t] { job(t, kind, with_gil ? &gil : nullptr, s); });
    }
  }
  return demo::ms_since(start);
}

int run(int argc, char** argv) {
  demo::Cli cli("asyncrt-gil",
                "CPU-bound threads holding one global lock (switching every 5 ms, like CPython)\n"
                "vs without it, and I/O-bound threads with the lock: the speedups show why\n"
                "Python threads help I/O-bound work but not CPU-bound work.");
  cli.add()("threads", demo::po::value<std::string>()->default_value("2"), "threads to run")(
      "work-ms", demo::po::value<std::string>()->default_value("200"), "each thread's work")(
      "switch-us", demo::po::value<std::string>()->default_value("5000"),
      "the GIL's switch interval (CPython: 5000)");
  if (auto done = cli.parse(argc, argv)) return *done;
  Settings s;
  s.threads = cli.count("threads", 1, 256);
  s.work = milliseconds(cli.count("work-ms", 1, 60'000));
  s.switch_interval = std::chrono::microseconds(cli.count("switch-us", 100, 1'000'000));
  demo::JsonReport report(cli, 1);
  demo::InterruptWatch interrupts;
  demo::work_rounds_per_second();  // sizes the computing now, not in the first timed run
  s.stop = interrupts.token();
  demo::Timelines timelines(cli);

  fmt::print(
      "{}, {} ms of work each, {}; speedup = one thread's time x threads "
      "/ wall time\n\n",
      demo::counted(s.threads, "thread"), s.work.count(), demo::counted(usable_cores(), "core"));
  fmt::print("{:<30} {:>10} {:>10} {:>8}\n", "work", "1 thread", "threads", "speedup");
  struct Case {
    std::string title;
    Work kind;
    bool with_gil;
  };
  std::vector<demo::JsonObject> rows;
  for (const Case& c : {Case{"CPU-bound, with the GIL", Work::cpu, true},
                        Case{"CPU-bound, no GIL", Work::cpu, false},
                        Case{"I/O-bound, with the GIL", Work::io, true}}) {
    const double one =
        interrupts.guard(c.title, [&] { return run_threads(1, c.kind, c.with_gil, s); });
    timelines.section();
    const double many =
        interrupts.guard(c.title, [&] { return run_threads(s.threads, c.kind, c.with_gil, s); });
    const double speedup = one * static_cast<double>(s.threads) / many;
    fmt::print("{:<30} {:>7.0f} ms {:>7.0f} ms {:>7.2f}x\n", c.title, one, many, speedup);
    rows.push_back(demo::JsonObject()
                       .add("work", c.title)
                       .add("one_thread_ms", one)
                       .add("threads_ms", many)
                       .add("speedup", speedup));
    timelines.show(c.title);
  }
  fmt::print(
      "\nWith the GIL only one thread computes at a time: no speedup for CPU-bound work.\n"
      "Without it the threads use the cores. I/O waits release it, so they overlap.\n");
  timelines.finish("The GIL");
  report.object()
      .add("threads", s.threads)
      .add("work_ms", s.work.count())
      .add("switch_us", s.switch_interval.count())
      .add("cores", usable_cores())
      .add("rows", rows);
  report.finish();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return asyncrt::demo::guarded_main("asyncrt-gil", [&] { return run(argc, argv); });
}
