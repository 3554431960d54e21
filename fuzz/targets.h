// Fuzz targets: one per parser of untrusted input (docs/hardening.md).
//
// Each takes arbitrary bytes, hands them to the parser the way the product does, and
// returns true when the input was accepted, false when the parser refused it with
// mlpscope::Error: the expected outcome for bad input. Anything else (another exception,
// a crash, a sanitizer report, a hang, a huge allocation) is a finding. The same
// functions run under libFuzzer (fuzz/libfuzzer_main.cpp, `make fuzz`) and in the unit
// suite, which replays every seed and regression input (tests/fuzz/fuzz_replay_test.cpp).
#pragma once

#include <span>
#include <string_view>

namespace mlpscope::fuzz {

bool idx(std::string_view bytes);           // an IDX file as stored: raw or gzip
bool idx_gzip(std::string_view bytes);      // an IDX stream, gzip-compressed before reading
bool csv(std::string_view bytes);           // a CSV data set
bool config(std::string_view bytes);        // a --config TOML file
bool model_file(std::string_view bytes);    // a saved model
bool weights_json(std::string_view bytes);  // --init-from: JSON weights or a model file
bool vary(std::string_view bytes);          // --vary specs, one per line, and their grid
bool run_options(std::string_view bytes);   // NAME=VALUE lines: init, optimizer, activation…
bool data_spec(std::string_view bytes);     // --data specs
bool npy(std::string_view bytes);           // a .npy array, header and data
bool npz(std::string_view bytes);           // an .npz archive: its arrays, then X and y
bool weights_npz(std::string_view bytes);   // an .npz as a network and its gradients
bool serve_request(std::string_view bytes); // serve's POST /api/runs body: JSON options

struct Target {
  const char* name;  // also the folder of its seeds: fuzz/corpus/NAME, fuzz/regressions/NAME
  bool (*run)(std::string_view bytes);
};
std::span<const Target> all_targets();

}  // namespace mlpscope::fuzz
