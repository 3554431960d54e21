// The verdict and cause table (diagnose/verdict_kinds.h): each kind finds its own row, names
// read back to their kind, and the table, docs/verdicts.md and --help's thresholds agree.
#include "diagnose/verdict_kinds.h"

#include <gtest/gtest.h>

#include <set>
#include <sstream>
#include <string>

#include "core/error.h"
#include "diagnose/thresholds.h"
#include "support/read_text.h"

namespace mlpscope {
namespace {

const std::string kVerdictsPage =
    testing::read_text(std::string(MLPSCOPE_SOURCE_DIR) + "/docs/verdicts.md");

std::vector<std::string> words(std::string_view text) {
  std::istringstream in{std::string(text)};
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

TEST(VerdictKinds, EveryKindIndexesItsOwnRowAndItsNameReadsBack) {
  std::set<std::string_view> seen;
  for (const VerdictRow& row : verdict_table()) {
    EXPECT_EQ(row_of(row.kind).name, row.name);
    EXPECT_EQ(verdict_named(row.name), row.kind);
    EXPECT_TRUE(seen.insert(row.name).second) << "two verdicts named " << row.name;
    EXPECT_FALSE(row.abbreviation.empty());
    EXPECT_LE(row.abbreviation.size(), 5u) << "the terminal map's cells are narrow";
  }
  EXPECT_EQ(verdict_table().size(), 5u);
  for (const CauseRow& row : cause_table()) {
    EXPECT_EQ(row_of(row.cause).name, row.name);
    EXPECT_EQ(cause_named(row.name), row.cause);
    EXPECT_TRUE(seen.insert(row.name).second) << "two rows named " << row.name;
  }
  EXPECT_EQ(name(Cause::none), "") << "converged runs write a null (or empty) cause";
}

TEST(VerdictKinds, UnknownNamesAreRefusedNamingWhereTheyWereRead) {
  EXPECT_FALSE(verdict_named("Converged"));
  EXPECT_FALSE(cause_named("lr too high"));
  try {
    (void)verdict_from_text("exploded", "results.sqlite");
    FAIL() << "an unknown verdict was accepted";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "results.sqlite: unknown verdict 'exploded'");
  }
  EXPECT_THROW((void)cause_from_text("bad_luck", "sweep row"), Error);
  EXPECT_EQ(cause_from_text("", "sweep row"), Cause::none);
}

TEST(VerdictKinds, EveryRowIsDocumentedWithItsThresholds) {
  const std::string help = describe_thresholds();
  auto check_thresholds = [&](std::string_view name, std::string_view thresholds) {
    for (const std::string& t : words(thresholds)) {
      EXPECT_NE(help.find(t + " "), std::string::npos) << name << ": " << t << " not in --help";
      EXPECT_NE(kVerdictsPage.find("`" + t + "`"), std::string::npos)
          << name << ": " << t << " not in docs/verdicts.md";
    }
  };
  for (const VerdictRow& row : verdict_table()) {
    EXPECT_NE(kVerdictsPage.find("| `" + std::string(row.name) + "` |"), std::string::npos)
        << row.name << " has no row in docs/verdicts.md";
    check_thresholds(row.name, row.thresholds);
  }
  for (const CauseRow& row : cause_table()) {
    if (row.cause == Cause::none) continue;
    EXPECT_NE(kVerdictsPage.find("| `" + std::string(row.name) + "` |"), std::string::npos)
        << row.name << " has no row in docs/verdicts.md";
    for (const std::string& v : words(row.verdicts)) {
      const std::string verdict = v.back() == ',' ? v.substr(0, v.size() - 1) : v;
      EXPECT_TRUE(verdict_named(verdict)) << row.name << " names an unknown verdict " << verdict;
    }
    check_thresholds(row.name, row.thresholds);
  }
}

}  // namespace
}  // namespace mlpscope
