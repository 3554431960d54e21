// The figures of a report page as PNG files, each a screenshot by headless Chromium
// (browser.h) of the same page opened with #figure=NAME, where it shows that figure alone.
// And what a browser saw on the page: the state report.js leaves on <body>.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "report/browser.h"

namespace mlpscope {

struct PageState {
  std::string status;                  // "ok", "error", or "loading" (the script never finished)
  std::vector<std::string> errors;     // script errors, one per entry
  std::map<std::string, int> figures;  // figure name → elements drawn
};

// The state of the page in a browser (one Chromium start). Throws Error naming `option`
// when the browser is missing, fails or runs past its timeout.
PageState inspect_page(const HeadlessBrowser& browser, const std::string& page);
// The same, from a DOM dumped by --dump-dom.
PageState page_state_from_dom(const std::string& dom);

// Writes DIR/NAME.png for every figure of `page` (DIR created when missing) and returns
// their paths. Throws SettingError(OPTION, …) when the page has script errors, a
// figure drew nothing, or the browser fails. Each file is written under a temporary name
// and renamed, so no half-written PNG is left behind.
std::vector<std::string> write_figure_pngs(const std::string& page, const std::string& dir,
                                           const std::string& option = "png");

}  // namespace mlpscope
