// start_task, two ways. This is the one file of asyncrt that uses Asio's internals, and only on
// the Asio versions it was verified on; every other version, and a build configured with
// ASYNCRT_ASIO_INTERNALS=OFF, takes co_spawn, Asio's public way to start a coroutine.
#include "task_thread.hpp"

#include <asyncrt/detail/child_thread.hpp>

#include <utility>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_state.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/version.hpp>

#include "runtime_parts.hpp"

// Verified on the Asio of Boost 1.81 (Asio 1.26.0) to 1.89 (1.36.0) and its development branch
// of 2025-12 (1.38.0): awaitable_thread's constructor and launch() are the same in all of them.
#if ASYNCRT_ASIO_INTERNALS && BOOST_ASIO_VERSION >= 102600 && BOOST_ASIO_VERSION <= 103800
#define ASYNCRT_TASK_THREAD_FROM_ASIO_INTERNALS 1
#else
#define ASYNCRT_TASK_THREAD_FROM_ASIO_INTERNALS 0
#endif

namespace asyncrt::detail {

#if ASYNCRT_TASK_THREAD_FROM_ASIO_INTERNALS

namespace {

// The bottom frame of the task's coroutine stack: awaits the task, then says it has ended.
// co_spawn puts a frame of its own there instead, one that also holds two work guards and the
// completion handler, and hops through the executor before the task starts; the Runtime keeps
// its loop alive itself and starts tasks on the loop thread, so it needs none of that (a
// million sleeping tasks keep a million bottom frames). The frame must return this type: it
// is how Asio tells the bottom of a stack.
template <TaskEnded ended>
asio::awaitable<asio::detail::awaitable_thread_entry_point, asio::any_io_executor> task_bottom(
    Task<void> task, TaskRegistry::Record* record) {
  try {
    co_await std::move(task);
  } catch (...) {
    // From inside the catch, so the frame keeps no room for the exception across the wait.
    ended(record, std::current_exception());
    co_return;
  }
  ended(record, std::exception_ptr());
}

// A group's child: the same bottom frame, reporting to the group instead of the Runtime.
asio::awaitable<asio::detail::awaitable_thread_entry_point, asio::any_io_executor> child_bottom(
    Task<void> task, ChildEnd* end) {
  try {
    co_await std::move(task);
  } catch (...) {
    end->ended(std::current_exception());
    co_return;
  }
  end->ended(std::exception_ptr());
}

}  // namespace

template <TaskEnded ended>
void start_task(Task<void> task, const asio::any_io_executor& executor,
                TaskRegistry::Record* record, bool cancel_at_once) {
  // The task's cancellation state is built in its record's signal; a state the task makes
  // anew (this_coro::reset_cancellation_state) is built there too.
  asio::cancellation_state state(record->signal.slot());
  asio::detail::awaitable_thread<asio::any_io_executor> thread(
      task_bottom<ended>(std::move(task), record), executor, record->signal.slot(), state);
  // Before the launch: a task that never waits has ended, and its record may have been reused,
  // by the time launch() returns.
  if (cancel_at_once) record->signal.emit(asio::cancellation_type::terminal);
  thread.launch();
}

void start_child(Task<void> task, const asio::any_io_executor& executor,
                 asio::cancellation_slot slot, ChildEnd* end) {
  asio::cancellation_state state(slot);
  asio::detail::awaitable_thread<asio::any_io_executor> thread(child_bottom(std::move(task), end),
                                                               executor, slot, state);
  thread.launch();
}

#else

template <TaskEnded ended>
void start_task(Task<void> task, const asio::any_io_executor& executor,
                TaskRegistry::Record* record, bool cancel_at_once) {
  // co_spawn builds the task's cancellation state in the slot it is bound to, and completes a
  // task that never waited through a post: the record is still there after it returns.
  asio::co_spawn(
      executor, std::move(task),
      asio::bind_cancellation_slot(record->signal.slot(), [record](std::exception_ptr error) {
        ended(record, std::move(error));
      }));
  if (cancel_at_once) record->signal.emit(asio::cancellation_type::terminal);
}

void start_child(Task<void> task, const asio::any_io_executor& executor,
                 asio::cancellation_slot slot, ChildEnd* end) {
  asio::co_spawn(executor, std::move(task),
                 asio::bind_cancellation_slot(
                     slot, [end](std::exception_ptr error) { end->ended(std::move(error)); }));
}

#endif

// The Runtime's two (private: an explicit instantiation may name them).
template void start_task<&Runtime::Parts::detached_task_ended>(Task<void>,
                                                               const asio::any_io_executor&,
                                                               TaskRegistry::Record*, bool);
template void start_task<&Runtime::Parts::awaited_task_ended>(Task<void>,
                                                              const asio::any_io_executor&,
                                                              TaskRegistry::Record*, bool);

}  // namespace asyncrt::detail
