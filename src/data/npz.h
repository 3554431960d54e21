// numpy's .npz archives: a zip file with one .npy member per array, named NAME.npy
// (numpy.savez stores them, numpy.savez_compressed deflates them, and both write zip64
// records; numpy.lib.npyio.NpzFile is the reader this one follows). The zip container is
// read by libzip (Debian libzip-dev), which checks the archive's consistency and every
// member's CRC; each member is then parsed as a .npy file (data/npy.h).
//
// Names are the members' names without ".npy", in the order they appear in the archive: the
// order np.savez was given them. Members whose names do not end in ".npy" are not arrays and
// are not listed. A member is read in pieces as it inflates, so that memory follows what the
// member really holds, not the size its zip entry claims.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "data/npy.h"

namespace mlpscope {

class NpzArchive {
 public:
  // Opens the archive at `path`; Error when it is missing, unreadable or not a zip archive.
  explicit NpzArchive(const std::string& path);
  ~NpzArchive();
  NpzArchive(NpzArchive&&) noexcept;
  NpzArchive& operator=(NpzArchive&&) noexcept;

  const std::string& path() const { return path_; }
  // The arrays' names, in archive order, without ".npy".
  const std::vector<std::string>& names() const { return names_; }
  bool contains(const std::string& name) const;
  // "'X', 'y'": the names, for error messages that list what the archive holds.
  std::string names_text() const;

  // Reads one array; its errors name the archive and the array ("d.npz: array 'X': ...").
  // Error naming the arrays present when there is none of that name.
  NpyArray read(const std::string& name) const;

 private:
  struct Zip;
  std::string path_;
  std::unique_ptr<Zip> zip_;
  std::vector<std::string> names_;
  std::vector<std::uint64_t> indices_;  // the zip entry of each name
};

}  // namespace mlpscope
