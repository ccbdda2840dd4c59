// The room a spawned task's cancellation state is built in (a detail: every task's
// cancellation goes through it, so it is tested directly).
#include <asyncrt/detail/cancellation_room.hpp>

#include <vector>

#include <boost/asio/cancellation_state.hpp>
#include <gtest/gtest.h>

namespace asyncrt::detail {
namespace {

namespace asio = boost::asio;

// What an operation waiting on a state puts in the state's slot: notes each cancellation it
// gets, and its own end.
struct Waiting {
  std::vector<asio::cancellation_type>* got;
  int* ended;
  Waiting(std::vector<asio::cancellation_type>* g, int* e) : got(g), ended(e) {}
  Waiting(const Waiting&) = delete;
  ~Waiting() { ++*ended; }
  void operator()(asio::cancellation_type type) { got->push_back(type); }
};

TEST(CancellationRoom, AStateBuiltThereGetsTheEmitsItsFilterLetsThrough) {
  std::vector<asio::cancellation_type> got;  // outlive the room, which ends the waiter
  int ended = 0;
  CancellationRoom room;
  asio::cancellation_state state(room.slot());
  state.slot().emplace<Waiting>(&got, &ended);

  room.emit(asio::cancellation_type::partial);  // the default state takes terminal ones only
  EXPECT_TRUE(got.empty());
  EXPECT_EQ(state.cancelled(), asio::cancellation_type::none);

  room.emit(asio::cancellation_type::terminal);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0], asio::cancellation_type::terminal);
  EXPECT_EQ(state.cancelled(), asio::cancellation_type::terminal);
  EXPECT_EQ(ended, 0);
}

TEST(CancellationRoom, AStateWithItsOwnFilterTakesWhatItAllows) {
  std::vector<asio::cancellation_type> got;
  int ended = 0;
  CancellationRoom room;
  asio::cancellation_state state(room.slot(), asio::enable_total_cancellation());
  state.slot().emplace<Waiting>(&got, &ended);
  room.emit(asio::cancellation_type::partial);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0], asio::cancellation_type::partial);
}

TEST(CancellationRoom, ANewStateOrTheRoomsEndDestroysTheOldOneWithWhatWaitsOnIt) {
  int ended = 0;
  std::vector<asio::cancellation_type> got;
  {
    CancellationRoom room;
    asio::cancellation_state first(room.slot());
    first.slot().emplace<Waiting>(&got, &ended);
    EXPECT_EQ(ended, 0);

    asio::cancellation_state second(room.slot());  // the next task on a reused record
    EXPECT_EQ(ended, 1);
    second.slot().emplace<Waiting>(&got, &ended);
    room.emit(asio::cancellation_type::terminal);
    EXPECT_EQ(got.size(), 1u);  // only the second state's waiter: the first is gone

    room.reset();
    EXPECT_EQ(ended, 2);
    room.emit(asio::cancellation_type::terminal);  // nothing built there: nothing happens
    EXPECT_EQ(got.size(), 1u);

    asio::cancellation_state third(room.slot());
    third.slot().emplace<Waiting>(&got, &ended);
  }
  EXPECT_EQ(ended, 3);  // the room's end took the third state's waiter with it
}

}  // namespace
}  // namespace asyncrt::detail
