// A counting allocator for the benchmark: every malloc, calloc, realloc and aligned allocation
// of the process (operator new included, since libstdc++'s calls malloc, and simdjson's aligned
// buffers) goes through counters before reaching glibc. Linked only into ppl_bench, never into
// a sanitizer build (ASan brings its own malloc).
#pragma once

#include <cstdint>

namespace ppl::bench {

struct AllocStats {
  uint64_t allocations = 0;  // successful malloc-family calls (realloc counts as one)
  uint64_t frees = 0;
  int64_t liveBytes = 0;     // usable bytes of blocks allocated and not yet freed
};

// Counting is off at start. Counts are only meaningful as differences between two snapshots
// taken while it is on (blocks allocated while it was off are not known to it).
void setAllocCounting(bool on);

// A snapshot of the process-wide counters.
AllocStats allocStats();

}  // namespace ppl::bench
