// The processes mode: worker processes of this same executable, fed over pipes by the loop.
//
// Each worker is `asyncrt-primes --worker`: it reads one number per line on stdin and answers
// "<number> <1|0>" on stdout. The parent runs one coroutine per worker on the event loop; the
// coroutines take the next number from a shared index (they all run on the loop thread, so no
// lock is needed), write it, and wait for the answer without blocking the loop. A worker is
// never trusted: one that dies (a crash, kill -9), answers anything but "<n> <1|0>" on one
// short line, floods its pipe or does not answer in time (SIGSTOP) is killed if need be,
// reaped and reported with its pid and the number it had; that number is checked once more on
// a new worker.

#include <fcntl.h>
#include <sys/wait.h>

#include <array>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <system_error>

#include <boost/asio/read_until.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <boost/process/args.hpp>
#include <boost/process/async_pipe.hpp>
#include <boost/process/child.hpp>
#include <boost/process/handles.hpp>
#include <boost/process/io.hpp>
#include <fmt/core.h>

#include <asyncrt/asyncrt.hpp>

#include "common/cli.hpp"
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
  std::vector<int> lost_workers;  // per number: workers that died while checking it
  std::size_t next = 0;           // the next number to hand out; touched only on the loop thread

  std::optional<std::size_t> take() {
    if (next == job.numbers.size()) return std::nullopt;
    return next++;
  }
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

// "exited with status 3", "was killed by signal 9 (SIGKILL)".
std::string describe_exit(int native_status) {
  if (WIFSIGNALED(native_status)) {
    const int signal = WTERMSIG(native_status);
    const char* name = sigabbrev_np(signal);
    return name ? fmt::format("was killed by signal {} (SIG{})", signal, name)
                : fmt::format("was killed by signal {}", signal);
  }
  return fmt::format("exited with status {}", WEXITSTATUS(native_status));
}

// What a worker said about one number: its verdict, or none; then `fault` says what it did
// wrong (empty when it died: its pipes broke).
struct Answer {
  std::optional<bool> prime;
  std::string fault;
};

class WorkerProcess;

// Workers still running when their driver ends early (the run failed or was cancelled): each
// is killed at once by ~WorkerProcess and reaped here, on the thread that ran the mode once the
// loop has stopped. (Reaped on the loop, forty dying processes of a big sanitized binary held
// it for over half a second.)
class Orphans {
 public:
  Orphans() = default;
  Orphans(const Orphans&) = delete;
  Orphans& operator=(const Orphans&) = delete;
  ~Orphans() {
    for (const long pid : pids_) ::waitpid(static_cast<pid_t>(pid), nullptr, 0);
  }
  void adopt(long pid) { pids_.push_back(pid); }  // on the loop thread

 private:
  std::vector<long> pids_;
};

// One worker process and the parent's ends of its pipes. Runs on the loop thread. Destroyed
// while its worker runs (its task was cancelled, or a sibling failed), it kills the worker and
// leaves the reaping to `orphans`.
class WorkerProcess {
 public:
  explicit WorkerProcess(Orphans& orphans)
      : orphans_(orphans),
        to_worker_(Runtime::current().loop()),
        from_worker_(Runtime::current().loop()) {
    close_on_exec(to_worker_);
    close_on_exec(from_worker_);
  }
  WorkerProcess(const WorkerProcess&) = delete;
  WorkerProcess& operator=(const WorkerProcess&) = delete;
  ~WorkerProcess() {
    std::error_code error;
    if (child_.valid() && child_.running(error)) {  // (running() reaps one that has exited)
      ::kill(static_cast<pid_t>(child_.id()), SIGKILL);
      child_.detach();
      orphans_.adopt(child_.id());
    }
  }

  /// Starts the worker. Starting a process (fork, exec) blocks its caller for a while (100 ms
  /// for a big sanitized binary), so it runs on the blocking pool, not on the loop.
  Task<void> start(const std::filesystem::path& executable, Algorithm algorithm) {
    co_await offload_blocking([&] {
      child_ = bp::child(executable.string(), "--worker", "--algorithm",
                         std::string(algorithm_name(algorithm)),
                         bp::std_in<to_worker_, bp::std_out> from_worker_);
    });
  }

  long pid() const { return child_.id(); }

  /// Asks the worker about `n`: its verdict, or why it has none. A worker that answered wrongly
  /// or not in time is killed here (finish() reaps it).
  Task<Answer> check(std::uint64_t n, std::chrono::milliseconds timeout) {
    std::size_t length = 0;
    try {
      length = co_await with_timeout(ask(n), timeout, "the worker's answer");
    } catch (const TimeoutError&) {
      co_return kill(fmt::format("did not answer within {} ms", timeout.count()));
    } catch (const boost::system::system_error& e) {
      if (e.code() == asio::error::operation_aborted) throw;  // cancelled: not the worker's fault
      if (e.code() == asio::error::not_found) {
        co_return kill(fmt::format("sent {} bytes without ending its answer", max_reply));
      }
      co_return Answer{};  // its pipes broke: it died
    }
    const std::string reply = read_line(replies_, length);
    std::istringstream fields(reply);
    std::uint64_t echoed = 0;
    int verdict = -1;
    std::string rest;
    if (!(fields >> echoed >> verdict) || echoed != n || (verdict != 0 && verdict != 1) ||
        (fields >> rest)) {
      co_return kill(fmt::format("answered '{}'", demo::one_line(reply)));
    }
    co_return Answer{verdict == 1, {}};
  }

