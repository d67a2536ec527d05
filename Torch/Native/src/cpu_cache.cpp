// A CPU allocator that keeps freed blocks of 1 MiB and more for the next allocation of the same rounded size.
//
// Why: a diffusion model allocates the same large temporaries at every step. glibc gives blocks above its mmap
// threshold (at most 32 MiB), and any block larger than a thread arena's 64 MiB heap, back to the kernel on free,
// so the next step pays again for the kernel zeroing fresh pages: about 40% of an SD1.5 UNet step on CPU here, and
// more on the thread-pool threads the host runs models on than on Python's main thread. PyTorch's CUDA allocator
// caches for the same reason. The cache is bounded (WORKFLOW_CPU_CACHE_MB, default a quarter of the machine's
// memory, at most 8 GiB; 0 turns it off) and emptied by wt_cpu_cache_release.
//
// Blocks are kept by exact size class, so a cached block of one size cannot serve a request of another. Were a miss
// simply to allocate, the footprint would be the live bytes plus everything cached: an SD1.5 step on the CPU peaked
// 5.4 GB above its live 4.1 GB that way. So a miss that would take live plus cached bytes above the most bytes live
// (since the start or torch.cpu.reset_peak_memory_stats) plus a half first frees cached blocks, least recently freed
// first: the footprint stays within 1.5 times the live peak, and a loop that repeats its sizes still finds them (an
// eighth kept the SD1.5 step at 1.18 times its live peak but zeroed 1.2 GB of fresh pages per UNet call). glibc's
// own mmap threshold is left alone: fixing it at 1 MiB made every other library's large buffers fresh pages at every
// call (the SD1.5 step 10% slower) without lowering the peak.
#include <c10/core/CPUAllocator.h>
#include <c10/core/impl/alloc_cpu.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <list>
#include <mutex>
#include <unordered_map>
#include <utility>
#include <vector>

#include "shim.h"

namespace {

constexpr size_t kMinCachedBytes = size_t{1} << 20;
constexpr size_t kGranularity = size_t{256} << 10;
// Each block starts with its cache size class and the bytes asked for, so that the deleter needs only the data
// pointer: ATen's raw_allocate / raw_deallocate require that. 64 bytes keep the data 64-byte aligned, as c10's own
// allocator does.
constexpr size_t kHeader = 64;

struct BlockHeader {
  size_t cached_bytes;  // the size class it returns to, or 0: not for the cache
  size_t requested;     // counted in the live bytes while the block is in use
};

size_t default_limit() {
  if (const char* megabytes = std::getenv("WORKFLOW_CPU_CACHE_MB")) return std::strtoull(megabytes, nullptr, 10) << 20;
  const long pages = sysconf(_SC_PHYS_PAGES), page_size = sysconf(_SC_PAGE_SIZE);
  const size_t quarter = pages > 0 && page_size > 0 ? static_cast<size_t>(pages) * page_size / 4 : 0;
  return std::min(quarter, size_t{8} << 30);
}

class CachingCpuAllocator final : public at::Allocator {
 public:
  explicit CachingCpuAllocator(size_t limit) : limit_(limit) {}

#if WT_TORCH_AT_LEAST(2, 3)
  at::DataPtr allocate(size_t bytes) override { return take(bytes); }
  void copy_data(void* dest, const void* src, size_t count) const override { default_copy_data(dest, src, count); }
#else
  at::DataPtr allocate(size_t bytes) const override { return const_cast<CachingCpuAllocator*>(this)->take(bytes); }
#endif

  at::DeleterFnPtr raw_deleter() const override { return &deallocate; }

  size_t cached_bytes() {
    std::lock_guard<std::mutex> lock(mutex_);
    return cached_;
  }

  int64_t allocated_bytes() const { return allocated_.load(std::memory_order_relaxed); }

  int64_t max_allocated_bytes() const { return max_allocated_.load(std::memory_order_relaxed); }

  void reset_peak() { max_allocated_.store(allocated_bytes(), std::memory_order_relaxed); }

  void release() {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& [bytes, block] : by_age_) c10::free_cpu(block);
    by_age_.clear();
    free_.clear();
    cached_ = 0;
  }

