// The processes mode: worker processes of this same executable, fed over pipes by the loop.
//
// Each worker is `asyncrt-primes --worker`: it reads one number per line on stdin and answers
// "<number> <1|0>" on stdout. The parent runs one coroutine per worker on the event loop; the
// coroutines take the next number from a shared index (they all run on the loop thread, so no
// lock is needed), write it, and wait for the answer without blocking the loop.

#include <fcntl.h>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <stdexcept>

#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <boost/process/args.hpp>
#include <boost/process/async_pipe.hpp>
#include <boost/process/child.hpp>
#include <boost/process/handles.hpp>
#include <boost/process/io.hpp>
#include <fmt/core.h>

#include <asyncrt/asyncrt.hpp>

#include "primes/modes.hpp"
#include "primes/worker.hpp"

namespace asyncrt::primes {
namespace {

namespace bp = boost::process;
using Clock = std::chrono::steady_clock;

struct SharedWork {
  const Job& job;
  std::vector<std::optional<bool>> prime;
  std::vector<long> checked_by;
  std::size_t next = 0;  // the next number to hand out; touched only on the loop thread
};

// The parent's ends of a worker's pipes must not leak into the workers started after it: a
// sibling holding a worker's stdin open would keep that worker from ever seeing end of input.
void close_on_exec(bp::async_pipe& pipe) {
  ::fcntl(pipe.native_source(), F_SETFD, FD_CLOEXEC);
  ::fcntl(pipe.native_sink(), F_SETFD, FD_CLOEXEC);
}

std::string read_line(asio::streambuf& buffer, std::size_t length) {
  std::string line(asio::buffers_begin(buffer.data()), asio::buffers_begin(buffer.data()) + length);
  buffer.consume(length);
  if (!line.empty() && line.back() == '\n') line.pop_back();
  return line;
}

// Feeds one worker process until no number is left, then lets it exit and reaps it.
Task<void> drive_worker(SharedWork& work, const std::filesystem::path& executable) {
  auto& loop = Runtime::current().loop();
  bp::async_pipe to_worker(loop);
  bp::async_pipe from_worker(loop);
  close_on_exec(to_worker);
  close_on_exec(from_worker);
  bp::child worker(executable.string(), "--worker", "--algorithm",
                   std::string(algorithm_name(work.job.algorithm)),
                   bp::std_in<to_worker, bp::std_out> from_worker);
  const long pid = worker.id();
  asio::streambuf replies;

  while (work.next < work.job.numbers.size()) {
    const std::size_t index = work.next++;
    const std::uint64_t n = work.job.numbers[index];
    const std::string request = fmt::format("{}\n", n);
    std::size_t length = 0;
    bool lost = false;
    const auto asked = trace::Clock::now();
    try {
      co_await asio::async_write(to_worker, asio::buffer(request), asio::use_awaitable);
      length = co_await asio::async_read_until(from_worker, replies, '\n', asio::use_awaitable);
    } catch (const boost::system::system_error&) {
      lost = true;
    }
    if (lost) {
      throw std::runtime_error(fmt::format("worker process {} stopped while checking {}", pid, n));
    }
    const std::string reply = read_line(replies, length);
    std::istringstream fields(reply);
    std::uint64_t echoed = 0;
    int verdict = -1;
    if (!(fields >> echoed >> verdict) || echoed != n || (verdict != 0 && verdict != 1)) {
      throw std::runtime_error(
          fmt::format("worker process {} answered '{}' when asked about {}", pid, reply, n));
    }
    work.prime[index] = verdict == 1;
    work.checked_by[index] = pid;
    // The worker computed meanwhile: a span on a lane of its own (it is another process).
    if (trace::enabled()) {
      trace::record({std::to_string(n),
                     trace::Kind::computing,
                     fmt::format("process {}", pid),
                     {},
                     asked,
                     trace::Clock::now()});
    }
  }

  to_worker.close();  // end of input: the worker finishes and exits
  co_await offload_blocking([&worker] { worker.wait(); });
  if (worker.exit_code() != 0) {
    throw std::runtime_error(
        fmt::format("worker process {} exited with status {}", pid, worker.exit_code()));
  }
}

}  // namespace

ModeRun run_processes(const Job& job) {
  ModeRun run{Mode::processes, job.workers};
  const auto executable = std::filesystem::read_symlink("/proc/self/exe");
  const auto start = Clock::now();
  {
    Runtime runtime({.cpu_threads = 1});
    std::stop_callback forward_stop(job.stop, [&runtime] { runtime.request_stop(); });
    SharedWork work{job, std::vector<std::optional<bool>>(job.numbers.size()),
                    std::vector<long>(job.numbers.size())};
    std::vector<Task<void>> drivers;
    for (std::size_t w = 0; w < std::min(job.workers, job.numbers.size()); ++w) {
      drivers.push_back(drive_worker(work, executable));
    }
    runtime.block_on(when_all(std::move(drivers)), "primes in processes");
    for (const auto& prime : work.prime) run.prime.push_back(prime.value());
    run.checked_by = std::move(work.checked_by);
  }
  run.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return run;
}

int serve_as_worker(Algorithm algorithm) {
  std::string line;
  while (std::getline(std::cin, line)) {
    std::uint64_t n = 0;
    std::istringstream fields(line);
    if (!(fields >> n)) {
      fmt::print(stderr, "asyncrt-primes worker: cannot read a number from '{}'\n", line);
      return 2;
    }
    std::cout << n << ' ' << (is_prime(n, algorithm) ? 1 : 0) << '\n' << std::flush;
  }
  return 0;
}

}  // namespace asyncrt::primes
