// The room a spawned task's cancellation state is built in (a detail: every task's
// cancellation goes through it, so it is tested directly).
#include <asyncrt/detail/cancellation_room.hpp>

#include <stdexcept>
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
  CancellationRoom::Kind kind;
  CancellationRoom room;
  asio::cancellation_state state(room.slot(kind));
  state.slot().emplace<Waiting>(&got, &ended);

  room.emit(kind, asio::cancellation_type::partial);  // the default state takes terminal ones
  EXPECT_TRUE(got.empty());
  EXPECT_EQ(state.cancelled(), asio::cancellation_type::none);

  room.emit(kind, asio::cancellation_type::terminal);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0], asio::cancellation_type::terminal);
  EXPECT_EQ(state.cancelled(), asio::cancellation_type::terminal);
  EXPECT_EQ(ended, 0);
  room.destroy(kind);
  EXPECT_EQ(ended, 1);
}

TEST(CancellationRoom, AStateWithItsOwnFilterTakesWhatItAllows) {
  std::vector<asio::cancellation_type> got;
  int ended = 0;
  CancellationRoom::Kind kind;
  CancellationRoom room;
  asio::cancellation_state state(room.slot(kind), asio::enable_total_cancellation());
  state.slot().emplace<Waiting>(&got, &ended);
  room.emit(kind, asio::cancellation_type::partial);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0], asio::cancellation_type::partial);
  room.destroy(kind);
}

TEST(CancellationRoom, RoomsOfOneKindShareItsTypeDestroyEndsAStateAndWhatWaitsOnIt) {
  int ended = 0;
  std::vector<asio::cancellation_type> got;
  CancellationRoom::Kind kind;
  CancellationRoom first_room;
  CancellationRoom second_room;
  asio::cancellation_state first(first_room.slot(kind));
  first.slot().emplace<Waiting>(&got, &ended);
  asio::cancellation_state second(second_room.slot(kind));
  second.slot().emplace<Waiting>(&got, &ended);

  second_room.emit(kind, asio::cancellation_type::terminal);
  EXPECT_EQ(got.size(), 1u);
  EXPECT_EQ(first.cancelled(), asio::cancellation_type::none);
  EXPECT_EQ(second.cancelled(), asio::cancellation_type::terminal);

  first_room.destroy(kind);
  EXPECT_EQ(ended, 1);
  asio::cancellation_state again(first_room.slot(kind));  // the room of the next task
  again.slot().emplace<Waiting>(&got, &ended);
  first_room.emit(kind, asio::cancellation_type::terminal);
  EXPECT_EQ(got.size(), 2u);
  EXPECT_EQ(again.cancelled(), asio::cancellation_type::terminal);

  // A state of another type (another filter) would be read as the first type: refused.
  CancellationRoom third_room;
  EXPECT_THROW(asio::cancellation_state(third_room.slot(kind), asio::enable_total_cancellation()),
               std::logic_error);

  first_room.destroy(kind);
  second_room.destroy(kind);
  EXPECT_EQ(ended, 3);
}

}  // namespace
}  // namespace asyncrt::detail
