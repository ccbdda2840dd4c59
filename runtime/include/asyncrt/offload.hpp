#pragma once
// offload: run a function on a pool thread and resume the waiting coroutine on its own executor.
//
// This file is also the pattern for writing a new async operation in asyncrt: an initiation
// function object that starts the work, async_initiate to adapt it to any completion token
// (use_awaitable, a callback, use_future, deferred, ...), and a completion that is delivered
// through the handler's associated executor so the caller resumes where it came from.

#include <atomic>
#include <concepts>
#include <exception>
#include <functional>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/execution/executor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/system/system_error.hpp>

#include <asyncrt/detail/outcome_signature.hpp>
#include <asyncrt/detail/virtual_clock.hpp>
#include <asyncrt/runtime.hpp>
#include <asyncrt/task.hpp>
#include <asyncrt/trace.hpp>

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

// The function's result type; no type at all (so overloads drop out) when Fn is not callable.
template <typename Fn>
struct offload_result {};
template <typename Fn>
requires std::is_invocable_v<Fn&, std::stop_token>
struct offload_result<Fn> {
  using type = std::invoke_result_t<Fn&, std::stop_token>;
};
template <typename Fn>
requires(!std::is_invocable_v<Fn&, std::stop_token> &&
         std::is_invocable_v<Fn&>) struct offload_result<Fn> {
  using type = std::invoke_result_t<Fn&>;
};
template <typename Fn>
using offload_result_t = typename offload_result<Fn>::type;

// The completion signature: void(exception_ptr) or void(exception_ptr, R), like co_spawn's.
template <typename Fn>
using offload_signature_t = outcome_signature_t<offload_result_t<Fn>>;

inline std::exception_ptr aborted_error() {
  return std::make_exception_ptr(boost::system::system_error(asio::error::operation_aborted));
}

// What the offloaded function produced: its value, or the exception it threw.
template <typename Result>
struct Outcome {
  std::exception_ptr error;
  std::conditional_t<std::is_void_v<Result>, std::monostate, Result> value{};
};

// Runs `fn` on the calling (pool) thread unless a stop was already requested.
template <typename Result, typename Fn>
Outcome<Result> run_offloaded(Fn& fn, const std::stop_source& stop) {
  Outcome<Result> outcome;
  if (stop.stop_requested()) {
    outcome.error = aborted_error();
    return outcome;
  }
  try {
    if constexpr (std::is_void_v<Result>) {
      invoke_with_stop(fn, stop.get_token());
    } else {
      outcome.value = invoke_with_stop(fn, stop.get_token());
    }
    if (stop.stop_requested()) outcome.error = aborted_error();  // a partial result is no result
  } catch (...) {
    outcome.error = std::current_exception();
  }
  return outcome;
}

template <typename T>
struct is_strand : std::false_type {};
template <typename Executor>
struct is_strand<asio::strand<Executor>> : std::true_type {};

// What the tracer needs about one offload; made only while a trace::Recording is on.
struct OffloadTrace {
  std::string task;       // the task that offloaded (waits meanwhile)
  std::string_view pool;  // names the pool thread that runs it: "cpu", "blocking"
  bool strand = false;
  trace::Clock::time_point start = trace::Clock::now();

  template <typename Where>
  static std::optional<OffloadTrace> make(const Where& where) {
    if (!trace::enabled()) return std::nullopt;
    const Runtime* runtime = Runtime::try_current();
    return OffloadTrace{std::string(trace::current_task()),
                        runtime ? runtime->pool_name(asio::query(where, asio::execution::context))
                                : std::string_view("pool"),
                        is_strand<Where>::value};
  }

  // On the pool thread: the job as a computing span there.
  template <typename Run>
  static auto run(const std::optional<OffloadTrace>& self, Run&& run) {
    if (!self) return run();
    trace::name_this_thread_once(self->pool);
    trace::Scope scope(self->task, trace::Kind::computing, self->strand ? "strand" : "");
    return run();
  }

  // On the waiter's executor: the task's wait as a span.
  static void waited(const std::optional<OffloadTrace>& self) {
    if (self)
      trace::record({self->task, trace::Kind::waiting, {}, {}, self->start, trace::Clock::now()});
  }
};

// Completes the waiter on its own executor `home`: a task resumes on the loop, not on the pool.
// From the pool we dispatch; from a cancellation (running inside emit() on the loop) we post,
// so the waiter never resumes in the middle of whoever cancelled it.
// `in_flight` ends with the completion, so virtual time waits for the result to arrive.
template <bool Post, typename Home, typename Handler, typename Result>
void deliver(Home home, Handler handler, Outcome<Result> outcome,
             std::optional<OffloadTrace> traced, VirtualClock::OffloadInFlight in_flight) {
  auto complete = [handler = std::move(handler), outcome = std::move(outcome),
                   traced = std::move(traced), in_flight = std::move(in_flight)]() mutable {
    OffloadTrace::waited(traced);
    asio::get_associated_cancellation_slot(handler).clear();
    if constexpr (std::is_void_v<Result>) {
      std::move(handler)(std::move(outcome.error));
    } else {
      std::move(handler)(std::move(outcome.error), std::move(outcome.value));
    }
  };
  if constexpr (Post) {
    asio::post(home, std::move(complete));
  } else {
    asio::dispatch(home, std::move(complete));
  }
}

