// asyncrt-producer-consumer: the lesson's producer and consumer. The producer (the I/O side)
// puts random messages into a bounded channel; the consumer (the CPU side) takes each one and
// offloads its work to the CPU pool. An event tells the producer to stop; the consumer drains
// what is left. Nothing is lost (counts and sums are checked). A consumer slower than the
// producer fills the channel, and then the producer waits for room: back-pressure. Third, the
// same without a channel: the producer is a generator (a Stream) that runs only when the
// consumer asks for the next message, so it is never more than one message ahead.

#include <cstdint>
#include <random>

#include <fmt/core.h>

#include <asyncrt/asyncrt.hpp>

#include "common/cli.hpp"
#include "common/demo_cli.hpp"
#include "common/interrupt.hpp"
#include "common/log.hpp"
#include "common/report.hpp"
#include "common/timelines.hpp"
#include "common/work.hpp"

using namespace asyncrt;
using namespace std::chrono;

namespace {

struct Settings {
  std::size_t capacity = 10;
  milliseconds run_for{300};
  milliseconds produce{2};  // the producer's I/O wait per message
  milliseconds consume{4};  // the consumer's CPU work per message
  std::uint64_t seed = 1;
};

struct Tally {
  std::size_t produced = 0, consumed = 0;
  std::uint64_t produced_sum = 0, consumed_sum = 0;
  std::size_t waited_for_room = 0;  // sends that found the channel full
  std::size_t most_queued = 0;
  // When (ms from the start): the stop event was set, the producer closed the channel, the
  // consumer took the last message. The whole run is as long as the last.
  double stop_ms = 0, producer_done_ms = 0, wall_ms = 0;
};

double ms_between(TimePoint from, TimePoint to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}

Task<void> producer(Channel<std::uint64_t>& queue, Event& stop, const Settings& s, Tally& t,
                    TimePoint start) {
  std::mt19937_64 random(s.seed);
  while (!stop.is_set()) {
    co_await sleep_for(s.produce);  // waiting for the network
    std::uint64_t message = random() % 1000;
    t.produced_sum += message;
    ++t.produced;
    if (!queue.try_send(message)) {
      ++t.waited_for_room;  // full: back-pressure holds the producer here
      co_await queue.send(message);
    }
    t.most_queued = std::max(t.most_queued, queue.size());
  }
  queue.close();  // no more messages: the consumer drains what is left
  t.producer_done_ms = ms_between(start, now());
}

Task<void> consumer(Channel<std::uint64_t>& queue, const Settings& s, Tally& t) {
  while (auto message = co_await queue.receive()) {
    const auto value = *message;
    co_await offload([&s](std::stop_token stop) { demo::burn_cpu(s.consume, stop); });
    t.consumed_sum += value;
    ++t.consumed;
  }
}

Tally run_once(Runtime& runtime, const Settings& s) {
  Tally t;
  auto shop = [&]() -> Task<void> {
    Channel<std::uint64_t> queue(s.capacity);
    Event stop;
    const TimePoint start = now();
    std::vector<Task<void>> sides;
    sides.push_back(named("producer", producer(queue, stop, s, t, start)));
    sides.push_back(named("consumer", consumer(queue, s, t)));
    auto stopper = [&]() -> Task<void> {
      co_await sleep_for(s.run_for);
      t.stop_ms = ms_between(start, now());
      stop.set();
    };
    sides.push_back(stopper());
    co_await when_all(std::move(sides));
    t.wall_ms = ms_between(start, now());
  };
  runtime.block_on(shop(), "shop");
  return t;
}

// The third way: the producer is a generator. It runs only from the consumer's next() to its
// next yield, so it is at most one message ahead, with no channel and no capacity to choose.
Tally run_stream(Runtime& runtime, const Settings& s) {
  Tally t;
  auto shop = [&]() -> Task<void> {
    Event stop;
    const TimePoint start = now();
    Stream<std::uint64_t> messages(
        [&](Yield<std::uint64_t>& yield) -> Task<void> {
          std::mt19937_64 random(s.seed);
          while (!stop.is_set()) {
            co_await sleep_for(s.produce);  // waiting for the network
            const std::uint64_t message = random() % 1000;
            t.produced_sum += message;
            ++t.produced;
            t.most_queued = std::max(t.most_queued, t.produced - t.consumed);
            co_await yield(message);  // here until the consumer asks for the next one
          }
          t.producer_done_ms = ms_between(start, now());
        },
        "producer");
    co_await task_group([&](TaskGroup& group) -> Task<void> {
      group.spawn(
          [&]() -> Task<void> {
            while (auto message = co_await messages.next()) {
              co_await offload([&s](std::stop_token stop) { demo::burn_cpu(s.consume, stop); });
              t.consumed_sum += *message;
              ++t.consumed;
            }
          },
          "consumer");
      co_await sleep_for(s.run_for);
      t.stop_ms = ms_between(start, now());
      stop.set();
    });
    t.wall_ms = ms_between(start, now());
  };
  runtime.block_on(shop(), "shop");
  return t;
}

void print_report(std::string_view title, const Settings& s, const Tally& t) {
  fmt::print("\n== {}: produce every {} ms, consume {} ms each, capacity {}\n", title,
             s.produce.count(), s.consume.count(), s.capacity);
  fmt::print("produced {} (sum {}), consumed {} (sum {}), lost {}\n", t.produced, t.produced_sum,
             t.consumed, t.consumed_sum, t.produced - t.consumed);
  fmt::print(
      "most messages queued at once: {} of {}; the producer found the channel full {} "
      "times{}\n",
      t.most_queued, s.capacity, t.waited_for_room,
      t.waited_for_room > 0 ? " (back-pressure: it waited for the consumer)" : "");
  // The producer looks at the event between messages: it stops after the message it was
  // waiting for when the event came (and after sending it, if the channel was full).
  fmt::print(
      "the stop event came at {:.0f} ms; the producer stopped at {:.0f} ms (after the message it "
      "was on); the consumer drained the rest by {:.0f} ms\n",
      t.stop_ms, t.producer_done_ms, t.wall_ms);
}

int run(int argc, char** argv) {
  demo::Cli cli("asyncrt-producer-consumer",
                "A producer puts random messages into a bounded channel, a consumer offloads the\n"
                "work for each; an event stops the producer and the consumer drains the rest.\n"
                "Runs twice: a fast consumer, then a slow one (back-pressure); then a third time\n"
                "with the producer as a generator (a Stream) and no channel.");
  cli.add()("capacity", demo::po::value<std::string>()->default_value("10"),
            "the channel's capacity (the lesson's Queue(maxsize=10))")(
      "run-ms", demo::po::value<std::string>()->default_value("300"),
      "how long the producer runs before the stop event")(
      "produce-ms", demo::po::value<std::string>()->default_value("4"),
      "the producer's wait for each message (I/O)")(
      "consume-ms", demo::po::value<std::string>()->default_value("2"),
      "the consumer's work per message in the first run (the slow run takes 4x the producer's)")(
      "seed", demo::po::value<std::string>()->default_value("1"), "seed of the random messages");
  if (auto done = cli.parse(argc, argv)) return *done;
  Settings s;
  s.capacity = cli.count("capacity", 1, 1'000'000);
  s.run_for = milliseconds(cli.count("run-ms", 1, 600'000));
  s.produce = milliseconds(cli.count("produce-ms", 1, 10'000));
  s.consume = milliseconds(cli.count("consume-ms", 1, 10'000));
  s.seed = demo::parse_u64("--seed", cli.text("seed"));

  demo::JsonReport report(cli, 1);
  demo::InterruptWatch interrupts;
  demo::work_rounds_per_second();  // sizes the computing now, not in the first timed run
  demo::Timelines timelines(cli);
  Runtime runtime({.stop_token = interrupts.token()});
  Settings slow = s;
  slow.consume = 4 * s.produce;
  bool all_delivered = true;
  std::vector<demo::JsonObject> json_runs;
  for (const auto& run : {std::pair{"fast consumer", s}, std::pair{"slow consumer", slow}}) {
    const std::string_view title = run.first;
    const Settings& settings = run.second;
    timelines.section();
    const Tally t = interrupts.guard(title, [&] { return run_once(runtime, settings); });
    print_report(title, settings, t);
    json_runs.push_back(demo::JsonObject()
                            .add("run", title)
                            .add("produce_ms", settings.produce.count())
                            .add("consume_ms", settings.consume.count())
                            .add("capacity", settings.capacity)
                            .add("produced", t.produced)
                            .add("produced_sum", t.produced_sum)
                            .add("consumed", t.consumed)
                            .add("consumed_sum", t.consumed_sum)
                            .add("most_queued", t.most_queued)
                            .add("found_full", t.waited_for_room)
                            .add("stop_ms", t.stop_ms)
                            .add("producer_done_ms", t.producer_done_ms)
                            .add("wall_ms", t.wall_ms));
    all_delivered = all_delivered && t.produced == t.consumed && t.produced_sum == t.consumed_sum;
    timelines.show(title);
  }
  {
    const std::string_view title = "a stream (the producer a generator), slow consumer";
    timelines.section();
    const Tally t = interrupts.guard(title, [&] { return run_stream(runtime, slow); });
    fmt::print("\n== {}: produce every {} ms, consume {} ms each, no channel\n", title,
               slow.produce.count(), slow.consume.count());
    fmt::print("produced {} (sum {}), consumed {} (sum {}), lost {}\n", t.produced, t.produced_sum,
               t.consumed, t.consumed_sum, t.produced - t.consumed);
    fmt::print(
        "the producer was at most {} message ahead of the consumer: it runs only when asked\n"
        "the stop event came at {:.0f} ms; the producer stopped at {:.0f} ms; the consumer was "
        "done by {:.0f} ms\n",
        t.most_queued, t.stop_ms, t.producer_done_ms, t.wall_ms);
    json_runs.push_back(demo::JsonObject()
                            .add("run", "stream")
                            .add("produce_ms", slow.produce.count())
                            .add("consume_ms", slow.consume.count())
                            .add("capacity", 0)
                            .add("produced", t.produced)
                            .add("produced_sum", t.produced_sum)
                            .add("consumed", t.consumed)
                            .add("consumed_sum", t.consumed_sum)
                            .add("most_queued", t.most_queued)
                            .add("found_full", 0)
                            .add("stop_ms", t.stop_ms)
                            .add("producer_done_ms", t.producer_done_ms)
                            .add("wall_ms", t.wall_ms));
    all_delivered = all_delivered && t.produced == t.consumed && t.produced_sum == t.consumed_sum;
    timelines.show(title);
  }
  timelines.finish("Producer and consumer");
  if (all_delivered) fmt::print("\nevery message produced was consumed, in all three runs\n");
  report.object().add("runs", json_runs).add("all_delivered", all_delivered);
  report.finish();
  if (!all_delivered) {
    fmt::print(stderr, "asyncrt-producer-consumer: error: messages were lost\n");
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return asyncrt::demo::guarded_main("asyncrt-producer-consumer", [&] { return run(argc, argv); });
}
