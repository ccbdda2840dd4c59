// The alarm clock under sleep_for and with_timeout: its order, its cancels, and how it lets an
// io_context go (a detail, but the one every sleeping task waits in).
#include <asyncrt/detail/alarm_clock.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/detail/reactor.hpp>  // to see whether the loop started its reactor
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_future.hpp>
#include <gtest/gtest.h>

#include <asyncrt/detail/virtual_clock.hpp>
#include <asyncrt/time.hpp>

namespace asyncrt::detail {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using TimePoint = AlarmClock::TimePoint;
using Wake = AlarmClock::Wake;

// A waiter that writes down when and why it was woken.
struct Sleeper : AlarmClock::Waiter {
  struct Woken {
    int id;
    Wake why;
    TimePoint at;
  };
  int id = 0;
  std::vector<Woken>* log = nullptr;
  const VirtualClock* clock = nullptr;

  static void record(AlarmClock::Waiter& waiter, Wake why) {
    auto& self = static_cast<Sleeper&>(waiter);
    self.log->push_back({self.id, why, self.clock->now()});
  }
};

TEST(AlarmClock, RingsEachAlarmOnceAtItsDeadlineEarliestFirstThenFirstComeThroughCancels) {
  asio::io_context io;
  VirtualClock time(TimePoint{});
  AlarmClock& clock = AlarmClock::of(io);
  clock.use_virtual_clock(&time);

  // Deadlines from a small range (many equal), set in a shuffled order, a third cancelled
  // while set: the heap is filled, emptied from the middle, and rung.
  constexpr int count = 3000;
  std::mt19937 random(12345);
  std::vector<Sleeper> sleepers(count);
  std::vector<Sleeper::Woken> log;
  for (int i = 0; i < count; ++i) {
    sleepers[i].id = i;
    sleepers[i].log = &log;
    sleepers[i].clock = &time;
    sleepers[i].deadline = TimePoint(std::chrono::milliseconds(random() % 200));
    sleepers[i].wake = &Sleeper::record;
  }
  std::vector<int> set_order(count);
  for (int i = 0; i < count; ++i) set_order[i] = i;
  std::shuffle(set_order.begin(), set_order.end(), random);
  std::vector<int> rank(count);  // when each was set
  for (int i = 0; i < count; ++i) {
    rank[set_order[i]] = i;
    clock.set(sleepers[set_order[i]]);
  }
  std::vector<bool> cancelled(count, false);
  for (int i = 0; i < count; ++i) {
    if (random() % 3 != 0) continue;
    clock.cancel(sleepers[i]);
    cancelled[i] = true;
    ASSERT_FALSE(log.empty());
    EXPECT_EQ(log.back().id, i);
    EXPECT_EQ(log.back().why, Wake::cancelled);
    clock.cancel(sleepers[i]);  // a second cancel finds nothing
    EXPECT_FALSE(clock.forget(sleepers[i]));
  }
  const std::size_t cancels = log.size();
  log.clear();

  while (const auto next = clock.next_deadline()) {
    time.advance_to(*next);
    clock.ring_due();
  }
  EXPECT_EQ(log.size() + cancels, static_cast<std::size_t>(count));
  std::vector<bool> rung(count, false);
  for (std::size_t i = 0; i < log.size(); ++i) {
    const auto& woken = log[i];
    EXPECT_EQ(woken.why, Wake::rung);
    EXPECT_FALSE(cancelled[woken.id]) << woken.id;
    EXPECT_FALSE(rung[woken.id]) << woken.id << " rang twice";
    rung[woken.id] = true;
    EXPECT_EQ(woken.at, sleepers[woken.id].deadline);  // at its deadline, not later
    if (i > 0) {
      const auto& before = sleepers[log[i - 1].id];
      const auto& now = sleepers[woken.id];
      EXPECT_LT(std::tie(before.deadline, rank[before.id]), std::tie(now.deadline, rank[now.id]));
    }
  }
}

TEST(AlarmClock, AlarmsInDeadlineOrderAndOutOfItShareOneOrderEqualDeadlinesFirstCome) {
  asio::io_context io;
  VirtualClock time(TimePoint{});
  AlarmClock& clock = AlarmClock::of(io);
  clock.use_virtual_clock(&time);

  // Set in this order, with these deadlines (ms): alarms no earlier than the last in order
  // join the line (0, 2, 3, 5, 7, 9, 10), the others the heap (1, 4, 6, 8). Equal deadlines in
  // the line and the heap ring in the order they were set (2 and 3 before 8); the line loses
  // its head (0), its tail (10) and one in the middle (5), the heap one (6), before anything
  // rings.
  const std::vector<int> deadlines = {5, 3, 5, 5, 3, 7, 1, 7, 5, 8, 9};
  std::vector<Sleeper> sleepers(deadlines.size());
  std::vector<Sleeper::Woken> log;
  for (std::size_t i = 0; i < sleepers.size(); ++i) {
    sleepers[i].id = static_cast<int>(i);
    sleepers[i].log = &log;
    sleepers[i].clock = &time;
    sleepers[i].deadline = TimePoint(std::chrono::milliseconds(deadlines[i]));
    sleepers[i].wake = &Sleeper::record;
    clock.set(sleepers[i]);
  }
  for (int id : {0, 10, 5, 6}) clock.cancel(sleepers[id]);
  EXPECT_EQ(log.size(), 4u);
  log.clear();
  EXPECT_EQ(clock.next_deadline(), TimePoint(3ms));
  while (const auto next = clock.next_deadline()) {
    time.advance_to(*next);
    clock.ring_due();
  }
  std::vector<int> rang;
  for (const auto& woken : log) {
    EXPECT_EQ(woken.why, Wake::rung);
    EXPECT_EQ(woken.at, sleepers[woken.id].deadline);
    rang.push_back(woken.id);
  }
  EXPECT_EQ(rang, (std::vector<int>{1, 4, 2, 3, 8, 7, 9}));

  // Emptied, the line takes any deadline again: 0 (12 ms) joins it, 1 (11 ms) goes to the
  // heap; 0 is cancelled, so 2 (11 ms) and 3 (15 ms) join the line, 4 (10 ms) the heap. 1 and
  // 2 are due together, 1 in the heap set before 2 in the line: 1 rings first.
  for (auto [id, ms] :
       std::vector<std::pair<int, int>>{{0, 12}, {1, 11}, {2, 11}, {3, 15}, {4, 10}}) {
    sleepers[id].deadline = TimePoint(std::chrono::milliseconds(ms));
    clock.set(sleepers[id]);
    if (id == 1) clock.cancel(sleepers[0]);
  }
  EXPECT_EQ(clock.next_deadline(), TimePoint(10ms));
  time.advance_to(TimePoint(20ms));
  log.clear();
  clock.ring_due();
  rang.clear();
  for (const auto& woken : log) rang.push_back(woken.id);
  EXPECT_EQ(rang, (std::vector<int>{4, 1, 2, 3}));
  EXPECT_FALSE(clock.next_deadline());
}

TEST(AlarmClock, AlarmsSetWhileRingingRingInTheirTurn) {
  asio::io_context io;
  VirtualClock time(TimePoint{});
  AlarmClock& clock = AlarmClock::of(io);
  clock.use_virtual_clock(&time);

  // Each rung alarm sets the next one 1 ms later, and one already due: the due one rings in
  // the same ring_due, the later one only once the clock gets there.
  struct Chain : AlarmClock::Waiter {
    AlarmClock* clock;
    std::vector<TimePoint>* rang;
    Chain* next = nullptr;
    static void wake_up(AlarmClock::Waiter& waiter, Wake why) {
      auto& self = static_cast<Chain&>(waiter);
      ASSERT_EQ(why, Wake::rung);
      self.rang->push_back(self.deadline);
      if (self.next) self.clock->set(*self.next);
    }
  };
  std::vector<TimePoint> rang;
  std::array<Chain, 4> chain;
  for (std::size_t i = 0; i < chain.size(); ++i) {
    chain[i].clock = &clock;
    chain[i].rang = &rang;
    chain[i].wake = &Chain::wake_up;
    chain[i].deadline = TimePoint(std::chrono::milliseconds(i / 2));  // 0, 0, 1, 1
    if (i + 1 < chain.size()) chain[i].next = &chain[i + 1];
  }
  clock.set(chain[0]);
  clock.ring_due();
  EXPECT_EQ(rang.size(), 2u);  // chain[1] was due when chain[0] set it
  ASSERT_EQ(clock.next_deadline(), TimePoint(1ms));
  time.advance_to(TimePoint(1ms));
  clock.ring_due();
  EXPECT_EQ(rang.size(), 4u);
  EXPECT_FALSE(clock.next_deadline());
}

TEST(AlarmClock, AnAlarmDueWhenSetRingsAfterTheQueuedHandlersWithoutTheTimer) {
  asio::io_context io;
  AlarmClock& clock = AlarmClock::of(io);
  // A waiter that writes its name down when it rings.
  struct Named : AlarmClock::Waiter {
    const char* name = "";
    std::vector<std::string>* log = nullptr;
    static void wake_up(AlarmClock::Waiter& waiter, Wake why) {
      auto& self = static_cast<Named&>(waiter);
      EXPECT_EQ(why, Wake::rung);
      self.log->push_back(self.name);
    }
  };
  std::vector<std::string> log;
  Named past, now, later;
  for (auto [waiter, name] : {std::pair{&past, "past"}, {&now, "now"}, {&later, "later"}}) {
    waiter->name = name;
    waiter->log = &log;
    waiter->wake = &Named::wake_up;
  }
  past.deadline = TimePoint{};
  now.deadline = clock.now();
  asio::post(io, [&] { log.push_back("queued before"); });
  clock.set(past);
  clock.set(now);
  asio::post(io, [&] { log.push_back("queued after"); });
  io.run();
  EXPECT_EQ(log, (std::vector<std::string>{"queued before", "past", "now", "queued after"}));
  // Rung through the loop's queue: the loop never started its reactor (no timer, no epoll).
  EXPECT_FALSE(asio::has_service<asio::detail::reactor>(io));

  // An alarm in the future does arm the timer, and so starts the reactor.
  later.deadline = clock.now() + 1ms;
  clock.set(later);
  io.restart();
  io.run();
  EXPECT_EQ(log.back(), "later");
  EXPECT_TRUE(asio::has_service<asio::detail::reactor>(io));
}

TEST(AlarmClock, AnAlarmDueWhenSetLeavesNoWaitForALaterOneThatIsForgotten) {
  asio::io_context io;
  AlarmClock& clock = AlarmClock::of(io);
  int rung = 0;
  struct Counted : AlarmClock::Waiter {
    int* rung = nullptr;
    static void wake_up(AlarmClock::Waiter& waiter, Wake why) {
      EXPECT_EQ(why, Wake::rung);
      ++*static_cast<Counted&>(waiter).rung;
    }
  };
  Counted later, past;
  for (Counted* waiter : {&later, &past}) {
    waiter->rung = &rung;
    waiter->wake = &Counted::wake_up;
  }
  later.deadline = clock.now() + 60s;  // arms the timer
  clock.set(later);
  past.deadline = TimePoint{};  // due: rings through the queue
  clock.set(past);
  EXPECT_TRUE(clock.forget(later));
  // Nothing is left to wait for once `past` has rung: run() returns, not in 60 s.
  io.run_for(5s);
  EXPECT_TRUE(io.stopped());
  EXPECT_EQ(rung, 1);
}

TEST(Alarm, ALargeHandlerWaitsOnTheHeapAndRunsOnTheIoContext) {
  asio::io_context io;
  std::array<char, 64> large{};  // no room for it inside the alarm
  large[63] = 'x';
  std::thread::id ran_on;
  boost::system::error_code result = asio::error::would_block;
  Alarm alarm(io.get_executor(), 2ms);
  alarm.async_wait([&, large](boost::system::error_code error) {
    EXPECT_EQ(large[63], 'x');
    ran_on = std::this_thread::get_id();
    result = error;
  });
  io.run();
  EXPECT_EQ(result, boost::system::error_code());
  EXPECT_EQ(ran_on, std::this_thread::get_id());
}

TEST(Alarm, ACancelledWaitCompletesWithOperationAbortedAfterTheEmitNotInsideIt) {
  asio::io_context io;
  asio::cancellation_signal signal;
  std::vector<std::string> events;
  Alarm alarm(io.get_executor(), 60s);
  alarm.async_wait(
      asio::bind_cancellation_slot(signal.slot(), [&](boost::system::error_code error) {
        events.push_back(error == asio::error::operation_aborted ? "aborted" : error.message());
      }));
  asio::post(io, [&] {
    signal.emit(asio::cancellation_type::terminal);
    events.push_back("emitted");
  });
  const auto start = std::chrono::steady_clock::now();
  io.run();  // returns once the wait is cancelled: nothing else keeps it
  EXPECT_LT(std::chrono::steady_clock::now() - start, 30s);
  EXPECT_EQ(events, (std::vector<std::string>{"emitted", "aborted"}));
}

TEST(Alarm, DestroyingASetAlarmDropsItsHandlerAndFreesTheIoContext) {
  asio::io_context io;
  auto owned = std::make_shared<int>(1);
  std::weak_ptr<int> watch = owned;
  bool called = false;
  {
    Alarm alarm(io.get_executor(), 60s);
    alarm.async_wait(
        [&called, owned = std::move(owned)](boost::system::error_code) { called = true; });
  }
  EXPECT_TRUE(watch.expired());
  const auto start = std::chrono::steady_clock::now();
  io.run();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 30s);
  EXPECT_FALSE(called);
}

