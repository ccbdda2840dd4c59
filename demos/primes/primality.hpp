#pragma once
// Primality tests for every 64-bit number: the lesson's odd trial division, and Miller-Rabin.

#include <atomic>
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

/// What a search of part of the divisor range found.
enum class Search { no_divisor, divisor, abandoned };

/// Trial division over the odd divisors in [first, last] (first odd and >= 3): the piece of
/// the lesson's algorithm that one chunk does when a number is split. Gives up (abandoned) when
/// `found_elsewhere` (another chunk of the same number found a divisor) or `stop` is set; both
/// are looked at every 2^16 divisors (a fraction of a millisecond).
Search search_odd_divisors(std::uint64_t n, std::uint64_t first, std::uint64_t last,
                           const std::atomic<bool>* found_elsewhere = nullptr,
                           std::stop_token stop = {});

/// Deterministic Miller-Rabin: the first twelve primes as bases decide every n < 2^64.
bool is_prime_miller_rabin(std::uint64_t n);

bool is_prime(std::uint64_t n, Algorithm algorithm, std::stop_token stop = {});

}  // namespace asyncrt::primes
