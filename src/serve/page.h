// The page `mlpscope serve` shows, compiled into the binary at build time
// (cmake/embed_files.cmake), so that the binary needs no files at run time and the page
// loads nothing from the network:
//   index.html, app.js, app.css   src/serve/page/: the page itself, plain HTML/JS/CSS
//   uplot.js, uplot.css           uPlot from npm (installed into the build folder by CMake)
#pragma once

#include <string_view>

namespace mlpscope::serve {

struct PageFile {
  std::string_view path;  // as requested: "/", "/app.js", …
  std::string_view content_type;
  std::string_view bytes;
};

// The file served at `path`, or nullptr.
const PageFile* page_file(std::string_view path);

}  // namespace mlpscope::serve
