// Interposes the malloc family (the executable's definitions win over libc's at link time) and
// forwards to glibc's __libc_* entry points, counting on the way while counting is on. Sizes
// come from malloc_usable_size, so no header is added to blocks and any pointer glibc made can
// be freed. Off, the cost is one relaxed load per call, so timings of code that allocates (the
// compiler, the .pplb loader) are not inflated by the counting.
#include "bench/alloc_counter.h"

#include <malloc.h>

#include <atomic>
#include <cerrno>
#include <cstddef>

extern "C" {
void* __libc_malloc(size_t size);
void* __libc_calloc(size_t n, size_t size);
void* __libc_realloc(void* p, size_t size);
void* __libc_memalign(size_t alignment, size_t size);
void __libc_free(void* p);
}

namespace {

std::atomic<bool> gCounting{false};
std::atomic<uint64_t> gAllocations{0};
std::atomic<uint64_t> gFrees{0};
std::atomic<int64_t> gLiveBytes{0};

bool counting() { return gCounting.load(std::memory_order_relaxed); }

void* counted(void* p) {
  if (p != nullptr && counting()) {
    gAllocations.fetch_add(1, std::memory_order_relaxed);
    gLiveBytes.fetch_add(static_cast<int64_t>(malloc_usable_size(p)), std::memory_order_relaxed);
  }
  return p;
}

void released(void* p) {
  if (p == nullptr || !counting()) return;
  gFrees.fetch_add(1, std::memory_order_relaxed);
  gLiveBytes.fetch_sub(static_cast<int64_t>(malloc_usable_size(p)), std::memory_order_relaxed);
}

}  // namespace

extern "C" {

void* malloc(size_t size) { return counted(__libc_malloc(size)); }

void* calloc(size_t n, size_t size) { return counted(__libc_calloc(n, size)); }

void* realloc(void* p, size_t size) {
  if (p == nullptr) return malloc(size);
  if (!counting()) return __libc_realloc(p, size);
  const int64_t old = static_cast<int64_t>(malloc_usable_size(p));
  void* q = __libc_realloc(p, size);
  if (q == nullptr) return nullptr;  // p is untouched (or was freed when size == 0)
  gAllocations.fetch_add(1, std::memory_order_relaxed);
  gLiveBytes.fetch_add(static_cast<int64_t>(malloc_usable_size(q)) - old, std::memory_order_relaxed);
  return q;
}

void free(void* p) {
  released(p);
  __libc_free(p);
}

void* memalign(size_t alignment, size_t size) { return counted(__libc_memalign(alignment, size)); }

void* aligned_alloc(size_t alignment, size_t size) { return counted(__libc_memalign(alignment, size)); }

int posix_memalign(void** out, size_t alignment, size_t size) {
  if (alignment < sizeof(void*) || (alignment & (alignment - 1)) != 0) return EINVAL;
  void* p = counted(__libc_memalign(alignment, size));
  if (p == nullptr) return ENOMEM;
  *out = p;
  return 0;
}

}  // extern "C"

namespace ppl::bench {

void setAllocCounting(bool on) { gCounting.store(on, std::memory_order_relaxed); }

AllocStats allocStats() {
  AllocStats s;
  s.allocations = gAllocations.load(std::memory_order_relaxed);
  s.frees = gFrees.load(std::memory_order_relaxed);
  s.liveBytes = gLiveBytes.load(std::memory_order_relaxed);
  return s;
}

}  // namespace ppl::bench
