// The number of threads the products use (--threads), and the number of cores this process
// may use. One thread is the default: the networks this tool studies are small, and a single
// thread is both fastest for them and bit-for-bit reproducible. Same options, same seed,
// same thread count: same numbers.
#pragma once

#include <optional>
#include <string_view>

namespace mlpscope {

void set_threads(int count);

// The cores this process may run on at once: the CPUs of its affinity mask (taskset,
// numactl, a container's cpuset), capped by its cgroup's CPU quota rounded up (docker
// --cpus, systemd CPUQuota=, Kubernetes limits). std::thread::hardware_concurrency counts
// the machine's CPUs instead, and a sweep or a server that starts that many busy workers
// in a container limited to two cores runs slower than with two (the workers take turns
// on the quota). Always at least 1.
int usable_cores();

// The cores a cgroup v2 `cpu.max` line grants ("QUOTA PERIOD", in microseconds, or "max
// PERIOD" for no limit), rounded up; nullopt when unlimited or unreadable.
std::optional<int> cores_from_cpu_max(std::string_view line);

}  // namespace mlpscope
