// core/threads.h's usable_cores: the CPUs of the affinity mask, capped by a cgroup quota,
// which a sweep's default --jobs and serve's default --max-runs use.
#include <gtest/gtest.h>
#include <sched.h>

#include "core/threads.h"

namespace mlpscope {
namespace {

TEST(UsableCores, CpuMaxRoundsTheQuotaUp) {
  EXPECT_EQ(cores_from_cpu_max("200000 100000"), 2);
  EXPECT_EQ(cores_from_cpu_max("150000 100000\n"), 2);  // one and a half cores: two used
  EXPECT_EQ(cores_from_cpu_max("50000 100000"), 1);
  EXPECT_EQ(cores_from_cpu_max("100000 100000"), 1);
  EXPECT_EQ(cores_from_cpu_max("400000 50000"), 8);
  EXPECT_EQ(cores_from_cpu_max("max 100000"), std::nullopt);  // no limit
  for (const char* bad : {"", "max", "100000", "-1 100000", "100000 0", "1e5 100000", "a b"})
    EXPECT_EQ(cores_from_cpu_max(bad), std::nullopt) << bad;
}

TEST(UsableCores, FollowsTheAffinityMask) {
  cpu_set_t saved;
  ASSERT_EQ(sched_getaffinity(0, sizeof(saved), &saved), 0);
  const int allowed = CPU_COUNT(&saved);
  const int before = usable_cores();
  EXPECT_LE(before, allowed);
  EXPECT_GE(before, 1);

  // This thread pinned to the first CPU it may use: one core.
  int first = 0;
  while (!CPU_ISSET(first, &saved)) ++first;
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(first, &one);
  ASSERT_EQ(sched_setaffinity(0, sizeof(one), &one), 0);
  const int pinned = usable_cores();
  ASSERT_EQ(sched_setaffinity(0, sizeof(saved), &saved), 0);
  EXPECT_EQ(pinned, 1);
  EXPECT_EQ(usable_cores(), before);  // the mask restored, the count with it
}

}  // namespace
}  // namespace mlpscope
