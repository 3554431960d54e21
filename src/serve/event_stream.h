// The events of one run (or of a watched sweep) as Server-Sent Events, for any number of
// readers. Two kinds:
//   - published events (the run-log records, the verdict, the summary) are kept, and every
//     reader gets all of them in order from the first, however late it connects;
//   - frames (progress, the decision boundary) are replaced by each new one: a reader gets
//     the newest, never a backlog.
// The trainer only appends under a short lock and never wakes anyone: readers poll every
// kPoll, so 50 open streams cost the training thread nothing but that lock.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace mlpscope::serve {

class EventStream {
 public:
  // How often a waiting reader looks for news: 40 updates/s at most per stream.
  static constexpr std::chrono::milliseconds kPoll{25};

  void publish(std::string_view event, const nlohmann::json& data);
  void frame(std::string_view event, const nlohmann::json& data);
  // No more events: readers end once they have the last one.
  void close();
  bool closed() const;

  // What one reader has seen.
  struct Cursor {
    std::size_t next = 0;
    std::map<std::string, std::uint64_t> frames_seen;
  };
  // The SSE text of everything the cursor has not seen, waiting up to `timeout` for some
  // (empty after the timeout). `ended` turns true when the stream is closed and read out.
  std::string read(Cursor& cursor, std::chrono::milliseconds timeout, bool& ended);
  std::size_t published() const;

 private:
  std::string unseen(Cursor& cursor) const;

  mutable std::mutex mutex_;
  std::condition_variable closed_cv_;
  std::vector<std::string> events_;  // each one SSE message, "event: …\ndata: …\n\n"
  struct Frame {
    std::uint64_t version = 0;
    std::string message;
  };
  std::map<std::string, Frame, std::less<>> frames_;
  bool closed_ = false;
};

// One SSE message: `event: NAME`, the data as one line of JSON, a blank line.
std::string sse_message(std::string_view event, const nlohmann::json& data);

}  // namespace mlpscope::serve
