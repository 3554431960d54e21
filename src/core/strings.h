// Small parsing helpers shared by every spec parser ("uniform:-1,1", "n=400,noise=0.1").
// Each throws Error naming `what` (an option or a file position) on malformed text.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace mlpscope {

std::vector<std::string> split(std::string_view text, char separator);
std::string trim(std::string_view text);

// Whole-string conversions: "1e-3" is a number, "1e-3x", "", "nan" and "inf" are not.
double parse_double(std::string_view text, const std::string& what);
long long parse_integer(std::string_view text, const std::string& what);
// The same for the value of a setting (an option): a malformed value is a SettingError
// naming `setting`, and `part` of it where given ("slope" of leaky_relu:SLOPE).
double setting_double(std::string_view text, const std::string& setting,
                      const std::string& part = "");
long long setting_integer(std::string_view text, const std::string& setting,
                          const std::string& part = "");

// "name:args" -> {"name", "args"}; args empty when there is no colon.
std::pair<std::string, std::string> split_kind(std::string_view spec);

// The shortest text that reads back as the same double (std::to_chars): "0.1", "1e-05".
std::string shortest_text(double value);
// printf's %.Ng: `digits` significant digits, trailing zeros dropped ("0.0453", "1e-06").
std::string significant(double value, int digits);

// Whether `text` is well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing
// above U+10FFFF), the only text JSON can hold.
bool is_utf8(std::string_view text);

}  // namespace mlpscope
