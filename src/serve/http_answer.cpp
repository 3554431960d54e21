#include "serve/http_answer.h"

#include <new>

#include "core/error.h"
#include "serve/data_dir.h"

// After the library's headers (serve/server.cpp says why).
#include <httplib.h>

namespace mlpscope::serve {

using Json = nlohmann::json;

void answer(httplib::Response& res, int status, const Json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

void refuse(httplib::Response& res, int status, const std::string& message) {
  answer(res, status, {{"error", message}});
}

// An HTTP status for each kind of error a handler meets: the CLI's line for a setting.
void refuse_exception(httplib::Response& res) {
  try {
    throw;
  } catch (const SettingError& e) {
    std::string line = "option --";
    line += e.setting() + ": " + e.detail();
    refuse(res, 400, line);
  } catch (const Forbidden& e) {
    refuse(res, 403, e.what());
  } catch (const Error& e) {
    refuse(res, 400, e.what());
  } catch (const std::bad_alloc&) {
    refuse(res, 507, "out of memory (try a smaller hidden, batch or limit)");
  } catch (const std::exception& e) {
    std::string message = "internal error: ";
    message += e.what();
    refuse(res, 500, message);
  }
}

Handler guarded(Handler handler) {
  return [handler = std::move(handler)](const httplib::Request& req, httplib::Response& res) {
    try {
      handler(req, res);
    } catch (...) {
      refuse_exception(res);
    }
  };
}

}  // namespace mlpscope::serve