 private:
  at::DataPtr take(size_t requested) {
    if (requested == 0) return {nullptr, nullptr, &deallocate, at::Device(at::kCPU)};
    const bool cached = requested >= kMinCachedBytes && limit_ > 0;
    const size_t bytes = cached ? (requested + kGranularity - 1) / kGranularity * kGranularity : requested;
    void* block = cached ? reuse_or_make_room(bytes) : nullptr;
    if (!block) block = c10::alloc_cpu(bytes + kHeader);
    *static_cast<BlockHeader*>(block) = {cached ? bytes : 0, requested};
    const int64_t now = allocated_.fetch_add(static_cast<int64_t>(requested), std::memory_order_relaxed) + static_cast<int64_t>(requested);
    for (int64_t peak = max_allocated_.load(std::memory_order_relaxed);
         now > peak && !max_allocated_.compare_exchange_weak(peak, now, std::memory_order_relaxed);) {
    }
    void* data = static_cast<char*>(block) + kHeader;
    return {data, data, &deallocate, at::Device(at::kCPU)};
  }

  // A cached block of this size class (the most recently freed), or null after freeing cached blocks of other
  // classes, oldest first, as far as the allocation that follows would otherwise raise the footprint above the bound.
  void* reuse_or_make_room(size_t bytes) {
    std::vector<void*> evicted;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto found = free_.find(bytes);
      if (found != free_.end() && !found->second.empty()) {
        const auto newest = found->second.back();
        void* block = newest->second;
        found->second.pop_back();
        by_age_.erase(newest);
        cached_ -= bytes;
        return block;
      }
      const size_t live = static_cast<size_t>(std::max<int64_t>(allocated_.load(std::memory_order_relaxed), 0)) + bytes;
      const size_t bound = std::max(live, static_cast<size_t>(max_allocated_.load(std::memory_order_relaxed)));
      while (live + cached_ > bound + bound / 2 && !by_age_.empty()) {
        const auto [size, block] = by_age_.front();
        auto& same_size = free_[size];
        same_size.erase(same_size.begin());  // the oldest of its class comes first
        by_age_.pop_front();
        cached_ -= size;
        evicted.push_back(block);
      }
    }
    for (void* block : evicted) c10::free_cpu(block);
    return nullptr;
  }

  // Keeps the block unless that would pass the limit.
  void keep_or_free(void* block, size_t bytes) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (bytes > 0 && cached_ + bytes <= limit_) {
        free_[bytes].push_back(by_age_.insert(by_age_.end(), {bytes, block}));
        cached_ += bytes;
        return;
      }
    }
    c10::free_cpu(block);
  }

  static void deallocate(void* data);

  const size_t limit_;
  std::mutex mutex_;
  // Cached blocks, least recently freed first, and per size class in the order freed.
  using Cached = std::list<std::pair<size_t, void*>>;
  Cached by_age_;
  std::unordered_map<size_t, std::vector<Cached::iterator>> free_;
  size_t cached_ = 0;
  std::atomic<int64_t> allocated_{0};
  std::atomic<int64_t> max_allocated_{0};
};

// Never destroyed: tensors may still be freed while the process exits.
CachingCpuAllocator& instance() {
  static auto* allocator = new CachingCpuAllocator(default_limit());
  return *allocator;
}

void CachingCpuAllocator::deallocate(void* data) {
  if (!data) return;
  void* block = static_cast<char*>(data) - kHeader;
  const BlockHeader header = *static_cast<BlockHeader*>(block);
  instance().allocated_.fetch_sub(static_cast<int64_t>(header.requested), std::memory_order_relaxed);
  instance().keep_or_free(block, header.cached_bytes);
}

// Installed when the library loads, before any tensor exists (priority above c10's default registration).
[[maybe_unused]] const bool installed = [] {
  return wt::status_call([] { c10::SetCPUAllocator(&instance(), /*priority=*/1); }) == 0;
}();

}  // namespace

WT_API int64_t wt_cpu_cache_bytes() { return static_cast<int64_t>(instance().cached_bytes()); }

WT_API void wt_cpu_cache_release() { instance().release(); }

WT_API int64_t wt_cpu_allocated_bytes() { return instance().allocated_bytes(); }

WT_API int64_t wt_cpu_max_allocated_bytes() { return instance().max_allocated_bytes(); }

WT_API void wt_cpu_reset_peak_allocated() { instance().reset_peak(); }
