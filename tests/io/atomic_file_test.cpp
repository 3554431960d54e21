#include "io/atomic_file.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "core/error.h"
#include "support/fixtures.h"

namespace mlpscope {
namespace {

namespace fs = std::filesystem;
using testing::error_of;

// A fresh directory per test, removed afterwards.
class AtomicFileTest : public testing::TempDirTest {
 protected:
  // Names of the entries of `dir` (the test directory by default).
  std::vector<std::string> entries(const fs::path& dir = {}) const {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir.empty() ? dir_ : dir))
      names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }
};

TEST_F(AtomicFileTest, WritesNewFileAndLeavesNoTemporary) {
  write_file_atomically(path("out.txt"), "hello\n");
  EXPECT_EQ(read_file(path("out.txt")), "hello\n");
  EXPECT_EQ(entries(), std::vector<std::string>{"out.txt"});
}

TEST_F(AtomicFileTest, ReplacesExistingFile) {
  write_file_atomically(path("out.txt"), std::string(10000, 'a'));
  write_file_atomically(path("out.txt"), "short");
  EXPECT_EQ(read_file(path("out.txt")), "short");
  EXPECT_EQ(entries(), std::vector<std::string>{"out.txt"});
}

TEST_F(AtomicFileTest, KeepsBinaryBytesAndEmptyFiles) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes.push_back(static_cast<char>(i));
  bytes += std::string("\0\0\r\n\0", 5);
  write_file_atomically(path("bin"), bytes);
  EXPECT_EQ(read_file(path("bin")), bytes);
  write_file_atomically(path("empty"), "");
  EXPECT_EQ(read_file(path("empty")), "");
  EXPECT_TRUE(fs::exists(path("empty")));
}

TEST_F(AtomicFileTest, MissingDirectoryThrowsNamingPathAndReason) {
  const std::string target = path("no/such/dir/out.txt");
  const std::string message = error_of([&] { write_file_atomically(target, "x"); });
  EXPECT_MESSAGE_HAS(message, "cannot write " + target);
  EXPECT_MESSAGE_HAS(message, "No such file or directory");
  EXPECT_TRUE(entries().empty());
}

TEST_F(AtomicFileTest, FailedRenameRemovesTemporaryAndKeepsTarget) {
  // Renaming a file over a non-empty directory fails after the temporary was written.
  fs::create_directories(dir_ / "target" / "inside");
  const std::string message = error_of([&] { write_file_atomically(path("target"), "x"); });
  EXPECT_MESSAGE_HAS(message, "cannot write " + path("target"));
  EXPECT_EQ(entries(), std::vector<std::string>{"target"});
  EXPECT_TRUE(fs::is_directory(dir_ / "target" / "inside"));
}

TEST_F(AtomicFileTest, EmptyPathIsAnError) { EXPECT_THROW(write_file_atomically("", "x"), Error); }

TEST_F(AtomicFileTest, ConcurrentWritersLeaveOneCompleteVersion) {
  // Each writer writes a file made of one repeated letter: any mix of two would show.
  const std::string target = path("shared.txt");
  std::vector<std::thread> writers;
  writers.reserve(8);
  for (int t = 0; t < 8; ++t)
    writers.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i)
        write_file_atomically(target, std::string(50000, static_cast<char>('a' + t)));
    });
  for (auto& w : writers) w.join();
  const std::string content = read_file(target);
  ASSERT_EQ(content.size(), 50000u);
  EXPECT_EQ(content, std::string(50000, content[0]));
  EXPECT_EQ(entries(), std::vector<std::string>{"shared.txt"});
}

TEST_F(AtomicFileTest, ReadMissingFileThrowsNamingPath) {
  const std::string missing = path("missing.bin");
  const std::string message = error_of([&] { read_file(missing); });
  EXPECT_MESSAGE_HAS(message, "cannot read " + missing + ": ");
  EXPECT_MESSAGE_HAS(message, "No such file or directory");
}

TEST_F(AtomicFileTest, ReadDirectoryThrows) {
  const std::string message = error_of([&] { read_file(dir_.string()); });
  EXPECT_MESSAGE_HAS(message, "cannot read " + dir_.string());
}

}  // namespace
}  // namespace mlpscope