// An offload whose waiter can be cancelled. The job (on a pool thread) and the cancellation
// (on the waiter's thread) race to claim it; whoever claims first completes the waiter, once:
// - cancelled while still queued: the waiter completes with operation_aborted at once, and
//   the job is skipped when a pool thread reaches it;
// - cancelled while running: the stop_token is signalled and the waiter completes when the
//   function returns, with operation_aborted.
template <typename Result, typename Handler, typename Home>
struct CancellableOffload {
  CancellableOffload(Handler h, Home e, std::optional<OffloadTrace> t,
                     VirtualClock::OffloadInFlight f)
      : handler(std::move(h)), home(std::move(e)), traced(std::move(t)), in_flight(std::move(f)) {}

  bool claim() noexcept { return !claimed.exchange(true, std::memory_order_acq_rel); }

  void cancel() {
    stop.request_stop();
    if (claim()) {
      deliver<true>(std::move(home), std::move(handler), Outcome<Result>{aborted_error()},
                    std::move(traced), std::move(in_flight));
    }
  }

  Handler handler;
  Home home;
  std::optional<OffloadTrace> traced;
  VirtualClock::OffloadInFlight in_flight;
  std::stop_source stop;
  std::atomic<bool> claimed{false};
};

// Starts one offload. Runs on the initiating thread (the loop, for a task).
struct OffloadInitiation {
  template <typename Handler, typename Where, typename Fn>
  void operator()(Handler handler, const Where& where, Fn fn) const {
    using Result = offload_result_t<Fn>;
    static_assert(std::is_void_v<Result> || std::is_default_constructible_v<Result>,
                  "offload: the function's result must be void or default-constructible");

    // Keep the waiter's executor (the loop) from running out of work until the result is back.
    auto home = asio::prefer(asio::get_associated_executor(handler, where),
                             asio::execution::outstanding_work.tracked);

    auto traced = OffloadTrace::make(where);
    Runtime* runtime = Runtime::try_current();
    VirtualClock::OffloadInFlight in_flight(runtime ? runtime->virtual_clock() : nullptr);

    auto slot = asio::get_associated_cancellation_slot(handler);
    if (!slot.is_connected()) {
      // Nobody can cancel this waiter: run the function, hand the outcome back.
      asio::post(where, [handler = std::move(handler), fn = std::move(fn), home = std::move(home),
                         traced = std::move(traced), in_flight = std::move(in_flight)]() mutable {
        auto outcome = OffloadTrace::run(
            traced, [&] { return run_offloaded<Result>(fn, std::stop_source(std::nostopstate)); });
        deliver<false>(std::move(home), std::move(handler), std::move(outcome), std::move(traced),
                       std::move(in_flight));
      });
      return;
    }

    using State = CancellableOffload<Result, Handler, decltype(home)>;
    auto state = std::make_shared<State>(std::move(handler), std::move(home), std::move(traced),
                                         std::move(in_flight));
    slot.assign([state](asio::cancellation_type) { state->cancel(); });
    asio::post(where, [state, fn = std::move(fn)]() mutable {
      if (!state->claim()) return;  // cancelled while queued: the waiter has its answer
      auto outcome =
          OffloadTrace::run(state->traced, [&] { return run_offloaded<Result>(fn, state->stop); });
      deliver<false>(std::move(state->home), std::move(state->handler), std::move(outcome),
                     std::move(state->traced), std::move(state->in_flight));
    });
  }
};

}  // namespace detail

/// Runs `fn` on `where` (the CPU pool's executor, a strand on it, the blocking pool's executor
/// or any other executor) and completes with its result or exception.
///
/// Through a strand (`Runtime::make_strand()`: a strand on the CPU pool), the functions
/// offloaded run in the order they were offloaded and one at a time, never two at once, each on
/// whichever pool thread is free: data that only they touch needs no lock.
///
/// Threads: `fn` runs on a thread of `where`; the completion is delivered through the
/// handler's associated executor, so `co_await offload(...)` resumes the task on the loop it
/// came from. `fn` may take a `std::stop_token`.
///
/// Cancellation (with_timeout, when_any, shutdown, or any cancellation slot): if `fn` has not
/// started, the waiter completes at once with `operation_aborted` and `fn` never runs; if it
/// runs, its stop_token is signalled and the waiter completes with `operation_aborted` when it
/// returns.
template <typename Where, typename Fn,
          asio::completion_token_for<detail::offload_signature_t<Fn>> Token =
              asio::use_awaitable_t<>>
requires asio::execution::executor<Where>
auto offload(const Where& where, Fn fn, Token&& token = {}) {
  return asio::async_initiate<Token, detail::offload_signature_t<Fn>>(detail::OffloadInitiation{},
                                                                      token, where, std::move(fn));
}

/// Runs `fn` on the current Runtime's CPU pool: CPU-bound work off the loop.
template <typename Fn, asio::completion_token_for<detail::offload_signature_t<Fn>> Token =
                           asio::use_awaitable_t<>>
requires(!asio::execution::executor<Fn>) auto offload(Fn fn, Token&& token = {}) {
  return offload(Runtime::current().cpu_executor(), std::move(fn), std::forward<Token>(token));
}

/// Runs `fn` on the current Runtime's blocking pool: calls that wait, off the loop and off the
/// CPU pool's cores.
template <typename Fn, asio::completion_token_for<detail::offload_signature_t<Fn>> Token =
                           asio::use_awaitable_t<>>
auto offload_blocking(Fn fn, Token&& token = {}) {
  return offload(Runtime::current().blocking_executor(), std::move(fn), std::forward<Token>(token));
}

}  // namespace asyncrt
