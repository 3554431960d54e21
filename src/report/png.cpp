#include "report/png.h"

#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/strings.h"

namespace mlpscope {

namespace fs = std::filesystem;

namespace {

// The value of attribute `name` on the <body> tag of a serialized DOM, HTML entities decoded.
std::string body_attribute(const std::string& dom, const std::string& name) {
  const auto body = dom.find("<body");
  if (body == std::string::npos) return "";
  const auto end = dom.find('>', body);
  const std::string tag =
      dom.substr(body, end == std::string::npos ? std::string::npos : end - body);
  const std::string key = " " + name + "=\"";
  const auto at = tag.find(key);
  if (at == std::string::npos) return "";
  const auto start = at + key.size();
  const std::string raw = tag.substr(start, tag.find('"', start) - start);
  std::string out;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '&') {
      out += raw[i];
      continue;
    }
    static const std::pair<const char*, char> kEntities[] = {{"&quot;", '"'}, {"&amp;", '&'},
                                                             {"&lt;", '<'},   {"&gt;", '>'},
                                                             {"&#39;", '\''}, {"&nbsp;", ' '}};
    bool decoded = false;
    for (const auto& [entity, c] : kEntities)
      if (raw.compare(i, std::strlen(entity), entity) == 0) {
        out += c;
        i += std::strlen(entity) - 1;
        decoded = true;
        break;
      }
    if (!decoded) out += '&';
  }
  return out;
}

}  // namespace

PageState page_state_from_dom(const std::string& dom) {
  PageState state;
  state.status = body_attribute(dom, "data-report-status");
  for (const auto& e : split(body_attribute(dom, "data-report-errors"), '\n'))
    if (!trim(e).empty()) state.errors.push_back(trim(e));
  const nlohmann::json figures =
      nlohmann::json::parse(body_attribute(dom, "data-report-figures"), nullptr, false);
  if (figures.is_object())
    for (const auto& [name, count] : figures.items())
      state.figures[name] = count.is_number_integer() ? count.get<int>() : 0;
  return state;
}

PageState inspect_page(const HeadlessBrowser& browser, const std::string& page) {
  return page_state_from_dom(browser.dump_dom(page));
}

std::vector<std::string> write_figure_pngs(const std::string& page, const std::string& dir,
                                           const std::string& option) {
  const HeadlessBrowser browser(option);
  const PageState state = inspect_page(browser, page);
  if (state.status != "ok")
    setting_error(option,
                  page + " did not draw in " + browser.executable() + ": " +
                      (state.errors.empty() ? "status " + state.status : state.errors.front()));
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (!fs::is_directory(dir)) setting_error(option, "cannot create the directory " + dir);
  std::vector<std::string> written;
  for (const auto& [name, count] : state.figures) {
    if (count <= 0) setting_error(option, "figure " + name + " of " + page + " drew nothing");
    const fs::path png = fs::path(dir) / (name + ".png");
    const fs::path partial =
        fs::path(dir) / ("." + name + ".partial.png");  // chromium picks the format by extension
    // Maps and decision boundaries are square-ish; curves wide.
    const bool square =
        name.rfind("map", 0) == 0 || name == "decision-boundary" || name == "cobweb";
    browser.screenshot(page, "figure=" + name, partial.string(), square ? 760 : 900,
                       square ? 640 : 480);
    fs::rename(partial, png, ec);
    if (ec) setting_error(option, "cannot write " + png.string() + ": " + ec.message());
    written.push_back(png.string());
  }
  return written;
}

}  // namespace mlpscope
