#pragma once
// The worker side of the processes mode.

#include "primes/primality.hpp"

namespace asyncrt::primes {

/// Runs as a worker process: reads one number per line on stdin, answers "<n> <1|0>" per line
/// on stdout, exits 0 at the end of input (2 on a line it cannot read).
int serve_as_worker(Algorithm algorithm);

}  // namespace asyncrt::primes
