// The run log (--log FILE.jsonl): JSON Lines, one record at initialization (epoch 0), one
// per epoch, and the run's summary as the last line. Field names are an interface that
// scripts depend on; docs/run-log.md documents each one.
//
// Each record is written with a single write(2) of one complete line and flushed, so a
// reader (tail -f, a plotting script) or a killed run never sees half a record.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "diagnose/verdict.h"
#include "train/trainer.h"

namespace mlpscope {

nlohmann::json epoch_to_json(const EpochRecord& record);
nlohmann::json layer_to_json(const LayerStats& layer);
// The run's summary with its verdict; `options` is RunConfig::to_json() of the run.
nlohmann::json summary_to_json(const TrainSummary& summary, const Verdict& verdict,
                               const nlohmann::json& options);

class RunLog : public TrainObserver {
 public:
  explicit RunLog(const std::string& path);  // truncates; throws Error if it cannot
  ~RunLog() override;
  RunLog(const RunLog&) = delete;
  RunLog& operator=(const RunLog&) = delete;

  void on_epoch(const EpochRecord& record) override { write(epoch_to_json(record)); }
  void write(const nlohmann::json& record);

 private:
  std::string path_;
  int fd_ = -1;
};

}  // namespace mlpscope
