#include <asyncrt/event.hpp>

namespace asyncrt {

Task<void> Event::wait() {
  if (set_) co_return;
  co_await waiters_.async_wait(asio::use_awaitable);
}

}  // namespace asyncrt
