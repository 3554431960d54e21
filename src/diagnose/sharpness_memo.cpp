#include "diagnose/sharpness_memo.h"

namespace mlpscope {

double SharpnessMemo::lambda0(const std::string& key, const std::function<double()>& measure) {
  {
    std::lock_guard lock(mutex_);
    if (const auto it = values_.find(key); it != values_.end()) return it->second;
    ++measured_;
  }
  // Measured outside the lock: the other workers go on meanwhile.
  const double value = measure();
  std::lock_guard lock(mutex_);
  if (key.size() > budget_bytes_) return value;
  const auto [it, inserted] = values_.emplace(key, value);
  if (!inserted) return value;
  order_.push_back(it);
  bytes_ += key.size();
  while (bytes_ > budget_bytes_) {
    bytes_ -= order_.front()->first.size();
    values_.erase(order_.front());
    order_.pop_front();
  }
  return value;
}

std::size_t SharpnessMemo::size() const {
  std::lock_guard lock(mutex_);
  return values_.size();
}

std::size_t SharpnessMemo::measured() const {
  std::lock_guard lock(mutex_);
  return measured_;
}

}  // namespace mlpscope
