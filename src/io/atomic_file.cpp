#include "io/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <system_error>

#include "core/error.h"

namespace mlpscope {

namespace {

// std::system_category().message rather than strerror: strerror may share one buffer
// between threads, and sweeps write results from several threads.
std::string describe_errno(int err) { return std::system_category().message(err); }

// Unique within the process (counter) and across processes (pid), so concurrent writers
// of one path never share a temporary.
std::string temporary_name(const std::string& path) {
  static std::atomic<unsigned long> counter{0};
  return path + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
}

// 0 on success, else the errno of the failing write.
int write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return 0;
}

// 0 on success, else the errno of the first failing step; the temporary stays for the
// caller to remove.
int write_and_rename(const std::string& temp, const std::string& path, std::string_view bytes) {
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd < 0) return errno;
  int err = write_all(fd, bytes);
  if (err == 0 && ::fsync(fd) != 0) err = errno;
  // close can report a delayed write error (NFS), so its result counts too.
  if (::close(fd) != 0 && err == 0) err = errno;
  if (err == 0 && std::rename(temp.c_str(), path.c_str()) != 0) err = errno;
  return err;
}

// Without this the rename may still be only in memory when the machine goes down; a
// failure here leaves a correct file behind, so it is not an error.
void sync_directory_of(const std::string& path) {
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  const std::filesystem::path dir = parent.empty() ? std::filesystem::path(".") : parent;
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  (void)::fsync(fd);
  ::close(fd);
}

}  // namespace

void write_file_atomically(const std::string& path, std::string_view bytes) {
  if (path.empty()) throw Error("cannot write a file with an empty name");
  const std::string temp = temporary_name(path);
  if (const int err = write_and_rename(temp, path, bytes); err != 0) {
    ::unlink(temp.c_str());  // may not exist (open failed); nothing to do then
    throw Error("cannot write " + path + ": " + describe_errno(err));
  }
  sync_directory_of(path);
}

std::string read_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw Error("cannot read " + path + ": " + describe_errno(errno));
  std::string content;
  struct stat info {};
  if (::fstat(fd, &info) == 0 && S_ISREG(info.st_mode))
    content.reserve(static_cast<std::size_t>(info.st_size));
  // Read to end of file rather than st_size bytes: pipes and /proc files report 0.
  char buffer[1 << 16];
  while (true) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      throw Error("cannot read " + path + ": " + describe_errno(err));
    }
    content.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return content;
}

}  // namespace mlpscope
