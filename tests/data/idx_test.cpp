#include "data/idx.h"

#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <new>
#include <string>
#include <vector>

#include "core/error.h"
#include "support/fixtures.h"

// Every allocation of this test program goes through here, so that a test can see the
// largest single allocation a call made (IdxTest.MemoryFollowsTheFileNotTheHeader).
namespace {
std::atomic<std::size_t> largest_allocation{0};
}  // namespace

// The replacement operator new below takes its memory from malloc, so free is the matching
// release; GCC cannot see that through the replacement and warns at every inlined delete.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
void* operator new(std::size_t size) {
  std::size_t seen = largest_allocation.load();
  while (size > seen && !largest_allocation.compare_exchange_weak(seen, size)) {}
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace mlpscope {
namespace {

namespace fs = std::filesystem;
using Bytes = std::vector<std::uint8_t>;
using testing::error_of;

// A fresh directory per test, removed afterwards.
class IdxTest : public testing::TempDirTest {
 protected:
  std::string write(const std::string& name, const Bytes& bytes) const {
    std::ofstream out(path(name), std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
    return path(name);
  }

  std::string write_gzip(const std::string& name, const Bytes& bytes) const {
    gzFile file = gzopen(path(name).c_str(), "wb");
    gzwrite(file, bytes.data(), static_cast<unsigned>(bytes.size()));
    gzclose(file);
    return path(name);
  }
};

void put_u32(Bytes& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(std::uint8_t(v >> shift));
}

Bytes idx(std::uint32_t magic, const std::vector<std::uint32_t>& dims, const Bytes& values) {
  Bytes out;
  put_u32(out, magic);
  for (const auto d : dims) put_u32(out, d);
  out.insert(out.end(), values.begin(), values.end());
  return out;
}

// Three 2×2 images and their labels.
const Bytes kPixels = {0, 1, 2, 255, 10, 20, 30, 40, 128, 64, 32, 16};
const Bytes kLabels = {0, 3, 1};
Bytes images_file() { return idx(0x803, {3, 2, 2}, kPixels); }
Bytes labels_file() { return idx(0x801, {3}, kLabels); }

void expect_round_trip(const Dataset& data) {
  EXPECT_EQ(data.dim, 4);
  EXPECT_EQ(data.size(), 3);
  EXPECT_EQ(data.num_classes, 4);
  EXPECT_TRUE(data.is_bytes());
  EXPECT_TRUE(data.values.empty());
  EXPECT_EQ(data.bytes, kPixels);
  EXPECT_EQ(data.labels, (std::vector<std::int32_t>{0, 3, 1}));
}

TEST_F(IdxTest, RawPairRoundTripsExactly) {
  const Dataset data = load_idx(write("img", images_file()), write("lab", labels_file()), "raw");
  EXPECT_EQ(data.name, "raw");
  expect_round_trip(data);
}

TEST_F(IdxTest, GzipIsDetectedByContentNotByName) {
  // A gzip file without .gz, and a raw file that pretends to be gzip by its name.
  const auto images = write_gzip("images.raw", images_file());
  const auto labels = write("labels.gz", labels_file());
  expect_round_trip(load_idx(images, labels, "gz"));
  expect_round_trip(
      load_idx(write_gzip("i.gz", images_file()), write_gzip("l.gz", labels_file()), "both gz"));
}

TEST_F(IdxTest, AtLeastTwoClasses) {
  const auto labels = write("lab", idx(0x801, {3}, {0, 0, 0}));
  EXPECT_EQ(load_idx(write("img", images_file()), labels, "x").num_classes, 2);
}

TEST_F(IdxTest, ReadIdxGivesDims) {
  const IdxArray array = read_idx(write("img", images_file()), 3);
  EXPECT_EQ(array.dims, (std::vector<std::uint32_t>{3, 2, 2}));
  EXPECT_EQ(array.values, kPixels);
}

TEST_F(IdxTest, MissingFile) {
  const std::string message = error_of([&] { read_idx(path("absent"), 1); });
  EXPECT_MESSAGE_HAS(message, path("absent"));
  EXPECT_MESSAGE_HAS(message, "no such file");
  EXPECT_MESSAGE_HAS(error_of([&] { read_idx(dir_.string(), 1); }), "directory");
}

TEST_F(IdxTest, UnreadableFile) {
  if (::geteuid() == 0) GTEST_SKIP() << "root reads files whatever their mode";
  const auto file = write("img", images_file());
  fs::permissions(file, fs::perms::none);
  EXPECT_MESSAGE_HAS(error_of([&] { read_idx(file, 3); }), "cannot open");
}

TEST_F(IdxTest, WrongMagicSaysWhatWasFoundAndExpected) {
  const auto labels = write("labels", labels_file());
  const std::string message = error_of([&] { read_idx(labels, 3); });
  EXPECT_MESSAGE_HAS(message, labels);
  EXPECT_MESSAGE_HAS(message, "magic");
  EXPECT_MESSAGE_HAS(message, "0x00000801");
  EXPECT_MESSAGE_HAS(message, "expected 0x00000803");

  const auto text = write("text", Bytes{'h', 'e', 'l', 'l', 'o', ' ', 'w', 'o', 'r', 'l', 'd'});
  const std::string not_idx = error_of([&] { read_idx(text, 1); });
  EXPECT_MESSAGE_HAS(not_idx, "magic");
  EXPECT_MESSAGE_HAS(not_idx, "not an IDX file");

  const auto floats = write("floats", idx(0xD03, {1, 1, 1}, {0, 0, 0, 0}));
  EXPECT_MESSAGE_HAS(error_of([&] { read_idx(floats, 3); }), "0x00000d03");
}

TEST_F(IdxTest, TruncatedHeader) {
  const auto empty = write("empty", {});
  EXPECT_MESSAGE_HAS(error_of([&] { read_idx(empty, 3); }), "truncated header");
  Bytes header = images_file();
  header.resize(4 + 6);  // the magic and half of the three sizes
  const auto file = write("short", header);
  const std::string message = error_of([&] { read_idx(file, 3); });
  EXPECT_MESSAGE_HAS(message, file);
  EXPECT_MESSAGE_HAS(message, "truncated header");
  EXPECT_MESSAGE_HAS(message, "expected 12 bytes, found 6");
}

TEST_F(IdxTest, TruncatedData) {
  Bytes bytes = images_file();
  bytes.resize(bytes.size() - 2);
  const std::string raw = error_of([&] { read_idx(write("raw", bytes), 3); });
  EXPECT_MESSAGE_HAS(raw, "truncated data: expected 12 bytes, found 10");
  EXPECT_MESSAGE_HAS(raw, "byte offset 26");
  const std::string gz = error_of([&] { read_idx(write_gzip("gz", bytes), 3); });
  EXPECT_MESSAGE_HAS(gz, "truncated data: expected 12 bytes, found 10");
}

TEST_F(IdxTest, HeaderPromisingMoreThanTheFileHoldsFailsWithoutAllocatingIt) {
  // 10^10 bytes claimed (under the 2^34 limit), 12 present.
  const auto file = write("big", idx(0x803, {1000000, 100, 100}, kPixels));
  EXPECT_MESSAGE_HAS(error_of([&] { read_idx(file, 3); }), "expected 10000000000 bytes, found 12");
}

// Found by fuzz/targets/idx.cpp (fuzz/regressions/idx/, idx_gzip/): a header claiming
// 1 x 16384 x 16384 (256 MB, under the 2^34 limit) made a file of a few bytes reserve 256 MB
// before the missing data was noticed. Memory now follows what the file can hold: its size
// when raw, 1032 times it (deflate's largest ratio) when gzip.
TEST_F(IdxTest, MemoryFollowsTheFileNotTheHeader) {
  const Bytes claim = idx(0x803, {1, 16384, 16384}, kPixels);
  for (const std::string& file : {write("raw", claim), write_gzip("gz", claim)}) {
    largest_allocation = 0;
    EXPECT_MESSAGE_HAS(error_of([&] { read_idx(file, 3); }),
                       "truncated data: expected 268435456 bytes, found 12");
    EXPECT_LT(largest_allocation.load(), std::size_t{1} << 20) << file;
  }
  // A file that does hold its data is still read with one allocation of its size.
  Bytes pixels(1 << 20, 7);
  const auto whole = write("whole", idx(0x803, {16, 256, 256}, pixels));
  largest_allocation = 0;
  EXPECT_EQ(read_idx(whole, 3).values, pixels);
  EXPECT_EQ(largest_allocation.load(), pixels.size());
}

TEST_F(IdxTest, TruncatedGzipStream) {
  Bytes pixels(4000);
  std::uint32_t state = 12345;  // varied bytes, so the stream does not compress to nothing
  for (auto& p : pixels) p = std::uint8_t((state = state * 1664525u + 1013904223u) >> 24);
  const auto whole = write_gzip("whole", idx(0x803, {10, 20, 20}, pixels));
  std::ifstream in(whole, std::ios::binary);
  Bytes gz((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  gz.resize(gz.size() / 2);
  const auto cut = write("cut", gz);
  const std::string message = error_of([&] { read_idx(cut, 3); });
  EXPECT_MESSAGE_HAS(message, cut);
  EXPECT_MESSAGE_HAS(message, "truncated");
  EXPECT_MESSAGE_HAS(message, "gzip");
}

TEST_F(IdxTest, CorruptGzipStream) {
  const auto good = write_gzip("good", images_file());
  std::ifstream in(good, std::ios::binary);
  Bytes gz((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  gz[gz.size() - 8] ^= 0xff;  // the CRC-32 of the trailer
  const auto bad_crc = write("bad_crc", gz);
  const std::string message = error_of([&] { read_idx(bad_crc, 3); });
  EXPECT_MESSAGE_HAS(message, bad_crc);
  EXPECT_MESSAGE_HAS(message, "corrupt gzip");

  const Bytes garbage = {0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff};
  EXPECT_MESSAGE_HAS(error_of([&] { read_idx(write("garbage", garbage), 3); }), "corrupt gzip");
}

TEST_F(IdxTest, AbsurdDimensionsAreRefusedBeforeAllocating) {
  const auto huge = write("huge", idx(0x803, {0xffffffffu, 0xffffffffu, 0xffffffffu}, {}));
  const std::string message = error_of([&] { read_idx(huge, 3); });
  EXPECT_MESSAGE_HAS(message, huge);
  EXPECT_MESSAGE_HAS(message, "absurd dimensions 4294967295 x 4294967295 x 4294967295");
  const auto over = write("over", idx(0x803, {1u << 20, 1u << 10, 1u << 10}, {}));
  EXPECT_MESSAGE_HAS(error_of([&] { read_idx(over, 3); }), "absurd");
}

TEST_F(IdxTest, BytesAfterTheData) {
  Bytes bytes = labels_file();
  bytes.push_back(7);
  const std::string message = error_of([&] { read_idx(write("long", bytes), 1); });
  EXPECT_MESSAGE_HAS(message, "1 unexpected bytes after the data");
  EXPECT_MESSAGE_HAS(message, "byte offset 11");
}

TEST_F(IdxTest, LabelCountMustMatchImageCount) {
  const auto images = write("img", images_file());
  const auto labels = write("lab", idx(0x801, {2}, {0, 1}));
  const std::string message = error_of([&] { load_idx(images, labels, "x"); });
  EXPECT_MESSAGE_HAS(message, images);
  EXPECT_MESSAGE_HAS(message, labels);
  EXPECT_MESSAGE_HAS(message, "2 labels");
  EXPECT_MESSAGE_HAS(message, "3 images");
}

TEST_F(IdxTest, EmptyImageSetIsAnError) {
  const auto images = write("img", idx(0x803, {0, 28, 28}, {}));
  const auto labels = write("lab", idx(0x801, {0}, {}));
  EXPECT_MESSAGE_HAS(error_of([&] { load_idx(images, labels, "x"); }), "no images");
}

}  // namespace
}  // namespace mlpscope
