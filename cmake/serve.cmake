# `mlpscope serve` (src/serve, docs/serve.md): a library of its own over mlpscope_lib, so
# that the library and the Python module built from it know nothing of HTTP.
#
# Its page uses uPlot from npm, and its browser test puppeteer-core: both pinned in
# src/serve/page/package-lock.json and installed by `npm ci` into BUILD/npm at configure
# time (never vendored). The page, its script, styles and uPlot are then compiled into the
# binary (cmake/embed_files.cmake): the page loads nothing from the network.
set(MLPSCOPE_SERVE_PAGE ${CMAKE_CURRENT_SOURCE_DIR}/src/serve/page)

if(MLPSCOPE_FUZZ)
  # The fuzz targets call the request parser alone (fuzz/targets/serve_request.cpp).
  add_library(mlpscope_serve STATIC src/serve/run_request.cpp src/serve/data_dir.cpp)
  target_link_libraries(mlpscope_serve PUBLIC mlpscope_lib PRIVATE mlpscope_warnings)
  return()
endif()

set(MLPSCOPE_NPM_DIR ${CMAKE_CURRENT_BINARY_DIR}/npm)
set(MLPSCOPE_UPLOT_DIR ${MLPSCOPE_NPM_DIR}/node_modules/uplot/dist)
configure_file(${MLPSCOPE_SERVE_PAGE}/package.json ${MLPSCOPE_NPM_DIR}/package.json COPYONLY)
configure_file(${MLPSCOPE_SERVE_PAGE}/package-lock.json ${MLPSCOPE_NPM_DIR}/package-lock.json
               COPYONLY)
# Installed again whenever the lock file changes (npm keeps its own copy in node_modules).
file(READ ${MLPSCOPE_NPM_DIR}/package-lock.json wanted_lock)
set(installed_lock "")
if(EXISTS ${MLPSCOPE_NPM_DIR}/node_modules/.mlpscope-lock.json)
  file(READ ${MLPSCOPE_NPM_DIR}/node_modules/.mlpscope-lock.json installed_lock)
endif()
if(NOT installed_lock STREQUAL wanted_lock)
  find_program(MLPSCOPE_NPM npm)
  if(NOT MLPSCOPE_NPM)
    message(FATAL_ERROR "npm is needed to install uPlot for the serve page: run scripts/setup.sh")
  endif()
  message(STATUS "Installing uPlot and puppeteer-core into ${MLPSCOPE_NPM_DIR} (npm ci)")
  execute_process(COMMAND ${MLPSCOPE_NPM} ci --no-audit --no-fund --loglevel=error
                  WORKING_DIRECTORY ${MLPSCOPE_NPM_DIR} RESULT_VARIABLE npm_status)
  if(NOT npm_status EQUAL 0)
    message(FATAL_ERROR "npm ci in ${MLPSCOPE_NPM_DIR} failed (${npm_status})")
  endif()
  file(WRITE ${MLPSCOPE_NPM_DIR}/node_modules/.mlpscope-lock.json "${wanted_lock}")
endif()

set(MLPSCOPE_SERVE_ASSETS
    serve_index_html=${MLPSCOPE_SERVE_PAGE}/index.html
    serve_app_js=${MLPSCOPE_SERVE_PAGE}/app.js
    serve_app_css=${MLPSCOPE_SERVE_PAGE}/app.css
    uplot_js=${MLPSCOPE_UPLOT_DIR}/uPlot.iife.min.js
    uplot_css=${MLPSCOPE_UPLOT_DIR}/uPlot.min.css)
set(MLPSCOPE_SERVE_ASSET_FILES ${MLPSCOPE_SERVE_ASSETS})
list(TRANSFORM MLPSCOPE_SERVE_ASSET_FILES REPLACE "^[a-z_]+=" "")
add_custom_command(
  OUTPUT ${CMAKE_CURRENT_BINARY_DIR}/generated/serve_assets.cpp
  COMMAND ${CMAKE_COMMAND} -DOUTPUT=${CMAKE_CURRENT_BINARY_DIR}/generated/serve_assets.cpp
          -DNAMESPACE=mlpscope::serve::embedded "-DENTRIES=${MLPSCOPE_SERVE_ASSETS}"
          -P ${CMAKE_CURRENT_SOURCE_DIR}/cmake/embed_files.cmake
  DEPENDS ${MLPSCOPE_SERVE_ASSET_FILES} ${CMAKE_CURRENT_SOURCE_DIR}/cmake/embed_files.cmake
  COMMENT "Embedding the serve page and uPlot"
  VERBATIM)

# cpp-httplib as Debian builds it: a shared library and its header (libcpp-httplib-dev).
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
file(GLOB MLPSCOPE_SERVE_SOURCES CONFIGURE_DEPENDS src/serve/*.cpp)
add_library(mlpscope_serve STATIC ${MLPSCOPE_SERVE_SOURCES}
                                  ${CMAKE_CURRENT_BINARY_DIR}/generated/serve_assets.cpp)
target_link_libraries(mlpscope_serve PUBLIC mlpscope_lib PkgConfig::HTTPLIB
                      PRIVATE mlpscope_warnings)
mlpscope_precompile(mlpscope_serve ${MLPSCOPE_PCH_CORE})
mlpscope_unity(mlpscope_serve)
mlpscope_unity_eigen_first(mlpscope_serve)
