#include <asyncrt/detail/task_label.hpp>

namespace asyncrt::detail {

TaskLabelRef TaskLabels::label(std::string_view name, bool traced) {
  std::lock_guard lock(mutex_);
  auto& table = tables_[traced ? 1 : 0];
  if (auto it = table.find(name); it != table.end()) return TaskLabelRef(*it->second);
  if (size_ >= limit) return TaskLabelRef(std::string(name), detector_, traced);
  std::unique_ptr<TaskLabel> owned(new TaskLabel{std::string(name), detector_, traced, false});
  const std::string_view key = owned->name;  // points into the label, which never moves
  TaskLabel& label = *table.emplace(key, std::move(owned)).first->second;
  ++size_;
  return TaskLabelRef(label);
}

}  // namespace asyncrt::detail
