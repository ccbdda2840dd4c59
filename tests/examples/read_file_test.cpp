// The operation written in docs/extending.md, tested the way the guide describes.
#include "extending/read_file.hpp"

#include <asyncrt/offload.hpp>
#include <asyncrt/runtime.hpp>
#include <asyncrt/time.hpp>
#include <asyncrt/timeline.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_future.hpp>
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <string>
#include <thread>

#include <unistd.h>

namespace {

using namespace std::chrono_literals;
using asyncrt::Runtime;
using asyncrt::Task;
using extending::async_read_file;

// A file with `size` bytes of known content, removed at the end of the test.
struct TempFile {
  explicit TempFile(std::size_t size) {
    path = std::filesystem::temp_directory_path() /
           ("asyncrt-read-file-" + std::to_string(::getpid()) + "-" + std::to_string(size));
    for (std::size_t i = 0; i < size; ++i) content.push_back(static_cast<char>('a' + i % 26));
    std::ofstream(path, std::ios::binary) << content;
  }
  ~TempFile() { std::filesystem::remove(path); }
  std::filesystem::path path;
  std::string content;
};

TEST(AsyncReadFile, ReadsTheFileOffTheLoopAndResumesOnIt) {
  Runtime runtime;
  TempFile file(200'000);  // several chunks
  auto task = [&]() -> Task<std::pair<std::string, std::thread::id>> {
    std::string content = co_await async_read_file(runtime.blocking_executor(), file.path);
    co_return std::pair{std::move(content), std::this_thread::get_id()};
  };
  const auto [content, resumed_on] = runtime.block_on(task());
  EXPECT_EQ(content, file.content);
  EXPECT_EQ(resumed_on, runtime.loop_thread_id());
}

TEST(AsyncReadFile, AMissingFileIsAnErrorCode) {
  Runtime runtime;
  auto task = [&]() -> Task<boost::system::error_code> {
    auto [error, content] =
        co_await async_read_file(runtime.blocking_executor(), "/nonexistent/file",
                                 boost::asio::as_tuple(boost::asio::use_awaitable));
    EXPECT_TRUE(content.empty());
    co_return error;
  };
  EXPECT_EQ(runtime.block_on(task()), std::errc::no_such_file_or_directory);
}

TEST(AsyncReadFile, WorksWithACallbackAndWithUseFuture) {
  Runtime runtime;
  TempFile file(1000);
  std::promise<std::string> got;
  async_read_file(runtime.blocking_executor(), file.path,
                  [&](boost::system::error_code error, std::string content) {
                    EXPECT_FALSE(error);
                    got.set_value(std::move(content));
                  });
  EXPECT_EQ(got.get_future().get(), file.content);
  auto future = async_read_file(runtime.blocking_executor(), file.path, boost::asio::use_future);
  EXPECT_EQ(future.get(), file.content);
}

TEST(AsyncReadFile, CancellationEndsTheReadWithOperationAborted) {
  // The only blocking thread is busy, so the read is still queued when its waiter times out;
  // it starts later, sees the flag at its first chunk and completes with operation_aborted.
  asyncrt::RuntimeOptions options;
  options.blocking_threads = 1;
  Runtime runtime(options);
  TempFile file(200'000);
  auto task = [&]() -> Task<void> {
    auto busy = asyncrt::offload_blocking([] { std::this_thread::sleep_for(100ms); },
                                          boost::asio::use_future);
    EXPECT_THROW(co_await asyncrt::with_timeout(
                     async_read_file(runtime.blocking_executor(), file.path), 20ms, "read"),
                 asyncrt::TimeoutError);
    co_return;
  };
  runtime.block_on(task());
}

}  // namespace

namespace {

TEST(AsyncReadFile, ShowsUpInTheTimelineOnABlockingThread) {
  const TempFile file(1000);
  asyncrt::trace::Recording recording;
  {
    Runtime runtime;
    auto read = [&]() -> Task<std::string> {
      co_return co_await async_read_file(runtime.blocking_executor(), file.path);
    };
    EXPECT_EQ(runtime.block_on(read(), "reader"), file.content);
  }
  const auto origin = recording.origin();
  const auto timeline = asyncrt::trace::Timeline::layout(recording.finish(), origin);
  const auto read = std::find_if(timeline.spans.begin(), timeline.spans.end(), [&](const auto& s) {
    return s.task == "read " + file.path.filename().string();
  });
  ASSERT_NE(read, timeline.spans.end());
  EXPECT_EQ(read->kind, asyncrt::trace::Kind::waiting);
  EXPECT_EQ(read->thread.rfind("blocking-", 0), 0u) << read->thread;
  EXPECT_NE(asyncrt::trace::render_text(timeline).find("reader"), std::string::npos);
}

}  // namespace
