#pragma once
// CancellationRoom: room for a task's Asio cancellation state, so that the state takes no
// memory of its own.

#include <cstddef>
#include <new>
#include <stdexcept>
#include <utility>

#include <boost/asio/cancellation_type.hpp>

namespace asyncrt::detail {

namespace asio = boost::asio;

/// Where one `asio::cancellation_state` keeps its shared part. Asio builds that part inside
/// the slot the state is made from (`asio::cancellation_state(slot)` calls
/// `slot.emplace<Part>()`, and any type with `is_connected()` and `emplace` will do as the
/// slot): made from slot(), it lands here instead of in memory a `cancellation_signal`
/// allocates. emit() then does what that signal's emit would: the state filters the
/// cancellation and passes it on to the operation the task waits on. A task that waits keeps
/// its state for as long as it waits, so a million sleeping tasks save a million allocations.
///
/// A room is those bytes and nothing else: it does not know whether a state is built in it
/// (its owner does: a live task's record always holds one), nor of which type. Rooms that
/// hold states made the same way share a Kind, which notes the type when the first is built
/// (a Runtime keeps one Kind for the rooms of all its tasks, not a pointer in each).
///
/// Threads: the thread that runs the task only (where the signal would be emitted too).
class CancellationRoom {
  struct PartFunctions;

 public:
  /// The type of state built in the rooms that share it.
  class Kind {
   public:
    Kind() = default;
    Kind(const Kind&) = delete;
    Kind& operator=(const Kind&) = delete;

   private:
    friend class CancellationRoom;
    const PartFunctions* part_ = nullptr;
  };

  /// A slot of the room, for building one state in it (the room must hold none).
  struct Slot {
    CancellationRoom* room;
    Kind* kind;

    bool is_connected() const noexcept { return true; }

    template <typename Part, typename... Args>
    Part& emplace(Args&&... args) {
      static_assert(sizeof(Part) <= sizeof(room_) && alignof(Part) <= alignof(void*),
                    "asio::cancellation_state's part no longer fits: enlarge the room");
      if (kind->part_ && kind->part_ != &part_functions<Part>) {
        throw std::logic_error("asyncrt: rooms of one Kind hold cancellation states of one type");
      }
      kind->part_ = &part_functions<Part>;
      return *new (room->room_) Part(std::forward<Args>(args)...);
    }
  };

  CancellationRoom() = default;
  CancellationRoom(const CancellationRoom&) = delete;
  CancellationRoom& operator=(const CancellationRoom&) = delete;

  Slot slot(Kind& kind) noexcept { return Slot{this, &kind}; }

  /// Cancels the state built here (there must be one, of `kind`) with `type`.
  void emit(const Kind& kind, asio::cancellation_type type) { kind.part_->emit(room_, type); }

  /// Destroys the state built here (there must be one, of `kind`), with the cancellation
  /// handler of the operation that waits on it (if any).
  void destroy(const Kind& kind) noexcept { kind.part_->destroy(room_); }

 private:
  struct PartFunctions {
    void (*emit)(void* part, asio::cancellation_type type);
    void (*destroy)(void* part) noexcept;
  };
  template <typename Part>
  static constexpr PartFunctions part_functions{
      [](void* part, asio::cancellation_type type) { (*static_cast<Part*>(part))(type); },
      [](void* part) noexcept { static_cast<Part*>(part)->~Part(); }};

  // Asio 1.81's part: a cancellation_signal, the type cancelled and two empty filters.
  alignas(void*) std::byte room_[2 * sizeof(void*)];
};

}  // namespace asyncrt::detail
