// task_group: the body and the children each run as a thread of execution of their own
// (start_child, as when_all's children do), each with a cancellation signal the group keeps;
// the caller waits in a WaitQueue until the last of them has ended.
#include <asyncrt/task_group.hpp>

#include <stdexcept>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/system/system_error.hpp>

#include <asyncrt/detail/child_thread.hpp>
#include <asyncrt/detail/task_frame.hpp>
#include <asyncrt/runtime.hpp>
#include <asyncrt/trace.hpp>

#include "runtime_parts.hpp"

namespace asyncrt {

// A running child: its name (for a late failure's report), the signal that cancels it, and its
// place in the group's list. Deleted when it has ended, but never inside the start_child call
// that started it (its signal is in use there).
struct TaskGroup::Child final : detail::ChildEnd {
  Child(TaskGroup* group, std::string name) : group(group), name(std::move(name)) {}

  void ended(std::exception_ptr error) override {
    group->ended(this, std::move(error));
    if (!starting) delete this;
  }

  TaskGroup* group;
  std::string name;
  asio::cancellation_signal signal;
  Child* next = nullptr;
  Child* prev = nullptr;
  bool starting = true;
  bool done = false;
};

TaskGroup::~TaskGroup() = default;  // run() has waited for every child

Task<void> TaskGroup::run(Task<void> body) {
  runtime_ = &Runtime::current();  // throws std::logic_error off a Runtime's loop
  caller_ = co_await asio::this_coro::executor;
  // The caller waits for every child even once it has been cancelled: a wait of ours must not
  // throw because the caller's cancellation was requested (Asio's default for a task).
  const bool throws_if_cancelled = co_await asio::this_coro::throw_if_cancelled();
  co_await asio::this_coro::throw_if_cancelled(false);
  auto caller_cancelled =
      (co_await asio::this_coro::cancellation_state).cancelled() != asio::cancellation_type::none;
  if (caller_cancelled) {
    cancelling_ = true;  // the body is not started
  } else {
    const auto caller = trace::current_task();
    start(std::move(body), caller.empty() ? "a task group's body" : std::string(caller), true);
  }
  if (running_ > 0) {
    trace::Suspension waiting(trace::Kind::waiting);  // the caller, until the last child ends
    while (running_ > 0) {
      auto [error] = co_await all_ended_.async_wait(asio::as_tuple(asio::deferred));
      if (error) {  // the caller was cancelled: so is every child; go on waiting for them
        caller_cancelled = true;
        cancel();
      }
    }
  }
  co_await asio::this_coro::throw_if_cancelled(throws_if_cancelled);
  if (first_failure_) std::rethrow_exception(first_failure_);
  if (caller_cancelled) throw boost::system::system_error(asio::error::operation_aborted);
}

void TaskGroup::spawn(Task<void> task, std::string name) {
  if (runtime_ == nullptr || !runtime_->in_loop_thread()) {
    throw std::logic_error("asyncrt: TaskGroup::spawn('" + name +
                           "') called off the loop thread of the group's Runtime");
  }
  if (cancelling_) return;  // not started: the group is ending (see the class comment)
  start(std::move(task), std::move(name), false);
}

// Memory may run out making the child, its executor or its first frames: then it has not
// started, it is taken off the list again, and the exception goes to whoever called spawn()
// (the group does not wait for a child that never ran).
void TaskGroup::start(Task<void> task, std::string name, bool in_place_of_caller) {
  auto child = std::make_unique<Child>(this, std::move(name));
  // The body runs as the caller (its executor carries the caller's name); a child under its
  // own name, whose first piece, run inside start_child, is charged to it.
  auto& parts = *runtime_->parts_;
  const auto place = in_place_of_caller ? Runtime::Parts::TaskPlace{caller_, nullptr}
                                        : parts.place_task(child->name);
  child->next = children_;
  if (children_) children_->prev = child.get();
  children_ = child.get();
  ++running_;
  auto launch = [&] {
    detail::start_child(std::move(task), place.executor, child->signal.slot(), child.get());
  };
  try {
    if (place.label) {
      detail::run_in_task(*place.label, launch);
    } else {
      launch();
    }
  } catch (...) {
    if (!child->done) unlink(child.get());
    throw;
  }
  child->starting = false;
  if (!child->done) child.release();  // deleted when it ends; or now: it ended inside start_child
}

void TaskGroup::unlink(Child* child) noexcept {
  child->done = true;
  (child->prev ? child->prev->next : children_) = child->next;
  if (child->next) child->next->prev = child->prev;
  --running_;
}

void TaskGroup::ended(Child* child, std::exception_ptr error) {
  unlink(child);
  if (error && !(cancelling_ && detail::is_operation_aborted(error))) {
    if (!first_failure_) {
      first_failure_ = std::move(error);
      cancel();
    } else {
      runtime_->parts_->tell_failure(child->name, std::move(error));
    }
  }
  if (running_ == 0) all_ended_.wake_all();
}

void TaskGroup::cancel() {
  if (cancelling_) return;  // each child is cancelled once: a cancelled task stays cancelled
  cancelling_ = true;
  for (Child* child = children_; child != nullptr;) {
    Child* next = child->next;  // emit() may not end a child at once, but be safe if it does
    child->signal.emit(asio::cancellation_type::terminal);
    child = next;
  }
}

}  // namespace asyncrt
