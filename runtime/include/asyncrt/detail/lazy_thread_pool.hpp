#pragma once
// LazyThreadPool: the Runtime's pool for blocking calls, whose threads start on first use.

#include <atomic>
#include <cstddef>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

namespace asyncrt::detail {

namespace asio = boost::asio;

/// A pool of threads that all run one io_context, started the first time anyone, on any thread,
/// asks for its executor. Most programs never make a blocking call: their Runtime then starts
/// and joins no thread for it (max(4, 2 x cores) by default: that was most of the cost of a
/// Runtime's start and end). Jobs run on the pool's threads; where a waiter resumes is the
/// operation's business (offload_blocking resumes it on its own executor). A job that throws
/// is passed to `on_error` on its thread, which then goes on with the next job (an
/// asio::thread_pool would end the program).
class LazyThreadPool {
 public:
  using ErrorHandler = std::function<void(std::exception_ptr)>;

  LazyThreadPool(std::size_t threads, ErrorHandler on_error) noexcept;
  LazyThreadPool(const LazyThreadPool&) = delete;
  LazyThreadPool& operator=(const LazyThreadPool&) = delete;
  ~LazyThreadPool();  // stop() and join()

  /// Starts the threads the first time (std::system_error if they cannot start).
  asio::io_context::executor_type get_executor();
  /// True for the pool's context once it has started. Any thread may ask.
  bool is(const asio::execution_context& context) const noexcept {
    return &context == started_.load(std::memory_order_acquire);
  }
  /// True on the pool's own threads.
  bool running_in_this_thread() const noexcept { return current_pool == this; }
  /// Every thread finishes its current job and exits; jobs not started are destroyed with the
  /// pool. Nothing to do if the pool never started. Not concurrently with the first
  /// get_executor().
  void stop();
  void join();

 private:
  void start();
  void run_thread();

  const std::size_t thread_count_;
  const ErrorHandler on_error_;
  // Not a std::once_flag: a std::call_once whose function throws hangs the next call in some
  // C++ libraries (libstdc++ under TSan here), and a start that failed must be tried again.
  std::mutex start_mutex_;
  std::optional<asio::io_context> context_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_;
  std::vector<std::thread> threads_;
  std::atomic<const asio::execution_context*> started_{nullptr};

  static thread_local const LazyThreadPool* current_pool;
};

}  // namespace asyncrt::detail
