#pragma once
// TaskRegistry: a Runtime's live detached tasks, each with the signal that cancels it.

#include <vector>

#include <boost/asio/cancellation_signal.hpp>

namespace asyncrt::detail {

namespace asio = boost::asio;

/// The live detached tasks of a Runtime: one record per task (a single allocation holding its
/// cancellation signal, linked into an intrusive list), so starting and finishing a task costs
/// no hashing and no reference counting.
///
/// Threads: not thread-safe; every call happens on the loop thread.
class TaskRegistry {
 public:
  struct Record {
    asio::cancellation_signal signal;
    Record* prev = nullptr;
    Record* next = nullptr;
    bool finished = false;
  };

  TaskRegistry() = default;
  TaskRegistry(const TaskRegistry&) = delete;
  TaskRegistry& operator=(const TaskRegistry&) = delete;
  ~TaskRegistry();

  /// A new task: its record, whose signal's slot is bound to the task.
  Record* add();
  /// The task has finished: its record goes (later, if cancel_all() is emitting right now).
  void remove(Record* record) noexcept;
  /// Emits a terminal cancellation to every task. A task may finish, and be removed, while
  /// another's signal emits; its record stays valid until the sweep is over.
  void cancel_all();

 private:
  Record* head_ = nullptr;
  bool sweeping_ = false;
  std::vector<Record*> finished_during_sweep_;
};

}  // namespace asyncrt::detail
