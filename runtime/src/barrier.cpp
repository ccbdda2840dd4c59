#include <asyncrt/barrier.hpp>

#include <stdexcept>

#include <asyncrt/trace.hpp>

namespace asyncrt {

Barrier::Barrier(std::size_t parties) : parties_(parties) {
  if (parties == 0) throw std::invalid_argument("asyncrt: a Barrier needs at least one party");
}

Task<std::size_t> Barrier::arrive_and_wait() {
  // Those who arrived before this task in its round are the ones parked: a cancelled waiter
  // leaves the queue, and so the round, by itself.
  const std::size_t index = waiters_.size();
  if (index + 1 == parties_) {  // the round is full: release it, and the next one begins
    ++rounds_;
    waiters_.wake_all();
    co_return index;
  }
  trace::Suspension waiting(trace::Kind::waiting);
  co_await waiters_.async_wait(asio::deferred);
  co_return index;
}

}  // namespace asyncrt
