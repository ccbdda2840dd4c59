#pragma once
// LazyThreadPool: the Runtime's pool for blocking calls, whose threads start on first use.

#include <atomic>
#include <cstddef>
#include <mutex>
#include <optional>

#include <boost/asio/thread_pool.hpp>

namespace asyncrt::detail {

namespace asio = boost::asio;

/// An asio::thread_pool that starts its threads the first time anyone, on any thread, asks for
/// its executor. Most programs never make a blocking call: their Runtime then starts and joins
/// no thread for it (max(4, 2 x cores) by default: that was most of the cost of a Runtime's
/// start and end). Jobs run on the pool's threads; where a waiter resumes is the
/// operation's business (offload_blocking resumes it on its own executor).
class LazyThreadPool {
 public:
  explicit LazyThreadPool(std::size_t threads) noexcept : threads_(threads) {}
  LazyThreadPool(const LazyThreadPool&) = delete;
  LazyThreadPool& operator=(const LazyThreadPool&) = delete;

  /// Starts the threads the first time (std::system_error if they cannot start).
  asio::thread_pool::executor_type get_executor();
  /// True for the pool's context once it has started. Any thread may ask.
  bool is(const asio::execution_context& context) const noexcept {
    return &context == started_.load(std::memory_order_acquire);
  }
  /// As asio::thread_pool's; nothing to do if the pool never started. Not concurrently with
  /// the first get_executor().
  void stop();
  void join();

 private:
  const std::size_t threads_;
  std::once_flag start_;
  std::optional<asio::thread_pool> pool_;
  std::atomic<const asio::execution_context*> started_{nullptr};
};

}  // namespace asyncrt::detail
