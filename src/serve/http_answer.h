// How the server answers: JSON bodies, `{"error": "…"}` with a status for each kind of
// error a handler meets (serve/server.h lists them).
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>

// Declared, not included: httplib.h comes after the library's headers in each file that
// needs it (serve/server.cpp says why).
namespace httplib {
struct Request;
struct Response;
}  // namespace httplib

namespace mlpscope::serve {

using Handler = std::function<void(const httplib::Request&, httplib::Response&)>;

void answer(httplib::Response& res, int status, const nlohmann::json& body);
void refuse(httplib::Response& res, int status, const std::string& message);
// Inside a catch: 400 for a setting (the CLI's line) or any Error, 403 Forbidden, 507 out of
// memory, 500 anything else.
void refuse_exception(httplib::Response& res);
// The handler, with every exception it throws answered by refuse_exception.
Handler guarded(Handler handler);

}  // namespace mlpscope::serve
