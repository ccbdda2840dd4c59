#include <asyncrt/detail/lazy_thread_pool.hpp>

namespace asyncrt::detail {

asio::thread_pool::executor_type LazyThreadPool::get_executor() {
  std::call_once(start_, [this] {
    pool_.emplace(threads_);
    started_.store(&*pool_, std::memory_order_release);
  });
  return pool_->get_executor();
}

void LazyThreadPool::stop() {
  if (started_.load(std::memory_order_acquire)) pool_->stop();
}

void LazyThreadPool::join() {
  if (started_.load(std::memory_order_acquire)) pool_->join();
}

}  // namespace asyncrt::detail
