#pragma once
// The sizes of the stress tests. Sanitizer builds run them ASYNCRT_STRESS_DIVISOR times smaller
// (set by tests/CMakeLists.txt) so that CI stays within its time limit; the default build runs
// the full sizes.

#include <cstddef>

#ifndef ASYNCRT_STRESS_DIVISOR
#define ASYNCRT_STRESS_DIVISOR 1
#endif

namespace asyncrt::testing {

/// `full` in a plain build, `full / ASYNCRT_STRESS_DIVISOR` under a sanitizer.
constexpr std::size_t stress_size(std::size_t full) {
  return full / ASYNCRT_STRESS_DIVISOR;
}

}  // namespace asyncrt::testing
