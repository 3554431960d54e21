#include "run/run_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/error.h"

namespace mlpscope {

namespace {

nlohmann::json optional_number(const std::optional<double>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

nlohmann::json epoch_fields(const EpochRecord& r) {
  return {{"epoch", r.epoch},
          {"step", r.step},
          {"loss", r.loss},
          {"accuracy", r.accuracy},
          {"test_loss", optional_number(r.test_loss)},
          {"test_accuracy", optional_number(r.test_accuracy)},
          {"lr", r.lr},
          {"seconds", r.seconds}};
}

}  // namespace

nlohmann::json layer_to_json(const LayerStats& s) {
  return {{"preact_mean", s.preact_mean},
          {"preact_std", s.preact_std},
          {"act_mean", s.act_mean},
          {"act_std", s.act_std},
          {"dead_fraction", optional_number(s.dead_fraction)},
          {"saturated_fraction", optional_number(s.saturated_fraction)},
          {"weight_norm", s.weight_norm},
          {"grad_norm", s.grad_norm},
          {"update_ratio", optional_number(s.update_ratio)}};
}

nlohmann::json epoch_to_json(const EpochRecord& r) {
  nlohmann::json j = epoch_fields(r);
  if (!r.layers.empty()) {
    nlohmann::json layers = nlohmann::json::array();
    for (const auto& s : r.layers) layers.push_back(layer_to_json(s));
    j["layers"] = std::move(layers);
  }
  if (r.output)
    j["output"] = {{"mean_top_probability", r.output->mean_top_probability},
                   {"confident_fraction", r.output->confident_fraction},
                   {"majority_fraction", r.output->majority_fraction},
                   {"predicted_classes", r.output->predicted_classes},
                   {"logit_gradient", r.output->logit_gradient}};
  if (r.sharpness) j["sharpness"] = *r.sharpness;
  return j;
}

nlohmann::json summary_to_json(const TrainSummary& s, const Verdict& v,
                               const nlohmann::json& options) {
  return {
      {"verdict", name(v.verdict)},
      {"cause", v.cause == Cause::none ? nlohmann::json(nullptr) : nlohmann::json(name(v.cause))},
      {"explanation", v.explanation},
      {"suggestions", v.suggestions},
      {"checks", v.checks},
      {"initial_loss", s.initial_loss},
      {"final_loss", s.final_loss},
      {"best_loss", s.best_loss},
      {"train_accuracy", s.train_accuracy},
      {"test_accuracy", optional_number(s.test_accuracy)},
      {"epochs", s.epochs},
      {"diverged_at_step",
       s.diverged_at_step ? nlohmann::json(*s.diverged_at_step) : nlohmann::json(nullptr)},
      {"diverged_at_layer",
       s.diverged_at_layer ? nlohmann::json(*s.diverged_at_layer) : nlohmann::json(nullptr)},
      {"peak_loss", s.peak_loss},
      {"peak_step", s.peak_step},
      {"seconds", s.seconds},
      {"interrupted", s.interrupted},
      {"options", options}};
}

RunLog::RunLog(const std::string& path) : path_(path) {
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) throw Error("cannot write the log " + path + ": " + std::strerror(errno));
}

RunLog::~RunLog() {
  if (fd_ >= 0) ::close(fd_);
}

void RunLog::write(const nlohmann::json& record) {
  const std::string line = record.dump() + "\n";
  std::size_t done = 0;
  while (done < line.size()) {
    const ssize_t n = ::write(fd_, line.data() + done, line.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw Error("cannot write the log " + path_ + ": " + std::strerror(errno));
    done += static_cast<std::size_t>(n);
  }
}

}  // namespace mlpscope
