// Test that the header is self-contained.
#include <asyncrt/terminal.hpp>

#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <string>

#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "support/pseudo_terminal.hpp"
#include "support/scoped_environment.hpp"

namespace asyncrt::terminal {
namespace {

using testing::PseudoTerminal;

using testing::ScopedEnvironment;

// A file descriptor that is not a terminal: a pipe's writing end.
struct Pipe {
  Pipe() { EXPECT_EQ(::pipe(fds), 0); }
  ~Pipe() {
    ::close(fds[0]);
    ::close(fds[1]);
  }
  int fd() const { return fds[1]; }
  int fds[2]{-1, -1};
};

TEST(Terminal, ColourOnATerminalUnlessNoColorOrADumbTerm) {
  PseudoTerminal tty(100);
  Pipe pipe;
  ScopedEnvironment term("TERM", "xterm-256color");
  ScopedEnvironment no_colour("NO_COLOR", nullptr);
  EXPECT_TRUE(use_colour(tty.terminal()));
  EXPECT_FALSE(use_colour(pipe.fd()));
  {
    ScopedEnvironment empty("NO_COLOR", "");  // no-color.org: only a non-empty value counts
    EXPECT_TRUE(use_colour(tty.terminal()));
  }
  {
    ScopedEnvironment set("NO_COLOR", "1");
    EXPECT_FALSE(use_colour(tty.terminal()));
    EXPECT_TRUE(use_colour(tty.terminal(), ColourChoice::always));  // the command line wins
    EXPECT_TRUE(use_colour(pipe.fd(), ColourChoice::always));
  }
  {
    ScopedEnvironment dumb("TERM", "dumb");
    EXPECT_FALSE(use_colour(tty.terminal()));
  }
  {
    ScopedEnvironment unset("TERM", nullptr);
    EXPECT_FALSE(use_colour(tty.terminal()));
  }
  EXPECT_FALSE(use_colour(tty.terminal(), ColourChoice::never));
}

TEST(Terminal, WidthIsTheTerminalsThenColumnsThenTheFallback) {
  PseudoTerminal tty(132);
  Pipe pipe;
  ScopedEnvironment columns("COLUMNS", nullptr);
  EXPECT_EQ(width(tty.terminal()), 132u);
  EXPECT_EQ(width(pipe.fd()), 80u);
  EXPECT_EQ(width(pipe.fd(), 100), 100u);
  {
    ScopedEnvironment set("COLUMNS", "120");
    EXPECT_EQ(width(pipe.fd()), 120u);
    EXPECT_EQ(width(tty.terminal()), 132u);  // the terminal's own width first
  }
  {
    ScopedEnvironment junk("COLUMNS", "12O");
    EXPECT_EQ(width(pipe.fd()), 80u);
  }
  {
    ScopedEnvironment tiny("COLUMNS", "3");
    EXPECT_EQ(width(pipe.fd()), 40u);  // kept within 40..500
  }
  PseudoTerminal huge(2000);
  EXPECT_EQ(width(huge.terminal()), 500u);
  const auto style = text_style(tty.terminal(), ColourChoice::never);
  EXPECT_EQ(style.width, 132u);
  EXPECT_FALSE(style.colour);
}

TEST(Terminal, ColourChoicesParseOrNameTheThree) {
  EXPECT_EQ(parse_colour_choice("auto"), ColourChoice::automatic);
  EXPECT_EQ(parse_colour_choice("always"), ColourChoice::always);
  EXPECT_EQ(parse_colour_choice("never"), ColourChoice::never);
  try {
    parse_colour_choice("yes");
    ADD_FAILURE() << "accepted 'yes'";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("auto, always or never"), std::string::npos);
  }
}

}  // namespace
}  // namespace asyncrt::terminal
