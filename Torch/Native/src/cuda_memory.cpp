// CUDA memory queries, as torch.cuda names them: mem_get_info (the device's free and total bytes, cudaMemGetInfo),
// memory_stats (the caching allocator's allocated / reserved / active bytes), reset_peak_memory_stats, empty_cache.
// The model memory budget reads them (ComfyUI's model_management.get_free_memory) and so does the GPU bench (peak
// VRAM). CUDA headers exist only beside a CUDA libtorch: CMakeLists.txt defines WT_WITH_CUDA when this file compiles
// with it there; everywhere else every function fails with "no CUDA". Only c10's allocator calls that kept their
// shape from 1.13 to 2.x are used (getDeviceStats, resetPeakStats, emptyCache with its default pool).
#include <stdexcept>

#include "shim.h"

#ifdef WT_WITH_CUDA
#include <c10/cuda/CUDACachingAllocator.h>
#include <c10/cuda/CUDAException.h>
#include <c10/cuda/CUDAGuard.h>
#include <cuda_runtime_api.h>
#endif

namespace {

#ifdef WT_WITH_CUDA
// The allocator's per-device state exists once CUDA is initialised; an empty tensor there initialises it lazily,
// as torch.cuda.memory_stats does first (torch.cuda.init), whatever the version calls that step.
c10::DeviceIndex initialised(int32_t device) {
  const auto index = static_cast<c10::DeviceIndex>(device);
  at::empty({0}, at::TensorOptions().device(at::Device(at::kCUDA, index)));
  return index;
}
#else
[[noreturn]] void no_cuda() {
  throw std::runtime_error("no CUDA: the native library was built against libtorch " TORCH_VERSION " without CUDA");
}
#endif

}  // namespace

// out: [free, total] bytes of the device, the driver's view (other processes' memory counts as used).
WT_API int32_t wt_cuda_mem_get_info(int32_t device, int64_t* out) {
  return wt::status_call([&] {
#ifdef WT_WITH_CUDA
    c10::cuda::CUDAGuard guard(initialised(device));
    size_t free = 0, total = 0;
    C10_CUDA_CHECK(cudaMemGetInfo(&free, &total));
    out[0] = static_cast<int64_t>(free);
    out[1] = static_cast<int64_t>(total);
#else
    (void)device, (void)out;
    no_cuda();
#endif
  });
}

// out: [allocated, peak allocated, reserved, peak reserved, active] bytes of the caching allocator ("all" pools:
// index 0 of each stat array is StatType::AGGREGATE in every version).
WT_API int32_t wt_cuda_memory_stats(int32_t device, int64_t* out) {
  return wt::status_call([&] {
#ifdef WT_WITH_CUDA
    const auto stats = c10::cuda::CUDACachingAllocator::getDeviceStats(initialised(device));
    out[0] = stats.allocated_bytes[0].current;
    out[1] = stats.allocated_bytes[0].peak;
    out[2] = stats.reserved_bytes[0].current;
    out[3] = stats.reserved_bytes[0].peak;
    out[4] = stats.active_bytes[0].current;
#else
    (void)device, (void)out;
    no_cuda();
#endif
  });
}

WT_API int32_t wt_cuda_reset_peak_memory_stats(int32_t device) {
  return wt::status_call([&] {
#ifdef WT_WITH_CUDA
    c10::cuda::CUDACachingAllocator::resetPeakStats(initialised(device));
#else
    (void)device;
    no_cuda();
#endif
  });
}

// Returns the allocator's cached, unused blocks to the driver (torch.cuda.empty_cache); nothing to do without CUDA.
WT_API int32_t wt_cuda_empty_cache() {
  return wt::status_call([&] {
#ifdef WT_WITH_CUDA
    if (at::globalContext().hasCUDA()) c10::cuda::CUDACachingAllocator::emptyCache();
#endif
  });
}
