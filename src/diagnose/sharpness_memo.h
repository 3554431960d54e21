// λ0 measured once per network, for the runs of a sweep that start from the same one.
//
// λ0, the sharpness at initialization (diagnose/sharpness.h), is a function of the
// network's parameters and architecture, the probe set and the Lanczos seed alone. A sweep
// that varies the learning rate, the optimizer, the batch or the epochs starts each of
// those values from the same network, seed and probe set: the story's demo measured each
// of its 36 networks three times, and λ0 was 39% of its runs' time. The memo measures λ0 the first
// time it meets a network and hands the same number to the others: the same bits, since the
// measurement is deterministic, and the rows and maps unchanged.
//
// A key names everything λ0 depends on, the parameters byte for byte (keys are built by
// Prober::initial_sharpness, diagnose/probes.cpp); equal keys give equal λ0 by construction, so a
// missed equality only costs a measurement. The memo keeps at most `budget_bytes` of keys
// and forgets the oldest beyond that. Thread-safe: a sweep's workers share one. Two
// workers meeting the same new key at once both measure it (the same value); neither waits.
#pragma once

#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>

namespace mlpscope {

class SharpnessMemo {
 public:
  explicit SharpnessMemo(std::size_t budget_bytes = std::size_t{64} << 20)
      : budget_bytes_(budget_bytes) {}

  // The λ0 stored under `key`, else the one `measure` returns, stored under it.
  double lambda0(const std::string& key, const std::function<double()>& measure);

  std::size_t size() const;      // keys held
  std::size_t measured() const;  // calls of `measure` so far

 private:
  mutable std::mutex mutex_;
  // A node map: its iterators stay valid, so the keys (a network's parameters each) are held
  // once.
  std::map<std::string, double> values_;
  std::deque<std::map<std::string, double>::iterator> order_;  // oldest first
  std::size_t bytes_ = 0, measured_ = 0;
  const std::size_t budget_bytes_;
};

}  // namespace mlpscope
