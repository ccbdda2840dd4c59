#pragma once
// The sizes of the stress tests. Sanitizer and unoptimized builds run them ASYNCRT_STRESS_DIVISOR
// times smaller (set by tests/CMakeLists.txt) so that CI stays within its time limit; the default
// build runs the full sizes.

#include <cstddef>

#ifndef ASYNCRT_STRESS_DIVISOR
#define ASYNCRT_STRESS_DIVISOR 1
#endif

namespace asyncrt::testing {

/// `full` in the default build, `full / ASYNCRT_STRESS_DIVISOR` under a sanitizer or at -O0.
constexpr std::size_t stress_size(std::size_t full) {
  return full / ASYNCRT_STRESS_DIVISOR;
}

}  // namespace asyncrt::testing
