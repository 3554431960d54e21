#include "data/npz.h"

#include <zip.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>

#include "core/error.h"

namespace mlpscope {

struct NpzArchive::Zip {
  zip_t* handle = nullptr;
  Zip() = default;
  Zip(const Zip&) = delete;
  Zip& operator=(const Zip&) = delete;
  ~Zip() {
    if (handle != nullptr) zip_discard(handle);  // read-only: nothing to write back
  }
};

namespace {

constexpr std::string_view kSuffix = ".npy";

// A member's name as error messages show it: control characters would break the one line.
std::string printable(std::string name) {
  for (char& c : name)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  return name;
}

std::string zip_message(int code) {
  zip_error_t error;
  zip_error_init_with_code(&error, code);
  std::string message = zip_error_strerror(&error);
  zip_error_fini(&error);
  return message;
}

// What the file starts with, for the refusal of something that is not a zip archive.
std::string not_zip_hint(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  char head[6] = {};
  in.read(head, sizeof head);
  if (in.gcount() == 6 && std::string_view(head, 6) == "\x93NUMPY")
    return " (it is a single .npy array; np.savez writes an .npz)";
  return "";
}

constexpr std::uint64_t kUnknownSize = std::numeric_limits<std::uint64_t>::max();
constexpr std::size_t kChunk = std::size_t{1} << 20;  // a member is read this much at a time

// How much memory to reserve for a member before reading it: its size as the archive states
// it is only a claim, so no more than the file can hold (stored) or inflate to (deflate's
// largest ratio is 1032:1, zlib FAQ), and no more than 1 GiB ahead of the data; beyond that
// the buffer grows with what really arrives.
std::uint64_t most_bytes(const zip_stat_t& stat, const std::string& path) {
  constexpr std::uint64_t kMaxDeflateRatio = 1032;
  constexpr std::uint64_t kMaxReserve = std::uint64_t{1} << 30;
  std::error_code ec;
  const std::uint64_t file_size = std::filesystem::file_size(path, ec);
  if (ec) return 0;
  if ((stat.valid & ZIP_STAT_COMP_METHOD) && stat.comp_method == ZIP_CM_STORE) return file_size;
  return std::min(kMaxReserve,
                  file_size > kMaxReserve ? kMaxReserve : file_size * kMaxDeflateRatio);
}

struct ZipFileCloser {
  void operator()(zip_file_t* file) const { zip_fclose(file); }
};
using ZipFile = std::unique_ptr<zip_file_t, ZipFileCloser>;

}  // namespace

NpzArchive::NpzArchive(const std::string& path) : path_(path), zip_(std::make_unique<Zip>()) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw Error(path + ": no such file");
  if (std::filesystem::is_directory(path, ec)) throw Error(path + ": is a directory, not a file");
  int code = 0;
  // ZIP_CHECKCONS: libzip compares each local header with the central directory, so that a
  // damaged archive is refused here rather than read as something else.
  zip_->handle = zip_open(path.c_str(), ZIP_RDONLY | ZIP_CHECKCONS, &code);
  if (zip_->handle == nullptr) {
    if (code == ZIP_ER_NOZIP)
      throw Error(path + ": not an .npz file: not a zip archive" + not_zip_hint(path));
    // ZIP_CHECKCONS refuses two members of one name, of which numpy would pick one.
    if (code == ZIP_ER_EXISTS)
      throw Error(path + ": the archive holds two members of the same name");
    if (code == ZIP_ER_OPEN || code == ZIP_ER_READ)
      throw Error(path + ": cannot open: " + std::strerror(errno));
    throw Error(path + ": damaged .npz (zip) archive: " + zip_message(code));
  }
  const zip_int64_t entries = zip_get_num_entries(zip_->handle, 0);
  for (zip_int64_t i = 0; i < entries; ++i) {
    const char* raw = zip_get_name(zip_->handle, static_cast<zip_uint64_t>(i), 0);
    if (raw == nullptr)
      throw Error(path + ": damaged .npz (zip) archive: entry " + std::to_string(i) + ": " +
                  zip_error_strerror(zip_get_error(zip_->handle)));
    const std::string_view member(raw);
    if (!member.ends_with(kSuffix)) continue;
    names_.emplace_back(member.substr(0, member.size() - kSuffix.size()));
    indices_.push_back(static_cast<std::uint64_t>(i));
  }
}

NpzArchive::~NpzArchive() = default;
NpzArchive::NpzArchive(NpzArchive&&) noexcept = default;
NpzArchive& NpzArchive::operator=(NpzArchive&&) noexcept = default;

bool NpzArchive::contains(const std::string& name) const {
  return std::find(names_.begin(), names_.end(), name) != names_.end();
}

std::string NpzArchive::names_text() const {
  if (names_.empty()) return "no arrays";
  std::string text;
  for (const std::string& name : names_)
    text += (text.empty() ? "'" : ", '") + printable(name) + "'";
  return text;
}

NpyArray NpzArchive::read(const std::string& name) const {
  const auto found = std::find(names_.begin(), names_.end(), name);
  if (found == names_.end())
    throw Error(path_ + ": no array '" + printable(name) + "'; the archive holds " + names_text());
  const auto index = indices_[static_cast<std::size_t>(found - names_.begin())];
  const std::string where = path_ + ": array '" + printable(name) + "'";
  const auto fail = [&](zip_error_t* error) {
    throw Error(where + ": cannot read the member " + printable(name) +
                ".npy: " + zip_error_strerror(error));
  };
  zip_stat_t stat;
  zip_stat_init(&stat);
  if (zip_stat_index(zip_->handle, index, 0, &stat) != 0) fail(zip_get_error(zip_->handle));
  const ZipFile file(zip_fopen_index(zip_->handle, index, 0));
  if (file == nullptr) fail(zip_get_error(zip_->handle));

  const std::uint64_t stated = (stat.valid & ZIP_STAT_SIZE) ? stat.size : kUnknownSize;
  std::vector<std::uint8_t> bytes;
  // One byte more than stated: the read that finds the end of the member.
  bytes.reserve(static_cast<std::size_t>(std::min(stated, most_bytes(stat, path_))) + 1);
  while (true) {
    const std::size_t old = bytes.size();
    const std::uint64_t left = stated - old;  // bytes.size() ≤ stated: checked below
    const std::size_t want = left >= kChunk ? kChunk : static_cast<std::size_t>(left) + 1;
    bytes.resize(old + want);
    const zip_int64_t got = zip_fread(file.get(), bytes.data() + old, want);
    if (got < 0) fail(zip_file_get_error(file.get()));  // a CRC or deflate error, say
    bytes.resize(old + static_cast<std::size_t>(got));
    if (got == 0) break;
    if (bytes.size() > stated)
      throw Error(where + ": the member inflates to more than the " + std::to_string(stated) +
                  " bytes its zip entry states");
  }
  return parse_npy(std::move(bytes), where);
}

}  // namespace mlpscope
