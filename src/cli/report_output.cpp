#include "cli/report_output.h"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <optional>

#include "core/error.h"
#include "report/decision_boundary.h"
#include "report/page.h"
#include "report/png.h"
#include "report/run_report.h"

namespace mlpscope::cli {

void write_report(const nlohmann::json& data, const std::string& path, const std::string& option,
                  const std::string& png_dir, std::FILE* out) {
  write_report_page(data, path, option);
  if (out) std::fprintf(out, "report   %s\n", path.c_str());
  if (png_dir.empty()) return;
  for (const auto& png : write_figure_pngs(path, png_dir, "png"))
    if (out) std::fprintf(out, "figure   %s\n", png.c_str());
}

void write_run_report(const RunResult& result, const Dataset& train, const nlohmann::json& summary,
                      const std::string& path, std::FILE* out) {
  std::optional<DecisionGrid> boundary;
  if (train.dim == 2) boundary = decision_grid(result.model, train);
  const nlohmann::json data =
      run_report_data(run_records(result.summary, summary), boundary, "mlpscope train");
  write_report(data, path, "report", "", out);
}

}  // namespace mlpscope::cli
