// What keeps a local server local: a page on another site can make the browser send
// requests to 127.0.0.1, so every /api request must carry the token printed at start-up
// (401 without), and its Host header must name this server (403: a DNS-rebinding page
// reaches us under its own host name).
#pragma once

#include <string>
#include <string_view>

namespace mlpscope::serve {

// 128 random bits from the OS (getrandom), as 32 hex digits.
std::string random_token();

// The token of a request: `Authorization: Bearer TOKEN`, else the `mlpscope_token` cookie
// the page sets; empty when neither is there.
std::string request_token(std::string_view authorization, std::string_view cookie);

// Compares in time independent of where they differ.
bool same_token(std::string_view a, std::string_view b);

// True when `host` (the Host header) names the server at bound_host:port, or the loopback
// addresses when it is bound to one (localhost, 127.0.0.1, [::1]).
bool host_allowed(std::string_view host, std::string_view bound_host, int port);

}  // namespace mlpscope::serve
