#include <asyncrt/detail/group_result.hpp>

namespace asyncrt::detail {

Task<std::monostate> void_to_monostate(Task<void> task) {
  co_await std::move(task);
  co_return std::monostate{};
}

}  // namespace asyncrt::detail
