// asyncrt-profiling: the notes' timeit table in C++. Eight ways to build the numbers 0..99
// (std::set, std::vector, std::array, std::string, insert and push_back loops, reserve),
// each timed over many repetitions, several rounds, the median per build, sorted by time.

#include <algorithm>
#include <array>
#include <chrono>
#include <functional>
#include <numeric>
#include <set>
#include <string>
#include <unordered_set>
#include <vector>

#include <fmt/core.h>

#include "common/cli.hpp"
#include "common/demo_cli.hpp"
#include "common/interrupt.hpp"
#include "common/timelines.hpp"

using namespace asyncrt;

namespace {

constexpr int count = 100;

// Keeps the optimiser from deleting work whose result nobody reads.
template <typename T>
void keep(T const& value) {
  asm volatile("" : : "r,m"(value) : "memory");
}

struct Way {
  std::string name;
  std::string python;  // the line in the notes it mirrors
  std::function<void()> build;
};

std::vector<Way> ways() {
  return {
      {"set(range)", "set(range(100))",
       [] {
         std::vector<int> r(count);
         std::iota(r.begin(), r.end(), 0);
         std::set<int> s(r.begin(), r.end());
         keep(s);
       }},
      {"vector(range)", "list(range(100))",
       [] {
         std::vector<int> v(count);
         std::iota(v.begin(), v.end(), 0);
         keep(v);
       }},
      {"array (iota)", "tuple(range(100))",
       [] {
         std::array<int, count> a;
         std::iota(a.begin(), a.end(), 0);
         keep(a);
       }},
      {"string of digits", "str(list(range(100)))",
       [] {
         std::string s;
         for (int i = 0; i < count; ++i) s += std::to_string(i);
         keep(s);
       }},
      {"set.insert loop", "s.add(i) loop",
       [] {
         std::set<int> s;
         for (int i = 0; i < count; ++i) s.insert(i);
         keep(s);
       }},
      {"unordered_set.insert loop", "set comprehension",
       [] {
         std::unordered_set<int> s;
         for (int i = 0; i < count; ++i) s.insert(i);
         keep(s);
       }},
      {"vector.push_back loop", "l.append(i) loop",
       [] {
         std::vector<int> v;
         for (int i = 0; i < count; ++i) v.push_back(i);
         keep(v);
       }},
      {"vector.push_back + reserve", "list comprehension",
       [] {
         std::vector<int> v;
         v.reserve(count);
         for (int i = 0; i < count; ++i) v.push_back(i);
         keep(v);
       }},
  };
}

int run(int argc, char** argv) {
  demo::Cli cli("asyncrt-profiling",
                "Times eight ways of building the numbers 0..99 (the notes' timeit table):\n"
                "repeated builds, several rounds, the median, sorted by time.");
  cli.add()("repeat", demo::po::value<std::string>()->default_value("20000"),
            "builds per round (timeit's number)")(
      "rounds", demo::po::value<std::string>()->default_value("5"),
      "rounds per way; the median is shown");
  if (auto done = cli.parse(argc, argv)) return *done;
  const std::size_t repeat = cli.count("repeat", 1, 100'000'000);
  const std::size_t rounds = cli.count("rounds", 1, 1'000);
  demo::InterruptWatch interrupts;
  demo::Timelines timelines(cli);

  struct Row {
    std::string name, python;
    double median_ns;
  };
  std::vector<Row> rows;
  for (const auto& way : ways()) {
    std::vector<double> per_build;
    for (std::size_t r = 0; r < rounds; ++r) {
      trace::Scope timing(way.name);
      const auto start = std::chrono::steady_clock::now();
      for (std::size_t i = 0; i < repeat; ++i) way.build();
      const std::chrono::duration<double, std::nano> took =
          std::chrono::steady_clock::now() - start;
      per_build.push_back(took.count() / static_cast<double>(repeat));
      interrupts.throw_if_interrupted(way.name);
    }
    std::nth_element(per_build.begin(), per_build.begin() + per_build.size() / 2, per_build.end());
    rows.push_back({way.name, way.python, per_build[per_build.size() / 2]});
  }
  std::sort(rows.begin(), rows.end(),
            [](const Row& a, const Row& b) { return a.median_ns < b.median_ns; });

  fmt::print("building the numbers 0..99: median of {} rounds of {} builds\n\n", rounds, repeat);
  fmt::print("{:<28} {:>12} {:>9}  {}\n", "way", "ns a build", "relative", "like Python's");
  for (const auto& row : rows) {
    fmt::print("{:<28} {:>12.1f} {:>8.1f}x  {}\n", row.name, row.median_ns,
               row.median_ns / rows.front().median_ns, row.python);
  }
  fmt::print(
      "\nThe notes' Python table (timeit, 1,000,000 runs): set 1.6, list 0.69, tuple 0.83,\n"
      "str 0.47, set_add 5.7, list_append 5.0: node-based sets and growing one element\n"
      "at a time cost the most there too.\n");
  timelines.show("profiling");
  timelines.finish("Profiling");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return asyncrt::demo::guarded_main("asyncrt-profiling", [&] { return run(argc, argv); });
}
