// asyncrt-processes: a process and its threads, and child processes. Prints this process's
// pid, uid, gid, working directory and threads (before and after a Runtime starts its own);
// starts child processes, joins two and terminates one; then a process pool maps double()
// over 1..5: each worker process prints its pid, the results come back in order.

#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <thread>
#include <vector>

#include <unistd.h>
#include <boost/process/args.hpp>
#include <boost/process/child.hpp>
#include <boost/process/io.hpp>
#include <boost/process/pipe.hpp>
#include <fmt/core.h>
#include <fmt/ranges.h>

#include <asyncrt/asyncrt.hpp>

#include "common/cli.hpp"
#include "common/demo_cli.hpp"
#include "common/interrupt.hpp"
#include "common/report.hpp"
#include "common/timelines.hpp"

using namespace asyncrt;
namespace bp = boost::process;

namespace {

// The threads of this process, from /proc/self/task: "tid name".
std::vector<std::string> threads_of_this_process() {
  std::vector<std::string> threads;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/task")) {
    std::ifstream comm(entry.path() / "comm");
    std::string name;
    std::getline(comm, name);
    threads.push_back(entry.path().filename().string() + " " + name);
  }
  std::sort(threads.begin(), threads.end());
  return threads;
}

void about_this_process(demo::JsonObject& json) {
  fmt::print("this process: pid {}, parent {}, uid {}, gid {}\n", ::getpid(), ::getppid(),
             ::getuid(), ::getgid());
  fmt::print("working directory: {}\n", std::filesystem::current_path().string());
  fmt::print("(find it with: ps -ef | grep {})\n", ::getpid());
  const auto before = threads_of_this_process();
  fmt::print("threads now (main, the Ctrl-C watcher): {}\n", fmt::join(before, ", "));
  {
    RuntimeOptions options;
    options.cpu_threads = 2;
    options.blocking_threads = 1;
    Runtime runtime(options);
    const std::size_t with = threads_of_this_process().size();
    json.add("threads_with_a_runtime", with);
    fmt::print("threads with a Runtime (cpu_threads 2, blocking_threads 1): {}{}\n", with,
               with == before.size() + 3 ? " (3 more: the loop and the CPU pool's 2)" : "");
    auto first_blocking_call = []() -> Task<void> { co_await offload_blocking([] {}); };
    runtime.block_on(first_blocking_call());
    const std::size_t after_call = threads_of_this_process().size();
    json.add("threads_after_a_blocking_call", after_call);
    fmt::print(
        "threads after its first blocking call: {}{}\n", after_call,
        after_call == with + 1 ? " (the blocking pool starts its thread when first used)" : "");
  }
  fmt::print("threads after it shut down: {}\n", threads_of_this_process().size());
  json.add("pid", static_cast<long>(::getpid()))
      .add("uid", static_cast<long>(::getuid()))
      .add("gid", static_cast<long>(::getgid()))
      .add("working_directory", std::filesystem::current_path().string())
      .add("threads", before.size())
      .add("threads_after_shutdown", threads_of_this_process().size());
}

// A child that sleeps `ms` and exits with `status`.
int child_main(int ms, int status) {
  std::this_thread::sleep_for(std::chrono::milliseconds(ms));
  return status;
}

