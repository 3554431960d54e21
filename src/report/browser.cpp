#include "report/browser.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "core/error.h"
#include "core/strings.h"

extern char** environ;

namespace mlpscope {

namespace fs = std::filesystem;

std::optional<std::string> find_chromium() {
  if (const char* env = std::getenv("MLPSCOPE_CHROMIUM"); env && *env) {
    if (::access(env, X_OK) == 0) return std::string(env);
    return std::nullopt;
  }
  const char* path = std::getenv("PATH");
  for (const char* name : {"chromium", "chromium-browser", "google-chrome"})
    for (const auto& dir : split(path ? path : "/usr/bin:/bin", ':')) {
      if (dir.empty()) continue;
      const fs::path candidate = fs::path(dir) / name;
      if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
    }
  return std::nullopt;
}

namespace {

// A directory under the system's temporary directory, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "mlpscope_browser_XXXXXX").string();
    if (!::mkdtemp(pattern.data()))
      throw Error("cannot create a temporary directory for the browser");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The last line of the browser's stderr that says something, for error messages.
std::string last_words(const std::string& err) {
  const auto lines = split(err, '\n');
  for (auto it = lines.rbegin(); it != lines.rend(); ++it)
    if (!trim(*it).empty() && it->find("dbus") == std::string::npos) return trim(*it);
  return "no message";
}

}  // namespace

HeadlessBrowser::HeadlessBrowser(const std::string& option, double timeout_seconds)
    : option_(option), timeout_(timeout_seconds) {
  const auto exe = find_chromium();
  if (!exe)
    setting_error(option,
                  "needs headless Chromium, which is not installed (Debian package chromium, "
                  "installed by scripts/setup.sh; or set MLPSCOPE_CHROMIUM to a Chromium binary)");
  exe_ = *exe;
}

std::string HeadlessBrowser::url(const std::string& page, const std::string& fragment) const {
  std::string u = "file://" + fs::absolute(page).string();
  if (!fragment.empty()) u += "#" + fragment;
  return u;
}

BrowserResult HeadlessBrowser::run(const std::vector<std::string>& extra) const {
  TempDir dir;
  std::vector<std::string> args = {exe_,
                                   "--headless",
                                   "--no-sandbox",
                                   "--disable-gpu",
                                   "--disable-background-networking",
                                   "--disable-component-update",
                                   "--disable-sync",
                                   "--no-first-run",
                                   "--no-default-browser-check",
                                   "--mute-audio",
                                   "--hide-scrollbars",
                                   "--user-data-dir=" + (dir.path() / "profile").string()};
  args.insert(args.end(), extra.begin(), extra.end());
  const std::string out_path = (dir.path() / "stdout").string(),
                    err_path = (dir.path() / "stderr").string();

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  // Its own process group, so that the timeout kills the browser's helpers too.
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attr, 0);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int rc = ::posix_spawn(&pid, exe_.c_str(), &actions, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) setting_error(option_, "cannot start " + exe_ + ": " + std::strerror(rc));

  BrowserResult result;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_);
  int status = 0;
  for (;;) {
    const pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    if (done < 0 && errno != EINTR) break;
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(-pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      result.timed_out = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  // Helpers left behind by a browser that exited (rare) go with its group.
  ::kill(-pid, SIGKILL);
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.out = slurp(out_path);
  result.err = slurp(err_path);
  return result;
}

std::string HeadlessBrowser::dump_dom(const std::string& page, const std::string& fragment) const {
  const BrowserResult r = run({"--virtual-time-budget=5000", "--dump-dom", url(page, fragment)});
  if (r.timed_out)
    setting_error(option_, exe_ + " did not finish rendering " + page + " within " +
                               std::to_string(static_cast<int>(timeout_)) + "s");
  if (r.status != 0 || r.out.empty())
    setting_error(option_, exe_ + " failed on " + page + " (exit status " +
                               std::to_string(r.status) + "): " + last_words(r.err));
  return r.out;
}

void HeadlessBrowser::screenshot(const std::string& page, const std::string& fragment,
                                 const std::string& png, int width, int height) const {
  const BrowserResult r =
      run({"--virtual-time-budget=5000", "--force-device-scale-factor=2",
           "--window-size=" + std::to_string(width) + "," + std::to_string(height),
           "--screenshot=" + fs::absolute(png).string(), url(page, fragment)});
  if (r.timed_out)
    setting_error(option_, exe_ + " did not finish the screenshot of " + page + " within " +
                               std::to_string(static_cast<int>(timeout_)) + "s");
  if (r.status != 0 || !fs::exists(png))
    setting_error(option_, exe_ + " could not take a screenshot of " + page + " (exit status " +
                               std::to_string(r.status) + "): " + last_words(r.err));
}

}  // namespace mlpscope
