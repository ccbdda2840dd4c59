#include <asyncrt/condition.hpp>

#include <exception>
#include <stdexcept>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/system/system_error.hpp>

#include <asyncrt/trace.hpp>

namespace asyncrt {

Task<void> Condition::wait(Mutex::Lock& lock) {
  if (lock.mutex() != &mutex_ || !lock.owns_lock()) {
    throw std::logic_error(
        "asyncrt: Condition::wait needs a held Lock of the condition's own mutex");
  }
  // From here on the wait ends with the lock held, even when the task is cancelled: its
  // co_awaits must not throw on a cancellation (Asio's default for a task); it looks itself.
  const bool throws_if_cancelled = co_await asio::this_coro::throw_if_cancelled();
  if ((co_await asio::this_coro::cancellation_state).cancelled() != asio::cancellation_type::none) {
    throw boost::system::system_error(asio::error::operation_aborted);  // still holding it
  }
  co_await asio::this_coro::throw_if_cancelled(false);
  Mutex& mutex = mutex_;  // after the wait, `this` may be gone (a destroyed Condition aborts it)
  lock.unlock();
  boost::system::error_code error;
  {
    trace::Suspension waiting(trace::Kind::waiting);
    std::tie(error) = co_await waiters_.async_wait(asio::as_tuple(asio::deferred));
  }
  std::exception_ptr relock_failed;  // cancelled again while taking the mutex back
  try {
    lock = co_await mutex.lock();
  } catch (...) {
    relock_failed = std::current_exception();
  }
  co_await asio::this_coro::throw_if_cancelled(throws_if_cancelled);
  if (relock_failed) std::rethrow_exception(relock_failed);
  if (error) throw boost::system::system_error(error);
}

}  // namespace asyncrt
