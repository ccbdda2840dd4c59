#include <asyncrt/detail/lazy_thread_pool.hpp>

#include <string>
#include <system_error>
#include <utility>

namespace asyncrt::detail {

thread_local const LazyThreadPool* LazyThreadPool::current_pool = nullptr;

LazyThreadPool::LazyThreadPool(std::size_t threads, ErrorHandler on_error) noexcept
    : thread_count_(threads), on_error_(std::move(on_error)) {}

LazyThreadPool::~LazyThreadPool() {
  stop();
  join();
}

asio::io_context::executor_type LazyThreadPool::get_executor() {
  if (!started_.load(std::memory_order_acquire)) {
    std::lock_guard lock(start_mutex_);
    if (!started_.load(std::memory_order_relaxed)) start();
  }
  return context_->get_executor();
}

void LazyThreadPool::start() {
  context_.emplace(static_cast<int>(thread_count_));
  work_.emplace(context_->get_executor());
  // Not started after all: the threads that did start end, and the next call tries again.
  auto undo = [this] {
    work_.reset();
    context_->stop();
    for (auto& thread : threads_) thread.join();
    threads_.clear();
    context_.reset();
  };
  try {
    threads_.reserve(thread_count_);
    for (std::size_t i = 0; i < thread_count_; ++i) threads_.emplace_back([this] { run_thread(); });
  } catch (const std::system_error& e) {
    const std::size_t started = threads_.size();
    undo();
    throw std::system_error(e.code(), "asyncrt: cannot start the blocking pool's thread " +
                                          std::to_string(started + 1) + " of " +
                                          std::to_string(thread_count_));
  } catch (...) {
    undo();
    throw;
  }
  started_.store(&*context_, std::memory_order_release);
}

void LazyThreadPool::run_thread() {
  current_pool = this;
  for (;;) {
    try {
      context_->run();
      return;
    } catch (...) {
      on_error_(std::current_exception());
    }
  }
}

void LazyThreadPool::stop() {
  if (!started_.load(std::memory_order_acquire)) return;
  work_.reset();
  context_->stop();
}

void LazyThreadPool::join() {
  if (!started_.load(std::memory_order_acquire)) return;
  for (auto& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
}

}  // namespace asyncrt::detail
