// The demos run out of file descriptors (`ulimit -n 64`, set by a shell that then becomes the
// demo): each exits with status 1 and one line on stderr that says what it could not open and
// which limit stopped it. No crash, no hang, no second line (under ASan that includes its leak
// report: nothing may be left behind).
#include <regex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "support/run_program.hpp"

namespace asyncrt::testing {
namespace {

ProgramResult with_open_files_limit(int limit, const std::string& demo,
                                    const std::vector<std::string>& args) {
  std::vector<std::string> shell_args{
      "-c", "ulimit -n " + std::to_string(limit) + " && exec \"$0\" \"$@\"",
      std::string(ASYNCRT_BIN_DIR) + "/asyncrt-" + demo};
  shell_args.insert(shell_args.end(), args.begin(), args.end());
  return run_program("/bin/sh", shell_args);
}

// (UBSan's vptr check cannot run here: it probes memory through a pipe of its own, and with no
// descriptor left it reports sound objects as having an "invalid vptr". The asan preset leaves
// it out; the clang preset, which builds no demos, makes it.)

void expect_one_line_naming_the_limit(const ProgramResult& result, int limit,
                                      const std::string& demo, const std::string& what_failed) {
  EXPECT_EQ(result.exit_code, 1) << result.err;
  // A stall report is a true line of its own, and a matter of timing (under TSan on a loaded
  // machine, starting a few workers can hold the loop 100 ms): not what this test is about.
  auto lines = lines_of(result.err);
  std::erase_if(lines, [](const std::string& line) { return line.starts_with("asyncrt: stall:"); });
  ASSERT_EQ(lines.size(), 1u) << result.err;
  EXPECT_TRUE(
      std::regex_match(lines[0], std::regex("asyncrt-" + demo + ": error: " + what_failed +
                                            R"(: .*Too many open files \(this process may have )" +
                                            std::to_string(limit) + R"( files open: ulimit -n\))")))
      << lines[0];
}

TEST(DescriptorExhaustion, IoVsCpuSaysWhichRequestCouldNotOpenItsSocketAndWhy) {
  // The server and the client share the process's 64 descriptors: the server waits for one to
  // free up; the client's requests cannot all open their sockets at once.
  const auto result = with_open_files_limit(
      64, "io-vs-cpu", {"--jobs", "500", "--io-ms", "1", "--cpu-ms", "1", "--quiet"});
  expect_one_line_naming_the_limit(
      result, 64, "io-vs-cpu", "a request could not (connect to the echo server|make its socket)");
}

TEST(DescriptorExhaustion, PrimesSaysItCouldNotStartAWorkerProcessAndWhy) {
  // Each worker needs two pipes: 24 descriptors run out after a few of the forty.
  const auto result = with_open_files_limit(
      24, "primes", {"--mode", "processes", "--workers", "40", "--random", "80", "--quiet"});
  expect_one_line_naming_the_limit(result, 24, "primes", "cannot start a worker process");
}

}  // namespace
}  // namespace asyncrt::testing
