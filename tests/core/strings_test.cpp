#include "core/strings.h"

#include <gtest/gtest.h>

#include <string>

namespace mlpscope {
namespace {

TEST(IsUtf8, AcceptsWellFormedText) {
  EXPECT_TRUE(is_utf8(""));
  EXPECT_TRUE(is_utf8("csv:/data/runs.csv"));
  EXPECT_TRUE(is_utf8("λmax ≤ 2/lr"));            // 2- and 3-byte forms
  EXPECT_TRUE(is_utf8("\xF0\x9F\x93\x88 plot"));  // U+1F4C8, 4 bytes
  EXPECT_TRUE(is_utf8("\xF4\x8F\xBF\xBF"));       // U+10FFFF, the last code point
  EXPECT_TRUE(is_utf8(std::string("a\0b", 3)));   // NUL is ASCII
}

TEST(IsUtf8, RefusesWhatJsonCannotHold) {
  EXPECT_FALSE(is_utf8("spiral:n=2\xFF"));    // the fuzzer's input: a byte never in UTF-8
  EXPECT_FALSE(is_utf8("\x80"));              // a continuation byte alone
  EXPECT_FALSE(is_utf8("\xC3"));              // cut short
  EXPECT_FALSE(is_utf8("\xE2\x89"));          // cut short
  EXPECT_FALSE(is_utf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(is_utf8("\xE0\x80\xAF"));      // overlong '/', 3 bytes
  EXPECT_FALSE(is_utf8("\xF0\x80\x80\xAF"));  // overlong '/', 4 bytes
  EXPECT_FALSE(is_utf8("\xED\xA0\x80"));      // U+D800, a surrogate
  EXPECT_FALSE(is_utf8("\xF4\x90\x80\x80"));  // U+110000, past the last code point
  EXPECT_FALSE(is_utf8("\xE2\x28\xA1"));      // a bad second byte
  EXPECT_FALSE(is_utf8("\xF0\x9F\x93\x28"));  // a bad fourth byte
}

}  // namespace
}  // namespace mlpscope
