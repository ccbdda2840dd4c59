#pragma once
// Stream: values a producer yields one at a time, each when the consumer asks for it (an async
// generator: Python's `async def` with `yield`, read with `async for`).

#include <exception>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/system/system_error.hpp>

#include <asyncrt/detail/wait_queue.hpp>
#include <asyncrt/runtime.hpp>
#include <asyncrt/task.hpp>
#include <asyncrt/trace.hpp>

namespace asyncrt {

template <typename T>
class Stream;

/// What a stream's producer yields into: `co_await yield(value)` hands `value` to the consumer
/// and suspends the producer until the consumer asks for the next one.
template <typename T>
class Yield {
 public:
  Task<void> operator()(T value);

 private:
  friend class Stream<T>;
  struct State;
  explicit Yield(std::shared_ptr<State> state) : state_(std::move(state)) {}
  std::shared_ptr<State> state_;
};

/// An async generator. The producer is a coroutine called with a Yield<T>&:
///
///     Stream<int> numbers([](Yield<int>& yield) -> Task<void> {
///       for (int i = 0; i < 3; ++i) co_await yield(i);
///     });
///     while (auto n = co_await numbers.next()) use(*n);
///
/// Lazy, with back-pressure at its tightest: the producer starts at the first next() and runs
/// only from a next() to its next yield, so it is never more than the one value the consumer
/// asked for ahead. next() gives std::nullopt once the producer has returned, and rethrows what
/// it threw.
///
/// Threads: the producer runs on the loop as a task of its own, under `name` (traces,
/// timelines, stall reports); the consumer resumes on its own executor. Use a Stream from one
/// loop's tasks; it is not thread-safe.
/// Cancellation: the producer works for whoever waits in next(), so a consumer cancelled there
/// cancels it too (Python's rule: the generator runs inside its consumer): the `co_await` the
/// producer is in wakes with `operation_aborted`, and next() waits for it to stop before it
/// throws `operation_aborted`. A cancelled producer stays cancelled (Asio's rule: each later
/// co_await throws) and so ends the stream (the next next() rethrows how it ended, then gives
/// std::nullopt), unless it resets its cancellation state and yields again. Destroying the Stream
/// cancels a producer that has not returned, parked in its yield; it unwinds on the loop just after
/// (a Runtime shut down in that instant may destroy it unwound: its locals' destructors run, its
/// catch blocks do not; Python's asyncio has loop.shutdown_asyncgens() for the same).
template <typename T>
class Stream {
 public:
  template <typename Producer>
  explicit Stream(Producer producer, std::string name = "stream")
      : state_(std::make_shared<typename Yield<T>::State>()),
        producer_(run(std::move(producer), Yield<T>(state_))),
        name_(std::move(name)) {}
  Stream(Stream&&) noexcept = default;
  Stream& operator=(Stream&&) = delete;
  ~Stream() {
    if (state_ && state_->started && !state_->ended) {
      state_->cancel.emit(asio::cancellation_type::terminal);
    }
  }

  /// Asks the producer for its next value and waits for it: the value, or std::nullopt once the
  /// producer has returned (and every later call too), or what the producer threw.
  Task<std::optional<T>> next() {
    if (!state_) throw std::logic_error("asyncrt: next() on a moved-from Stream");
    auto& state = *state_;
    if (!state.started) {
      state.started = true;
      // co_spawn (Asio's public way): if the Runtime is destroyed with the producer abandoned,
      // its frames are destroyed with the loop's queue, and nothing of the stream leaks. The
      // completion handler keeps the state (its signal holds the producer's cancellation
      // state) until the producer's thread of execution is over.
      asio::co_spawn(Runtime::current().task_executor(name_), std::move(producer_),
                     asio::bind_cancellation_slot(state.cancel.slot(),
                                                  [keep = state_](std::exception_ptr) {}));
    } else if (!state.value && !state.ended) {
      state.asked.wake_one();  // the producer, parked in its last yield (a value still there
                               // was yielded for a next() that was cancelled: it is ours)
    }
    if (!state.value && !state.ended) {
      boost::system::error_code error;
      {
        trace::Suspension waiting(trace::Kind::waiting);
        std::tie(error) = co_await state.given.async_wait(asio::as_tuple(asio::deferred));
      }
      if (error) {
        // Cancelled: so is the producer, which works for this wait. Wait, even if cancelled
        // again, until it has stopped: returned, thrown, or (if it caught the cancellation)
        // yielded once more. (Not in a coroutine of its own: awaiting one would throw at once,
        // as this task is cancelled.)
        const bool throws_if_cancelled = co_await asio::this_coro::throw_if_cancelled();
        co_await asio::this_coro::throw_if_cancelled(false);
        state.cancel.emit(asio::cancellation_type::terminal);
        while (!state.value && !state.ended) {
          co_await state.given.async_wait(asio::as_tuple(asio::deferred));
        }
        co_await asio::this_coro::throw_if_cancelled(throws_if_cancelled);
        throw boost::system::system_error(error);
      }
    }
    if (state.value) {
      std::optional<T> value = std::move(state.value);
      state.value.reset();
      co_return value;
    }
    if (state.error) std::rethrow_exception(std::exchange(state.error, nullptr));
    co_return std::nullopt;
  }

 private:
  using State = typename Yield<T>::State;

  template <typename Producer>
  static Task<void> run(Producer producer, Yield<T> yield) {
    State& state = *yield.state_;  // kept by `yield`, in this frame
    try {
      co_await producer(yield);  // both live in this frame until the producer returns
    } catch (...) {
      state.error = std::current_exception();
    }
    state.ended = true;
    state.given.wake_one();  // the consumer, if it waits
  }

  std::shared_ptr<State> state_;
  Task<void> producer_;
  std::string name_;
};

template <typename T>
struct Yield<T>::State {
  std::optional<T> value;  // yielded, not yet taken
  bool started = false;
  bool ended = false;
  std::exception_ptr error;
  asio::cancellation_signal cancel;  // the producer's
  detail::WaitQueue given;           // the consumer, until a value or the end
  detail::WaitQueue asked;           // the producer, until the next next()
};

template <typename T>
Task<void> Yield<T>::operator()(T value) {
  auto state = state_;  // the consumer may drop the Stream while we wait
  state->value = std::move(value);
  state->given.wake_one();
  trace::Suspension waiting(trace::Kind::waiting);
  co_await state->asked.async_wait(asio::deferred);
}

}  // namespace asyncrt
