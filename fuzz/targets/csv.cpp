// CSV data sets (data/csv.h): once as --data csv:PATH reads them, once with label=label and
// classes=3, the options that take the other branches (a named label column, a class count
// that labels must fit).
#include "data/csv.h"
#include "core/error.h"
#include "scratch_file.h"
#include "targets.h"

namespace mlpscope::fuzz {

bool csv(std::string_view bytes) {
  const std::string& path = write_scratch_file("csv", bytes);
  bool accepted = true;
  try {
    (void)load_csv(path);
  } catch (const Error&) {
    accepted = false;
  }
  try {
    (void)load_csv(path, CsvOptions{"label", 3});
  } catch (const Error&) {}
  return accepted;
}

}  // namespace mlpscope::fuzz
