// The records of a Runtime's live tasks (a detail: every spawned task has one, and a million
// sleeping tasks keep a million, so their blocks are tested directly).
#include <asyncrt/detail/task_registry.hpp>

#include <algorithm>
#include <cstddef>
#include <random>
#include <set>
#include <vector>

#include <boost/asio/cancellation_state.hpp>
#include <gtest/gtest.h>

namespace asyncrt::detail {
namespace {

namespace asio = boost::asio;

TEST(TaskRegistry, RecordsFillBlocksAndAnEmptyBlockGoesBackUnlessItIsTheLastWithRoom) {
  TaskLabels labels(nullptr);
  const TaskLabelRef label = labels.label("bowl", false);
  TaskRegistry registry;
  const std::size_t per_block = TaskRegistry::records_per_block();
  ASSERT_GE(per_block, 100u);

  // Two blocks and a half: every record its own, each with its label and a state of its own
  // built in its signal's slot (as the Runtime starts a task).
  const std::size_t count = 2 * per_block + per_block / 2;
  struct Added {
    TaskRegistry::Record* record;
    asio::cancellation_state state;
  };
  std::vector<Added> added;
  for (std::size_t i = 0; i < count; ++i) {
    auto* record = registry.add(label);
    added.push_back({record, asio::cancellation_state(record->signal.slot())});
  }
  EXPECT_EQ(registry.blocks(), 3u);
  std::set<TaskRegistry::Record*> distinct;
  for (const auto& task : added) {
    distinct.insert(task.record);
    EXPECT_TRUE(task.record->label == label);
  }
  EXPECT_EQ(distinct.size(), count);

  // Cancelling one reaches that task's state only; cancel_all reaches every one.
  registry.cancel(added[7].record, asio::cancellation_type::terminal);
  EXPECT_EQ(added[7].state.cancelled(), asio::cancellation_type::terminal);
  EXPECT_EQ(added[8].state.cancelled(), asio::cancellation_type::none);
  registry.cancel_all();
  for (const auto& task : added) {
    EXPECT_EQ(task.state.cancelled(), asio::cancellation_type::terminal);
  }

  // The second block's tasks end: that block goes back (the third has room).
  for (std::size_t i = per_block; i < 2 * per_block; ++i) registry.remove(added[i].record);
  EXPECT_EQ(registry.blocks(), 2u);
  added.erase(added.begin() + static_cast<std::ptrdiff_t>(per_block),
              added.begin() + static_cast<std::ptrdiff_t>(2 * per_block));
  // The rest end in any order: one block is kept.
  std::mt19937 random(7);
  std::shuffle(added.begin(), added.end(), random);
  for (const auto& task : added) registry.remove(task.record);
  EXPECT_EQ(registry.blocks(), 1u);

  // The block kept serves the next tasks: a task spawned and ending in a loop allocates none.
  for (int i = 0; i < 1000; ++i) registry.remove(registry.add(label));
  EXPECT_EQ(registry.blocks(), 1u);
}

TEST(TaskRegistry, AStateATaskMakesAnewIsCancelledTooAndGoesWithItsRecord) {
  TaskLabels labels(nullptr);
  TaskRegistry registry;
  auto* record = registry.add(labels.label("bowl", false));
  asio::cancellation_state state(record->signal.slot());
  // What this_coro::reset_cancellation_state does: a new state, built in the record's signal.
  asio::cancellation_state anew(record->signal.slot());
  registry.cancel_all();
  EXPECT_EQ(anew.cancelled(), asio::cancellation_type::terminal);
  registry.remove(record);  // the state goes with it (LeakSanitizer checks)
  auto* next = registry.add(labels.label("bowl", false));
  EXPECT_EQ(next, record);  // the same record, ready for the next task
  EXPECT_FALSE(next->signal.slot().has_handler());
  registry.remove(next);
}

TEST(TaskRegistry, TasksThatEndWhileTheSweepCancelsAnotherLeaveTheirBlockAfterTheSweep) {
  TaskLabels labels(nullptr);
  const TaskLabelRef label = labels.label("bowl", false);
  TaskRegistry registry;
  const std::size_t per_block = TaskRegistry::records_per_block();
  // Blocks A and B full, C with one task; A's tasks end, so A goes and C comes first in the
  // sweep. Cancelling C's task ends all of B's (as a task that ends inside its cancellation
  // may let others end): B empties while the sweep still has B's records to visit, so its
  // records, and B, must stay until the sweep is over (ASan checks what the sweep touches).
  std::vector<TaskRegistry::Record*> a;
  std::vector<TaskRegistry::Record*> b;
  for (std::size_t i = 0; i < per_block; ++i) a.push_back(registry.add(label));
  for (std::size_t i = 0; i < per_block; ++i) b.push_back(registry.add(label));
  auto* c = registry.add(label);
  asio::cancellation_state c_state(c->signal.slot());
  for (auto* record : a) registry.remove(record);
  ASSERT_EQ(registry.blocks(), 2u);
  int calls = 0;
  c_state.slot().assign([&](asio::cancellation_type) {
    ++calls;
    for (auto* record : b) registry.remove(record);
  });
  registry.cancel_all();
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(c_state.cancelled(), asio::cancellation_type::terminal);
  EXPECT_EQ(registry.blocks(), 1u);  // B went, after the sweep
  registry.remove(c);
}

}  // namespace
}  // namespace asyncrt::detail
