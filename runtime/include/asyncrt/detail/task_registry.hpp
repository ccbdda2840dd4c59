#pragma once
// TaskRegistry: a Runtime's live detached tasks, each with its name and cancellation state.

#include <cstddef>
#include <cstdint>
#include <vector>

#include <boost/asio/cancellation_signal.hpp>

#include <asyncrt/detail/task_label.hpp>

namespace asyncrt::detail {

namespace asio = boost::asio;

/// The live tasks of a Runtime: one record per task, its name and the signal that cancels it,
/// so starting and finishing a task costs no hashing and no reference counting. Records live
/// in blocks of a few hundred, 16 B each with nothing around them (a block is one allocation,
/// its records link their free ones), since a million sleeping tasks keep a million records
/// (docs/performance.md). A block whose records are all free is given back, unless it is the
/// only one with room.
///
/// Threads: not thread-safe; every call happens on the loop thread.
class TaskRegistry {
 public:
  struct Record {
    Record() noexcept : next_free(nullptr) {}
    ~Record() {}  // the registry ends the union's member in use
    Record(const Record&) = delete;
    Record& operator=(const Record&) = delete;

    TaskLabelRef label;  // the task's name (kept once per name by TaskLabels); null when free
    union {
      // A live task's: its cancellation state is built in the signal's slot (by whoever starts
      // the task, and anew by this_coro::reset_cancellation_state); an emit cancels the task's
      // current wait.
      asio::cancellation_signal signal;
      Record* next_free;  // a free record's: the next free one in its block
    };
  };

  TaskRegistry() = default;
  TaskRegistry(const TaskRegistry&) = delete;
  TaskRegistry& operator=(const TaskRegistry&) = delete;
  ~TaskRegistry();

  /// A record for a new task with `label` (not null).
  Record* add(TaskLabelRef label);
  /// Cancels the task of `record` with `type` (the task has one: added and not removed).
  void cancel(Record* record, asio::cancellation_type type);
  /// The task has finished: its record goes (later, if cancel_all() is emitting right now).
  void remove(Record* record) noexcept;
  /// Emits a terminal cancellation to every task. A task may finish, and be removed, while
  /// another's signal emits; its record stays valid until the sweep is over.
  void cancel_all();
  /// How many blocks of records it keeps.
  std::size_t blocks() const noexcept { return blocks_.size(); }
  /// How many records one block holds.
  static std::size_t records_per_block() noexcept;

 private:
  struct Block;
  static Block* block_of(Record* record) noexcept;
  Block* new_block();
  void free_record(Record* record) noexcept;
  void link_with_room(Block* block) noexcept;
  void unlink_with_room(Block* block) noexcept;
  void release(Block* block) noexcept;
  static void delete_block(Block* block) noexcept;

  std::vector<Block*> blocks_;  // every block, for the sweep
  Block* with_room_ = nullptr;  // the blocks that have a free record
  std::size_t live_ = 0;        // records that hold a task
  bool sweeping_ = false;
  std::vector<Record*> finished_during_sweep_;
};

}  // namespace asyncrt::detail
