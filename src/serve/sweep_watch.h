// `mlpscope serve --watch DIR`: a sweep's runs as they finish. A thread looks at
// DIR/results.sqlite (sweep/store.h) twice a second, from the moment it exists, and
// publishes each new row as a `run` event (grid index, options, verdict, cause, losses,
// accuracy, seconds), after one `grid` event with the sweep's grid definition; the page
// draws the map from them. The stream never ends while the server runs: a sweep resumed
// or merged into DIR adds rows.
#pragma once

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "serve/event_stream.h"

namespace mlpscope {
class ResultStore;
}

namespace mlpscope::serve {

class SweepWatch {
 public:
  explicit SweepWatch(std::filesystem::path dir);
  ~SweepWatch();  // stops the thread, closes the stream
  SweepWatch(const SweepWatch&) = delete;
  SweepWatch& operator=(const SweepWatch&) = delete;

  EventStream& events() { return events_; }
  void stop();

 private:
  void watch();
  void look();

  const std::filesystem::path dir_;
  std::unique_ptr<ResultStore> store_;
  std::set<std::string> seen_;
  bool grid_published_ = false;
  EventStream events_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace mlpscope::serve
