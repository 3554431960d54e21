// --config FILE: a TOML table whose keys are option names, read into plain name → value
// strings, the form every option travels in before parse_run_config() checks it.
//
//   lr = 0.01             → "0.01"   (floats with %.17g, so they read back exactly)
//   epochs = 3            → "3"
//   standardize = true    → "true"
//   hidden = [256, 128]   → "256,128"  (arrays joined with commas, nested ones flattened)
//   init = "uniform:-1,1" → "uniform:-1,1"
//
// Which keys are allowed is the caller's business (each command has its own options); a
// table, a date or a time as a value is an error here. Kept apart from the command line so
// that the parser can be tested and fuzzed on its own (fuzz/targets/config.cpp).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mlpscope {

struct ConfigEntry {
  std::string key;
  std::string value;
  std::uint32_t line = 0;  // 1-based line of the key in the file
};

// Reads the TOML file at `path`. Throws Error("config PATH line N: …") for a file that
// cannot be read or is not valid TOML, and Error("config PATH line N, key 'K': …") for a
// value that is not a string, number, boolean or array of them.
std::vector<ConfigEntry> read_config_file(const std::string& path);

// The same for TOML text already in memory; `source_name` stands for PATH in messages.
std::vector<ConfigEntry> parse_config(std::string_view text, const std::string& source_name);

}  // namespace mlpscope
