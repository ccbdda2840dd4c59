#pragma once
// A real terminal for tests: a pseudo-terminal pair. A program writes to terminal() (a file
// descriptor isatty() says yes to, `columns` wide); read() returns what it wrote so far.

#include <stdexcept>
#include <string>

#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

namespace asyncrt::testing {

class PseudoTerminal {
 public:
  explicit PseudoTerminal(unsigned short columns = 100) {
    main_ = ::posix_openpt(O_RDWR | O_NOCTTY);
    if (main_ < 0 || ::grantpt(main_) != 0 || ::unlockpt(main_) != 0) {
      throw std::runtime_error("no pseudo-terminal");
    }
    terminal_ = ::open(::ptsname(main_), O_RDWR | O_NOCTTY);
    winsize size{};
    size.ws_col = columns;
    size.ws_row = 24;
    ::ioctl(terminal_, TIOCSWINSZ, &size);
    ::fcntl(main_, F_SETFL, ::fcntl(main_, F_GETFL) | O_NONBLOCK);
  }
  ~PseudoTerminal() {
    ::close(terminal_);
    ::close(main_);
  }
  PseudoTerminal(const PseudoTerminal&) = delete;
  PseudoTerminal& operator=(const PseudoTerminal&) = delete;

  int terminal() const { return terminal_; }
  std::string read() const {
    std::string out;
    char buffer[4096];
    for (ssize_t n; (n = ::read(main_, buffer, sizeof buffer)) > 0;) {
      out.append(buffer, static_cast<std::size_t>(n));
    }
    return out;
  }

 private:
  int main_ = -1, terminal_ = -1;
};

}  // namespace asyncrt::testing
