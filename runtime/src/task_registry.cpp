#include <asyncrt/detail/task_registry.hpp>

#include <algorithm>
#include <new>
#include <utility>

namespace asyncrt::detail {

// A block of records, aligned to its size, so that a record finds its block from its own
// address.
struct TaskRegistry::Block {
  static constexpr std::size_t bytes = 16 * 1024;
  static constexpr std::size_t count = (bytes - 4 * sizeof(void*)) / sizeof(Record);

  Block() noexcept {
    for (std::size_t i = 0; i + 1 < count; ++i) records[i].next_free = &records[i + 1];
    free = &records[0];
  }

  Block* prev_with_room = nullptr;  // its neighbours among the blocks with a free record
  Block* next_with_room = nullptr;
  Record* free = nullptr;  // its first free record; null when it is full
  std::size_t live = 0;    // how many of its records hold a task
  Record records[count];
};

TaskRegistry::Block* TaskRegistry::block_of(Record* record) noexcept {
  static_assert(sizeof(Block) <= Block::bytes);
  return reinterpret_cast<Block*>(reinterpret_cast<std::uintptr_t>(record) &
                                  ~std::uintptr_t{Block::bytes - 1});
}

std::size_t TaskRegistry::records_per_block() noexcept {
  return Block::count;
}

TaskRegistry::~TaskRegistry() {
  // Tasks abandoned at shutdown still have records; their handlers never run again.
  for (Block* block : blocks_) {
    for (Record& record : block->records) {
      if (record.label) record.signal.~cancellation_signal();
    }
    delete_block(block);
  }
}

TaskRegistry::Block* TaskRegistry::new_block() {
  auto* block = new (::operator new(Block::bytes, std::align_val_t(Block::bytes))) Block();
  try {
    blocks_.push_back(block);
  } catch (...) {
    delete_block(block);
    throw;
  }
  link_with_room(block);
  return block;
}

TaskRegistry::Record* TaskRegistry::add(TaskLabelRef label) {
  Block* block = with_room_ ? with_room_ : new_block();
  Record* record = block->free;
  block->free = record->next_free;
  new (&record->signal) asio::cancellation_signal();
  if (!block->free) unlink_with_room(block);
  ++block->live;
  ++live_;
  record->label = std::move(label);
  return record;
}

void TaskRegistry::cancel(Record* record, asio::cancellation_type type) {
  record->signal.emit(type);
}

void TaskRegistry::remove(Record* record) noexcept {
  record->label = TaskLabelRef();
  if (sweeping_) {
    finished_during_sweep_.push_back(record);  // room reserved by cancel_all()
  } else {
    free_record(record);
  }
}

void TaskRegistry::free_record(Record* record) noexcept {
  record->signal.~cancellation_signal();  // and the task's cancellation state with it
  Block* block = block_of(record);
  record->next_free = block->free;
  if (!block->free) link_with_room(block);
  block->free = record;
  --block->live;
  --live_;
  // An empty block goes back, unless no other block has room: a task spawned and ending in
  // a loop would otherwise allocate and free a block each time.
  if (block->live == 0 && (with_room_ != block || block->next_with_room)) release(block);
}

void TaskRegistry::link_with_room(Block* block) noexcept {
  block->prev_with_room = nullptr;
  block->next_with_room = with_room_;
  if (with_room_) with_room_->prev_with_room = block;
  with_room_ = block;
}

void TaskRegistry::unlink_with_room(Block* block) noexcept {
  (block->prev_with_room ? block->prev_with_room->next_with_room : with_room_) =
      block->next_with_room;
  if (block->next_with_room) block->next_with_room->prev_with_room = block->prev_with_room;
  block->prev_with_room = block->next_with_room = nullptr;
}

void TaskRegistry::release(Block* block) noexcept {
  unlink_with_room(block);
  *std::find(blocks_.begin(), blocks_.end(), block) = blocks_.back();
  blocks_.pop_back();
  delete_block(block);
}

void TaskRegistry::delete_block(Block* block) noexcept {
  block->~Block();
  ::operator delete(block, std::align_val_t(Block::bytes));
}

void TaskRegistry::cancel_all() {
  std::vector<Record*> live;
  live.reserve(live_);
  for (Block* block : blocks_) {
    for (Record& record : block->records) {
      if (record.label) live.push_back(&record);
    }
  }
  finished_during_sweep_.reserve(live.size());
  sweeping_ = true;
  for (Record* record : live) {
    // The emit may end this task, or others (a record whose task has ended loses its label,
    // and stays until the end of the sweep).
    if (record->label) record->signal.emit(asio::cancellation_type::terminal);
  }
  sweeping_ = false;
  for (Record* record : finished_during_sweep_) free_record(record);
  finished_during_sweep_.clear();
}

}  // namespace asyncrt::detail
