// CSV data sets: a header row of column names, then one sample per row.
//
// The label is the last column unless CsvOptions::label_column names another; every other
// column is a feature and must hold a finite number. Labels that are all integers are used
// as class indices as they are (they must be ≥ 0; num_classes = largest + 1, at least 2, or
// CsvOptions::classes). Otherwise the distinct label strings, in sorted order, become classes
// 0, 1, … and are kept in Dataset::class_names.
//
// Tolerated: CRLF line endings, a UTF-8 byte order mark, spaces around fields, blank lines
// (a trailing empty line, say), and fields in double quotes ("a,b" and "" as in RFC 4180;
// quoted text is trimmed like any other field).
// Line and column numbers in errors are 1-based; the header is line 1.
#pragma once

#include <optional>
#include <string>

#include "data/dataset.h"

namespace mlpscope {

struct CsvOptions {
  std::string label_column;      // empty: the last column
  std::optional<Index> classes;  // fixes num_classes; a label ≥ classes is an error
};

// Reads `path` into a float64 data set named `path`. Throws Error naming the file, line and
// column for an unreadable or empty file, a header without data rows, an unknown label
// column, a ragged row, a feature that is not a finite number, a negative integer label,
// or a label outside `classes`.
Dataset load_csv(const std::string& path, const CsvOptions& options = {});

}  // namespace mlpscope
