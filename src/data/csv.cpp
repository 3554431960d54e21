#include "data/csv.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>

#include "core/error.h"
#include "core/strings.h"

namespace mlpscope {

namespace {

struct Row {
  std::size_t line = 0;  // 1-based line number in the file
  std::vector<std::string> fields;
};

// The columns of a CSV file as a whole: which one holds the label, and their names.
struct Layout {
  std::vector<std::string> names;
  std::size_t label = 0;
};

std::string read_whole_file(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw Error(path + ": no such file");
  if (std::filesystem::is_directory(path, ec)) throw Error(path + ": is a directory, not a file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path + ": cannot open: " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw Error(path + ": read error");
  return std::move(text).str();
}

// One line into trimmed fields. A field in double quotes may hold commas, and "" stands for
// one quote inside it (RFC 4180).
std::vector<std::string> split_fields(std::string_view line, const std::string& where) {
  std::vector<std::string> fields;
  std::string field;
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted && c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
      field += '"';
      ++i;
    } else if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      fields.push_back(trim(field));
      field.clear();
    } else {
      field += c;
    }
  }
  if (quoted) throw Error(where + ": a quoted field is not closed");
  fields.push_back(trim(field));
  return fields;
}

// Every non-blank line, split; CR of CRLF endings and a UTF-8 byte order mark dropped.
std::vector<Row> read_rows(const std::string& path) {
  const std::string text = read_whole_file(path);
  std::string_view rest = text;
  if (rest.starts_with("\xEF\xBB\xBF")) rest.remove_prefix(3);
  std::vector<Row> rows;
  for (std::size_t line = 1; !rest.empty(); ++line) {
    const std::size_t end = std::min(rest.find('\n'), rest.size());
    const std::string_view content = rest.substr(0, end);
    rest.remove_prefix(std::min(end + 1, rest.size()));
    if (trim(content).empty()) continue;
    rows.push_back({line, split_fields(content, path + " line " + std::to_string(line))});
  }
  if (rows.empty()) throw Error(path + ": the file is empty; expected a header row and data");
  if (rows.size() == 1)
    throw Error(path + ": header at line " + std::to_string(rows[0].line) + " but no data rows");
  return rows;
}

Layout find_layout(const Row& header, const CsvOptions& options, const std::string& path) {
  Layout layout{header.fields, header.fields.size() - 1};
  if (layout.names.size() < 2)
    throw Error(path + " line " + std::to_string(header.line) + ": the header has " +
                std::to_string(layout.names.size()) +
                " column; expected at least one feature column and a label column");
  if (options.label_column.empty()) return layout;
  const auto& names = layout.names;
  const auto found = std::find(names.begin(), names.end(), options.label_column);
  if (found == names.end()) {
    std::string list;
    for (const auto& name : names) list += (list.empty() ? "'" : ", '") + name + "'";
    throw Error(path + ": no column named '" + options.label_column +
                "' for label=" + options.label_column + "; the header (line " +
                std::to_string(header.line) + ") has " + list);
  }
  if (std::count(names.begin(), names.end(), options.label_column) > 1)
    throw Error(path + ": label=" + options.label_column + " is ambiguous: the header has " +
                "several columns of that name");
  layout.label = static_cast<std::size_t>(found - names.begin());
  return layout;
}

std::string where(const std::string& path, const Row& row, std::size_t column,
                  const Layout& layout) {
  return path + " line " + std::to_string(row.line) + ", column " + std::to_string(column + 1) +
         " ('" + layout.names[column] + "')";
}

