#include "serve/security.h"

#include <sys/random.h>

#include <array>
#include <cstdint>

#include "core/error.h"

namespace mlpscope::serve {

std::string random_token() {
  std::array<std::uint8_t, 16> bytes{};
  if (getrandom(bytes.data(), bytes.size(), 0) != static_cast<ssize_t>(bytes.size()))
    throw Error("cannot draw a random token from the OS (getrandom)");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string token;
  for (std::uint8_t b : bytes) {
    token += kHex[b >> 4];
    token += kHex[b & 15];
  }
  return token;
}

namespace {

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string cookie_token(std::string_view cookie) {
  constexpr std::string_view kName = "mlpscope_token=";
  while (!cookie.empty()) {
    const std::size_t end = cookie.find(';');
    const std::string_view item = trimmed(cookie.substr(0, end));
    if (item.starts_with(kName)) return std::string(item.substr(kName.size()));
    if (end == std::string_view::npos) break;
    cookie.remove_prefix(end + 1);
  }
  return {};
}

}  // namespace

std::string request_token(std::string_view authorization, std::string_view cookie) {
  constexpr std::string_view kBearer = "Bearer ";
  authorization = trimmed(authorization);
  if (authorization.starts_with(kBearer))
    return std::string(trimmed(authorization.substr(kBearer.size())));
  return cookie_token(cookie);
}

bool same_token(std::string_view a, std::string_view b) {
  if (a.size() != b.size() || a.empty()) return false;
  unsigned char differ = 0;
  for (std::size_t i = 0; i < a.size(); ++i) differ |= static_cast<unsigned char>(a[i] ^ b[i]);
  return differ == 0;
}

bool host_allowed(std::string_view host, std::string_view bound_host, int port) {
  std::string suffix = ":";
  suffix += std::to_string(port);
  if (!host.ends_with(suffix)) return false;
  const std::string_view name = host.substr(0, host.size() - suffix.size());
  if (name == bound_host) return true;
  const bool loopback = bound_host == "127.0.0.1" || bound_host == "localhost" ||
                        bound_host == "::1" || bound_host == "[::1]";
  return loopback && (name == "127.0.0.1" || name == "localhost" || name == "[::1]");
}

}  // namespace mlpscope::serve
