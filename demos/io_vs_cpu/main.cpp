// asyncrt-io-vs-cpu: N I/O-bound jobs (a request over loopback TCP to a server that answers
// after a delay) and N CPU-bound jobs (computing), each run three ways: synchronously one
// after another, concurrently as tasks on the one-thread event loop, and offloaded to pools.
// I/O-bound work scales with concurrency on one thread; CPU-bound work only with cores.

#include <cerrno>
#include <cmath>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <thread>

#include <sys/socket.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
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
using asio::ip::tcp;
using std::chrono::milliseconds;

namespace {

// The remote service: echoes each line after `delay`, on its own Runtime's loop.
class SlowEchoServer {
 public:
  SlowEchoServer(milliseconds delay) : runtime_(options()), acceptor_(runtime_.loop()) {
    const tcp::endpoint any(asio::ip::make_address("127.0.0.1"), 0);
    acceptor_.open(any.protocol());
    acceptor_.bind(any);
    acceptor_.listen();
    port_ = acceptor_.local_endpoint().port();
    // Its loop's lane is "server", apart from the client's "loop".
    asio::post(runtime_.loop(), [] { trace::name_this_thread("server"); });
    runtime_.spawn(accept(delay), "echo-server");
  }
  ~SlowEchoServer() { runtime_.shutdown(); }
  unsigned short port() const noexcept { return port_; }

