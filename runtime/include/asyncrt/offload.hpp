#pragma once
// offload: run a function on a pool thread and resume the waiting coroutine on its own executor.
//
// This file is also the pattern for writing a new async operation in asyncrt: an initiation
// function object that starts the work, async_initiate to adapt it to any completion token
// (use_awaitable, a callback, use_future, deferred, ...), and a completion that is delivered
// through the handler's associated executor so the caller resumes where it came from.

#include <asyncrt/runtime.hpp>
#include <asyncrt/task.hpp>

#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/execution/executor.hpp>
#include <boost/asio/post.hpp>
#include <boost/system/system_error.hpp>

#include <concepts>
#include <exception>
#include <functional>
#include <stop_token>
#include <type_traits>
#include <utility>

namespace asyncrt {

namespace detail {

// A function may take a std::stop_token to notice cancellation while it runs.
template <typename Fn>
decltype(auto) invoke_with_stop(Fn& fn, std::stop_token stop) {
  if constexpr (std::is_invocable_v<Fn&, std::stop_token>) {
    return std::invoke(fn, std::move(stop));
  } else {
    return std::invoke(fn);
  }
}

template <typename Fn>
using offload_result_t = decltype(invoke_with_stop(std::declval<Fn&>(), std::stop_token{}));

// The completion signature: void(exception_ptr) or void(exception_ptr, R), like co_spawn's.
template <typename R>
struct offload_signature {
  using type = void(std::exception_ptr, R);
};
template <>
struct offload_signature<void> {
  using type = void(std::exception_ptr);
};
template <typename Fn>
using offload_signature_t = typename offload_signature<offload_result_t<Fn>>::type;

inline std::exception_ptr aborted_error() {
  return std::make_exception_ptr(boost::system::system_error(asio::error::operation_aborted));
}

// Starts one offload. Runs on the initiating thread (the loop, for a task).
struct OffloadInitiation {
  template <typename Handler, typename Where, typename Fn>
  void operator()(Handler handler, const Where& where, Fn fn) const {
    using Result = offload_result_t<Fn>;
    static_assert(std::is_void_v<Result> || std::is_default_constructible_v<Result>,
                  "offload: the function's result must be void or default-constructible");

    // Cancellation: the waiter's cancellation slot (e.g. with_timeout, when_any, shutdown)
    // requests a stop. Work that has not started yet is skipped; work that runs can watch the
    // stop_token. Either way the waiter then completes with operation_aborted.
    auto slot = asio::get_associated_cancellation_slot(handler);
    std::stop_source stop = slot.is_connected() ? std::stop_source{} : std::stop_source{std::nostopstate};
    if (slot.is_connected()) {
      slot.assign([stop](asio::cancellation_type) mutable { stop.request_stop(); });
    }

    // Keep the waiter's executor (the loop) busy until the result is back.
    auto home = asio::prefer(asio::get_associated_executor(handler, where),
                             asio::execution::outstanding_work.tracked);

    asio::post(where, [handler = std::move(handler), fn = std::move(fn), stop = std::move(stop),
                       home = std::move(home)]() mutable {
      // Now on a pool thread.
      std::exception_ptr error;
      [[maybe_unused]] std::conditional_t<std::is_void_v<Result>, int, Result> value{};
      if (stop.stop_requested()) {
        error = aborted_error();
      } else {
        try {
          if constexpr (std::is_void_v<Result>) {
            invoke_with_stop(fn, stop.get_token());
          } else {
            value = invoke_with_stop(fn, stop.get_token());
          }
          if (stop.stop_requested()) error = aborted_error();
        } catch (...) {
          error = std::current_exception();
        }
      }
      // Back to the waiter's executor: the coroutine resumes on the loop, not on this thread.
      asio::dispatch(home, [handler = std::move(handler), error = std::move(error),
                            value = std::move(value)]() mutable {
        asio::get_associated_cancellation_slot(handler).clear();
        if constexpr (std::is_void_v<Result>) {
          std::move(handler)(std::move(error));
        } else {
          std::move(handler)(std::move(error), std::move(value));
        }
      });
    });
  }
};

}  // namespace detail

/// Runs `fn` on `where` (the CPU pool's executor, a strand on it, the blocking pool's executor
/// or any other executor) and completes with its result or exception.
///
/// Threads: `fn` runs on a thread of `where`; the completion is delivered through the
/// handler's associated executor, so `co_await offload(...)` resumes the task on the loop it
/// came from. `fn` may take a `std::stop_token`; cancelling the waiter requests a stop, skips
/// `fn` if it has not started and completes with `operation_aborted`.
template <typename Where, typename Fn,
          asio::completion_token_for<detail::offload_signature_t<Fn>> Token =
              asio::use_awaitable_t<>>
  requires asio::execution::executor<Where>
auto offload(const Where& where, Fn fn, Token&& token = {}) {
  return asio::async_initiate<Token, detail::offload_signature_t<Fn>>(
      detail::OffloadInitiation{}, token, where, std::move(fn));
}

/// Runs `fn` on the current Runtime's CPU pool: CPU-bound work off the loop.
template <typename Fn,
          asio::completion_token_for<detail::offload_signature_t<Fn>> Token =
              asio::use_awaitable_t<>>
  requires(!asio::execution::executor<Fn>)
auto offload(Fn fn, Token&& token = {}) {
  return offload(Runtime::current().cpu_executor(), std::move(fn), std::forward<Token>(token));
}

/// Runs `fn` on the current Runtime's blocking pool: calls that wait, off the loop and off the
/// CPU pool's cores.
template <typename Fn,
          asio::completion_token_for<detail::offload_signature_t<Fn>> Token =
              asio::use_awaitable_t<>>
auto offload_blocking(Fn fn, Token&& token = {}) {
  return offload(Runtime::current().blocking_executor(), std::move(fn),
                 std::forward<Token>(token));
}

}  // namespace asyncrt