TEST(Alarm, AnIoContextDestroyedWhileTasksSleepFreesTheirFrames) {
  auto owned = std::make_shared<int>(1);
  std::weak_ptr<int> watch = owned;
  {
    asio::io_context io;
    auto sleeper = [](std::shared_ptr<int> held) -> asio::awaitable<void> {
      co_await sleep_for(1h);
      (void)held;
    };
    for (int i = 0; i < 3; ++i) asio::co_spawn(io, sleeper(owned), asio::detached);
    owned.reset();
    io.run_for(5ms);
    EXPECT_FALSE(watch.expired());  // three tasks sleep, holding it
  }
  EXPECT_TRUE(watch.expired());
}

TEST(Alarm, WithTimeoutOnAPlainIoContextLetsItGoWhenTheTaskIsDone) {
  // The alarm for the limit is cancelled when the task wins: run() must not wait out the limit.
  asio::io_context io;
  auto quick = []() -> asio::awaitable<int> {
    co_await sleep_for(1ms);
    co_return 5;
  };
  auto result = asio::co_spawn(io, with_timeout(quick(), 60s), asio::use_future);
  const auto start = std::chrono::steady_clock::now();
  io.run();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 30s);
  EXPECT_EQ(result.get(), 5);
}

}  // namespace
}  // namespace asyncrt::detail
