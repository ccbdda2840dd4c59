// Every lesson demo's command line: --help, --version, bad input (one line on stderr, exit
// status 2, nothing on stdout), timeline files, and Ctrl-C / SIGTERM (exit 130 / 143).

#include <boost/process/child.hpp>
#include <boost/process/io.hpp>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

#include <gtest/gtest.h>

#include "support/drawing_checks.hpp"
#include "support/json.hpp"
#include "support/run_program.hpp"
#include "support/scoped_environment.hpp"

namespace asyncrt::testing {
namespace {

namespace fs = std::filesystem;

std::string exe(const std::string& demo) {
  return std::string(ASYNCRT_BIN_DIR) + "/asyncrt-" + demo;
}

const std::vector<std::string> demos{
    "ramen-shop", "delivery",          "worker", "join",      "processes", "pools",  "race",
    "semaphore",  "producer-consumer", "gil",    "profiling", "io-vs-cpu", "primes", "tour"};

class EveryDemo : public ::testing::TestWithParam<std::string> {};

TEST_P(EveryDemo, HelpAndVersion) {
  const auto help = run_program(exe(GetParam()), {"--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_EQ(help.out.rfind("Usage: asyncrt-" + GetParam(), 0), 0u) << help.out;
  for (const char* option : {"--timeline", "--svg", "--trace"}) {
    EXPECT_NE(help.out.find(option), std::string::npos) << option;
  }
  const auto version = run_program(exe(GetParam()), {"--version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_EQ(version.out, "asyncrt-" + GetParam() + " " + ASYNCRT_VERSION_STRING + "\n");
}

void expect_usage_error(const std::string& demo, const std::vector<std::string>& args,
                        const std::string& names) {
  const auto result = run_program(exe(demo), args);
  EXPECT_EQ(result.exit_code, 2) << demo << " " << names;
  EXPECT_TRUE(result.out.empty()) << result.out;
  const auto lines = lines_of(result.err);
  ASSERT_EQ(lines.size(), 1u) << result.err;
  EXPECT_EQ(lines[0].rfind("asyncrt-" + demo + ": ", 0), 0u) << lines[0];
  EXPECT_NE(lines[0].find(names), std::string::npos) << lines[0];
}

TEST_P(EveryDemo, CommonBadInput) {
  const auto& demo = GetParam();
  expect_usage_error(demo, {"--bogus"}, "--bogus");
  expect_usage_error(demo, {"stray"}, "stray");
  expect_usage_error(demo, {"--svg"}, "--svg");
  expect_usage_error(demo, {"--svg", "/no/such/dir/t.svg"}, "does not exist");
  expect_usage_error(demo, {"--trace", "/tmp"}, "is a directory");
  EXPECT_FALSE(fs::exists("/no/such/dir/t.svg"));
}

INSTANTIATE_TEST_SUITE_P(Demos, EveryDemo, ::testing::ValuesIn(demos), [](const auto& info) {
  std::string name = info.param;
  std::replace(name.begin(), name.end(), '-', '_');
  return name;
});

struct BadOption {
  std::string demo;
  std::vector<std::string> args;
  std::string names;
};

class DemoBadInput : public ::testing::TestWithParam<BadOption> {};

TEST_P(DemoBadInput, OneLineOnStderrAndExitStatus2) {
  expect_usage_error(GetParam().demo, GetParam().args, GetParam().names);
}

INSTANTIATE_TEST_SUITE_P(
    Table, DemoBadInput,
    ::testing::Values(
        BadOption{"ramen-shop", {"--mode", "fast"}, "--mode"},
        BadOption{"ramen-shop", {"--orders", "0"}, "--orders"},
        BadOption{"ramen-shop", {"--orders", "-3"}, "--orders"},
        BadOption{"ramen-shop", {"--cooks", "99999999999999999999999"}, "--cooks"},
        BadOption{"ramen-shop", {"--burners", "many"}, "--burners"},
        BadOption{"ramen-shop", {"--minute-ms"}, "--minute-ms"},
        BadOption{"ramen-shop", {"--virtual-time"}, "--virtual-time"},
        BadOption{
            "ramen-shop", {"--mode", "async", "--virtual-time", "--timeline"}, "--virtual-time"},
        BadOption{"delivery", {"--step-ms", "0"}, "--step-ms"},
        BadOption{"delivery", {"--steps", "1.5"}, "--steps"},
        BadOption{"worker", {"--rest-ms", "x"}, "--rest-ms"},
        BadOption{"worker", {"--stop-after", "-1"}, "--stop-after"},
        BadOption{"join", {"--sleep-ms", "0"}, "--sleep-ms"},
        BadOption{"processes", {"--workers", "0"}, "--workers"},
        BadOption{"pools", {"--workers", "1000"}, "--workers"},
        BadOption{"pools", {"--jobs", ""}, "--jobs"},
        BadOption{"pools", {"--part", "with"}, "--part"},
        BadOption{"race", {"--updates", "0"}, "--updates"},
        BadOption{"race", {"--workers", "two"}, "--workers"},
        BadOption{"semaphore", {"--connections", "0"}, "--connections"},
        BadOption{"semaphore", {"--timeout-ms", "18446744073709551616"}, "--timeout-ms"},
        BadOption{"producer-consumer", {"--capacity", "0"}, "--capacity"},
        BadOption{"producer-consumer", {"--seed", "-1"}, "--seed"},
        BadOption{"gil", {"--switch-us", "1"}, "--switch-us"},
        BadOption{"profiling", {"--rounds", "0"}, "--rounds"},
        BadOption{"io-vs-cpu", {"--jobs", "0"}, "--jobs"},
        BadOption{"io-vs-cpu", {"--cpu-ms", "1e3"}, "--cpu-ms"},
        BadOption{"tour", {"--only", "nothing"}, "--only"},
        BadOption{"race", {"--color", "yes"}, "--color"}));

TEST(DemoTimelines, SvgAndTraceFilesAreWrittenWhole) {
  const auto dir = fs::temp_directory_path() / ("asyncrt-timelines-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const auto svg = (dir / "race.svg").string();
  const auto trace = (dir / "race.json").string();
  const auto result =
      run_program(exe("race"), {"--delay-ms", "20", "--svg", svg, "--trace", trace});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  std::ifstream svg_file(svg), trace_file(trace);
  const std::string picture((std::istreambuf_iterator<char>(svg_file)), {});
  EXPECT_EQ(picture.rfind("<svg", 0), 0u);
  EXPECT_NE(picture.find("update-1"), std::string::npos);
  const std::string trace_text((std::istreambuf_iterator<char>(trace_file)), {});
  EXPECT_GT(parse_json(trace_text).at("traceEvents").as_array().size(), 10u);
  EXPECT_FALSE(fs::exists(svg + ".partial"));
  fs::remove_all(dir);
}

// The sanitizer options in `variable` with `option` added (a later option overrides).
std::string with_option(const char* variable, const std::string& option) {
  const char* old = std::getenv(variable);
  return old != nullptr && *old != '\0' ? std::string(old) + ":" + option : option;
}

// Every demo's drawings, through the tour (each step writes tour-NN-<demo>.svg and .json):
// every SVG is well-formed XML and every trace's slices nest on each track (Perfetto's rule).
TEST(DemoTimelines, EveryDemosSvgParsesAndEveryTracesSlicesNest) {
  const auto dir = fs::temp_directory_path() / ("asyncrt-drawings-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  // The tour's scale-out step runs Open MPI, whose uninstrumented code leaks by design at
  // MPI_Finalize and takes two locks in both orders: under a sanitizer, the same allowances as
  // scale_out_test (tests/CMakeLists.txt), for this run only. Later options override earlier.
  ScopedEnvironment asan("ASAN_OPTIONS", with_option("ASAN_OPTIONS", "detect_leaks=0").c_str());
  ScopedEnvironment tsan(
      "TSAN_OPTIONS",
      with_option("TSAN_OPTIONS", "suppressions=" ASYNCRT_TSAN_OPENMPI_SUPPRESSIONS).c_str());
  const auto result = run_program(
      exe("tour"), {"--svg", (dir / "tour.svg").string(), "--trace", (dir / "tour.json").string()});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  std::size_t svgs = 0, traces = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    std::ifstream file(entry.path());
    const std::string text((std::istreambuf_iterator<char>(file)), {});
    if (entry.path().extension() == ".svg") {
      ++svgs;
      EXPECT_EQ(xml_error(text), "") << entry.path();
    } else {
      ++traces;
      EXPECT_EQ(trace_nesting_error(text), "") << entry.path();
    }
  }
  // One of each per step that draws (every demo, the scale-out step only where it ran).
  EXPECT_GE(svgs, demos.size() - 1);
  EXPECT_EQ(svgs, traces);
  fs::remove_all(dir);
}

TEST(DemoTimelines, TimelineIsDrawnInTheTerminalAt80Columns) {
  const auto result = run_program(exe("race"), {"--delay-ms", "20", "--timeline"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("timeline: threads, no lock"), std::string::npos);
  for (const auto& line : lines_of(result.out)) {
    if (line.find('|') != std::string::npos) {
      EXPECT_LE(line.size(), 80u) << line;
    }
  }
  EXPECT_EQ(result.out.find('\x1b'), std::string::npos);  // not a terminal: no colour
}

// --color=always colours the timeline even into a pipe (a pager that shows colour, say);
// --color=never never does; the tour passes the choice on to its steps.
TEST(DemoTimelines, ColorAlwaysAndNeverAreObeyed) {
  const auto always =
      run_program(exe("race"), {"--delay-ms", "5", "--timeline", "--color", "always"});
  ASSERT_EQ(always.exit_code, 0) << always.err;
  EXPECT_NE(always.out.find("\x1b["), std::string::npos);
  const auto never = run_program(exe("race"), {"--delay-ms", "5", "--timeline", "--color=never"});
  ASSERT_EQ(never.exit_code, 0) << never.err;
  EXPECT_EQ(never.out.find('\x1b'), std::string::npos);
  const auto tour = run_program(exe("tour"), {"--only", "race", "--color", "always"});
  ASSERT_EQ(tour.exit_code, 0) << tour.err;
  EXPECT_NE(tour.out.find("--color always"), std::string::npos) << tour.out;
  EXPECT_NE(tour.out.find("\x1b["), std::string::npos);
}

// The text of the timeline titled `title` in `out`, up to the next blank line.
std::string timeline_section(const std::string& out, const std::string& title) {
  const auto at = out.find("timeline: " + title + "\n");
  if (at == std::string::npos) {
    ADD_FAILURE() << "no timeline '" << title << "' in:\n" << out;
    return {};
  }
  return out.substr(at, out.find("\n\n", at) - at);
}

// Every timeline shows what its table compares: the processes by pid, main's wait in join(),
// the blocking client and the computing on the main thread, the requests' waits.
TEST(DemoTimelines, EachShowsItsSubject) {
  const auto processes = run_program(exe("processes"), {"--timeline", "--child-ms", "30"});
  ASSERT_EQ(processes.exit_code, 0) << processes.err;
  const auto children =
      timeline_section(processes.out, "child processes: started, joined, terminated");
  EXPECT_EQ(std::regex_search(children, std::regex(R"(\nchild \(pid \d+\) +\|[a-z]{20})")), true)
      << children;
  EXPECT_NE(children.find("\nmain "), std::string::npos) << children;
  EXPECT_NE(children.find("child, terminated"), std::string::npos) << children;
  const auto pool = timeline_section(processes.out, "a pool of worker processes");
  EXPECT_TRUE(std::regex_search(pool, std::regex(R"(\nworker \(pid \d+\) )"))) << pool;

  const auto join = run_program(exe("join"), {"--timeline", "--sleep-ms", "60"});
  ASSERT_EQ(join.exit_code, 0) << join.err;
  // Joined, main's thread sleeps in join() from the start; not joined, it is done at once.
  EXPECT_TRUE(std::regex_search(timeline_section(join.out, "a thread, joined"),
                                std::regex(R"(\nmain +\|\.*([a-z])\1{19})")))
      << join.out;
  EXPECT_TRUE(std::regex_search(timeline_section(join.out, "a thread, not joined"),
                                std::regex(R"(\nmain +\|\.*['A-Z]{1,8}\.{20})")))
      << join.out;
  EXPECT_TRUE(std::regex_search(timeline_section(join.out, "a coroutine, awaited"),
                                std::regex(R"(\n [A-Z] main +\| *~{20})")))
      << join.out;
  const auto daemon = timeline_section(join.out, "daemon vs normal work in a child process");
  EXPECT_TRUE(std::regex_search(daemon, std::regex(R"(\ndaemon \(pid \d+\) +\|)"))) << daemon;
  EXPECT_TRUE(std::regex_search(daemon, std::regex(R"(\nnormal \(pid \d+\) +\|)"))) << daemon;

  const auto io = run_program(exe("io-vs-cpu"),
                              {"--timeline", "--jobs", "2", "--io-ms", "20", "--cpu-ms", "20"});
  ASSERT_EQ(io.exit_code, 0) << io.err;
  EXPECT_TRUE(std::regex_search(
      timeline_section(io.out, "I/O-bound, sync"),
      std::regex(R"(\nmain +\|[.']*([a-z])\1+[.']*(?!\1)([a-z])\2+)")))  // asleep in each read
      << io.out;
  EXPECT_NE(timeline_section(io.out, "I/O-bound, event loop").find(" request-2 "),
            std::string::npos)
      << io.out;
  const auto blocking = timeline_section(io.out, "I/O-bound, blocking pool");
  EXPECT_TRUE(std::regex_search(blocking, std::regex(R"(\nblocking-\d +\|[^|]*[a-z]{10})")))
      << blocking;
  const auto cpu_sync = timeline_section(io.out, "CPU-bound, sync");
  EXPECT_TRUE(
      std::regex_search(cpu_sync, std::regex(R"(\nmain +\|[.']*([A-Z])\1+[.']*(?!\1)([A-Z])\2+)")))
      << cpu_sync;
}

TEST(DemoTimelines, TheRamenShopsSvgHasAPanelPerMode) {
  const auto svg =
      fs::temp_directory_path() / ("asyncrt-ramen-" + std::to_string(::getpid()) + ".svg");
  const auto result =
      run_program(exe("ramen-shop"), {"--orders", "3", "--minute-ms", "2", "--svg", svg.string()});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  std::ifstream file(svg);
  const std::string picture((std::istreambuf_iterator<char>(file)), {});
  fs::remove(svg);
  for (const char* panel :
       {">sync (1 cook)<", ">async (1 cook)<", ">parallel (2 cooks)<", ">both (2 cooks)<"}) {
    EXPECT_NE(picture.find(panel), std::string::npos) << panel;
  }
}

// --json: one line on stdout, one JSON object, its "schema" first; nothing else on stdout;
// every member named in docs/json.md; integers past 2^53 also as exact strings.
struct JsonRun {
  std::string demo;
  std::vector<std::string> args;
  std::string member;  // one member the object must have
};

class DemoJson : public ::testing::TestWithParam<JsonRun> {};

TEST_P(DemoJson, PrintsOneObjectWithItsSchema) {
  auto args = GetParam().args;
  args.push_back("--json");
  const auto result = run_program(exe(GetParam().demo), args);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  ASSERT_EQ(lines_of(result.out).size(), 1u) << result.out;
  const auto json = parse_json(result.out);
  EXPECT_EQ(json.as_object().begin()->key(), "schema");
  EXPECT_EQ(json.at("schema"), 1);
  const auto paths = json_key_paths(json);
  EXPECT_NE(std::find(paths.begin(), paths.end(), GetParam().member), paths.end())
      << GetParam().member << " in " << result.out;
  EXPECT_EQ(undocumented_paths(json, "asyncrt-" + GetParam().demo), std::vector<std::string>{})
      << "add them to docs/json.md";
  EXPECT_EQ(inexact_integer(json), "") << result.out;
}

INSTANTIATE_TEST_SUITE_P(
    EveryDemo, DemoJson,
    ::testing::Values(JsonRun{"ramen-shop", {"--orders", "2", "--minute-ms", "1"}, "modes"},
                      JsonRun{"delivery", {"--steps", "1", "--step-ms", "5"}, "sections"},
                      JsonRun{
                          "io-vs-cpu", {"--jobs", "1", "--io-ms", "5", "--cpu-ms", "5"}, "rows"},
                      JsonRun{"processes", {"--child-ms", "5"}, "pool.answered_by"},
                      JsonRun{"profiling", {"--repeat", "10", "--rounds", "1"}, "ways"},
                      JsonRun{"worker",
                              {"--stop-after", "30", "--rest-ms", "10", "--overwork-ms", "2"},
                              "coroutine.lines"},
                      JsonRun{"join", {"--sleep-ms", "20"}, "owner_process_lines"},
                      JsonRun{"gil", {"--work-ms", "10"}, "rows"},
                      JsonRun{"pools", {"--jobs", "2", "--job-ms", "5"}, "runtime_map.results"},
                      JsonRun{"primes",
                              {"--numbers", "18446744073709551557,91", "--algorithm",
                               "miller-rabin", "--mode", "loop", "--stall-ms", "1"},
                              "results[].n_text"},
                      JsonRun{"race", {"--delay-ms", "5"}, "ways"},
                      JsonRun{"semaphore", {"--virtual-time"}, "opposite_lock_order.story"},
                      JsonRun{"producer-consumer", {"--run-ms", "20"}, "runs"},
                      JsonRun{"tour", {"--only", "semaphore"}, "steps"}),
    [](const auto& info) {
      std::string name = info.param.demo;
      std::replace(name.begin(), name.end(), '-', '_');
      return name;
    });

TEST(DemoJson, WithTimelineIsRefusedInOneLine) {
  const auto result = run_program(exe("race"), {"--json", "--timeline"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.out, "");
  EXPECT_EQ(result.err,
            "asyncrt-race: --json and --timeline both print on stdout: choose one (--svg and "
            "--trace work with --json)\n");
}

// Starts `demo` with arguments that make it run for seconds, sends `signal`, and expects it to
// stop within a few seconds, with one line on stderr and exit status 128 + signal.
struct LongRun {
  std::string demo;
  std::vector<std::string> args;
};

class DemoInterrupt : public ::testing::TestWithParam<LongRun> {};

TEST_P(DemoInterrupt, SigintStopsItWithStatus130) {
  namespace bp = boost::process;
  const auto err_path =
      fs::temp_directory_path() / ("asyncrt-interrupt-" + std::to_string(::getpid()) + ".err");
  bp::child demo(exe(GetParam().demo), GetParam().args, bp::std_out > bp::null,
                 bp::std_err > err_path.string());
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  const auto sent = std::chrono::steady_clock::now();
  ::kill(demo.id(), SIGINT);
  demo.wait();
  EXPECT_LT(std::chrono::steady_clock::now() - sent, std::chrono::seconds(3));
  EXPECT_EQ(demo.exit_code(), 130);
  std::ifstream err_file(err_path);
  const std::string err((std::istreambuf_iterator<char>(err_file)), {});
  fs::remove(err_path);
  const auto lines = lines_of(err);
  // One line; the tour's comes after the line of the step it was running.
  ASSERT_EQ(lines.size(), GetParam().demo == "tour" ? 2u : 1u) << err;
  EXPECT_EQ(lines.back().rfind("asyncrt-" + GetParam().demo + ": interrupted by SIGINT", 0), 0u)
      << lines.back();
}

INSTANTIATE_TEST_SUITE_P(
    LongRuns, DemoInterrupt,
    ::testing::Values(
        LongRun{"ramen-shop", {"--minute-ms", "200"}},
        LongRun{"ramen-shop", {"--mode", "async", "--minute-ms", "200"}},
        LongRun{"delivery", {"--step-ms", "5000"}},
        LongRun{"worker", {"--stop-after", "10000", "--rest-ms", "200"}},
        LongRun{"worker", {"--stop-after", "10000", "--rest-ms", "10000"}},
        LongRun{"join", {"--sleep-ms", "10000"}},
        LongRun{"pools", {"--job-ms", "300", "--jobs", "40"}},
        LongRun{"race", {"--delay-ms", "5000"}}, LongRun{"semaphore", {"--query-ms", "5000"}},
        LongRun{"producer-consumer", {"--run-ms", "10000"}}, LongRun{"gil", {"--work-ms", "10000"}},
        LongRun{"io-vs-cpu", {"--io-ms", "5000"}},
        LongRun{"io-vs-cpu", {"--io-ms", "1", "--cpu-ms", "10000", "--jobs", "1"}},
        LongRun{"processes", {"--child-ms", "10000"}},
        LongRun{"profiling", {"--repeat", "100000000"}}, LongRun{"tour", {"--only", "race"}}),
    [](const auto& info) {
      std::string name = info.param.demo + "_" + std::to_string(info.index);
      std::replace(name.begin(), name.end(), '-', '_');
      return name;
    });

}  // namespace
}  // namespace asyncrt::testing
