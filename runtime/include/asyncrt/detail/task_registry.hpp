#pragma once
// TaskRegistry: a Runtime's live detached tasks, each with its name and cancellation state.

#include <cstddef>
#include <utility>
#include <vector>

#include <boost/asio/cancellation_signal.hpp>

#include <asyncrt/detail/cancellation_room.hpp>
#include <asyncrt/detail/task_label.hpp>

namespace asyncrt::detail {

namespace asio = boost::asio;

/// The live detached tasks of a Runtime: one record per task (its name and cancellation
/// state, linked into an intrusive list), so starting and finishing a task costs no hashing
/// and no reference counting. Records of finished tasks are kept for the next tasks (up to
/// `spare_limit`), so a steady stream of spawns allocates no record at all.
///
/// Threads: not thread-safe; every call happens on the loop thread.
class TaskRegistry {
 public:
  struct Record {
    explicit Record(TaskLabelRef l) noexcept : label(std::move(l)) {}

    TaskLabelRef label;  // the task's name, kept once per name by the Runtime's TaskLabels
    // The task's cancellation state is built in `state` (so it takes no memory of its own);
    // one the task makes anew (this_coro::reset_cancellation_state) is built in `signal`'s
    // slot. Cancelling the task emits on both.
    CancellationRoom state;
    asio::cancellation_signal signal;
    Record* prev = nullptr;  // its neighbours in the list of live tasks
    Record* next = nullptr;
  };

  TaskRegistry() = default;
  TaskRegistry(const TaskRegistry&) = delete;
  TaskRegistry& operator=(const TaskRegistry&) = delete;
  ~TaskRegistry();

  /// A new task with `label`: its record, whose state and signal the task is bound to.
  Record* add(TaskLabelRef label);
  /// The task has finished: its record goes (later, if cancel_all() is emitting right now).
  void remove(Record* record) noexcept;
  /// Emits a terminal cancellation to every task. A task may finish, and be removed, while
  /// another's signal emits; its record stays valid until the sweep is over.
  void cancel_all();

 private:
  static constexpr std::size_t spare_limit = 1024;
  void recycle(Record* record) noexcept;
  // A record removed while cancel_all() emits is marked by pointing at itself (a flag would
  // make every live task's record 16 B larger).
  static void mark_finished(Record* record) noexcept { record->prev = record; }
  static bool finished(const Record* record) noexcept { return record->prev == record; }

  Record* head_ = nullptr;
  std::vector<Record*> spare_;  // finished records, ready for reuse
  bool sweeping_ = false;
  std::vector<Record*> finished_during_sweep_;
};

}  // namespace asyncrt::detail
