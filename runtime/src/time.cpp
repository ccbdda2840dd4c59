#include <asyncrt/time.hpp>

#include <fmt/core.h>

#include <asyncrt/trace.hpp>

namespace asyncrt {

Task<void> sleep_for(Duration duration) {
  asio::steady_timer timer(co_await asio::this_coro::executor, duration);
  trace::Suspension waiting(trace::Kind::waiting);
  co_await timer.async_wait(asio::use_awaitable);
}

namespace {
std::string timeout_message(const std::string& what, Duration limit) {
  const auto ms = std::chrono::duration<double, std::milli>(limit).count();
  return fmt::format("asyncrt: {} timed out after {:g} ms", what, ms);
}
}  // namespace

TimeoutError::TimeoutError(std::string what, Duration limit)
    : std::runtime_error(timeout_message(what, limit)), limit_(limit) {}

}  // namespace asyncrt
