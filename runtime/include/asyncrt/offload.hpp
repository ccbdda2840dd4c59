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
#include <memory>
#include <optional>
#include <stdexcept>
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

/// What an offload's waiter gets when its function can never run: the pool it was sent to had
/// been stopped (its Runtime shut down) when it was offloaded or while it was queued.
class OffloadRefused : public std::logic_error {
 public:
  OffloadRefused()
      : std::logic_error(
            "asyncrt::offload: the pool has been stopped (its Runtime was shut down); the "
            "function did not run") {}
};

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

  // On the pool thread: the job as a computing span there. (Tracing never fails the work it
  // watches: a span that memory cannot hold is counted as dropped.)
  template <typename Run>
  static auto run(const std::optional<OffloadTrace>& self, Run&& run) {
    if (!self) return run();
    std::optional<trace::Scope> scope;
    try {
      trace::name_this_thread_once(self->pool);
      scope.emplace(self->task, trace::Kind::computing, self->strand ? "strand" : "");
    } catch (const std::bad_alloc&) {
      trace::detail::drop_span();
    }
    return run();
  }

  // On the waiter's executor: the task's wait as a span.
  static void waited(const std::optional<OffloadTrace>& self) noexcept {
    if (!self) return;
    try {
      trace::record({self->task, trace::Kind::waiting, {}, {}, self->start, trace::Clock::now()});
    } catch (const std::bad_alloc&) {
      trace::detail::drop_span();
    }
  }
};

// Completes the waiter on its own executor `home`: a task resumes on the loop, not on the pool.
// From the pool we dispatch; from a cancellation (running inside emit() on the loop) we post,
// so the waiter never resumes in the middle of whoever cancelled it.
// `in_flight` ends with the completion, so virtual time waits for the result to arrive.
template <typename Handler, typename Result>
void complete(Handler& handler, Outcome<Result>& outcome) {
  asio::get_associated_cancellation_slot(handler).clear();
  if constexpr (std::is_void_v<Result>) {
    std::move(handler)(std::move(outcome.error));
  } else {
    std::move(handler)(std::move(outcome.error), std::move(outcome.value));
  }
}

template <bool Post, typename Home, typename Handler, typename Result>
void deliver(Home home, Handler handler, Outcome<Result> outcome,
             std::optional<OffloadTrace> traced, VirtualClock::OffloadInFlight in_flight) {
  auto complete = [handler = std::move(handler), outcome = std::move(outcome),
                   traced = std::move(traced), in_flight = std::move(in_flight)]() mutable {
    OffloadTrace::waited(traced);
    detail::complete(handler, outcome);
  };
  if constexpr (Post) {
    asio::post(home, std::move(complete));
  } else {
    asio::dispatch(home, std::move(complete));
  }
}

// One offload's waiter, completed once by whoever claims it first:
// - the job, on a pool thread, with the function's outcome;
// - a cancellation (on the waiter's thread): while the job is still queued, the waiter completes
//   with operation_aborted at once and the job is skipped when a pool thread reaches it; while
//   it runs, the stop_token is signalled and the waiter completes when the function returns;
// - the job's destruction unrun (its pool was stopped: the function can never run), with
//   OffloadRefused, rather than a waiter left waiting for good.
template <typename Result, typename Handler, typename Home>
struct OffloadWaiter {
  // (The stop source, which allocates, is made before the handler is taken: if memory runs
  // out, the caller still has the handler.)
  OffloadWaiter(Handler&& h, Home e, std::optional<OffloadTrace> t, VirtualClock::OffloadInFlight f)
      : handler(std::move(h)), home(std::move(e)), traced(std::move(t)), in_flight(std::move(f)) {}

  bool claim() noexcept { return !claimed.exchange(true, std::memory_order_acq_rel); }

  // Completes the waiter, posted to its executor (never inside whoever called this).
  void fail(std::exception_ptr error) {
    deliver<true>(std::move(home), std::move(handler), Outcome<Result>{std::move(error)},
                  std::move(traced), std::move(in_flight));
  }

  void cancel() {
    stop.request_stop();
    if (claim()) fail(aborted_error());
  }

  std::stop_source stop;
  Handler handler;
  Home home;
  std::optional<OffloadTrace> traced;
  VirtualClock::OffloadInFlight in_flight;
  std::atomic<bool> claimed{false};
  std::atomic<bool> queued{false};  // the job was handed to its pool
};

