// The page is self-contained: ECharts, the script and the data inlined, nothing fetched,
// and data that holds "</script>" cannot end its element.
#include "report/page.h"

#include <gtest/gtest.h>

#include <regex>

#include "report/assets.h"

namespace {

using namespace mlpscope;

TEST(ReportPage, InlinesEverything) {
  const std::string page = render_report_page({{"kind", "toy"}, {"title", "T & <b>"}});
  EXPECT_GT(echarts_js().size(), 500'000u);
  EXPECT_NE(page.find(std::string(echarts_js().substr(0, 200))), std::string::npos);
  EXPECT_NE(page.find(std::string(report_js().substr(0, 200))), std::string::npos);
  EXPECT_NE(page.find("<title>T &amp; &lt;b&gt;</title>"), std::string::npos);
  // No element loads anything: no src= or href= attribute on any tag of the page. Script
  // bodies are left out of the search: ECharts' own source holds such strings as text.
  std::string markup;
  for (std::size_t at = 0;;) {
    const auto open = page.find("<script", at);
    markup += page.substr(
        at, open == std::string::npos ? std::string::npos : page.find('>', open) + 1 - at);
    if (open == std::string::npos) break;
    at = page.find("</script>", open);
    ASSERT_NE(at, std::string::npos);
  }
  EXPECT_NE(markup.find("<script"), std::string::npos);
  EXPECT_FALSE(
      std::regex_search(markup, std::regex(R"(<(script|link|img|iframe)[^>]*\s(src|href)=)")));
  EXPECT_EQ(markup.find("<link"), std::string::npos);
}

TEST(ReportPage, DataCannotCloseItsScript) {
  const std::string page =
      render_report_page({{"kind", "run"}, {"title", "x"}, {"note", "</script><script>alert(1)"}});
  const auto data = page.find("<script id=\"report-data\"");
  ASSERT_NE(data, std::string::npos);
  const auto end = page.find("</script>", data);
  const std::string json = page.substr(page.find('>', data) + 1, end - page.find('>', data) - 1);
  const auto parsed = nlohmann::json::parse(json);  // the element holds the whole object
  EXPECT_EQ(parsed["note"], "</script><script>alert(1)");
}

TEST(ReportPage, InvalidUtf8IsReplacedNotThrown) {
  EXPECT_NO_THROW(
      (void)render_report_page({{"kind", "run"}, {"title", std::string("bad \xff byte")}}));
}

}  // namespace
