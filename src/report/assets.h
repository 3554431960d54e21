// The files a report page inlines, compiled into the library at build time
// (cmake/embed_files.cmake), so that the binary needs no files at run time:
//   echarts_js  Apache ECharts, third_party/echarts/echarts.min.js (README there: version, licence)
//   report_js   src/report/assets/report.js: builds the page and draws the figures
//   report_css  src/report/assets/report.css
#pragma once

#include <string_view>

namespace mlpscope {

std::string_view echarts_js();
std::string_view report_js();
std::string_view report_css();

}  // namespace mlpscope
