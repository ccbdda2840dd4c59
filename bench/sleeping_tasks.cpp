// Memory and wall time of N tasks that each sleep 1 s, one implementation per process (so
// that the peak resident set is its own):
//
//   ./build/default/bench/sleeping_tasks raw|asyncrt [N]     (N: default 1000000)
//
// raw: co_spawn + steady_timer on an io_context; asyncrt: Runtime::spawn + sleep_for, spawned
// from a task on the loop. Prints one JSON object: bytes per task (peak resident set minus the
// resident set before spawning, divided by N), the wall time from the first spawn until the
// last task has woken up (1 s of it is the sleep itself), and the part of it until the last
// task was asleep (spawning, and each task running up to its wait).

#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <string_view>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <asyncrt/asyncrt.hpp>

namespace asio = boost::asio;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

// A field of /proc/self/status in kB ("VmRSS", "VmHWM").
long status_kb(std::string_view field) {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind(std::string(field) + ":", 0) == 0)
      return std::stol(line.substr(field.size() + 1));
  }
  return -1;
}

// Each runs the N tasks to their end and returns the time the last of them fell asleep.
Clock::time_point run_raw(std::size_t tasks) {
  asio::io_context loop(1);
  std::size_t started = 0;
  std::size_t done = 0;
  Clock::time_point all_asleep;
  auto sleeper = [&]() -> asio::awaitable<void> {
    asio::steady_timer timer(co_await asio::this_coro::executor, 1s);
    if (++started == tasks) all_asleep = Clock::now();
    co_await timer.async_wait(asio::use_awaitable);
    ++done;
  };
  for (std::size_t i = 0; i < tasks; ++i) asio::co_spawn(loop, sleeper(), asio::detached);
  loop.run();
  if (done != tasks) std::fprintf(stderr, "sleeping_tasks: only %zu of %zu woke\n", done, tasks);
  return all_asleep;
}

Clock::time_point run_asyncrt(std::size_t tasks) {
  asyncrt::Runtime runtime;
  Clock::time_point all_asleep;
  runtime.block_on([](asyncrt::Runtime& runtime, std::size_t tasks,
                      Clock::time_point& all_asleep) -> asyncrt::Task<void> {
    for (std::size_t i = 0; i < tasks; ++i) {
      runtime.spawn(asyncrt::sleep_for(1s), "sleeper");  // runs up to its wait at once
    }
    all_asleep = Clock::now();
    while (runtime.completed_tasks() < tasks) co_await asyncrt::sleep_for(1ms);
  }(runtime, tasks, all_asleep));
  return all_asleep;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string_view impl = argc > 1 ? argv[1] : "";
  std::size_t tasks = 1'000'000;
  if (argc > 2) {
    const std::string_view text = argv[2];
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), tasks);
    if (error != std::errc{} || end != text.data() + text.size() || tasks == 0) {
      std::fprintf(stderr, "sleeping_tasks: N must be a positive whole number (got '%s')\n",
                   argv[2]);
      return 2;
    }
  }
  if ((impl != "raw" && impl != "asyncrt") || argc > 3) {
    std::fprintf(stderr, "usage: sleeping_tasks raw|asyncrt [N]\n");
    return 2;
  }
  const long before_kb = status_kb("VmRSS");
  const auto start = Clock::now();
  const Clock::time_point all_asleep = impl == "raw" ? run_raw(tasks) : run_asyncrt(tasks);
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  const long peak_kb = status_kb("VmHWM");
  std::printf(
      "{\"impl\":\"%s\",\"tasks\":%zu,\"bytes_per_task\":%.0f,\"seconds\":%.3f,"
      "\"asleep_seconds\":%.3f}\n",
      std::string(impl).c_str(), tasks,
      static_cast<double>(peak_kb - before_kb) * 1024.0 / static_cast<double>(tasks), seconds,
      std::chrono::duration<double>(all_asleep - start).count());
  return 0;
}