 private:
  static RuntimeOptions options() {
    RuntimeOptions o;
    o.cpu_threads = 1;
    o.blocking_threads = 1;
    return o;
  }
  // A task group: its body accepts, its children serve the connections, so no connection
  // outlives the server (shutdown cancels the server, and the group every connection). Out of
  // file descriptors, the next connection waits in the listen queue until a served one closes.
  Task<void> accept(milliseconds delay) {
    co_await task_group([&](TaskGroup& connections) -> Task<void> {
      for (;;) {
        boost::system::error_code error;
        auto socket =
            co_await acceptor_.async_accept(asio::redirect_error(asio::use_awaitable, error));
        if (error == asio::error::no_descriptors || error.value() == ENFILE) {
          co_await sleep_for(milliseconds(10));
          continue;
        }
        if (error) throw boost::system::system_error(error);
        connections.spawn(serve(std::move(socket), delay), "echo-connection");
      }
    });
  }
  static Task<void> serve(tcp::socket socket, milliseconds delay) {
    asio::streambuf buffer;
    try {
      for (;;) {
        const auto n = co_await asio::async_read_until(socket, buffer, '\n', asio::use_awaitable);
        std::string line(asio::buffers_begin(buffer.data()),
                         asio::buffers_begin(buffer.data()) + n);
        buffer.consume(n);
        co_await sleep_for(delay);  // the service takes its time
        co_await asio::async_write(socket, asio::buffer(line), asio::use_awaitable);
      }
    } catch (const boost::system::system_error&) {  // the client hung up
    }
  }
  Runtime runtime_;
  tcp::acceptor acceptor_;
  unsigned short port_ = 0;
};

// Called in a catch block: the error a request met, with the step it was at ("connect to the
// echo server"). A cancellation goes on as it is.
[[noreturn]] void request_failed(std::string_view step) {
  try {
    throw;
  } catch (const boost::system::system_error& e) {
    if (e.code() == asio::error::operation_aborted) throw;
    throw std::runtime_error(fmt::format("a request could not {}: {}", step, demo::describe(e)));
  }
}

// One I/O-bound job, blocking: connect, send a line, wait for the echo; the calling thread
// sleeps meanwhile (drawn as a wait on its lane). A stop request shuts the socket down, which
// ends the blocking read (with an error).
void request_blocking(const std::string& name, unsigned short port, std::stop_token stop) {
  trace::Scope waiting(name, trace::Kind::waiting);
  std::optional<asio::io_context> io;  // a blocking socket still belongs to an io_context
  std::optional<tcp::socket> made;
  try {
    io.emplace(1);
    made.emplace(*io);  // the io_context's reactor (descriptors of its own) starts here
  } catch (...) {
    request_failed("make its socket");
  }
  tcp::socket& socket = *made;
  try {
    socket.connect({asio::ip::make_address("127.0.0.1"), port});
  } catch (...) {
    request_failed("connect to the echo server");
  }
  std::stop_callback hang_up(stop, [&] { ::shutdown(socket.native_handle(), SHUT_RDWR); });
  try {
    asio::write(socket, asio::buffer(std::string("ping\n")));
    asio::streambuf reply;
    asio::read_until(socket, reply, '\n');
  } catch (...) {
    request_failed("get its echo");
  }
}

// The same job as a coroutine: the loop is free while it waits (drawn on the task's lane).
Task<void> request_async(unsigned short port) {
  trace::Suspension waiting;
  tcp::socket socket(co_await asio::this_coro::executor);
  try {
    co_await socket.async_connect({asio::ip::make_address("127.0.0.1"), port}, asio::use_awaitable);
  } catch (...) {
    request_failed("connect to the echo server");
  }
  try {
    co_await asio::async_write(socket, asio::buffer(std::string("ping\n")), asio::use_awaitable);
    asio::streambuf reply;
    co_await asio::async_read_until(socket, reply, '\n', asio::use_awaitable);
  } catch (...) {
    request_failed("get its echo");
  }
}

struct Settings {
  std::size_t jobs = 4;
  milliseconds io{100};
  milliseconds cpu{100};
  std::size_t cores = 2;
};

template <typename Body>
double timed(Body body) {
  const auto start = std::chrono::steady_clock::now();
  body();
  return demo::ms_since(start);
}

// Runs `jobs` tasks named "<kind>-<i>" on `runtime` and waits for all.
template <typename MakeTask>
void all_on_the_loop(Runtime& runtime, std::size_t jobs, std::string_view kind, MakeTask make) {
  auto all = [&]() -> Task<void> {
    std::vector<Task<void>> tasks;
    for (std::size_t i = 1; i <= jobs; ++i) {
      tasks.push_back(named(fmt::format("{}-{}", kind, i), make()));
    }
    co_await when_all(std::move(tasks));
  };
  runtime.block_on(all(), "main");
}

int run(int argc, char** argv) {
  demo::Cli cli("asyncrt-io-vs-cpu",
                "N I/O-bound jobs (a loopback TCP request answered after a delay) and N CPU-bound\n"
                "jobs, each run synchronously, as tasks on the event loop, and offloaded to\n"
                "pools; measured next to the model (sum, max, rounds of jobs on the CPU pool).");
  cli.add()("jobs", demo::po::value<std::string>()->default_value("4"), "jobs of each kind")(
      "io-ms", demo::po::value<std::string>()->default_value("100"),
      "how long the server takes to answer")(
      "cpu-ms", demo::po::value<std::string>()->default_value("100"), "computing per CPU job");
  if (auto done = cli.parse(argc, argv)) return *done;
  Settings s;
  s.jobs = cli.count("jobs", 1, 1'000);
  s.io = milliseconds(cli.count("io-ms", 1, 60'000));
  s.cpu = milliseconds(cli.count("cpu-ms", 1, 60'000));
  s.cores = usable_cores();  // the affinity mask (one under `taskset -c 0`)

  demo::JsonReport report(cli, 1);
  demo::InterruptWatch interrupts;
  demo::work_rounds_per_second();  // sizes the computing now, not in the first timed run
  demo::Timelines timelines(cli);
  SlowEchoServer server(s.io);
  RuntimeOptions options;
  options.blocking_threads = s.jobs;  // one blocking thread per request: they all overlap
  options.detect_stalls = false;      // CPU work on the loop is the point of one row
  options.stop_token = interrupts.token();
  Runtime runtime(options);
  const double n = static_cast<double>(s.jobs);
  const double cpu_rounds = std::ceil(n / static_cast<double>(runtime.cpu_threads()));

  struct Row {
    std::string kind, way;
    double measured, model;
    std::string why;
  };
  std::vector<Row> rows;
  const auto io = static_cast<double>(s.io.count());
  const auto cpu = static_cast<double>(s.cpu.count());
  auto row = [&](std::string kind, std::string way, double model, std::string why, auto body) {
    timelines.section();
    const double measured = interrupts.guard(kind + " " + way, [&] { return timed(body); });
    rows.push_back({kind, way, measured, model, std::move(why)});
    timelines.show(fmt::format("{}, {}", rows.back().kind, rows.back().way));
  };

  row("I/O-bound", "sync", n * io, "sum: one wait after another", [&] {
    for (std::size_t i = 1; i <= s.jobs; ++i) {
      request_blocking(fmt::format("request-{}", i), server.port(), interrupts.token());
    }
  });
  row("I/O-bound", "event loop", io, "max: the waits overlap on one thread", [&] {
    all_on_the_loop(runtime, s.jobs, "request", [&] { return request_async(server.port()); });
  });
  row("I/O-bound", "blocking pool", io, "max: one blocking thread per request", [&] {
    all_on_the_loop(runtime, s.jobs, "request", [&]() -> Task<void> {
      // (The call is named before the co_await: g++ 12 frees a string captured by a lambda
      // built inside the co_await expression twice.)
      auto call = [&, name = std::string(trace::current_task())] {
        request_blocking(name, server.port(), interrupts.token());
      };
      co_await offload_blocking(std::move(call));
    });
  });
  row("CPU-bound", "sync", n * cpu, "sum: one job after another", [&] {
    for (std::size_t i = 1; i <= s.jobs; ++i) {
      trace::Scope computing(fmt::format("compute-{}", i));
      demo::burn_cpu(s.cpu, interrupts.token());
    }
  });
  row("CPU-bound", "event loop", n * cpu, "sum: one thread computes them in turn", [&] {
    all_on_the_loop(runtime, s.jobs, "compute", [&]() -> Task<void> {
      demo::burn_cpu(s.cpu, interrupts.token());
      co_return;
    });
  });
  // The pool runs its threads' worth of jobs at a time: rounds of them, each as long as one job.
  const auto rounds = static_cast<std::size_t>(cpu_rounds);
  const std::string pool_model =
      rounds == 1 ? fmt::format("max: {} at once on {}", demo::counted(s.jobs, "job"),
                                demo::counted(runtime.cpu_threads(), "thread"))
                  : fmt::format("{}, {} at a time (one per thread)", demo::counted(rounds, "round"),
                                demo::counted(runtime.cpu_threads(), "job"));
  row("CPU-bound", "CPU pool", cpu_rounds * cpu, pool_model, [&] {
    all_on_the_loop(runtime, s.jobs, "compute", [&]() -> Task<void> {
      co_await offload([&](std::stop_token stop) { demo::burn_cpu(s.cpu, stop); });
    });
  });

  fmt::print(
      "\n{} jobs of each kind; I/O job: a TCP request answered after {} ms; CPU job: {} ms "
      "of computing; {}\n\n",
      s.jobs, s.io.count(), s.cpu.count(), demo::counted(s.cores, "core"));
  fmt::print("{:<10} {:<14} {:>10} {:>8}  {}\n", "work", "run", "measured", "model", "model says");
  for (const auto& r : rows) {
    fmt::print("{:<10} {:<14} {:>7.0f} ms {:>5.0f} ms  {}\n", r.kind, r.way, r.measured, r.model,
               r.why);
  }
  // What the model leaves out: each job's own cost (a connection, a task, a hand-off to a
  // thread), seen as the I/O event-loop row's time beyond its model.
  const double overhead = std::max(0.0, rows[1].measured - rows[1].model) / n;
  fmt::print(
      "\nThe model counts only the waits and the computing, not each job's own cost (a TCP\n"
      "connection, a task, a hand-off to a thread): on the event loop that came to {:.2f} ms a "
      "job.\n",
      overhead);
  fmt::print(
      "\nI/O-bound work got faster with concurrency on one thread; CPU-bound work only\n"
      "with more threads on more cores.\n");
  std::vector<demo::JsonObject> json_rows;
  for (const auto& r : rows) {
    json_rows.push_back(demo::JsonObject()
                            .add("work", r.kind)
                            .add("run", r.way)
                            .add("measured_ms", r.measured)
                            .add("model_ms", r.model)
                            .add("model_says", r.why));
  }
  report.object()
      .add("jobs", s.jobs)
      .add("io_ms", s.io.count())
      .add("cpu_ms", s.cpu.count())
      .add("cores", s.cores)
      .add("rows", json_rows)
      .add("overhead_ms_per_job", overhead);
  timelines.finish("I/O-bound vs CPU-bound");
  report.finish();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return asyncrt::demo::guarded_main("asyncrt-io-vs-cpu", [&] { return run(argc, argv); });
}
