// The .npz reader: archives written by numpy (np.savez, np.savez_compressed, zip64 members)
// and archives built here with libzip, whole, damaged or holding things that are not arrays.
#include "data/npz.h"

#include <gtest/gtest.h>
#include <zip.h>

#include <cstring>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "core/error.h"
#include "support/fixtures.h"
#include "support/numpy.h"

namespace mlpscope {
namespace {

using Members = std::vector<std::pair<std::string, std::string>>;  // name, bytes

// A version 1.0 .npy file of float64 values with the given shape.
std::string npy_of(const std::vector<double>& values, const std::string& shape) {
  const std::string header = "{'descr': '<f8', 'fortran_order': False, 'shape': " + shape + ", }\n";
  std::string file = std::string("\x93NUMPY\x01\x00", 8);
  file += static_cast<char>(header.size());
  file += static_cast<char>(header.size() >> 8);
  file += header;
  std::string data(values.size() * sizeof(double), '\0');
  std::memcpy(data.data(), values.data(), data.size());
  return file + data;
}

class Npz : public testing::TempDirTest {
 protected:
  // Writes an archive with libzip, its members stored or deflated.
  std::string write_zip(const std::string& name, const Members& members, bool deflate = false) {
    const std::string file = path(name);
    int code = 0;
    zip_t* zip = zip_open(file.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &code);
    EXPECT_NE(zip, nullptr) << code;
    for (const auto& [member, bytes] : members) {
      zip_source_t* source = zip_source_buffer(zip, bytes.data(), bytes.size(), 0);
      const zip_int64_t index = zip_file_add(zip, member.c_str(), source, ZIP_FL_ENC_UTF_8);
      EXPECT_GE(index, 0) << zip_strerror(zip);
      zip_set_file_compression(zip, static_cast<zip_uint64_t>(index),
                               deflate ? ZIP_CM_DEFLATE : ZIP_CM_STORE, 0);
    }
    EXPECT_EQ(zip_close(zip), 0);  // the buffers are read here, while `members` lives
    return file;
  }
  std::string write_bytes(const std::string& name, const std::string& bytes) const {
    std::ofstream(path(name), std::ios::binary) << bytes;
    return path(name);
  }
  static std::string read_bytes(const std::string& file) {
    std::ifstream in(file, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
};

const Members kNetwork = {{"W1.npy", npy_of({1, 2, 3, 4, 5, 6}, "(2, 3)")},
                          {"b1.npy", npy_of({0.5, -0.5}, "(2,)")},
                          {"notes.txt", "not an array"},
                          {"W2.npy", npy_of({7}, "(1, 1)")}};

TEST_F(Npz, NamesInArchiveOrderAndTheirArrays) {
  for (const bool deflate : {false, true}) {
    const NpzArchive archive(write_zip("net.npz", kNetwork, deflate));
    EXPECT_EQ(archive.names(), (std::vector<std::string>{"W1", "b1", "W2"}));
    EXPECT_EQ(archive.names_text(), "'W1', 'b1', 'W2'");
    EXPECT_TRUE(archive.contains("b1"));
    EXPECT_FALSE(archive.contains("notes"));
    const NpyArray w1 = archive.read("W1");
    EXPECT_EQ(w1.where, path("net.npz") + ": array 'W1'");
    EXPECT_EQ(w1.shape_text(), "(2, 3)");
    EXPECT_EQ(w1.to_doubles(), (std::vector<double>{1, 2, 3, 4, 5, 6}));
    EXPECT_EQ(archive.read("b1").to_doubles(), (std::vector<double>{0.5, -0.5}));
  }
}

TEST_F(Npz, AMissingArrayListsTheArraysPresent) {
  const NpzArchive archive(write_zip("net.npz", kNetwork));
  const std::string message = testing::error_of([&] { (void)archive.read("W3"); });
  EXPECT_MESSAGE_HAS(message, "net.npz: no array 'W3'; the archive holds 'W1', 'b1', 'W2'");
  const NpzArchive empty(write_zip("empty.npz", {{"readme.txt", "x"}}));
  EXPECT_MESSAGE_HAS(testing::error_of([&] { (void)empty.read("X"); }), "holds no arrays");
}

TEST_F(Npz, AMemberThatIsNotANpyFileNamesTheArchiveAndTheArray) {
  const NpzArchive archive(
      write_zip("bad.npz", {{"X.npy", std::string("\x93NUMPY\x01\x00\x04\x00{}  ", 14)}}, true));
  EXPECT_MESSAGE_HAS(testing::error_of([&] { (void)archive.read("X"); }),
                     "bad.npz: array 'X': header: the key 'descr' is missing");
}

TEST_F(Npz, RefusesFilesThatAreNotArchives) {
  const auto error = [](const std::string& file) {
    return testing::error_of([&] { NpzArchive archive(file); });
  };
  EXPECT_MESSAGE_HAS(error(write_bytes("text.npz", "X,y\n1,0\n")), "not a zip archive");
  EXPECT_MESSAGE_HAS(error(write_bytes("one.npz", npy_of({1}, "(1,)"))),
                     "it is a single .npy array");
  EXPECT_MESSAGE_HAS(error(path("missing.npz")), "missing.npz: no such file");
  EXPECT_MESSAGE_HAS(error(dir_.string()), "is a directory");
}

TEST_F(Npz, EveryTruncationIsRefusedCleanly) {
  const std::string whole = read_bytes(write_zip("net.npz", kNetwork, true));
  for (std::size_t n = 0; n < whole.size(); n += 7) {
    const std::string file = write_bytes("cut.npz", whole.substr(0, n));
    const std::string message = testing::error_of([&] {
      const NpzArchive archive(file);
      for (const std::string& name : archive.names()) (void)archive.read(name);
    });
    EXPECT_MESSAGE_HAS(message, "cut.npz") << n;
  }
}

TEST_F(Npz, ADamagedMemberFailsItsChecksum) {
  std::string bytes = read_bytes(write_zip("net.npz", kNetwork));
  const std::string& w1 = kNetwork[0].second;  // stored: its bytes appear as they are
  const auto at = bytes.find(w1);
  ASSERT_NE(at, std::string::npos);
  bytes[at + w1.size() - 1] ^= 0x10;  // the last byte of W1's data
  const NpzArchive archive(write_bytes("damaged.npz", bytes));
  EXPECT_MESSAGE_HAS(testing::error_of([&] { (void)archive.read("W1"); }),
                     "damaged.npz: array 'W1': cannot read the member W1.npy: CRC error");
  EXPECT_EQ(archive.read("b1").to_doubles(), (std::vector<double>{0.5, -0.5}));
}

// ---- archives written by numpy -----------------------------------------------------------

TEST_F(Npz, SavezAndSavezCompressedKeepTheirOrder) {
  SKIP_WITHOUT_NUMPY();
  testing::run_numpy(dir_.string(), R"(
rng = np.random.default_rng(0)
W1 = np.arange(6.0).reshape(2, 3)
big = rng.standard_normal((300, 1000))   # 2.4 MB: read in several pieces
np.savez('plain.npz', W1=W1, b1=np.array([0.5, -0.5], dtype=np.float32), big=big)
np.savez_compressed('small.npz', W1=W1, b1=np.array([0.5, -0.5], dtype=np.float32), big=big)
np.savez('positional.npz', W1, np.asfortranarray(W1))
np.save('big.npy', big)
)");
  const std::vector<double> big = read_npy(path("big.npy")).to_doubles();
  for (const char* file : {"plain.npz", "small.npz"}) {
    const NpzArchive archive(path(file));
    EXPECT_EQ(archive.names(), (std::vector<std::string>{"W1", "b1", "big"})) << file;
    EXPECT_EQ(archive.read("W1").to_doubles(), (std::vector<double>{0, 1, 2, 3, 4, 5}));
    EXPECT_EQ(archive.read("b1").dtype.name(), "float32");
    EXPECT_EQ(archive.read("big").to_doubles(), big) << file;
  }
  const NpzArchive positional(path("positional.npz"));
  EXPECT_EQ(positional.names(), (std::vector<std::string>{"arr_0", "arr_1"}));
  EXPECT_EQ(positional.read("arr_1").to_doubles(), (std::vector<double>{0, 1, 2, 3, 4, 5}));
}

TEST_F(Npz, ReadsZip64Members) {
  SKIP_WITHOUT_NUMPY();
  // What np.savez does (numpy/lib/npyio.py, _savez): each member opened with force_zip64, so
  // its local header carries a zip64 extra field (id 0x0001) in every archive numpy writes.
  testing::run_numpy(dir_.string(), R"(
import io, zipfile
with zipfile.ZipFile('z64.npz', 'w', zipfile.ZIP_DEFLATED, allowZip64=True) as zf:
    for name, a in [('X', np.eye(3)), ('y', np.arange(3))]:
        with zf.open(name + '.npy', 'w', force_zip64=True) as f:
            np.lib.format.write_array(f, a)
)");
  const std::string bytes = read_bytes(path("z64.npz"));
  EXPECT_NE(bytes.find(std::string("\x01\x00\x10\x00", 4)), std::string::npos)
      << "no zip64 extra field: the test no longer tests zip64";
  const NpzArchive archive(path("z64.npz"));
  EXPECT_EQ(archive.names(), (std::vector<std::string>{"X", "y"}));
  EXPECT_EQ(archive.read("y").to_integers(), (std::vector<std::int64_t>{0, 1, 2}));
}

TEST_F(Npz, RefusesTwoMembersOfOneName) {
  SKIP_WITHOUT_NUMPY();
  testing::run_numpy(dir_.string(), R"(
import io, warnings, zipfile
warnings.simplefilter('ignore')   # zipfile warns of the duplicate, and writes it
with zipfile.ZipFile('twice.npz', 'w') as zf:
    for k in range(2):
        buffer = io.BytesIO()
        np.save(buffer, np.arange(k + 1))
        zf.writestr('X.npy', buffer.getvalue())
)");
  EXPECT_MESSAGE_HAS(testing::error_of([&] { NpzArchive archive(path("twice.npz")); }),
                     "twice.npz: the archive holds two members of the same name");
}

}  // namespace
}  // namespace mlpscope
