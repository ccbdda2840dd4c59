// The load generator of the echo benchmark (bench/echo.py), the same for every server: raw
// Asio on one thread (the driver pins it to a core of its own), so that the servers are
// compared and not the clients.
//
//   echo_load PORT N [--seconds 3] [--warmup 1] [--pings M] [--work]
//       N connections to 127.0.0.1:PORT, each sending a 32-byte message and waiting for its
//       echo, again and again; after the warm-up, for the given seconds, it counts messages
//       and times each round trip. --pings adds M connections whose round trips are timed
//       apart; with --work the N send requests with CPU work ('w') and the pings do not ('p').
//       Prints one JSON object: messages per second, p50 and p99 round trip in µs (and the
//       pings' p50 and p99).
//   echo_load PORT N --idle
//       opens N connections, one echo each (so the server holds each one), prints "ready N",
//       and keeps them open, with no traffic, until its stdin closes.

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

namespace asio = boost::asio;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::size_t message_bytes = 32;

struct Options {
  unsigned short port = 0;
  int connections = 0;
  double seconds = 3;
  double warmup = 1;
  int pings = 0;
  bool work = false;
  bool idle = false;
};

struct Timings {
  std::vector<std::int64_t> round_trips_ns;  // those that started inside the measured window
};

// One message and its echo.
asio::awaitable<void> round_trip(tcp::socket& socket, char kind) {
  char message[message_bytes];
  std::memset(message, 'x', sizeof message);
  message[0] = kind;
  co_await asio::async_write(socket, asio::buffer(message), asio::use_awaitable);
  char reply[message_bytes];
  co_await asio::async_read(socket, asio::buffer(reply), asio::use_awaitable);
}

// One connection's traffic: round trips until `end`, timed from `measure_from` on.
asio::awaitable<void> exchange(tcp::socket& socket, char kind, Clock::time_point measure_from,
                               Clock::time_point end, Timings& timings) {
  for (Clock::time_point sent; (sent = Clock::now()) < end;) {
    co_await round_trip(socket, kind);
    if (sent >= measure_from) timings.round_trips_ns.push_back((Clock::now() - sent).count());
  }
}

double percentile_us(std::vector<std::int64_t>& values, double fraction) {
  if (values.empty()) return 0;
  const auto at = values.begin() +
                  static_cast<std::ptrdiff_t>(fraction * static_cast<double>(values.size() - 1));
  std::nth_element(values.begin(), at, values.end());
  return static_cast<double>(*at) / 1e3;
}

[[noreturn]] void fail(const std::string& message) {
  std::fprintf(stderr, "echo_load: %s\n", message.c_str());
  std::exit(1);
}

asio::awaitable<void> connect_all(std::vector<tcp::socket>& sockets, unsigned short port) {
  const tcp::endpoint server(asio::ip::make_address("127.0.0.1"), port);
  for (std::size_t i = 0; i < sockets.size(); ++i) {
    try {
      co_await sockets[i].async_connect(server, asio::use_awaitable);
      sockets[i].set_option(tcp::no_delay(true));
    } catch (const std::exception& e) {
      fail("connection " + std::to_string(i + 1) + " of " + std::to_string(sockets.size()) + ": " +
           e.what());
    }
  }
}

int run_idle(const Options& o) {
  asio::io_context loop(1);
  std::vector<tcp::socket> sockets;
  for (int i = 0; i < o.connections; ++i) sockets.emplace_back(loop);
  asio::co_spawn(
      loop,
      [](std::vector<tcp::socket>& sockets, unsigned short port) -> asio::awaitable<void> {
        co_await connect_all(sockets, port);
        // One echo each: the server has surely taken every connection.
        for (auto& socket : sockets) co_await round_trip(socket, 'p');
      }(sockets, o.port),
      [](std::exception_ptr error) {
        if (error) std::rethrow_exception(error);
      });
  loop.run();
  std::printf("ready %d\n", o.connections);
  std::fflush(stdout);
  std::string ignored;
  while (std::getline(std::cin, ignored)) {
  }
  return 0;
}

