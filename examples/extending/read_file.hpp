#pragma once
// async_read_file: read a whole file without blocking the event loop.

#include <asyncrt/runtime.hpp>
#include <asyncrt/trace.hpp>

#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/error_code.hpp>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <utility>

namespace extending {

namespace asio = boost::asio;
using boost::system::error_code;

// Step 1: the work itself, a plain blocking function. It reads in chunks so that it can
// notice a cancellation between two of them.
inline error_code read_in_chunks(const std::filesystem::path& path, std::string& content,
                                 const std::atomic<bool>& cancelled) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return make_error_code(boost::system::errc::no_such_file_or_directory);
  char chunk[64 * 1024];
  while (file.read(chunk, sizeof chunk) || file.gcount() > 0) {
    if (cancelled) return asio::error::operation_aborted;
    content.append(chunk, static_cast<std::size_t>(file.gcount()));
  }
  if (file.bad()) return make_error_code(boost::system::errc::io_error);
  return {};
}

// Step 2: the initiation. async_initiate calls it with the completion handler that the
// caller's token (use_awaitable, a callback, use_future, ...) turned into.
struct ReadFileInitiation {
  template <typename Handler>
  void operator()(Handler handler, asyncrt::BlockingExecutor pool,
                  std::filesystem::path path) const {
    // Where the caller wants to be resumed: its own executor (the loop, for a task). The
    // work guard keeps that executor from running out of work while we are away.
    auto home = asio::prefer(asio::get_associated_executor(handler, pool),
                             asio::execution::outstanding_work.tracked);

    // Cancellation: the caller's slot raises a flag that the reader checks between chunks.
    auto cancelled = std::make_shared<std::atomic<bool>>(false);
    if (auto slot = asio::get_associated_cancellation_slot(handler); slot.is_connected()) {
      slot.assign([cancelled](asio::cancellation_type) { *cancelled = true; });
    }

    // The blocking read runs on the blocking pool, never on the loop.
    asio::post(pool, [handler = std::move(handler), home = std::move(home), path = std::move(path),
                      cancelled]() mutable {
      std::string content;
      error_code error;
      {
        // Timelines: the read, as a span on this blocking-pool thread (free when not tracing).
        asyncrt::trace::name_this_thread_once("blocking");
        asyncrt::trace::Scope reading("read " + path.filename().string(),
                                      asyncrt::trace::Kind::waiting);
        error = read_in_chunks(path, content, *cancelled);
      }
      // Step 3: complete on the caller's executor, exactly once.
      asio::dispatch(home,
                     [handler = std::move(handler), error, content = std::move(content)]() mutable {
                       asio::get_associated_cancellation_slot(handler).clear();
                       std::move(handler)(error, std::move(content));
                     });
    });
  }
};

// Step 4: the public function. The completion signature void(error_code, std::string) says
// what the caller gets: `co_await` returns the string and throws on an error; as_tuple gives
// both; a callback receives both.
template <typename Token = asio::use_awaitable_t<>>
auto async_read_file(asyncrt::BlockingExecutor pool, std::filesystem::path path,
                     Token&& token = {}) {
  return asio::async_initiate<Token, void(error_code, std::string)>(ReadFileInitiation{}, token,
                                                                    pool, std::move(path));
}

}  // namespace extending
