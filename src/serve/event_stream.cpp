#include "serve/event_stream.h"

namespace mlpscope::serve {

std::string sse_message(std::string_view event, const nlohmann::json& data) {
  std::string message = "event: ";
  message += event;
  message += "\ndata: ";
  // dump() escapes control characters, so the JSON is one line, as SSE requires.
  message += data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  message += "\n\n";
  return message;
}

void EventStream::publish(std::string_view event, const nlohmann::json& data) {
  std::string message = sse_message(event, data);
  const std::lock_guard lock(mutex_);
  events_.push_back(std::move(message));
}

void EventStream::frame(std::string_view event, const nlohmann::json& data) {
  std::string message = sse_message(event, data);
  const std::lock_guard lock(mutex_);
  auto it = frames_.find(event);
  if (it == frames_.end()) it = frames_.emplace(std::string(event), Frame{}).first;
  ++it->second.version;
  it->second.message = std::move(message);
}

void EventStream::close() {
  {
    const std::lock_guard lock(mutex_);
    closed_ = true;
  }
  closed_cv_.notify_all();
}

bool EventStream::closed() const {
  const std::lock_guard lock(mutex_);
  return closed_;
}

std::size_t EventStream::published() const {
  const std::lock_guard lock(mutex_);
  return events_.size();
}

// Under the lock: each newer frame, then the published events past the cursor (so that
// `end` is the last thing a stream says).
std::string EventStream::unseen(Cursor& cursor) const {
  std::string text;
  for (const auto& [name, frame] : frames_) {
    std::uint64_t& seen = cursor.frames_seen[name];
    if (seen == frame.version) continue;
    seen = frame.version;
    text += frame.message;
  }
  for (; cursor.next < events_.size(); ++cursor.next) text += events_[cursor.next];
  return text;
}

std::string EventStream::read(Cursor& cursor, std::chrono::milliseconds timeout, bool& ended) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::unique_lock lock(mutex_);
  for (;;) {
    std::string text = unseen(cursor);
    ended = closed_ && cursor.next == events_.size();
    if (!text.empty() || ended) return text;
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return text;
    closed_cv_.wait_for(lock, std::min<std::chrono::steady_clock::duration>(kPoll, deadline - now));
  }
}

}  // namespace mlpscope::serve
