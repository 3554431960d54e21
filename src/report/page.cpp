#include "report/page.h"

#include "core/error.h"
#include "io/atomic_file.h"
#include "report/assets.h"

namespace mlpscope {

std::string escape_html(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

namespace {

// JSON that can sit inside <script>: '<' only occurs inside JSON strings, where \u003c
// means the same character, so "</script>" and "<!--" cannot end or confuse the element.
// Text that is not valid UTF-8 (a CSV class name, say) is replaced, not an exception.
std::string script_safe_json(const nlohmann::json& data) {
  const std::string text = data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    if (c == '<')
      out += "\\u003c";
    else
      out += c;
  }
  return out;
}

}  // namespace

std::string render_report_page(const nlohmann::json& data) {
  const std::string title = data.value("title", std::string("mlpscope report"));
  std::string page;
  page.reserve(echarts_js().size() + 64 * 1024);
  page += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  page += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  page += "<meta name=\"generator\" content=\"mlpscope\">\n";
  page += "<title>" + escape_html(title) + "</title>\n<style>\n";
  page += report_css();
  page += "</style>\n</head>\n<body data-report-status=\"loading\" data-report-kind=\"" +
          escape_html(data.value("kind", std::string())) + "\">\n<div id=\"report\"></div>\n";
  // ECharts ships no "</script" in its source (checked when it is updated:
  // third_party/echarts/README.md).
  page += "<script>\n";
  page += echarts_js();
  page += "\n</script>\n<script id=\"report-data\" type=\"application/json\">";
  page += script_safe_json(data);
  page += "</script>\n<script>\n";
  page += report_js();
  page += "\n</script>\n</body>\n</html>\n";
  return page;
}

void write_report_page(const nlohmann::json& data, const std::string& path,
                       const std::string& option) {
  try {
    write_file_atomically(path, render_report_page(data));
  } catch (const Error& e) {
    setting_error(option, e.what());
  }
}

}  // namespace mlpscope
