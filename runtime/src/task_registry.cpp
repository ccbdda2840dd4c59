#include <asyncrt/detail/task_registry.hpp>

#include <utility>

namespace asyncrt::detail {

TaskRegistry::~TaskRegistry() {
  // Tasks abandoned at shutdown still have records; their handlers never run again.
  while (head_) {
    Record* next = head_->next;
    delete head_;
    head_ = next;
  }
  for (Record* record : spare_) delete record;
}

TaskRegistry::Record* TaskRegistry::add(TaskLabelRef label) {
  Record* record;
  if (spare_.empty()) {
    record = new Record(std::move(label));
  } else {
    // A reused record's room still holds the last task's cancellation state (it has no
    // resources); the next task's replaces it in place. One the last task made anew goes.
    record = spare_.back();
    spare_.pop_back();
    record->signal.slot().clear();
    record->prev = nullptr;
    record->label = std::move(label);
  }
  record->next = head_;
  if (head_) head_->prev = record;
  head_ = record;
  return record;
}

void TaskRegistry::remove(Record* record) noexcept {
  (record->prev ? record->prev->next : head_) = record->next;
  if (record->next) record->next->prev = record->prev;
  if (sweeping_) {
    mark_finished(record);
    finished_during_sweep_.push_back(record);
  } else {
    recycle(record);
  }
}

void TaskRegistry::recycle(Record* record) noexcept {
  if (spare_.size() < spare_limit) {
    try {
      spare_.push_back(record);
      return;
    } catch (...) {  // no room for it: free it instead
    }
  }
  delete record;
}

void TaskRegistry::cancel_all() {
  std::vector<Record*> live;
  for (Record* record = head_; record; record = record->next) live.push_back(record);
  finished_during_sweep_.reserve(live.size());
  sweeping_ = true;
  for (Record* record : live) {
    // Either emit may end the task (and its record be marked finished).
    if (!finished(record)) record->state.emit(asio::cancellation_type::terminal);
    if (!finished(record)) record->signal.emit(asio::cancellation_type::terminal);
  }
  sweeping_ = false;
  for (Record* record : finished_during_sweep_) recycle(record);
  finished_during_sweep_.clear();
}

}  // namespace asyncrt::detail
