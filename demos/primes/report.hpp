#pragma once
// How the primes demo shows its results: a table for people, one JSON object for programs.

#include <cstdint>
#include <vector>

#include "common/json.hpp"
#include "primes/modes.hpp"

namespace asyncrt::primes {

/// "N is prime: true" per number; for a list over 50 numbers (from --random), how many were
/// checked and the primes among them.
void print_answers(const std::vector<std::uint64_t>& numbers, const std::vector<bool>& prime);

/// The answers as JSON, in input order: [{"n":...,"n_text":"...","prime":...}, ...] (n_text:
/// the exact number, which a JavaScript reader would round above 2^53).
std::vector<demo::JsonObject> answers_json(const std::vector<std::uint64_t>& numbers,
                                           const std::vector<bool>& prime);

/// The version of print_json's object, its "schema" member: raised whenever a member changes
/// meaning or goes away (members may be added without).
inline constexpr int json_schema = 1;

/// The answers (print_answers), the usable cores, then per mode: wall time, workers, speedup
/// over serial and parallel efficiency (speedup / min(workers, cores)), with what each mode
/// showed (stalls, worker pids); a line if an efficiency over 100% says the baseline ran slow;
/// each check the stall detector caught, by name, with how long it held the loop.
void print_text(const std::vector<std::uint64_t>& numbers, const std::vector<ModeRun>& runs,
                const Job& job, std::size_t cores);

/// {"schema":1,"cores":...,"results":[{"n":...,"n_text":...,"prime":...}],"runs":[{"mode":...,"workers":...,
/// "seconds":...,"speedup":...,"efficiency":...}]}; runs[0] is serial, the baseline of every
/// speedup. The loop run adds "stalls" (how many checks were caught holding the loop) and
/// "stalled" ([{"task":"check #1 (97)","ms":...}], in the order caught), the processes run
/// "checked_by" (the pid of the worker that checked each number, in input order).
void print_json(const std::vector<std::uint64_t>& numbers, const std::vector<ModeRun>& runs,
                std::size_t cores);

}  // namespace asyncrt::primes
