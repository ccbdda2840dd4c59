#include <asyncrt/event.hpp>

#include <asyncrt/trace.hpp>

namespace asyncrt {

Task<void> Event::wait() {
  if (set_) co_return;
  trace::Suspension waiting(trace::Kind::waiting);
  co_await waiters_.async_wait(asio::deferred);
}

}  // namespace asyncrt
