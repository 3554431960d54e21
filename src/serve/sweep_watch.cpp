#include "serve/sweep_watch.h"

#include "core/error.h"
#include "sweep/store.h"

namespace mlpscope::serve {

namespace {

constexpr auto kLookEvery = std::chrono::milliseconds(500);

nlohmann::json optional_number(const std::optional<double>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

nlohmann::json row_to_json(const RunRow& row) {
  return {{"grid_index", row.grid_index},
          {"options", row.options},
          {"verdict", name(row.verdict)},
          {"cause",
           row.cause == Cause::none ? nlohmann::json(nullptr) : nlohmann::json(name(row.cause))},
          {"final_loss", optional_number(row.final_loss)},
          {"train_accuracy", optional_number(row.train_accuracy)},
          {"test_accuracy", optional_number(row.test_accuracy)},
          {"sharpness_init", optional_number(row.sharpness_init)},
          {"seconds", row.seconds}};
}

}  // namespace

SweepWatch::SweepWatch(std::filesystem::path dir) : dir_(std::move(dir)) {
  thread_ = std::thread([this] { watch(); });
}

SweepWatch::~SweepWatch() {
  stop();
  if (thread_.joinable()) thread_.join();
}

void SweepWatch::stop() {
  {
    const std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
}

void SweepWatch::watch() {
  std::unique_lock lock(mutex_);
  while (!stop_) {
    lock.unlock();
    try {
      look();
    } catch (const std::exception& e) {
      // A database being created or locked by the sweep: look again next time.
      events_.frame("problem", {{"error", e.what()}});
    }
    lock.lock();
    wake_.wait_for(lock, kLookEvery, [&] { return stop_; });
  }
  events_.publish("end", nlohmann::json::object());
  events_.close();
}

// Opens the store once its file exists (never creates it), then publishes the new rows.
void SweepWatch::look() {
  if (!store_) {
    if (!std::filesystem::exists(dir_ / "results.sqlite")) return;
    store_ = std::make_unique<ResultStore>(dir_.string(), "watch");
  }
  if (!grid_published_) {
    const std::optional<std::string> grid = store_->grid();
    if (!grid) return;  // the sweep has not recorded its grid yet
    events_.publish("grid", {{"dir", dir_.string()}, {"grid", nlohmann::json::parse(*grid)}});
    grid_published_ = true;
  }
  for (const RunRow& row : store_->rows()) {
    if (!seen_.insert(row.key).second) continue;
    events_.publish("run", row_to_json(row));
  }
}

}  // namespace mlpscope::serve
