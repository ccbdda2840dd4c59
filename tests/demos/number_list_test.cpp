// Test that the header is self-contained.
#include "common/number_list.hpp"

#include <limits>

#include <gtest/gtest.h>

#include "common/cli.hpp"

namespace asyncrt::demo {
namespace {

TEST(NumberList, ParsesCommaSeparatedNumbersWithSpaces) {
  EXPECT_EQ(parse_number_list("--numbers", "7"), (std::vector<std::uint64_t>{7}));
  EXPECT_EQ(parse_number_list("--numbers", " 7, 11 ,13"), (std::vector<std::uint64_t>{7, 11, 13}));
  EXPECT_EQ(parse_number_list("--numbers", "0,18446744073709551615"),
            (std::vector<std::uint64_t>{0, std::numeric_limits<std::uint64_t>::max()}));
}

struct BadList {
  const char* text;
  const char* message;
};

class NumberListErrors : public ::testing::TestWithParam<BadList> {};

TEST_P(NumberListErrors, NameTheOptionAndWhatIsWrong) {
  try {
    parse_number_list("--numbers", GetParam().text);
    FAIL() << "accepted '" << GetParam().text << "'";
  } catch (const UsageError& e) {
    EXPECT_EQ(std::string(e.what()), GetParam().message);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Table, NumberListErrors,
    ::testing::Values(
        BadList{"", "--numbers needs at least one number (e.g. --numbers 7,11,13)"},
        BadList{"  ", "--numbers needs at least one number (e.g. --numbers 7,11,13)"},
        BadList{"1,,2", "--numbers: item 2 of the list is empty"},
        BadList{"1,", "--numbers: item 2 of the list is empty"},
        BadList{",1", "--numbers: item 1 of the list is empty"},
        BadList{"abc", "--numbers: 'abc' is not an unsigned integer (0 to 18446744073709551615)"},
        BadList{"-5", "--numbers: '-5' is not an unsigned integer (0 to 18446744073709551615)"},
        BadList{"+5", "--numbers: '+5' is not an unsigned integer (0 to 18446744073709551615)"},
        BadList{"1.5", "--numbers: '1.5' is not an unsigned integer (0 to 18446744073709551615)"},
        BadList{"1 2", "--numbers: '1 2' is not an unsigned integer (0 to 18446744073709551615)"},
        BadList{"0x10", "--numbers: '0x10' is not an unsigned integer (0 to 18446744073709551615)"},
        BadList{"18446744073709551616",
                "--numbers: '18446744073709551616' is larger than 18446744073709551615"},
        BadList{"99999999999999999999999",
                "--numbers: '99999999999999999999999' is larger than 18446744073709551615"},
        // Found by fuzz/number_list_fuzz: what the user typed is echoed on one line, always.
        BadList{"7,1\n2\x01",
                R"(--numbers: '1\n2\x01' is not an unsigned integer (0 to 18446744073709551615))"},
        BadList{"1\t2",
                R"(--numbers: '1\t2' is not an unsigned integer (0 to 18446744073709551615))"}));

TEST(RandomOddNumbers, AreOddInRangeAndTheSameForTheSameSeedOnEveryMachine) {
  const auto numbers = random_odd_numbers(1000, 100'000'000'000'000, 1);
  ASSERT_EQ(numbers.size(), 1000u);
  for (const std::uint64_t n : numbers) {
    EXPECT_EQ(n % 2, 1u) << n;
    EXPECT_GE(n, 100'000'000'000'000u);
    EXPECT_LE(n, 110'000'000'000'001u);
  }
  EXPECT_EQ(random_odd_numbers(1000, 100'000'000'000'000, 1), numbers);
  EXPECT_NE(random_odd_numbers(1000, 100'000'000'000'000, 2), numbers);
  // Pinned: std::mt19937_64 is specified exactly, so this holds with every compiler and library;
  // a change here would change every --random list (and the figures measured on them).
  EXPECT_EQ(random_odd_numbers(3, 1000, 1), (std::vector<std::uint64_t>{1011, 1061, 1019}));
  EXPECT_EQ(random_odd_numbers(0, 1000, 1), std::vector<std::uint64_t>{});
  EXPECT_THROW(random_odd_numbers(1, 2, 1), UsageError);
  EXPECT_THROW(random_odd_numbers(1, 2'000'000'000'000'000'000, 1), UsageError);
  EXPECT_EQ(random_odd_numbers(1, 1'000'000'000'000'000'000, 7).size(), 1u);  // no overflow
}

TEST(ParseMagnitude, TakesDigitsOrAPowerOfTenAndNamesTheOptionOtherwise) {
  EXPECT_EQ(parse_magnitude("--near", "100000000000000"), 100'000'000'000'000u);
  EXPECT_EQ(parse_magnitude("--near", "1e14"), 100'000'000'000'000u);
  EXPECT_EQ(parse_magnitude("--near", "25E3"), 25'000u);
  EXPECT_EQ(parse_magnitude("--near", "0e99"), 0u);
  EXPECT_EQ(parse_magnitude("--near", "1e19"), 10'000'000'000'000'000'000u);
  for (const char* bad : {"", "e5", "1e", "1e-3", "1.5e3", "1ee3", "x", "1e3x"}) {
    EXPECT_THROW(parse_magnitude("--near", bad), UsageError) << bad;
  }
  try {
    parse_magnitude("--near", "2e19");
    FAIL();
  } catch (const UsageError& e) {
    EXPECT_EQ(std::string(e.what()), "--near: '2e19' is larger than 18446744073709551615");
  }
}

TEST(ParseCount, AcceptsTheRangeAndNamesTheOptionOtherwise) {
  EXPECT_EQ(parse_count("--workers", "1", 1, 1024), 1u);
  EXPECT_EQ(parse_count("--workers", "1024", 1, 1024), 1024u);
  auto message = [](const char* text) {
    try {
      parse_count("--workers", text, 1, 1024);
    } catch (const UsageError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_EQ(message("0"), "--workers must be between 1 and 1024 (got 0)");
  EXPECT_EQ(message("1025"), "--workers must be between 1 and 1024 (got 1025)");
  EXPECT_EQ(message("-1"), "--workers must be a whole number between 1 and 1024 (got '-1')");
  EXPECT_EQ(message("two"), "--workers must be a whole number between 1 and 1024 (got 'two')");
  EXPECT_EQ(message("99999999999999999999"),
            "--workers must be a whole number between 1 and 1024 (got '99999999999999999999')");
}

}  // namespace
}  // namespace asyncrt::demo
