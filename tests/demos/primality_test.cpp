// Test that the header is self-contained.
#include "primes/primality.hpp"

#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include <gtest/gtest.h>

namespace asyncrt::primes {
namespace {

__extension__ using u128 = unsigned __int128;
constexpr std::uint64_t max64 = std::numeric_limits<std::uint64_t>::max();

// The slow reference: a sieve of Eratosthenes.
std::vector<bool> sieve(std::size_t limit) {
  std::vector<bool> prime(limit + 1, true);
  prime[0] = prime[1] = false;
  for (std::size_t i = 2; i * i <= limit; ++i) {
    if (prime[i]) {
      for (std::size_t j = i * i; j <= limit; j += i) prime[j] = false;
    }
  }
  return prime;
}

TEST(Isqrt, IsExactAtTheEdges) {
  EXPECT_EQ(isqrt(0), 0u);
  EXPECT_EQ(isqrt(1), 1u);
  EXPECT_EQ(isqrt(3), 1u);
  EXPECT_EQ(isqrt(4), 2u);
  EXPECT_EQ(isqrt(max64), 4294967295u);
  const std::uint64_t r = 4294967295u;
  EXPECT_EQ(isqrt(r * r), r);
  EXPECT_EQ(isqrt(r * r - 1), r - 1);
  EXPECT_EQ(isqrt((1ull << 52) + 1), 1ull << 26);  // where double rounding starts to bite
  EXPECT_EQ(isqrt((1ull << 62) - 1), (1ull << 31) - 1);
}

TEST(Isqrt, HoldsForRandomNumbers) {
  std::mt19937_64 random(42);
  for (int i = 0; i < 100000; ++i) {
    const std::uint64_t n = random() >> (random() % 64);
    const u128 r = isqrt(n);
    EXPECT_LE(r * r, n);
    EXPECT_GT((r + 1) * (r + 1), n);
  }
}

TEST(Primality, BothAlgorithmsAgreeWithASieveUpTo200000) {
  const auto reference = sieve(200000);
  for (std::uint64_t n = 0; n <= 200000; ++n) {
    ASSERT_EQ(is_prime_trial(n), reference[n]) << n;
    ASSERT_EQ(is_prime_miller_rabin(n), reference[n]) << n;
  }
}

TEST(Primality, TheLessonsNumbers) {
  for (std::uint64_t n :
       {112272535095293ull, 112582705942171ull, 115280095190773ull, 115797848077099ull}) {
    EXPECT_TRUE(is_prime(n, Algorithm::trial)) << n;
    EXPECT_TRUE(is_prime(n, Algorithm::miller_rabin)) << n;
  }
  EXPECT_EQ(3306091ull * 332636609ull, 1099726899285419ull);
  EXPECT_FALSE(is_prime(1099726899285419ull, Algorithm::trial));
  EXPECT_FALSE(is_prime(1099726899285419ull, Algorithm::miller_rabin));
}

TEST(Primality, NearTwoToThe64) {
  EXPECT_TRUE(is_prime_miller_rabin(18446744073709551557ull));  // the largest 64-bit prime
  EXPECT_FALSE(is_prime_miller_rabin(max64));
  EXPECT_FALSE(is_prime_miller_rabin(max64 - 1));
  EXPECT_FALSE(is_prime_miller_rabin(4294967291ull * 4294967291ull));  // a prime squared
  EXPECT_FALSE(is_prime_miller_rabin(4294967291ull * 4294967279ull));
  EXPECT_FALSE(is_prime_trial(max64));  // divisible by 3
  EXPECT_FALSE(is_prime_trial(max64 - 1));
  EXPECT_FALSE(is_prime_trial(1000003ull * 18446744073ull));  // small factor, huge n
}

TEST(Primality, PseudoprimesDoNotFoolMillerRabin) {
  // Carmichael numbers and strong pseudoprimes to many bases.
  for (std::uint64_t n : {561ull, 1105ull, 2047ull, 3215031751ull, 2152302898747ull,
                          3474749660383ull, 341550071728321ull, 3825123056546413051ull}) {
    EXPECT_FALSE(is_prime_miller_rabin(n)) << n;
    EXPECT_FALSE(is_prime_trial(n)) << n;
  }
}

TEST(Primality, AlgorithmsAgreeOnRandomNumbers) {
  std::mt19937_64 random(7);
  int primes_seen = 0;
  for (int i = 0; i < 3000; ++i) {
    const std::uint64_t n = random() >> 28;  // below 2^36: trial division stays quick
    const bool prime = is_prime_trial(n);
    ASSERT_EQ(prime, is_prime_miller_rabin(n)) << n;
    primes_seen += prime;
  }
  EXPECT_GT(primes_seen, 20);  // the sample has primes in it, so agreement means something
  // A few large ones (around 2^50), where trial division takes ~2^24 steps.
  for (int i = 0; i < 4; ++i) {
    const std::uint64_t n = (random() >> 14) | 1;
    ASSERT_EQ(is_prime_trial(n), is_prime_miller_rabin(n)) << n;
  }
}

// Below 2^53 trial division tests divisors through a double-precision quotient: check it where
// it is least exact (just under 2^53, quotients by small divisors) against plain remainders.
TEST(Primality, TheFloatingPointDivisibilityTestIsExactBelowTwoToThe53) {
  std::mt19937_64 random(11);
  const std::uint64_t top = std::uint64_t{1} << 53;
  for (int i = 0; i < 200; ++i) {
    const std::uint64_t n = i < 100 ? top - 1 - 2 * static_cast<std::uint64_t>(i) : random() >> 11;
    // Whether some odd d in [3, 4001] divides n, both ways.
    std::uint64_t smallest = 0;
    for (std::uint64_t d = 3; d <= 4001 && smallest == 0; d += 2) {
      if (n % d == 0) smallest = d;
    }
    const auto search = search_odd_divisors(n, 3, 4001);
    EXPECT_EQ(search == Search::divisor, smallest != 0) << n;
    // The exact divisor is found where it is, and not one step before.
    if (smallest > 3) {
      EXPECT_EQ(search_odd_divisors(n, 3, smallest - 2), Search::no_divisor) << n;
      EXPECT_EQ(search_odd_divisors(n, smallest, smallest), Search::divisor) << n;
    }
  }
  // Multiples of large odd divisors right under 2^53 (quotients near their worst rounding).
  for (const std::uint64_t d : {3ull, 94906265ull, 94906263ull, 4294967291ull}) {
    const std::uint64_t n = (top - 1) / d * d;
    EXPECT_EQ(search_odd_divisors(n, d, d), Search::divisor) << n << " / " << d;
    EXPECT_EQ(search_odd_divisors(n + 2, d, d), Search::no_divisor) << n + 2 << " / " << d;
  }
}

TEST(Primality, TrialDivisionStopsWhenAsked) {
  std::stop_source stop;
  stop.request_stop();
  // Would take seconds to finish; gives up at the first check instead.
  EXPECT_FALSE(is_prime_trial(18446744073709551557ull, stop.get_token()));
}

TEST(Primality, AlgorithmNames) {
  EXPECT_EQ(parse_algorithm("trial"), Algorithm::trial);
  EXPECT_EQ(parse_algorithm("miller-rabin"), Algorithm::miller_rabin);
  EXPECT_EQ(parse_algorithm("fermat"), std::nullopt);
  EXPECT_EQ(algorithm_name(Algorithm::miller_rabin), "miller-rabin");
}

}  // namespace
}  // namespace asyncrt::primes
