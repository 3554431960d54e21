// The .npy reader: files written by numpy itself (every dtype mlpscope reads, both orders,
// both byte orders, the three format versions), and hand-built files that break the format
// one way at a time, each refused with one line that names the file and the problem.
#include "data/npy.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <numeric>
#include <string>
#include <vector>

#include "core/error.h"
#include "support/fixtures.h"
#include "support/numpy.h"

namespace mlpscope {
namespace {

using Bytes = std::vector<std::uint8_t>;

// A .npy file: magic, version major.0, the header's length, the header, the data.
Bytes npy_file(const std::string& header, const std::string& data = "", int major = 1) {
  std::string file = std::string("\x93NUMPY") + static_cast<char>(major) + '\0';
  const std::size_t length = header.size();
  for (int k = 0; k < (major == 1 ? 2 : 4); ++k) file += static_cast<char>(length >> (8 * k));
  file += header + data;
  return Bytes(file.begin(), file.end());
}

std::string dict(const std::string& descr, const std::string& shape, bool fortran = false) {
  return "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") +
         ", 'shape': " + shape + ", }\n";
}

// The values' bytes in this machine's order (little-endian here), or reversed per element.
template <class T>
std::string raw(std::vector<T> values, bool swap = false) {
  std::string out(values.size() * sizeof(T), '\0');
  std::memcpy(out.data(), values.data(), out.size());
  if (swap)
    for (std::size_t at = 0; at < out.size(); at += sizeof(T))
      std::reverse(out.begin() + static_cast<std::ptrdiff_t>(at),
                   out.begin() + static_cast<std::ptrdiff_t>(at + sizeof(T)));
  return out;
}

std::string npy_error_of(const Bytes& bytes) {
  return testing::error_of([&] { (void)parse_npy(bytes, "t.npy"); });
}

TEST(Npy, ReadsACOrderFloat64Matrix) {
  const NpyArray a =
      parse_npy(npy_file(dict("<f8", "(2, 3)"), raw<double>({1, 2, 3, 4, 5, 6})), "t.npy");
  EXPECT_EQ(a.dtype.name(), "float64");
  EXPECT_EQ(a.shape, (std::vector<std::uint64_t>{2, 3}));
  EXPECT_EQ(a.shape_text(), "(2, 3)");
  EXPECT_FALSE(a.fortran_order);
  EXPECT_EQ(a.size(), 6u);
  EXPECT_EQ(a.to_doubles(), (std::vector<double>{1, 2, 3, 4, 5, 6}));
  const Matrix<double> m = a.matrix<double>();
  ASSERT_EQ(m.rows(), 2);
  ASSERT_EQ(m.cols(), 3);
  EXPECT_EQ(m(0, 2), 3);
  EXPECT_EQ(m(1, 0), 4);
}

TEST(Npy, FortranOrderIsReadInCOrder) {
  // a = [[1, 2, 3], [4, 5, 6]] stored column after column.
  const NpyArray a =
      parse_npy(npy_file(dict("<f4", "(2, 3)", true), raw<float>({1, 4, 2, 5, 3, 6})), "t.npy");
  EXPECT_TRUE(a.fortran_order);
  EXPECT_EQ(a.to_doubles(), (std::vector<double>{1, 2, 3, 4, 5, 6}));
  const Matrix<float> m = a.matrix<float>();
  EXPECT_EQ(m(0, 2), 3.0f);
  EXPECT_EQ(m(1, 0), 4.0f);
}

TEST(Npy, VersionsTwoAndThreeHaveAFourByteHeaderLength) {
  for (const int major : {2, 3}) {
    const NpyArray a =
        parse_npy(npy_file(dict("<i4", "(3,)"), raw<std::int32_t>({7, -8, 9}), major), "t.npy");
    EXPECT_EQ(a.to_integers(), (std::vector<std::int64_t>{7, -8, 9})) << major;
  }
}

TEST(Npy, BigEndianIsSwapped) {
  const NpyArray a =
      parse_npy(npy_file(dict(">i8", "(2,)"), raw<std::int64_t>({-3, 1LL << 40}, true)), "t.npy");
  EXPECT_EQ(a.to_integers(), (std::vector<std::int64_t>{-3, 1LL << 40}));
  const NpyArray f = parse_npy(npy_file(dict(">f8", "(1,)"), raw<double>({0.1}, true)), "t.npy");
  EXPECT_EQ(f.to_doubles(), (std::vector<double>{0.1}));
}

TEST(Npy, ScalarsVectorsAndBools) {
  const NpyArray scalar = parse_npy(npy_file(dict("<f8", "()"), raw<double>({2.5})), "t.npy");
  EXPECT_EQ(scalar.size(), 1u);
  EXPECT_EQ(scalar.shape_text(), "()");
  const NpyArray vector = parse_npy(npy_file(dict("|u1", "(3,)"), "\x01\x02\xff"), "t.npy");
  EXPECT_EQ(vector.shape_text(), "(3,)");
  const Matrix<double> column = vector.matrix<double>();
  EXPECT_EQ(column.rows(), 3);
  EXPECT_EQ(column.cols(), 1);
  EXPECT_EQ(column(2, 0), 255);
  // numpy reads any non-zero byte of a bool array as True.
  const NpyArray flags =
      parse_npy(npy_file(dict("|b1", "(3,)"), std::string("\x00\x01\x07", 3)), "t.npy");
  EXPECT_EQ(flags.dtype.name(), "bool");
  EXPECT_EQ(flags.to_integers(), (std::vector<std::int64_t>{0, 1, 1}));
  const NpyArray empty = parse_npy(npy_file(dict("<f8", "(0, 3)")), "t.npy");
  EXPECT_EQ(empty.size(), 0u);
  EXPECT_TRUE(empty.to_doubles().empty());
}

TEST(Npy, ToleratesWhatNumpysReaderTolerates) {
  // Double quotes, no trailing comma, keys in another order, Python 2 longs, no padding.
  const std::string header = "{\"shape\": (2L,), \"fortran_order\": False, \"descr\": \"<u2\"}";
  EXPECT_EQ(parse_npy(npy_file(header, raw<std::uint16_t>({1, 65535})), "t.npy").to_integers(),
            (std::vector<std::int64_t>{1, 65535}));
}

TEST(Npy, ConversionsRefuseWhatTheyCannotHold) {
  const NpyArray big =
      parse_npy(npy_file(dict("<u8", "(2,)"), raw<std::uint64_t>({1, 1ULL << 63})), "t.npy");
  EXPECT_MESSAGE_HAS(testing::error_of([&] { big.to_integers(); }), "t.npy: element 1");
  const NpyArray floats = parse_npy(npy_file(dict("<f4", "(1,)"), raw<float>({1})), "t.npy");
  EXPECT_MESSAGE_HAS(testing::error_of([&] { floats.to_integers(); }), "float32");
  const NpyArray cube = parse_npy(npy_file(dict("|i1", "(1, 1, 2)"), "\x01\x02"), "t.npy");
  EXPECT_MESSAGE_HAS(testing::error_of([&] { cube.matrix<double>(); }),
                     "t.npy: shape (1, 1, 2) has 3 dimensions");
}

TEST(Npy, RefusesBadMagicVersionAndLengths) {
  EXPECT_MESSAGE_HAS(npy_error_of(Bytes{'N', 'U', 'M'}), "t.npy: not a .npy file");
  const std::string zip = "PK\x03\x04rest";
  EXPECT_MESSAGE_HAS(npy_error_of(Bytes(zip.begin(), zip.end())), "(an .npz archive?)");
  const Bytes file = npy_file(dict("<f8", "(1,)"), raw<double>({1}));
  Bytes version_4 = file;
  version_4[6] = 4;
  EXPECT_MESSAGE_HAS(npy_error_of(version_4), "format version 4.0");
  EXPECT_MESSAGE_HAS(npy_error_of(Bytes(file.begin(), file.begin() + 7)), "inside the version");
  EXPECT_MESSAGE_HAS(npy_error_of(Bytes(file.begin(), file.begin() + 9)),
                     "inside the header length");
  Bytes long_header = npy_file(dict("<f8", "(1,)"), raw<double>({1}));
  long_header[8] = 0xff;
  long_header[9] = 0xff;
  EXPECT_MESSAGE_HAS(npy_error_of(long_header), "claims 65535 bytes");
}

TEST(Npy, RefusesBadHeaders) {
  const auto header_error = [](const std::string& header) {
    return npy_error_of(npy_file(header, raw<double>({1})));
  };
  EXPECT_MESSAGE_HAS(header_error("['descr']"), "t.npy: header: expected '{'");
  EXPECT_MESSAGE_HAS(header_error("{'descr': '<f8', 'shape': (1,)}"), "'fortran_order' is missing");
  EXPECT_MESSAGE_HAS(header_error("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), "
                                  "'extra': 1}"),
                     "unexpected key 'extra'");
  EXPECT_MESSAGE_HAS(header_error("{'descr': '<f8', 'descr': '<f8'}"), "given twice");
  EXPECT_MESSAGE_HAS(header_error("{'descr': '<f8', 'fortran_order': maybe, 'shape': (1,)}"),
                     "expected True or False");
  EXPECT_MESSAGE_HAS(header_error(dict("<f8", "(1)")), "is not a tuple");
  EXPECT_MESSAGE_HAS(header_error(dict("<f8", "(-1,)")), "negative size");
  EXPECT_MESSAGE_HAS(header_error(dict("<f8", "(99999999999999999999,)")), "64 bits");
  EXPECT_MESSAGE_HAS(header_error(dict("<f8", "(1,)") + "x"), "nothing after the closing");
  EXPECT_MESSAGE_HAS(header_error("{'descr': '<f8"), "is not closed");
}

TEST(Npy, RefusesDtypesItDoesNotRead) {
  const auto dtype_error = [](const std::string& descr) {
    return npy_error_of(npy_file(dict(descr, "(1,)"), raw<double>({1})));
  };
  EXPECT_MESSAGE_HAS(dtype_error("|O"), "object array");
  EXPECT_MESSAGE_HAS(dtype_error("<c16"), "(complex) is not read");
  EXPECT_MESSAGE_HAS(dtype_error("<f2"), "(float16)");
  EXPECT_MESSAGE_HAS(dtype_error("<U3"), "unicode");
  EXPECT_MESSAGE_HAS(dtype_error("<i3"), "element size");
  EXPECT_MESSAGE_HAS(dtype_error("<M8[ns]"), "datetime");
  EXPECT_MESSAGE_HAS(npy_error_of(npy_file("{'descr': [('a', '<f4')], 'fortran_order': False, "
                                           "'shape': (1,)}")),
                     "structured dtype");
}

TEST(Npy, RefusesShapesThatDoNotFitTheData) {
  EXPECT_MESSAGE_HAS(npy_error_of(npy_file(dict("<f8", "(1099511627776, 1099511627776)"))),
                     "is absurd");
  EXPECT_MESSAGE_HAS(npy_error_of(npy_file(dict("<f8", "(0, 4611686018427387904)"))), "is absurd");
  const std::string message =
      npy_error_of(npy_file(dict("<f8", "(1000000000,)"), raw<double>({1})));
  EXPECT_MESSAGE_HAS(message, "t.npy: truncated data: shape (1000000000,) of float64");
  EXPECT_MESSAGE_HAS(message, "the file holds 8");
  EXPECT_MESSAGE_HAS(npy_error_of(npy_file(dict("<f8", "(1,)"), raw<double>({1, 2}))),
                     "8 unexpected bytes after the data");
}

TEST(Npy, EveryPrefixOfAFileIsRefusedCleanly) {
  const Bytes file = npy_file(dict("<i2", "(2, 2)", true), raw<std::int16_t>({1, 2, 3, 4}));
  for (std::size_t n = 0; n < file.size(); ++n)
    EXPECT_NE(npy_error_of(Bytes(file.begin(), file.begin() + static_cast<std::ptrdiff_t>(n))), "")
        << n;
}

// ---- files written by numpy -------------------------------------------------------------

class NpyFromNumpy : public testing::TempDirTest {};

TEST_F(NpyFromNumpy, EveryReadableDtypeInBothOrders) {
  SKIP_WITHOUT_NUMPY();
  testing::run_numpy(dir_.string(), R"(
a = np.arange(12).reshape(3, 4) - 5
for dt in ['<f4', '<f8', '>f4', '>f8', '<i8', '>i4', '<i2', '|i1', '<u8', '>u2', '|u1']:
    name = dt.replace('<', 'le_').replace('>', 'be_').replace('|', 'na_')
    b = a.astype(dt) if dt[1] != 'u' else (a + 5).astype(dt)
    np.save(name + '_c.npy', b)
    np.save(name + '_f.npy', np.asfortranarray(b))
np.save('bool_c.npy', a > 0)
)");
  std::vector<double> expected(12);
  std::iota(expected.begin(), expected.end(), -5.0);
  for (const char* dt : {"le_f4", "le_f8", "be_f4", "be_f8", "le_i8", "be_i4", "le_i2", "na_i1",
                         "le_u8", "be_u2", "na_u1"}) {
    std::vector<double> want = expected;
    if (std::string(dt).ends_with("u8") || std::string(dt).ends_with("u2") ||
        std::string(dt).ends_with("u1"))
      for (double& v : want) v += 5;
    for (const char* order : {"_c", "_f"}) {
      const NpyArray a = read_npy(path(std::string(dt) + order + ".npy"));
      EXPECT_EQ(a.fortran_order, std::string(order) == "_f") << dt << order;
      EXPECT_EQ(a.to_doubles(), want) << dt << order;
      const Matrix<double> m = a.matrix<double>();
      EXPECT_EQ(m(1, 2), want[6]) << dt << order;
      EXPECT_EQ(m(2, 1), want[9]) << dt << order;
    }
  }
  const NpyArray flags = read_npy(path("bool_c.npy"));
  EXPECT_EQ(flags.dtype.name(), "bool");
  EXPECT_EQ(flags.to_integers()[5], 0);
  EXPECT_EQ(flags.to_integers()[6], 1);
}

TEST_F(NpyFromNumpy, FloatsKeepTheirBits) {
  SKIP_WITHOUT_NUMPY();
  testing::run_numpy(dir_.string(), R"(
np.save('f4.npy', np.array([0.1, -1e-30, 3.4e38], dtype=np.float32))
np.save('f8.npy', np.array([0.1, -1e-300, 1.7976931348623157e308]))
)");
  EXPECT_EQ(read_npy(path("f4.npy")).to_doubles(), (std::vector<double>{0.1f, -1e-30f, 3.4e38f}));
  EXPECT_EQ(read_npy(path("f8.npy")).to_doubles(),
            (std::vector<double>{0.1, -1e-300, 1.7976931348623157e308}));
}

TEST_F(NpyFromNumpy, HigherRankFortranArraysAndEveryVersion) {
  SKIP_WITHOUT_NUMPY();
  testing::run_numpy(dir_.string(), R"(
a = np.arange(24.0).reshape(2, 3, 4)
np.save('cube_f.npy', np.asfortranarray(a))
for v in [(1, 0), (2, 0), (3, 0)]:
    with open('v%d.npy' % v[0], 'wb') as f:
        np.lib.format.write_array(f, a, version=v)
)");
  std::vector<double> expected(24);
  std::iota(expected.begin(), expected.end(), 0.0);
  EXPECT_EQ(read_npy(path("cube_f.npy")).to_doubles(), expected);
  for (const char* file : {"v1.npy", "v2.npy", "v3.npy"})
    EXPECT_EQ(read_npy(path(file)).to_doubles(), expected) << file;
}

TEST_F(NpyFromNumpy, RefusesWhatNumpyWritesButMlpscopeDoesNotRead) {
  SKIP_WITHOUT_NUMPY();
  testing::run_numpy(dir_.string(), R"(
np.save('object.npy', np.array([1, 'a'], dtype=object), allow_pickle=True)
np.save('record.npy', np.zeros(2, dtype=[('a', '<f4'), ('b', '<i4')]))
np.save('complex.npy', np.zeros(2, dtype=np.complex128))
np.save('half.npy', np.zeros(2, dtype=np.float16))
np.save('text.npy', np.array(['ab', 'c']))
)");
  const auto error = [&](const char* name) {
    return testing::error_of([&] { (void)read_npy(path(name)); });
  };
  EXPECT_MESSAGE_HAS(error("object.npy"), "object.npy: header: dtype '|O' is an object array");
  EXPECT_MESSAGE_HAS(error("record.npy"), "structured dtype");
  EXPECT_MESSAGE_HAS(error("complex.npy"), "complex");
  EXPECT_MESSAGE_HAS(error("half.npy"), "float16");
  EXPECT_MESSAGE_HAS(error("text.npy"), "unicode");
  EXPECT_MESSAGE_HAS(error("missing.npy"), "missing.npy: no such file");
}

}  // namespace
}  // namespace mlpscope
