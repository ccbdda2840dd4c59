// The C++ servers of the echo benchmark (bench/echo.py), one shape each: a connection is one
// task, one coroutine or one thread that reads what arrives and writes it back.
//
//   echo_server asyncrt [--work none|loop|offload]   a task per connection on a Runtime's loop
//   echo_server asio                                  co_spawn per connection on an io_context
//   echo_server threads                               a thread per connection, blocking calls
//
// Each listens on 127.0.0.1, an ephemeral port, prints "port N" and serves until killed.
// --work (asyncrt only) reads whole messages of 32 bytes: one that starts with 'w' is a
// request with CPU work (the lesson's prime check of a 12-digit prime, about half a
// millisecond on a 2-core VM) done on the loop or offloaded to the CPU pool before the echo;
// any other is a ping, echoed at once. The load generator is bench/echo/echo_load.cpp.

#include <sys/resource.h>

#include <cstdio>
#include <cstring>
#include <exception>
#include <string_view>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <asyncrt/asyncrt.hpp>

#include "primes/primality.hpp"

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

constexpr std::size_t message_bytes = 32;              // echo_load's messages
constexpr std::uint64_t work_prime = 299'999'999'989;  // 270k odd divisors to try

// One connection, the same coroutine under asyncrt and raw Asio: read what has arrived, write
// it back, until the peer closes.
asio::awaitable<void> echo(tcp::socket socket) {
  char data[1024];
  try {
    for (;;) {
      const std::size_t n =
          co_await socket.async_read_some(asio::buffer(data), asio::use_awaitable);
      co_await asio::async_write(socket, asio::buffer(data, n), asio::use_awaitable);
    }
  } catch (const boost::system::system_error&) {  // the peer closed: the connection is done
  }
}

enum class Work { none, loop, offload };

// With work: whole messages; a 'w' is checked for primality first, on the loop or offloaded.
asyncrt::Task<void> echo_with_work(tcp::socket socket, Work work) {
  char data[message_bytes];
  try {
    for (;;) {
      co_await asio::async_read(socket, asio::buffer(data), asio::use_awaitable);
      if (data[0] == 'w') {
        bool prime = false;
        if (work == Work::offload) {
          prime =
              co_await asyncrt::offload([] { return asyncrt::primes::is_prime_trial(work_prime); });
        } else {
          prime = asyncrt::primes::is_prime_trial(work_prime);  // the loop waits meanwhile
        }
        data[1] = prime ? 'y' : 'n';
      }
      co_await asio::async_write(socket, asio::buffer(data), asio::use_awaitable);
    }
  } catch (const boost::system::system_error&) {
  }
}

tcp::acceptor listen_on_loopback(asio::io_context& loop) {
  tcp::acceptor acceptor(loop, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  acceptor.listen(asio::socket_base::max_listen_connections);
  std::printf("port %u\n", static_cast<unsigned>(acceptor.local_endpoint().port()));
  std::fflush(stdout);
  return acceptor;
}

int serve_asyncrt(Work work) {
  asyncrt::Runtime runtime;
  tcp::acceptor acceptor = listen_on_loopback(runtime.loop());
  runtime.block_on(
      [](asyncrt::Runtime& runtime, tcp::acceptor& acceptor, Work work) -> asyncrt::Task<void> {
        for (;;) {
          tcp::socket socket = co_await acceptor.async_accept(asio::use_awaitable);
          if (work == Work::none) {
            runtime.spawn(echo(std::move(socket)), "connection");
          } else {
            runtime.spawn(echo_with_work(std::move(socket), work), "connection");
          }
        }
      }(runtime, acceptor, work));
  return 0;
}

int serve_asio() {
  asio::io_context loop(1);
  tcp::acceptor acceptor = listen_on_loopback(loop);
  asio::co_spawn(
      loop,
      [](tcp::acceptor& acceptor) -> asio::awaitable<void> {
        for (;;) {
          tcp::socket socket = co_await acceptor.async_accept(asio::use_awaitable);
          asio::co_spawn(acceptor.get_executor(), echo(std::move(socket)), asio::detached);
        }
      }(acceptor),
      asio::detached);
  loop.run();
  return 0;
}

// The synchronous way: each connection a thread of its own, blocked in read or write.
int serve_threads() {
  asio::io_context context;  // for the sockets only: nothing runs it
  tcp::acceptor acceptor = listen_on_loopback(context);
  for (;;) {
    tcp::socket socket = acceptor.accept();
    std::thread([socket = std::move(socket)]() mutable {
      char data[1024];
      boost::system::error_code error;
      for (;;) {
        const std::size_t n = socket.read_some(asio::buffer(data), error);
        if (error) return;
        asio::write(socket, asio::buffer(data, n), error);
        if (error) return;
      }
    }).detach();
  }
}

int usage() {
  std::fprintf(stderr, "usage: echo_server asyncrt [--work none|loop|offload] | asio | threads\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  // 10,000 connections need more descriptors than the usual soft limit of 1024.
  rlimit files{};
  if (getrlimit(RLIMIT_NOFILE, &files) == 0) {
    files.rlim_cur = files.rlim_max;
    setrlimit(RLIMIT_NOFILE, &files);
  }
  const std::string_view impl = argc > 1 ? argv[1] : "";
  Work work = Work::none;
  if (impl == "asyncrt" && argc == 4 && std::strcmp(argv[2], "--work") == 0) {
    const std::string_view name = argv[3];
    if (name == "loop") {
      work = Work::loop;
    } else if (name == "offload") {
      work = Work::offload;
    } else if (name != "none") {
      return usage();
    }
  } else if (argc != 2) {
    return usage();
  }
  try {
    if (impl == "asyncrt") return serve_asyncrt(work);
    if (impl == "asio") return serve_asio();
    if (impl == "threads") return serve_threads();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "echo_server: %s\n", e.what());
    return 1;
  }
  return usage();
}
