// One self-contained HTML page: the styles, ECharts, the page script and the report's data
// inlined, so that it opens offline in any browser and fetches nothing.
//
// The data is a JSON object whose "kind" is "run", "sweep" or "toy" (run_report.h,
// sweep_report.h, toy_report.h build it); src/report/assets/report.js draws it.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace mlpscope {

std::string render_report_page(const nlohmann::json& data);

// The page, written atomically to `path` (io/atomic_file.h); Error names `option` when
// the file cannot be written.
void write_report_page(const nlohmann::json& data, const std::string& path,
                       const std::string& option);

// "&<>\"'" escaped for HTML text and attribute values.
std::string escape_html(const std::string& text);

}  // namespace mlpscope