// Whole-string integer without exceptions: labels are tested one by one, and a file of
// string labels would otherwise throw once per row.
std::optional<long long> as_integer(std::string_view text) {
  if (text.starts_with('+')) text.remove_prefix(1);
  long long value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

void check_classes(const CsvOptions& options, const std::string& path) {
  if (options.classes && *options.classes < 1)
    throw Error(path + ": classes=" + std::to_string(*options.classes) + " must be at least 1");
}

// Integer labels: used as they are; they must be ≥ 0 and below classes=K when it is given.
void assign_integer_labels(Dataset& data, const std::vector<Row>& rows, const Layout& layout,
                           const CsvOptions& options, const std::string& path) {
  const long long limit = options.classes ? *options.classes : std::numeric_limits<int32_t>::max();
  long long largest = 0;
  for (std::size_t r = 1; r < rows.size(); ++r) {
    const long long label = *as_integer(rows[r].fields[layout.label]);
    const std::string at = where(path, rows[r], layout.label, layout);
    if (label < 0)
      throw Error(at + ": label " + std::to_string(label) +
                  " is negative; integer labels are class indices 0, 1, 2, ...");
    if (label >= limit)
      throw Error(at + ": label " + std::to_string(label) + " is outside " +
                  (options.classes ? "classes=" + std::to_string(limit) + " (labels must be 0.." +
                                         std::to_string(limit - 1) + ")"
                                   : std::string("the int32 range")));
    largest = std::max(largest, label);
    data.labels.push_back(static_cast<std::int32_t>(label));
  }
  data.num_classes = options.classes ? *options.classes : std::max<Index>(2, largest + 1);
}

// String labels: the distinct names in sorted order are classes 0, 1, …
void assign_string_labels(Dataset& data, const std::vector<Row>& rows, const Layout& layout,
                          const CsvOptions& options, const std::string& path) {
  std::map<std::string, std::int32_t> index;
  for (std::size_t r = 1; r < rows.size(); ++r) index.emplace(rows[r].fields[layout.label], 0);
  if (options.classes && static_cast<Index>(index.size()) > *options.classes) {
    const auto& first_extra = std::next(index.begin(), *options.classes)->first;
    std::size_t r = 1;
    while (rows[r].fields[layout.label] != first_extra) ++r;
    throw Error(where(path, rows[r], layout.label, layout) + ": label '" + first_extra +
                "' is class " + std::to_string(*options.classes) + " of " +
                std::to_string(index.size()) +
                " distinct labels (sorted), outside classes=" + std::to_string(*options.classes));
  }
  for (auto& [name, k] : index) {
    k = static_cast<std::int32_t>(data.class_names.size());
    data.class_names.push_back(name);
  }
  for (std::size_t r = 1; r < rows.size(); ++r)
    data.labels.push_back(index.at(rows[r].fields[layout.label]));
  data.num_classes = options.classes ? *options.classes : static_cast<Index>(index.size());
}

void read_features(Dataset& data, const std::vector<Row>& rows, const Layout& layout,
                   const std::string& path) {
  const std::size_t columns = layout.names.size();
  data.values.reserve((rows.size() - 1) * (columns - 1));
  for (std::size_t r = 1; r < rows.size(); ++r) {
    const Row& row = rows[r];
    if (row.fields.size() != columns)
      throw Error(path + " line " + std::to_string(row.line) + ": " +
                  std::to_string(row.fields.size()) + " columns, but the header (line " +
                  std::to_string(rows[0].line) + ") has " + std::to_string(columns));
    if (row.fields[layout.label].empty())
      throw Error(where(path, row, layout.label, layout) + ": the label is empty");
    for (std::size_t c = 0; c < columns; ++c)
      if (c != layout.label)
        data.values.push_back(parse_double(row.fields[c], where(path, row, c, layout)));
  }
}

}  // namespace

Dataset load_csv(const std::string& path, const CsvOptions& options) {
  check_classes(options, path);
  const std::vector<Row> rows = read_rows(path);
  const Layout layout = find_layout(rows[0], options, path);

  Dataset data;
  data.name = path;
  data.dim = static_cast<Index>(layout.names.size() - 1);
  read_features(data, rows, layout, path);

  const bool all_integers = std::all_of(rows.begin() + 1, rows.end(), [&](const Row& row) {
    return as_integer(row.fields[layout.label]).has_value();
  });
  if (all_integers)
    assign_integer_labels(data, rows, layout, options, path);
  else
    assign_string_labels(data, rows, layout, options, path);
  data.validate();
  return data;
}

}  // namespace mlpscope
