#pragma once
// Primality tests for every 64-bit number: the lesson's odd trial division, and Miller-Rabin.

#include <cstdint>
#include <optional>
#include <stop_token>
#include <string_view>

namespace asyncrt::primes {

enum class Algorithm { trial, miller_rabin };

/// "trial" or "miller-rabin"; nullopt for anything else.
std::optional<Algorithm> parse_algorithm(std::string_view name);
std::string_view algorithm_name(Algorithm algorithm);

/// floor(sqrt(n)) exactly, for every 64-bit n (no floating-point rounding, no overflow).
std::uint64_t isqrt(std::uint64_t n);

/// The lesson's algorithm: divide by 2, then by every odd number up to sqrt(n).
/// Cost grows with sqrt(n): about 5 million divisions for the lesson's numbers near 10^14.
/// Checks `stop` now and then and gives up (returning false) once a stop is requested.
bool is_prime_trial(std::uint64_t n, std::stop_token stop = {});

/// Deterministic Miller-Rabin: the first twelve primes as bases decide every n < 2^64.
bool is_prime_miller_rabin(std::uint64_t n);

bool is_prime(std::uint64_t n, Algorithm algorithm, std::stop_token stop = {});

}  // namespace asyncrt::primes
