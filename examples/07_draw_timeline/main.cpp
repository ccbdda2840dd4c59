// 07 draw a timeline: record what ran where, then draw it. A Recording started before the
// Runtime catches every task's work and waits; Timeline::layout puts them in lanes, and
// render_text draws them (render_svg and render_chrome_trace give a picture or a trace).

#include <asyncrt/asyncrt.hpp>
#include <asyncrt/timeline.hpp>

#include <chrono>
#include <iostream>
#include <thread>

using namespace asyncrt;
using namespace std::chrono_literals;

Task<void> read_then_compute() {
  co_await offload_blocking([] {
    trace::Scope reading("read", trace::Kind::waiting);  // the thread waits: lower case
    std::this_thread::sleep_for(20ms);
  });
  co_await offload([] { busy_for(20ms); });  // a thread computes: upper case
}

int main() {
  trace::Recording recording;  // before the Runtime
  {
    Runtime runtime;
    runtime.block_on(read_then_compute(), "reader");
  }
  const auto origin = recording.origin();
  const auto timeline = trace::Timeline::layout(recording.finish(), origin);
  std::cout << trace::render_text(timeline);  // or render_svg / render_chrome_trace
}
