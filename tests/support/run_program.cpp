#include "support/run_program.hpp"

#include <future>
#include <sstream>

#include <boost/asio/io_context.hpp>
#include <boost/process/args.hpp>
#include <boost/process/async.hpp>
#include <boost/process/child.hpp>
#include <boost/process/io.hpp>

namespace asyncrt::testing {

ProgramResult run_program(const std::string& executable, const std::vector<std::string>& args,
                          const std::string& input) {
  namespace bp = boost::process;
  boost::asio::io_context io;
  std::future<std::string> out;
  std::future<std::string> err;
  bp::child child(executable, bp::args(args),
                  bp::std_in<boost::asio::buffer(input), bp::std_out> out, bp::std_err > err, io);
  io.run();
  child.wait();
  return {child.exit_code(), out.get(), err.get()};
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream stream(text);
  for (std::string line; std::getline(stream, line);) lines.push_back(line);
  return lines;
}

}  // namespace asyncrt::testing
