#include <asyncrt/latch.hpp>

#include <stdexcept>
#include <string>

#include <asyncrt/trace.hpp>

namespace asyncrt {

void Latch::count_down(std::size_t n) {
  if (n > count_) {
    throw std::logic_error("asyncrt: Latch::count_down(" + std::to_string(n) +
                           ") with a count of " + std::to_string(count_) +
                           ": more arrivals than the latch was made for");
  }
  count_ -= n;
  if (count_ == 0) waiters_.wake_all();
}

Task<void> Latch::wait() {
  if (count_ == 0) co_return;
  trace::Suspension waiting(trace::Kind::waiting);
  co_await waiters_.async_wait(asio::deferred);
}

Task<void> Latch::arrive_and_wait(std::size_t n) {
  count_down(n);
  co_await wait();
}

}  // namespace asyncrt
