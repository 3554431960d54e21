#include "data/npy_header.h"

#include <algorithm>
#include <bit>
#include <limits>
#include <optional>
#include <utility>

#include "core/error.h"

namespace mlpscope {

namespace {

// What numpy's other type codes (the array interface's typestr) are, for the refusal;
// in parentheses, as the refusal shows them.
std::string unsupported_kind(char code) {
  constexpr std::pair<char, const char*> kKinds[] = {{'c', "(complex)"},
                                                     {'m', "(timedelta)"},
                                                     {'M', "(datetime)"},
                                                     {'S', "(bytes)"},
                                                     {'a', "(bytes)"},
                                                     {'U', "(unicode string)"},
                                                     {'V', "(void: raw bytes or records)"}};
  for (const auto& [known, kind] : kKinds)
    if (known == code) return kind;
  return "(unknown)";
}

// A cursor over the header text; every error names the character position it stopped at.
class HeaderReader {
 public:
  HeaderReader(std::string_view text, const std::string& where) : text_(text), where_(where) {}

  // The problem may quote the header's bytes: control characters and bytes beyond ASCII
  // become '?', so that the message stays one printable line.
  [[noreturn]] void fail(std::string problem) const {
    for (char& c : problem)
      if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) c = '?';
    throw Error(where_ + ": header: " + problem);
  }
  [[noreturn]] void fail_here(const std::string& expected) const {
    const std::string found =
        at_end() ? "the end of the header" : "'" + std::string(1, text_[pos_]) + "'";
    fail("expected " + expected + " at character " + std::to_string(pos_ + 1) + ", found " + found +
         " (the header is " + quoted_start() + ")");
  }

  bool at_end() const { return pos_ >= text_.size(); }
  char peek() const { return at_end() ? '\0' : text_[pos_]; }
  void skip_space() {
    while (!at_end() && (peek() == ' ' || peek() == '\t' || peek() == '\n' || peek() == '\r'))
      ++pos_;
  }
  // Skips spaces, then consumes `c` if it is next.
  bool take(char c) {
    skip_space();
    if (peek() != c) return false;
    ++pos_;
    return true;
  }
  void expect(char c) {
    if (!take(c)) fail_here(std::string("'") + c + "'");
  }

  std::string string_literal() {
    skip_space();
    const char quote = peek();
    if (quote != '\'' && quote != '"') fail_here("a quoted string");
    const std::size_t start = ++pos_;
    while (!at_end() && peek() != quote) {
      if (peek() == '\\') fail("escapes in strings are not expected in a .npy header");
      ++pos_;
    }
    if (at_end())
      fail("a string that starts at character " + std::to_string(start) + " is not closed");
    return std::string(text_.substr(start, pos_++ - start));
  }

  bool boolean() {
    skip_space();
    for (const auto& [word, value] : {std::pair{"True", true}, std::pair{"False", false}}) {
      if (text_.substr(pos_).starts_with(word)) {
        pos_ += std::string_view(word).size();
        return value;
      }
    }
    fail_here("True or False");
  }

  // A Python tuple of non-negative integers: (), (5,), (3, 4), (3, 4,).
  std::vector<std::uint64_t> shape_tuple() {
    expect('(');
    std::vector<std::uint64_t> shape;
    if (take(')')) return shape;
    bool comma = false;
    while (true) {
      shape.push_back(integer());
      comma = take(',');
      if (take(')')) break;
      if (!comma) fail_here("',' or ')' in the shape");
    }
    if (shape.size() == 1 && !comma)  // (5) is the number 5 in Python, not a tuple
      fail("the shape (" + std::to_string(shape[0]) + ") is not a tuple; numpy writes (" +
           std::to_string(shape[0]) + ",)");
    return shape;
  }

  bool in_list() {
    skip_space();
    return peek() == '[';
  }

 private:
  std::uint64_t integer() {
    skip_space();
    if (peek() == '-')
      fail("a negative size in the shape at character " + std::to_string(pos_ + 1));
    if (peek() < '0' || peek() > '9') fail_here("a size (a non-negative integer)");
    std::uint64_t value = 0;
    for (; !at_end() && peek() >= '0' && peek() <= '9'; ++pos_) {
      const auto digit = static_cast<std::uint64_t>(peek() - '0');
      if (value > (std::numeric_limits<std::uint64_t>::max() - digit) / 10)
        fail("a size in the shape does not fit 64 bits");
      value = value * 10 + digit;
    }
    if (peek() == 'L' || peek() == 'l') ++pos_;  // a Python 2 long, as old writers wrote it
    return value;
  }

