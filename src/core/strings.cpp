#include "core/strings.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "core/error.h"

namespace mlpscope {

std::string shortest_text(double value) {
  char buffer[64];
  return std::string(buffer, std::to_chars(buffer, buffer + sizeof buffer, value).ptr);
}

std::string significant(double value, int digits) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*g", digits, value);
  return buffer;
}

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

namespace {

// What is wrong with `s` as a number (empty when nothing is), the value in `value`.
std::string double_problem(const std::string& s, double& value) {
  if (s.empty()) return "expected a number, got an empty value";
  // strtod rather than from_chars: g++ 12's from_chars for double is complete, but strtod
  // also accepts a leading '+', which users write ("+1e-3").
  char* end = nullptr;
  value = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size()) return "'" + s + "' is not a number";
  if (!std::isfinite(value))  // overflow gives ±HUGE_VAL; underflow to a tiny value is fine
    return "'" + s + "' is not a finite number";
  return {};
}

std::string integer_problem(const std::string& s, long long& value) {
  if (s.empty()) return "expected an integer, got an empty value";
  const char* begin = s.data() + (s[0] == '+' ? 1 : 0);
  const auto [ptr, ec] = std::from_chars(begin, s.data() + s.size(), value);
  if (ec == std::errc::result_out_of_range) return "'" + s + "' is out of range";
  if (ec != std::errc() || ptr != s.data() + s.size()) return "'" + s + "' is not an integer";
  return {};
}

}  // namespace

double parse_double(std::string_view text, const std::string& what) {
  double value = 0;
  const std::string problem = double_problem(trim(text), value);
  if (!problem.empty()) throw Error(what + ": " + problem);
  return value;
}

long long parse_integer(std::string_view text, const std::string& what) {
  long long value = 0;
  const std::string problem = integer_problem(trim(text), value);
  if (!problem.empty()) throw Error(what + ": " + problem);
  return value;
}

double setting_double(std::string_view text, const std::string& setting, const std::string& part) {
  double value = 0;
  const std::string problem = double_problem(trim(text), value);
  if (!problem.empty()) setting_error(setting, part.empty() ? problem : part + ": " + problem);
  return value;
}

long long setting_integer(std::string_view text, const std::string& setting,
                          const std::string& part) {
  long long value = 0;
  const std::string problem = integer_problem(trim(text), value);
  if (!problem.empty()) setting_error(setting, part.empty() ? problem : part + ": " + problem);
  return value;
}

std::pair<std::string, std::string> split_kind(std::string_view spec) {
  const std::string s = trim(spec);
  const auto colon = s.find(':');
  if (colon == std::string::npos) return {s, {}};
  return {s.substr(0, colon), s.substr(colon + 1)};
}

bool is_utf8(std::string_view text) {
  // RFC 3629, section 4: the second byte's range depends on the first (E0 A0..BF excludes
  // overlong 3-byte forms, ED 80..9F excludes surrogates, F0 90..BF overlong 4-byte forms,
  // F4 80..8F code points above U+10FFFF); later continuation bytes are 80..BF.
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* end = p + text.size();
  while (p < end) {
    const unsigned char c = *p++;
    if (c < 0x80) continue;
    int more = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // the range of the byte after c
    if (c >= 0xC2 && c <= 0xDF) {
      more = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      more = 2;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      more = 3;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return false;  // a stray continuation byte, C0, C1 or F5..FF
    }
    if (end - p < more) return false;
    if (*p < lo || *p > hi) return false;
    for (int k = 1; k < more; ++k)
      if (p[k] < 0x80 || p[k] > 0xBF) return false;
    p += more;
  }
  return true;
}

}  // namespace mlpscope
