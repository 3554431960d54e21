#include "report/assets.h"

#include <cstddef>

// Defined in the generated report_assets.cpp (see the top CMakeLists.txt).
namespace mlpscope::embedded {
extern const unsigned char echarts_js[];
extern const std::size_t echarts_js_size;
extern const unsigned char report_js[];
extern const std::size_t report_js_size;
extern const unsigned char report_css[];
extern const std::size_t report_css_size;
}  // namespace mlpscope::embedded

namespace mlpscope {

namespace {
std::string_view view(const unsigned char* bytes, std::size_t size) {
  return {reinterpret_cast<const char*>(bytes), size};
}
}  // namespace

std::string_view echarts_js() { return view(embedded::echarts_js, embedded::echarts_js_size); }
std::string_view report_js() { return view(embedded::report_js, embedded::report_js_size); }
std::string_view report_css() { return view(embedded::report_css, embedded::report_css_size); }

}  // namespace mlpscope
