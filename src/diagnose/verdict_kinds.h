// The verdicts and causes, each one row of a table: its name as written in summaries, run
// logs and sweep databases, what it means, and the thresholds that decide it
// (diagnose/thresholds.h). docs/verdicts.md presents the same rows;
// tests/diagnose/verdict_kinds_test.cpp checks that the page, the --help thresholds and
// this table agree. Adding a cause: a row here, its evidence in verdict.cpp, its line in
// docs/verdicts.md, a test on each side of its threshold.
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace mlpscope {

// Ordered from best to worst, as maps and reports list them.
enum class VerdictKind { converged, slow, stalled, oscillating, diverged };

enum class Cause {
  none,  // converged
  lr_too_high,
  exploding,
  saturated_output,
  dead_units,
  saturated_units,
  vanishing_gradient,
  collapsed,
  lr_too_low,
  budget,
  plateau,
};

struct VerdictRow {
  VerdictKind kind;
  std::string_view name;          // "converged": the word in every output
  std::string_view abbreviation;  // "conv": in the terminal map's narrow cells
  std::string_view when;          // one line: the rule that gives it
  std::string_view thresholds;    // the constants of diagnose/thresholds.h that decide it
};

struct CauseRow {
  Cause cause;
  std::string_view name;        // "" for none: summaries write null, sweep rows ""
  std::string_view verdicts;    // the verdicts it can come with
  std::string_view evidence;    // one line: what was measured
  std::string_view thresholds;  // the constants of diagnose/thresholds.h that decide it
};

std::span<const VerdictRow> verdict_table();
std::span<const CauseRow> cause_table();

const VerdictRow& row_of(VerdictKind kind);
const CauseRow& row_of(Cause cause);
std::string_view name(VerdictKind kind);
std::string_view name(Cause cause);

// The kind named `text`, or nothing when no row has that name.
std::optional<VerdictKind> verdict_named(std::string_view text);
std::optional<Cause> cause_named(std::string_view text);
// The same for text read back from a file: an unknown name is an Error naming `where`.
VerdictKind verdict_from_text(std::string_view text, std::string_view where);
Cause cause_from_text(std::string_view text, std::string_view where);

}  // namespace mlpscope
