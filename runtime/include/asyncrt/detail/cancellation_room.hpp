#pragma once
// CancellationRoom: room for a task's Asio cancellation state, so that the state takes no
// memory of its own.

#include <cstddef>
#include <new>
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
/// Threads: the thread that runs the task only (where the signal would be emitted too).
class CancellationRoom {
 public:
  /// A slot of the room: building a state from it destroys the state built here before.
  struct Slot {
    CancellationRoom* room;

    bool is_connected() const noexcept { return true; }

    template <typename Part, typename... Args>
    Part& emplace(Args&&... args) {
      static_assert(sizeof(Part) <= sizeof(room_) && alignof(Part) <= alignof(void*),
                    "asio::cancellation_state's part no longer fits: enlarge the room");
      room->reset();
      Part* part = new (room->room_) Part(std::forward<Args>(args)...);
      room->part_ = &part_functions<Part>;
      return *part;
    }
  };

  CancellationRoom() = default;
  CancellationRoom(const CancellationRoom&) = delete;
  CancellationRoom& operator=(const CancellationRoom&) = delete;
  ~CancellationRoom() { reset(); }

  Slot slot() noexcept { return Slot{this}; }

  /// Cancels the state built here (if any) with `type`.
  void emit(asio::cancellation_type type) {
    if (part_) part_->emit(room_, type);
  }

  /// Destroys the state built here, with the cancellation handler of the operation that waits
  /// on it (if any).
  void reset() noexcept {
    if (part_) std::exchange(part_, nullptr)->destroy(room_);
  }

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
  const PartFunctions* part_ = nullptr;
};

}  // namespace asyncrt::detail
