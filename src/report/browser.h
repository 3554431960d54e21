// Headless Chromium, the renderer of the PNG figures and of the browser tests: the same
// page a person opens, drawn by a real browser engine.
//
// Each call starts one browser with a fresh temporary profile, no network
// (--disable-background-networking; the pages fetch nothing) and --no-sandbox (needed as
// root, as in CI), and kills its whole process group when it runs past the timeout, so a
// stuck browser can never hang a command or a test.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace mlpscope {

// $MLPSCOPE_CHROMIUM when set, else the first of chromium, chromium-browser,
// google-chrome found on $PATH; std::nullopt when there is none.
std::optional<std::string> find_chromium();

struct BrowserResult {
  int status = -1;         // exit status; 128 + N when killed by signal N
  bool timed_out = false;  // killed after the timeout
  std::string out, err;    // what it wrote to stdout and stderr
};

class HeadlessBrowser {
 public:
  // Throws Error naming `option` when no browser is installed.
  explicit HeadlessBrowser(const std::string& option, double timeout_seconds = 60.0);

  // The page's DOM after its scripts ran (--dump-dom). `page` is a file path; `fragment`
  // (e.g. "figure=loss") is added after '#'.
  std::string dump_dom(const std::string& page, const std::string& fragment = "") const;
  // A PNG of the page in a width × height window at 2× pixel density.
  void screenshot(const std::string& page, const std::string& fragment, const std::string& png,
                  int width, int height) const;

  const std::string& executable() const { return exe_; }

 private:
  BrowserResult run(const std::vector<std::string>& args) const;
  std::string url(const std::string& page, const std::string& fragment) const;

  std::string exe_, option_;
  double timeout_;
};

}  // namespace mlpscope
