#include <asyncrt/detail/task_registry.hpp>

namespace asyncrt::detail {

TaskRegistry::~TaskRegistry() {
  // Tasks abandoned at shutdown still have records; their handlers never run again.
  while (head_) {
    Record* next = head_->next;
    delete head_;
    head_ = next;
  }
}

TaskRegistry::Record* TaskRegistry::add() {
  auto* record = new Record;
  record->next = head_;
  if (head_) head_->prev = record;
  head_ = record;
  return record;
}

void TaskRegistry::remove(Record* record) noexcept {
  (record->prev ? record->prev->next : head_) = record->next;
  if (record->next) record->next->prev = record->prev;
  if (sweeping_) {
    record->finished = true;
    finished_during_sweep_.push_back(record);
  } else {
    delete record;
  }
}

void TaskRegistry::cancel_all() {
  std::vector<Record*> live;
  for (Record* record = head_; record; record = record->next) live.push_back(record);
  finished_during_sweep_.reserve(live.size());
  sweeping_ = true;
  for (Record* record : live) {
    if (!record->finished) record->signal.emit(asio::cancellation_type::terminal);
  }
  sweeping_ = false;
  for (Record* record : finished_during_sweep_) delete record;
  finished_during_sweep_.clear();
}

}  // namespace asyncrt::detail