// The posted job's hold on its waiter; destroyed unrun, it completes the waiter with the error.
template <typename Waiter>
struct JobTicket {
  explicit JobTicket(std::shared_ptr<Waiter> w) : waiter(std::move(w)) {}
  JobTicket(JobTicket&&) noexcept = default;
  JobTicket& operator=(JobTicket&&) = delete;
  ~JobTicket() {
    // Destroyed by an exception while it was being queued (memory ran out): the initiation
    // completes the waiter with that exception.
    if (!waiter || (!waiter->queued.load() && std::uncaught_exceptions() > 0)) return;
    if (waiter->claim()) waiter->fail(std::make_exception_ptr(OffloadRefused()));
  }
  std::shared_ptr<Waiter> waiter;
};

// Starts one offload. Runs on the initiating thread (the loop, for a task).
//
// Memory may run out making the waiter or queueing the job. Thrown from here, the exception
// would lose the waiting task (Asio's coroutines lose an operation whose initiation throws):
// the waiter completes at once with it instead, so `co_await offload(...)` throws it.
struct OffloadInitiation {
  template <typename Handler, typename Where, typename Fn>
  void operator()(Handler handler, const Where& where, Fn fn) const {
    using Result = offload_result_t<Fn>;
    static_assert(std::is_void_v<Result> || std::is_default_constructible_v<Result>,
                  "offload: the function's result must be void or default-constructible");
    // Keep the waiter's executor (the loop) from running out of work until the result is back.
    using Home = std::decay_t<decltype(asio::prefer(asio::get_associated_executor(handler, where),
                                                    asio::execution::outstanding_work.tracked))>;
    using Waiter = OffloadWaiter<Result, Handler, Home>;

    auto slot = asio::get_associated_cancellation_slot(handler);
    std::shared_ptr<Waiter> waiter;
    try {
      Runtime* runtime = Runtime::try_current();
      // (The handler is moved only once the memory is had: if make_shared throws, it has it.)
      waiter = std::make_shared<Waiter>(
          std::move(handler),
          asio::prefer(asio::get_associated_executor(handler, where),
                       asio::execution::outstanding_work.tracked),
          OffloadTrace::make(where),
          VirtualClock::OffloadInFlight(runtime ? runtime->virtual_clock() : nullptr));
    } catch (const std::bad_alloc&) {
      Outcome<Result> outcome{std::current_exception()};
      return complete(handler, outcome);
    }
    if (refuses_work(where)) {
      waiter->claim();
      waiter->fail(std::make_exception_ptr(OffloadRefused()));
      return;
    }
    try {
      if (slot.is_connected()) slot.assign([waiter](asio::cancellation_type) { waiter->cancel(); });
      asio::post(where, [ticket = JobTicket<Waiter>(waiter), fn = std::move(fn)]() mutable {
        Waiter& waiter = *ticket.waiter;
        if (!waiter.claim()) return;  // cancelled while queued: the waiter has its answer
        auto outcome = OffloadTrace::run(waiter.traced,
                                         [&] { return run_offloaded<Result>(fn, waiter.stop); });
        deliver<false>(std::move(waiter.home), std::move(waiter.handler), std::move(outcome),
                       std::move(waiter.traced), std::move(waiter.in_flight));
      });
      waiter->queued.store(true);
    } catch (const std::bad_alloc&) {
      if (waiter->claim()) {
        Outcome<Result> outcome{std::current_exception()};
        complete(waiter->handler, outcome);
      }
    }
  }

  // A CPU pool (or a strand on one) that has been stopped: its Runtime was shut down.
  template <typename Where>
  static bool refuses_work(const Where& where) noexcept {
    if constexpr (std::is_same_v<decltype(asio::query(where, asio::execution::context)),
                                 CpuPool&>) {
      return asio::query(where, asio::execution::context).stopped();
    } else {
      return false;
    }
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
///
/// A pool that has been stopped (its Runtime shut down) runs nothing: the waiter completes with
/// OffloadRefused, whether the pool had stopped when `fn` was offloaded or stops with `fn` still
/// queued (the job is then destroyed unrun, when the pool drops its queue).
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
