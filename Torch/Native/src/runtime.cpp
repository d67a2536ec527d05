// Process-wide runtime: intra-op threads, seeding, generators, CUDA queries, the libtorch version.
// CUDA is reached only through libtorch's torch::cuda API and ATen's context, which both answer on a CPU build
// too (no devices; synchronize throws), so this file compiles the same against CPU and CUDA builds. Not ATen's
// CUDA hooks directly: their method names changed between 1.13 and 2.x.
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>
#include <torch/cuda.h>

#include <cstdlib>
#include <mutex>
#include <thread>

#include "shim.h"

namespace {

// Debian's libtorch counts physical cores and starts a 2-vCPU VM with one intra-op thread; PyTorch
// users expect every core. Honour OMP_NUM_THREADS / MKL_NUM_THREADS as PyTorch does
// (aten/src/ATen/ParallelCommon.cpp, intraop_default_num_threads).
[[maybe_unused]] const bool threads_initialised = [] {
  if (std::getenv("OMP_NUM_THREADS") || std::getenv("MKL_NUM_THREADS")) return false;
  const unsigned cores = std::thread::hardware_concurrency();
  return cores > 0 && wt::status_call([&] { at::set_num_threads(static_cast<int>(cores)); }) == 0;
}();

// Takes a copy: at::Generator is a shared handle to the generator's state.
void seed(at::Generator generator, uint64_t value) {
  // ATen's note "Acquire lock when using random generators".
  std::lock_guard<std::mutex> lock(generator.mutex());
  generator.set_current_seed(value);
}

}  // namespace

WT_API const char* wt_torch_version() { return TORCH_VERSION; }

WT_API int32_t wt_set_num_threads(int32_t count) {
  return wt::status_call([&] { at::set_num_threads(count); });
}

WT_API int32_t wt_get_num_threads() { return at::get_num_threads(); }

// The floating dtype of tensors created without one (torch.set_default_dtype): process-wide, as in PyTorch.
WT_API int32_t wt_set_default_dtype(int32_t dtype) {
  return wt::status_call([&] {
    const auto type = static_cast<at::ScalarType>(dtype);
    TORCH_CHECK(at::isFloatingType(type), "the default dtype must be a floating type, not ", c10::toString(type));
    c10::set_default_dtype(c10::scalarTypeToTypeMeta(type));
  });
}

WT_API int32_t wt_get_default_dtype() { return static_cast<int32_t>(c10::typeMetaToScalarType(c10::get_default_dtype())); }

WT_API int32_t wt_cuda_device_count() {
  return wt::call<int32_t>(0, [] { return static_cast<int32_t>(torch::cuda::device_count()); });
}

WT_API int32_t wt_cuda_synchronize(int32_t device_index) {
  return wt::status_call([&] { torch::cuda::synchronize(device_index); });
}

// torch.manual_seed: the default CPU generator and every CUDA device's default generator
// (torch/csrc/api/src/utils.cpp, torch::manual_seed).
WT_API int32_t wt_manual_seed(uint64_t value) {
  return wt::status_call([&] {
    seed(at::detail::getDefaultCPUGenerator(), value);
    const auto gpus = static_cast<int32_t>(torch::cuda::device_count());
    for (int32_t i = 0; i < gpus; ++i)
      seed(at::globalContext().defaultGenerator(at::Device(at::kCUDA, static_cast<c10::DeviceIndex>(i))), value);
  });
}

WT_API wt_generator wt_generator_new(uint64_t value) {
  return wt::call<wt_generator>(nullptr,
                                [&] { return new at::Generator(at::make_generator<at::CPUGeneratorImpl>(value)); });
}

WT_API void wt_generator_free(wt_generator generator) { delete generator; }

WT_API int32_t wt_generator_manual_seed(wt_generator generator, uint64_t value) {
  return wt::status_call([&] { seed(*generator, value); });
}

WT_API uint64_t wt_generator_initial_seed(wt_generator generator) { return generator->current_seed(); }

// torch.Generator.get_state / set_state: the whole state (the Mersenne Twister words and the cached normal
// sample) as a uint8 CPU tensor in PyTorch's own layout, so a state saved here restores a PyTorch generator of
// the same version, and back. set_state refuses a tensor of another dtype or size.
WT_API wt_tensor wt_generator_get_state(wt_generator generator) {
  return wt::tensor_call([&] {
    std::lock_guard<std::mutex> lock(generator->mutex());
    return generator->get_state();
  });
}

WT_API int32_t wt_generator_set_state(wt_generator generator, wt_tensor state) {
  return wt::status_call([&] {
    std::lock_guard<std::mutex> lock(generator->mutex());
    generator->set_state(*state);
  });
}
