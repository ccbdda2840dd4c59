// asyncrt-profiling: the notes' timeit table in C++. The notes' eight functions (set, list,
// tuple and str of range(100), add and append loops, two comprehensions), each mirrored in C++
// and timed over many repetitions and several rounds: the fastest, median and slowest round per
// build, in the notes' order, ranked by the median.

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
#include "common/report.hpp"
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
      // str() of a range is its text, "range(0, 100)": the 100 numbers are never made, which
      // is why it is the fastest row of the notes' table.
      {"text of the range", "str(range(100))",
       [] {
         std::string s = "range(0, " + std::to_string(count) + ")";
         keep(s);
       }},
      {"set.insert loop", "s.add(i) loop",
       [] {
         std::set<int> s;
         for (int i = 0; i < count; ++i) s.insert(i);
         keep(s);
       }},
      {"unordered_set loop", "set comprehension",
       [] {
         std::unordered_set<int> s;
         for (int i = 0; i < count; ++i) s.insert(i);
         keep(s);
       }},
      {"push_back loop", "l.append(i) loop",
       [] {
         std::vector<int> v;
         for (int i = 0; i < count; ++i) v.push_back(i);
         keep(v);
       }},
      {"reserve + push_back", "list comprehension",
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
                "Times the notes' eight ways of building the numbers 0..99 (their timeit\n"
                "table): repeated builds, several rounds; fastest, median and slowest round,\n"
                "ranked by the median.");
  cli.add()("repeat", demo::po::value<std::string>()->default_value("20000"),
            "builds per round (timeit's number)")(
      "rounds", demo::po::value<std::string>()->default_value("5"),
      "rounds per way; the median is shown");
  if (auto done = cli.parse(argc, argv)) return *done;
  const std::size_t repeat = cli.count("repeat", 1, 100'000'000);
  const std::size_t rounds = cli.count("rounds", 1, 1'000);
  demo::JsonReport report(cli, 1);
  demo::InterruptWatch interrupts;
  demo::Timelines timelines(cli);

  struct Row {
    std::string name, python;
    double fastest_ns, median_ns, slowest_ns;
    std::size_t rank = 0;
  };
  std::vector<Row> rows;  // in the notes' order
  for (const auto& way : ways()) {
    std::vector<double> per_build;
    for (std::size_t r = 0; r < rounds; ++r) {
      trace::Scope timing(way.name);
      const auto start = std::chrono::steady_clock::now();
      // Ctrl-C is looked at every 1024 builds: a round can take minutes with a large --repeat.
      for (std::size_t done = 0; done < repeat;) {
        const std::size_t batch = std::min<std::size_t>(repeat - done, 1024);
        for (std::size_t i = 0; i < batch; ++i) way.build();
        done += batch;
        interrupts.throw_if_interrupted(way.name);
      }
      const std::chrono::duration<double, std::nano> took =
          std::chrono::steady_clock::now() - start;
      per_build.push_back(took.count() / static_cast<double>(repeat));
      interrupts.throw_if_interrupted(way.name);
    }
    std::sort(per_build.begin(), per_build.end());
    rows.push_back({way.name, way.python, per_build.front(), per_build[per_build.size() / 2],
                    per_build.back()});
  }
  std::vector<Row*> by_median;
  for (auto& row : rows) by_median.push_back(&row);
  std::stable_sort(by_median.begin(), by_median.end(),
                   [](const Row* a, const Row* b) { return a->median_ns < b->median_ns; });
  for (std::size_t i = 0; i < by_median.size(); ++i) by_median[i]->rank = i + 1;

  fmt::print(
      "building the numbers 0..99, in the notes' order: ns a build over {} of {} builds\n"
      "(fastest, median, slowest round); rank by the median, relative to the fastest way\n\n",
      demo::counted(rounds, "round"), repeat);
  fmt::print("{:<20} {:<18} {:>9} {:>9} {:>9} {:>5} {:>9}\n", "way", "like Python's", "fastest",
             "median", "slowest", "rank", "relative");
  for (const auto& row : rows) {
    fmt::print("{:<20} {:<18} {:>9.1f} {:>9.1f} {:>9.1f} {:>5} {:>8.1f}x\n", row.name, row.python,
               row.fastest_ns, row.median_ns, row.slowest_ns, row.rank,
               row.median_ns / by_median.front()->median_ns);
  }
  fmt::print(
      "\nRanks whose rounds overlap (one's slowest above the other's fastest) may swap between\n"
      "runs. The notes' Python table (timeit, 1,000,000 calls, in seconds): set 1.61, list 0.76,\n"
      "tuple 0.79, str 0.41, set_add 5.68, list_append 5.14 (its two comprehension rows timed\n"
      "set_add and list_append again): node-based sets and growing one element at a time cost\n"
      "the most there too.\n");
  timelines.show("profiling");
  timelines.finish("Profiling");
  std::vector<demo::JsonObject> json_rows;
  for (const auto& row : rows) {
    json_rows.push_back(demo::JsonObject()
                            .add("way", row.name)
                            .add("python", row.python)
                            .add("fastest_ns", row.fastest_ns)
                            .add("median_ns", row.median_ns)
                            .add("slowest_ns", row.slowest_ns)
                            .add("rank", row.rank));
  }
  report.object().add("repeat", repeat).add("rounds", rounds).add("ways", json_rows);
  report.finish();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return asyncrt::demo::guarded_main("asyncrt-profiling", [&] { return run(argc, argv); });
}
