#pragma once
// ThreadPoolExecutor: the shape of Python's concurrent.futures on a thread pool.

#include <atomic>
#include <future>
#include <memory>
#include <stdexcept>
#include <type_traits>
#include <vector>

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>

namespace asyncrt::pools {

/// Thrown by a future whose job was cancelled by shutdown(cancel_futures = true).
class CancelledError : public std::runtime_error {
 public:
  CancelledError() : std::runtime_error("cancelled before it started") {}
};

/// submit() queues a call and returns a std::future for its result; map() submits one call per
/// item and returns the results in the items' order; shutdown() stops taking work and waits
/// for the pool, optionally cancelling what has not started. Jobs run on the pool's threads;
/// futures are read on any thread. The destructor is shutdown(wait = true), like Python's
/// `with` block.
class ThreadPoolExecutor {
 public:
  explicit ThreadPoolExecutor(std::size_t workers) : pool_(workers) {}
  ~ThreadPoolExecutor() { shutdown(); }
  ThreadPoolExecutor(const ThreadPoolExecutor&) = delete;
  ThreadPoolExecutor& operator=(const ThreadPoolExecutor&) = delete;

  template <typename Fn>
  auto submit(Fn fn) -> std::future<std::invoke_result_t<Fn&>> {
    using R = std::invoke_result_t<Fn&>;
    if (shut_down_) throw std::logic_error("submit after shutdown");
    auto promise = std::make_shared<std::promise<R>>();
    auto future = promise->get_future();
    boost::asio::post(pool_, [this, promise, fn = std::move(fn)]() mutable {
      if (cancel_pending_) {
        promise->set_exception(std::make_exception_ptr(CancelledError()));
        return;
      }
      try {
        if constexpr (std::is_void_v<R>) {
          fn();
          promise->set_value();
        } else {
          promise->set_value(fn());
        }
      } catch (...) {
        promise->set_exception(std::current_exception());
      }
    });
    return future;
  }

  template <typename Fn, typename Item>
  auto map(Fn fn, const std::vector<Item>& items) {
    using R = std::invoke_result_t<Fn&, const Item&>;
    std::vector<std::future<R>> futures;
    for (const auto& item : items) futures.push_back(submit([fn, item] { return fn(item); }));
    std::vector<R> results;
    for (auto& f : futures) results.push_back(f.get());  // in order, whoever finished first
    return results;
  }

  /// No more submits. cancel_futures: jobs that have not started fail with CancelledError.
  /// wait: block until every started job is done.
  void shutdown(bool wait = true, bool cancel_futures = false) {
    shut_down_ = true;
    if (cancel_futures) cancel_pending_ = true;
    if (wait) pool_.join();
  }

 private:
  boost::asio::thread_pool pool_;
  std::atomic<bool> shut_down_{false};
  std::atomic<bool> cancel_pending_{false};
};

}  // namespace asyncrt::pools
