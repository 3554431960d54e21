// Runs a program with arguments (no shell, so nothing needs quoting) and returns its exit
// status with stdout and stderr captured separately, for end-to-end tests of the binary.
// Both streams go to temporary files rather than pipes: a child that fills one pipe while
// the parent drains the other cannot deadlock, and there is no poll loop to get wrong.
#pragma once

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

extern char** environ;

namespace mlpscope::testing {

struct CommandResult {
  int status = -1;      // the exit status; 128 + N when killed by signal N
  std::string out;      // everything written to stdout
  std::string err;      // everything written to stderr
  std::string command;  // the command line, for failure messages
};

namespace detail {

inline std::string read_whole_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// A temporary file that is removed when it goes out of scope.
class TempFile {
 public:
  TempFile() {
    std::string pattern = (std::filesystem::temp_directory_path() / "mlpscope_run_XXXXXX").string();
    const int fd = ::mkstemp(pattern.data());
    if (fd < 0) throw std::runtime_error("mkstemp: " + std::string(std::strerror(errno)));
    ::close(fd);
    path_ = pattern;
  }
  ~TempFile() { std::filesystem::remove(path_); }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace detail

// Starts argv (argv[0] is the program's path, no shell) with stdin from /dev/null and
// stdout and stderr written to the two files (created or truncated); returns its pid.
inline pid_t start_command(const std::vector<std::string>& argv, const std::string& out_path,
                           const std::string& err_path) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::vector<char*> args;
  for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  const int spawned = ::posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0)
    throw std::runtime_error("cannot run " + argv[0] + ": " + std::strerror(spawned));
  return pid;
}

// The exit status of `pid` once it ends; 128 + N when killed by signal N.
inline int wait_for(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) throw std::runtime_error("waitpid: " + std::string(std::strerror(errno)));
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// argv[0] is the program's path; stdin is /dev/null.
inline CommandResult run_command(const std::vector<std::string>& argv) {
  CommandResult result;
  for (const auto& arg : argv) result.command += (result.command.empty() ? "" : " ") + arg;
  const detail::TempFile out, err;
  result.status = wait_for(start_command(argv, out.path(), err.path()));
  result.out = detail::read_whole_file(out.path());
  result.err = detail::read_whole_file(err.path());
  return result;
}

// The command, its exit status and both streams, for a failure message.
inline std::string describe(const CommandResult& r) {
  return "command: " + r.command + "\nstatus: " + std::to_string(r.status) + "\nstdout: " + r.out +
         "\nstderr: " + r.err;
}

#ifdef MLPSCOPE_BINARY
// The mlpscope binary under test (every test target defines MLPSCOPE_BINARY), with `args`.
inline CommandResult run_mlpscope(std::vector<std::string> args) {
  args.insert(args.begin(), MLPSCOPE_BINARY);
  return run_command(args);
}
#endif

}  // namespace mlpscope::testing