  /// Closes the worker's input (a live worker then finishes and exits), reaps it (so no zombie
  /// is left) and says how it ended; empty when it exited with status 0. One that has not
  /// closed its output within `timeout` of the end of its input (stopped, hung) is killed.
  Task<std::string> finish(std::chrono::milliseconds timeout) {
    to_worker_.close();
    std::string hung;
    try {
      co_await with_timeout(until_output_closed(), timeout, "the worker's exit");
    } catch (const TimeoutError&) {
      hung = kill(fmt::format("did not exit within {} ms of the end of its input (killed)",
                              timeout.count()))
                 .fault;
    }
    co_await offload_blocking([this] { child_.wait(); });
    if (!hung.empty()) co_return hung;
    const int status = child_.native_exit_code();
    co_return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? std::string() : describe_exit(status);
  }

 private:
  // The longest answer taken: "18446744073709551615 1" is 22 bytes. A worker that sends more
  // without a line end is flooding, and the parent's buffer stays this size.
  static constexpr std::size_t max_reply = 64;

  Task<std::size_t> ask(std::uint64_t n) {
    const std::string request = fmt::format("{}\n", n);
    co_await asio::async_write(to_worker_, asio::buffer(request), asio::use_awaitable);
    co_return co_await asio::async_read_until(from_worker_, replies_, '\n', asio::use_awaitable);
  }

  // Reads, and drops, whatever the worker still writes until it closes its output (it exited).
  Task<void> until_output_closed() {
    std::array<char, max_reply> ignored;
    for (;;) {
      boost::system::error_code error;
      co_await from_worker_.async_read_some(asio::buffer(ignored),
                                            asio::redirect_error(asio::use_awaitable, error));
      if (error == asio::error::operation_aborted) throw boost::system::system_error(error);
      if (error) co_return;  // end of file, or a broken pipe: it is gone
    }
  }

  Answer kill(std::string fault) {
    ::kill(static_cast<pid_t>(child_.id()), SIGKILL);  // stops a stopped process too
    return {std::nullopt, std::move(fault)};
  }

  Orphans& orphans_;
  bp::async_pipe to_worker_;
  bp::async_pipe from_worker_;
  bp::child child_;
  asio::streambuf replies_{max_reply};
};

// Feeds worker processes until no number is left. A worker lost on a number (it died, or
// misbehaved and was killed) is reaped and reported with its pid and the number it was
// checking; that number is checked once more on a new worker, and a second worker lost on the
// same number ends the run with an error.
Task<void> drive_worker(SharedWork& work, const std::filesystem::path& executable,
                        Orphans& orphans) {
  std::optional<std::size_t> retry;
  for (;;) {
    std::optional<WorkerProcess> made;
    try {
      made.emplace(orphans);  // its pipes: out of descriptors, this is where it shows
      co_await made->start(executable, work.job.algorithm);
    } catch (const std::system_error& e) {  // pipe(2), fork(2) or exec failed
      throw std::runtime_error("cannot start a worker process: " + demo::describe(e));
    }
    WorkerProcess& worker = *made;
    std::optional<std::size_t> index;
    std::string fault;
    while ((index = retry ? std::exchange(retry, std::nullopt) : work.take())) {
      const std::uint64_t n = work.job.numbers[*index];
      const auto asked = trace::Clock::now();
      auto answer = co_await worker.check(n, work.job.worker_timeout);
      if (!answer.prime) {  // the worker died or was killed while checking n
        fault = std::move(answer.fault);
        break;
      }
      work.prime[*index] = *answer.prime;
      work.checked_by[*index] = worker.pid();
      count_done(work.job);
      // The worker computed meanwhile: a span on a lane of its own (it is another process).
      if (trace::enabled()) {
        trace::record({std::to_string(n),
                       trace::Kind::computing,
                       fmt::format("process {}", worker.pid()),
                       {},
                       asked,
                       trace::Clock::now()});
      }
    }
    const std::string ending = co_await worker.finish(work.job.worker_timeout);
    if (!index) {  // no number left: the worker was told to exit
      if (!ending.empty()) {
        throw std::runtime_error(fmt::format("worker process {} {}", worker.pid(), ending));
      }
      co_return;
    }
    const std::uint64_t n = work.job.numbers[*index];
    const std::string lost = !fault.empty() ? fault : ending.empty() ? "closed its pipes" : ending;
    const char* killed = fault.empty() ? "" : " (killed)";
    if (++work.lost_workers[*index] > 1) {
      throw std::runtime_error(fmt::format(
          "worker process {} {} while checking {}{}, the second worker lost on that number",
          worker.pid(), lost, n, killed));
    }
    fmt::print(stderr,
               "asyncrt-primes: worker process {} {} while checking {}{}; checking {} again "
               "on a new worker\n",
               worker.pid(), lost, n, killed, n);
    retry = index;
  }
}

}  // namespace

ModeRun run_processes(const Job& job) {
  ModeRun run{Mode::processes, workers_for(job, job.numbers.size())};
  const auto executable = std::filesystem::read_symlink("/proc/self/exe");
  const auto start = Clock::now();
  {
    Orphans orphans;  // outlives the Runtime, whose tasks may leave it workers to reap
    Runtime runtime({.cpu_threads = 1, .stop_token = job.stop});
    SharedWork work{job, std::vector<std::optional<bool>>(job.numbers.size()),
                    std::vector<long>(job.numbers.size()), std::vector<int>(job.numbers.size())};
    std::vector<Task<void>> drivers;
    for (std::size_t w = 0; w < run.workers; ++w) {
      drivers.push_back(drive_worker(work, executable, orphans));
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
