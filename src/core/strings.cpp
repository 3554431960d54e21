#include "core/strings.h"

#include <charconv>
#include <cmath>
#include <cstdlib>

#include "core/error.h"

namespace mlpscope {

std::vector<std::string> split(std::string_view text, char separator) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find(separator, start);
    parts.emplace_back(text.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return parts;
}

std::string trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(first, last - first + 1));
}

double parse_double(std::string_view text, const std::string& what) {
  const std::string s = trim(text);
  if (s.empty()) throw Error(what + ": expected a number, got an empty value");
  // strtod rather than from_chars: g++ 12's from_chars for double is complete, but strtod
  // also accepts a leading '+', which users write ("+1e-3").
  char* end = nullptr;
  const double value = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size()) throw Error(what + ": '" + s + "' is not a number");
  if (!std::isfinite(value))  // overflow gives ±HUGE_VAL; underflow to a tiny value is fine
    throw Error(what + ": '" + s + "' is not a finite number");
  return value;
}

long long parse_integer(std::string_view text, const std::string& what) {
  const std::string s = trim(text);
  if (s.empty()) throw Error(what + ": expected an integer, got an empty value");
  long long value = 0;
  const char* begin = s.data() + (s[0] == '+' ? 1 : 0);
  const auto [ptr, ec] = std::from_chars(begin, s.data() + s.size(), value);
  if (ec == std::errc::result_out_of_range) throw Error(what + ": '" + s + "' is out of range");
  if (ec != std::errc() || ptr != s.data() + s.size())
    throw Error(what + ": '" + s + "' is not an integer");
  return value;
}

std::pair<std::string, std::string> split_kind(std::string_view spec) {
  const std::string s = trim(spec);
  const auto colon = s.find(':');
  if (colon == std::string::npos) return {s, {}};
  return {s.substr(0, colon), s.substr(colon + 1)};
}

}  // namespace mlpscope
