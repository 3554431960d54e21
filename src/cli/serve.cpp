// mlpscope serve: the live page on this machine (docs/serve.md). Prints one line with the
// URL and its token, serves until Ctrl-C, then stops every run and exits 0.
#include <chrono>
#include <cstdio>
#include <thread>

#include "cli/commands.h"
#include "cli/interrupt.h"
#include "cli/options.h"
#include "core/error.h"
#include "core/strings.h"
#include "serve/server.h"

namespace mlpscope::cli {

namespace {

int whole_number(const CommandOptions& options, const std::string& name, int low, int high) {
  const long long value = setting_integer(options.get(name), name);
  if (value < low || value > high) {
    std::string detail = "must be from ";
    detail += std::to_string(low) + " to " + std::to_string(high) + ", got " + options.get(name);
    throw SettingError(name, detail);
  }
  return static_cast<int>(value);
}

serve::ServeOptions serve_options(const CommandOptions& options) {
  serve::ServeOptions o;
  o.host = options.get("host");
  o.port = whole_number(options, "port", 0, 65535);
  o.max_runs = whole_number(options, "max-runs", 0, 1024);
  if (!options.get("data-dir").empty()) {
    o.data_dir = options.get("data-dir");
    if (!std::filesystem::is_directory(*o.data_dir))
      throw SettingError("data-dir", "not a directory: " + options.get("data-dir"));
  }
  if (!options.get("out").empty()) o.out = options.get("out");
  if (!options.get("watch").empty()) o.watch = options.get("watch");
  return o;
}

bool loopback(const std::string& host) {
  return host == "127.0.0.1" || host == "localhost" || host == "::1";
}

int serve_main(CommandOptions& options) {
  const serve::ServeOptions settings = serve_options(options);
  const std::atomic<bool>* interrupted = stop_on_interrupt();
  serve::Server server(settings);
  if (!loopback(settings.host))
    std::fprintf(stderr,
                 "mlpscope: warning: serving on %s, not only this machine: anyone who can reach "
                 "it and has the token can train here\n",
                 settings.host.c_str());
  server.start();
  std::printf("serving on %s\n", server.url().c_str());
  std::fflush(stdout);
  while (!interrupted->load()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  server.stop();
  std::fprintf(stderr, "mlpscope: stopped\n");
  return 0;
}

}  // namespace

Action add_serve_command(CLI::App& root) {
  CLI::App* command = root.add_subcommand(
      "serve", "Serve a live page on this machine: start runs, watch them train, see the verdict.");
  auto options = std::make_shared<CommandOptions>(*command);
  options->add("port", "8050", "listen on PORT (0: any free port)");
  options->add("host", "127.0.0.1",
               "listen on HOST; anything but the loopback lets other machines in (warned)");
  options->add("data-dir", "", "the folder whose files runs may read (csv:, npz:, idx:, mnist:)");
  options->add("out", "", "write each run's log to DIR/run-ID.jsonl (nothing is written without)");
  options->add("max-runs", "0",
               "at most N runs training at once (0: one per core this process may use)");
  options->add("watch", "",
               "show the sweep whose --out is DIR as its runs finish (it may start later)");
  command->footer(
      "Examples:\n"
      "  mlpscope serve\n"
      "  mlpscope serve --port 9000 --data-dir ~/data --out runs\n"
      "  mlpscope serve --watch runs/spiral   # a sweep's --out, while it runs\n\n"
      "Open the printed URL (it carries the token). Ctrl-C stops every run and the server.");
  return [options] { return serve_main(*options); };
}

}  // namespace mlpscope::cli