int run_load(const Options& o) {
  asio::io_context loop(1);
  std::vector<tcp::socket> sockets;
  for (int i = 0; i < o.connections + o.pings; ++i) sockets.emplace_back(loop);
  Timings load, pings;
  asio::co_spawn(
      loop,
      [](std::vector<tcp::socket>& sockets, const Options& o, Timings& load,
         Timings& pings) -> asio::awaitable<void> {
        co_await connect_all(sockets, o.port);
        const auto measure_from = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                                     std::chrono::duration<double>(o.warmup));
        const auto end = measure_from + std::chrono::duration_cast<Clock::duration>(
                                            std::chrono::duration<double>(o.seconds));
        auto executor = co_await asio::this_coro::executor;
        for (int i = 0; i < o.connections + o.pings; ++i) {
          const bool ping = i >= o.connections;
          asio::co_spawn(executor,
                         exchange(sockets[i], ping || !o.work ? 'p' : 'w', measure_from, end,
                                  ping ? pings : load),
                         [i](std::exception_ptr error) {
                           if (!error) return;
                           try {
                             std::rethrow_exception(error);
                           } catch (const std::exception& e) {
                             fail("connection " + std::to_string(i + 1) + ": " + e.what());
                           }
                         });
        }
      }(sockets, o, load, pings),
      [](std::exception_ptr error) {
        if (error) std::rethrow_exception(error);
      });
  loop.run();
  const double messages = static_cast<double>(load.round_trips_ns.size());
  std::printf(
      "{\"connections\":%d,\"seconds\":%.3f,\"messages\":%.0f,\"messages_per_second\":%.1f,"
      "\"p50_us\":%.2f,\"p99_us\":%.2f,\"pings\":%d,\"ping_p50_us\":%.2f,\"ping_p99_us\":%.2f}\n",
      o.connections, o.seconds, messages, messages / o.seconds,
      percentile_us(load.round_trips_ns, 0.5), percentile_us(load.round_trips_ns, 0.99), o.pings,
      percentile_us(pings.round_trips_ns, 0.5), percentile_us(pings.round_trips_ns, 0.99));
  return 0;
}

int usage() {
  std::fprintf(stderr,
               "usage: echo_load PORT N [--seconds S] [--warmup S] [--pings M] [--work] | "
               "echo_load PORT N --idle\n");
  return 2;
}

bool positive_number(const char* text, double& out) {
  char* end = nullptr;
  out = std::strtod(text, &end);
  return end != text && *end == '\0' && out > 0;
}

}  // namespace

int main(int argc, char** argv) {
  rlimit files{};  // 10,000 connections need more than the usual soft limit of 1024
  if (getrlimit(RLIMIT_NOFILE, &files) == 0) {
    files.rlim_cur = files.rlim_max;
    setrlimit(RLIMIT_NOFILE, &files);
  }
  if (argc < 3) return usage();
  Options o;
  double port = 0, connections = 0;
  if (!positive_number(argv[1], port) || port > 65535 || !positive_number(argv[2], connections))
    return usage();
  o.port = static_cast<unsigned short>(port);
  o.connections = static_cast<int>(connections);
  for (int i = 3; i < argc; ++i) {
    const std::string_view arg = argv[i];
    double value = 0;
    if (arg == "--work") {
      o.work = true;
    } else if (arg == "--idle") {
      o.idle = true;
    } else if (i + 1 < argc && positive_number(argv[i + 1], value)) {
      ++i;
      if (arg == "--seconds") {
        o.seconds = value;
      } else if (arg == "--warmup") {
        o.warmup = value;
      } else if (arg == "--pings") {
        o.pings = static_cast<int>(value);
      } else {
        return usage();
      }
    } else {
      return usage();
    }
  }
  try {
    return o.idle ? run_idle(o) : run_load(o);
  } catch (const std::exception& e) {
    fail(e.what());
  }
}
