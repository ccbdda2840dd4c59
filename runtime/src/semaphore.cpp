#include <asyncrt/semaphore.hpp>

#include <asyncrt/trace.hpp>

namespace asyncrt {

bool Semaphore::try_acquire() noexcept {
  if (available_ == 0 || !waiters_.empty()) return false;
  --available_;
  return true;
}

Task<void> Semaphore::acquire() {
  if (try_acquire()) co_return;
  // Woken only by release(), which hands its permit over instead of putting it back.
  trace::Suspension blocked(trace::Kind::blocked);
  co_await waiters_.async_wait(asio::deferred);
}

void Semaphore::release() noexcept {
  if (!waiters_.wake_one()) ++available_;
}

Task<Semaphore::Permit> Semaphore::hold() {
  co_await acquire();
  co_return Permit(*this);
}

}  // namespace asyncrt
