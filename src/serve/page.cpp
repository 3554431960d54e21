#include "serve/page.h"

#include <array>
#include <cstddef>

namespace mlpscope::serve {

namespace embedded {
extern const unsigned char serve_index_html[], serve_app_js[], serve_app_css[], uplot_js[],
    uplot_css[];
extern const std::size_t serve_index_html_size, serve_app_js_size, serve_app_css_size,
    uplot_js_size, uplot_css_size;
}  // namespace embedded

namespace {

std::string_view view(const unsigned char* bytes, std::size_t size) {
  return {reinterpret_cast<const char*>(bytes), size};
}

}  // namespace

const PageFile* page_file(std::string_view path) {
  using namespace embedded;
  static const std::array<PageFile, 6> kFiles = {{
      {"/", "text/html; charset=utf-8", view(serve_index_html, serve_index_html_size)},
      {"/index.html", "text/html; charset=utf-8", view(serve_index_html, serve_index_html_size)},
      {"/app.js", "text/javascript; charset=utf-8", view(serve_app_js, serve_app_js_size)},
      {"/app.css", "text/css; charset=utf-8", view(serve_app_css, serve_app_css_size)},
      {"/uplot.js", "text/javascript; charset=utf-8", view(uplot_js, uplot_js_size)},
      {"/uplot.css", "text/css; charset=utf-8", view(uplot_css, uplot_css_size)},
  }};
  for (const PageFile& file : kFiles)
    if (file.path == path) return &file;
  return nullptr;
}

}  // namespace mlpscope::serve
