// The progress line of long runs: drawn on a terminal (a real pseudo-terminal here), redrawn
// in place and erased at the end; nothing for a short stage, nothing when disabled, and
// asyncrt-primes draws it only when stderr is a terminal and --quiet is not given.

#include "common/progress.hpp"

#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "support/pseudo_terminal.hpp"

namespace asyncrt::demo {
namespace {

using namespace std::chrono_literals;

using testing::PseudoTerminal;

TEST(Progress, ALongStageIsDrawnInPlaceThenErased) {
  PseudoTerminal tty;
  {
    Progress progress("asyncrt-test", true, tty.terminal());
    progress.start("the serial mode", 10, "numbers");
    progress.advance(4);
    std::this_thread::sleep_for(900ms);
    progress.finish();
  }
  const std::string out = tty.read();
  EXPECT_NE(out.find("\rasyncrt-test: the serial mode: 4 of 10 numbers (40%), "), std::string::npos)
      << out;
  ASSERT_GE(out.size(), 2u);
  EXPECT_EQ(out.back(), '\r');  // erased: spaces over it, back to the line's start
  EXPECT_EQ(out.find('\n'), std::string::npos);
}

TEST(Progress, AShortStageOrADisabledOneDrawsNothing) {
  PseudoTerminal tty;
  {
    Progress progress("asyncrt-test", true, tty.terminal());
    progress.start("quick", 3, "numbers");
    progress.advance(3);
    progress.finish();
  }
  {
    Progress progress("asyncrt-test", false, tty.terminal());
    progress.start("long", 3, "numbers");
    std::this_thread::sleep_for(800ms);
  }
  EXPECT_EQ(tty.read(), "");
}

// Runs asyncrt-primes with stderr on a terminal and stdout thrown away; returns what the
// terminal got.
std::string primes_stderr_on_a_terminal(const std::vector<std::string>& args) {
  PseudoTerminal tty;
  const pid_t child = ::fork();
  if (child == 0) {
    ::dup2(tty.terminal(), STDERR_FILENO);
    const int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, STDOUT_FILENO);
    std::vector<char*> argv{const_cast<char*>(ASYNCRT_PRIMES_EXE)};
    for (const auto& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  std::string out;
  int status = 0;
  while (::waitpid(child, &status, WNOHANG) == 0) {
    out += tty.read();
    std::this_thread::sleep_for(10ms);
  }
  out += tty.read();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << out;
  return out;
}

TEST(Progress, PrimesDrawsItOnATerminalUnlessQuiet) {
  // Serial trial division of a prime near 10^15, 1000 times: about 2 s here, long enough
  // to be drawn.
  std::string numbers = "1099726899285419";
  for (int i = 1; i < 1000; ++i) numbers += ",1099726899285419";
  const std::vector<std::string> args{"--numbers", numbers, "--mode", "serial"};
  const std::string drawn = primes_stderr_on_a_terminal(args);
  EXPECT_NE(drawn.find("asyncrt-primes: the serial mode: "), std::string::npos) << drawn;
  auto quiet = args;
  quiet.push_back("--quiet");
  EXPECT_EQ(primes_stderr_on_a_terminal(quiet), "");
}

}  // namespace
}  // namespace asyncrt::demo