// Waits for `kid` to end, like join(), but looks at `stop` every 10 ms: on a stop request it
// ends the child (SIGKILL) and returns false. (A blocking wait could not be cut short.)
bool join_unless_stopped(bp::child& kid, std::stop_token stop) {
  while (kid.running()) {
    if (stop.stop_requested()) {
      kid.terminate();
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  kid.wait();  // collects its exit status
  return true;
}

// A lane for a process of ours, "child (pid 42)", drawn from this side: `what` sleeps (holds
// its one thread) from when we started it until we saw it end. Its own spans are in its process.
void draw_process(std::string_view lane, std::string_view what, long pid,
                  trace::Clock::time_point started) {
  trace::Span span;
  span.task = what;
  span.kind = trace::Kind::waiting;
  span.thread = fmt::format("{} (pid {})", lane, pid);
  span.start = started;
  span.end = trace::Clock::now();
  trace::record(std::move(span));
}

// Ctrl-C: the children still running are ended (bp::child's destructor terminates them).
void children(std::chrono::milliseconds nap, std::stop_token stop,
              std::vector<demo::JsonObject>& json) {
  const auto ms = std::to_string(nap.count());
  const auto started = trace::Clock::now();
  std::vector<bp::child> kids;
  kids.emplace_back("/proc/self/exe", bp::args({"--child", ms, "--status", "0"}));
  kids.emplace_back("/proc/self/exe", bp::args({"--child", ms, "--status", "3"}));
  kids.emplace_back("/proc/self/exe", bp::args({"--child", "60000", "--status", "0"}));
  for (auto& kid : kids) fmt::print("started child pid {}\n", kid.id());
  for (int i = 0; i < 2; ++i) {
    {
      trace::Scope joining("main: join", trace::Kind::waiting);
      if (!join_unless_stopped(kids[i], stop)) return;  // join: wait for it to end
    }
    draw_process("child", "child", kids[i].id(), started);
    fmt::print("joined child pid {}: exit status {}\n", kids[i].id(), kids[i].exit_code());
    json.push_back(demo::JsonObject()
                       .add("pid", static_cast<long>(kids[i].id()))
                       .add("joined", true)
                       .add("exit_status", kids[i].exit_code()));
  }
  kids[2].terminate();  // it would sleep a minute: end it (SIGKILL)
  draw_process("child", "child, terminated", kids[2].id(), started);
  fmt::print("terminated child pid {} (it was still sleeping): running = {}\n", kids[2].id(),
             kids[2].running());
  json.push_back(demo::JsonObject()
                     .add("pid", static_cast<long>(kids[2].id()))
                     .add("terminated", true)
                     .add("running", kids[2].running()));
}

// A pool worker: reads numbers on stdin, answers "<pid> <2n>" per line.
int double_worker() {
  for (std::string line; std::getline(std::cin, line);) {
    const auto n = demo::parse_u64("worker input", line);
    fmt::print("{} {}\n", ::getpid(), 2 * n);
    std::fflush(stdout);
  }
  return 0;
}

// A pool of `size` worker processes mapping double over `numbers`, in order.
std::vector<std::uint64_t> pool_map_double(const std::vector<std::uint64_t>& numbers,
                                           std::size_t size, std::vector<long>& answered_by) {
  struct Worker {
    bp::opstream in;
    bp::ipstream out;
    bp::child process;
  };
  std::vector<std::unique_ptr<Worker>> pool;
  const auto started = trace::Clock::now();
  trace::Scope mapping("main: map", trace::Kind::waiting);  // writes, then waits for answers
  for (std::size_t w = 0; w < size; ++w) {
    auto worker = std::make_unique<Worker>();
    worker->process = bp::child("/proc/self/exe", bp::args({"--double-worker"}),
                                bp::std_in<worker->in, bp::std_out> worker->out);
    pool.push_back(std::move(worker));
  }
  std::vector<std::uint64_t> results(numbers.size());
  // Round-robin: number i goes to worker i % size; each answers in the order it was asked.
  for (std::size_t i = 0; i < numbers.size(); ++i) pool[i % size]->in << numbers[i] << std::endl;
  for (auto& worker : pool) {
    worker->in.pipe().close();
  }
  for (std::size_t i = 0; i < numbers.size(); ++i) {
    long pid = 0;
    std::uint64_t doubled = 0;
    if (!(pool[i % size]->out >> pid >> doubled)) {
      throw std::runtime_error(
          fmt::format("worker {} gave no answer for {}", pool[i % size]->process.id(), numbers[i]));
    }
    fmt::print("double({}) = {} in worker pid {}\n", numbers[i], doubled, pid);
    answered_by.push_back(pid);
    results[i] = doubled;
  }
  for (auto& worker : pool) {
    worker->process.wait();
    draw_process("worker", "worker", worker->process.id(), started);
  }
  return results;
}

int run(int argc, char** argv) {
  demo::Cli cli("asyncrt-processes",
                "This process's pid, uid, gid, working directory and threads; child processes\n"
                "started, joined and terminated; a process pool mapping double over 1..5.");
  cli.add()("workers", demo::po::value<std::string>()->default_value("2"),
            "worker processes in the pool")("child-ms",
                                            demo::po::value<std::string>()->default_value("100"),
                                            "how long the joined children sleep");
  cli.add_hidden()("child", demo::po::value<std::string>(), "run as a sleeping child")(
      "status", demo::po::value<std::string>()->default_value("0"), "the child's exit status")(
      "double-worker", "run as a pool worker");
  if (auto done = cli.parse(argc, argv)) return *done;
  if (cli.has("double-worker")) return double_worker();
  if (cli.has("child")) {
    return child_main(static_cast<int>(cli.count("child", 0, 600'000)),
                      static_cast<int>(cli.count("status", 0, 255)));
  }
  const std::size_t workers = cli.count("workers", 1, 64);
  const auto nap = std::chrono::milliseconds(cli.count("child-ms", 0, 60'000));

  demo::JsonReport report(cli, 1);
  demo::InterruptWatch interrupts;
  demo::Timelines timelines(cli);
  fmt::print("== a process and its threads\n");
  demo::JsonObject process;
  about_this_process(process);
  std::vector<demo::JsonObject> kids;
  std::vector<long> answered_by;
  fmt::print("\n== child processes\n");
  timelines.section();
  interrupts.guard("the child processes", [&] { children(nap, interrupts.token(), kids); });
  timelines.show("child processes: started, joined, terminated");
  fmt::print("\n== a pool of {}: map(double, [1..5])\n", demo::counted(workers, "worker process"));
  timelines.section();
  const auto results = pool_map_double({1, 2, 3, 4, 5}, workers, answered_by);
  fmt::print("result: [{}]\n", fmt::join(results, ", "));
  timelines.show("a pool of worker processes");
  timelines.finish("Processes");
  interrupts.throw_if_interrupted("the processes demo");
  report.object()
      .add("process", process)
      .add("children", kids)
      .add("pool", demo::JsonObject()
                       .add("workers", workers)
                       .add("results", results)
                       .add("answered_by", answered_by));
  report.finish();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return asyncrt::demo::guarded_main("asyncrt-processes", [&] { return run(argc, argv); });
}