  std::string quoted_start() const {
    constexpr std::size_t kShown = 80;
    return "\"" + std::string(text_.substr(0, kShown)) + (text_.size() > kShown ? "...\"" : "\"");
  }

  std::string_view text_;
  const std::string& where_;
  std::size_t pos_ = 0;
};

// '<f8' → float64 stored little-endian; '|u1' → uint8.
void parse_descr(NpyHeader& header, const std::string& descr, const HeaderReader& in) {
  std::string_view rest = descr;
  char order = '=';
  if (!rest.empty() && (rest[0] == '<' || rest[0] == '>' || rest[0] == '|' || rest[0] == '=')) {
    order = rest[0];
    rest.remove_prefix(1);
  }
  const char code = rest.empty() ? '\0' : rest[0];
  const std::string_view digits = rest.empty() ? rest : rest.substr(1);
  int size = 0;  // 0: missing or not a plain number of bytes
  if (!digits.empty() && digits.size() <= 2 &&
      std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
    size = std::stoi(std::string(digits));
  const std::string refused = "dtype '" + descr + "' ";
  const std::string readable = "; mlpscope reads float32, float64, integer and bool arrays";
  if (code == 'O')
    in.fail(refused +
            "is an object array (pickled Python objects), not numbers; save a "
            "numeric array, e.g. np.asarray(x, dtype=np.float64)");
  if (code == 'f' && (size == 2 || size > 8))
    in.fail(refused + "(float" + std::to_string(8 * size) + ") is not read" + readable +
            "; convert with .astype(np.float32)");
  const bool known =
      (code == 'f' && (size == 4 || size == 8)) ||
      ((code == 'i' || code == 'u') && (size == 1 || size == 2 || size == 4 || size == 8)) ||
      (code == 'b' && size == 1);
  if (!known) {
    const bool numeric_code = code == 'f' || code == 'i' || code == 'u' || code == 'b';
    if (numeric_code) in.fail(refused + "has an element size numpy does not write" + readable);
    in.fail(refused + unsupported_kind(code) + " is not read" + readable);
  }
  header.dtype.size = size;
  header.dtype.kind = code == 'f'   ? NpyKind::Float
                      : code == 'i' ? NpyKind::Signed
                      : code == 'u' ? NpyKind::Unsigned
                                    : NpyKind::Bool;
  const bool little = std::endian::native == std::endian::little;
  header.swap_bytes = size > 1 && ((order == '<' && !little) || (order == '>' && little));
}

}  // namespace

NpyHeader parse_npy_header(std::string_view text, const std::string& where) {
  HeaderReader in(text, where);
  NpyHeader header;
  std::optional<std::string> descr;
  std::optional<bool> fortran_order;
  std::optional<std::vector<std::uint64_t>> shape;
  in.expect('{');
  while (!in.take('}')) {
    const std::string key = in.string_literal();
    in.expect(':');
    const auto seen = [&](bool present) {
      if (present) in.fail("the key '" + key + "' is given twice");
    };
    if (key == "descr") {
      seen(descr.has_value());
      if (in.in_list())
        in.fail(
            "'descr' is a list: a structured dtype (named fields), which mlpscope does not "
            "read; save each field as its own array");
      descr = in.string_literal();
    } else if (key == "fortran_order") {
      seen(fortran_order.has_value());
      fortran_order = in.boolean();
    } else if (key == "shape") {
      seen(shape.has_value());
      shape = in.shape_tuple();
    } else {
      in.fail("unexpected key '" + key +
              "'; a .npy header holds exactly 'descr', 'fortran_order' and 'shape'");
    }
    if (!in.take(',')) {
      in.expect('}');
      break;
    }
  }
  in.skip_space();
  if (!in.at_end()) in.fail_here("nothing after the closing '}' but spaces and a newline");
  for (const auto& [present, name] : {std::pair{descr.has_value(), "descr"},
                                      std::pair{fortran_order.has_value(), "fortran_order"},
                                      std::pair{shape.has_value(), "shape"}})
    if (!present) in.fail(std::string("the key '") + name + "' is missing");
  parse_descr(header, *descr, in);
  header.fortran_order = *fortran_order;
  header.shape = std::move(*shape);
  return header;
}

}  // namespace mlpscope
