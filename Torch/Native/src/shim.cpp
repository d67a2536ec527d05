// Helpers behind shim.h: the thread-local error message, handle wrapping and argument conversions.
#include "shim.h"

#include <atomic>
#include <cstring>
#include <string>

namespace {
thread_local std::string last_error;
std::atomic<int64_t> live_tensors{0};
}  // namespace

namespace wt {

void set_last_error(const char* message) noexcept {
  try {
    last_error = message;
  } catch (...) {
    // Out of memory while reporting: keep the previous message rather than throw across the C boundary.
  }
}

wt_tensor wrap(at::Tensor tensor) {
  auto handle = new at::Tensor(std::move(tensor));
  live_tensors.fetch_add(1, std::memory_order_relaxed);
  return handle;
}

at::Scalar scalar(wt_scalar value) {
  switch (value.kind) {
    case WT_INT:
      return at::Scalar(static_cast<int64_t>(value.bits));
    case WT_BOOL:
      return at::Scalar(value.bits != 0);
    default: {
      double real;
      std::memcpy(&real, &value.bits, sizeof real);
      return at::Scalar(real);
    }
  }
}

c10::optional<at::Scalar> optional_scalar(const wt_scalar* value) {
  return value ? c10::optional<at::Scalar>(scalar(*value)) : c10::nullopt;
}

c10::optional<at::Tensor> optional_tensor(wt_tensor tensor) {
  return tensor ? c10::optional<at::Tensor>(*tensor) : c10::nullopt;
}

c10::optional<at::ScalarType> optional_dtype(int32_t dtype) {
  return dtype < 0 ? c10::nullopt : c10::optional<at::ScalarType>(static_cast<at::ScalarType>(dtype));
}

at::Device device(int32_t type, int32_t index) {
  return at::Device(static_cast<c10::DeviceType>(type), static_cast<c10::DeviceIndex>(index));
}

at::TensorOptions options(int32_t dtype, int32_t device_type, int32_t device_index) {
  auto result = at::TensorOptions().device(device(device_type, device_index));
  return dtype < 0 ? result : result.dtype(static_cast<at::ScalarType>(dtype));
}

std::vector<at::Tensor> tensors(const wt_tensor* handles, int32_t count) {
  std::vector<at::Tensor> result;
  result.reserve(count);
  for (int32_t i = 0; i < count; ++i) result.push_back(*handles[i]);
  return result;
}

int64_t wrap_all(const std::vector<at::Tensor>& results, wt_tensor* out, int64_t capacity) {
  TORCH_CHECK(static_cast<int64_t>(results.size()) <= capacity, "expected at most ", capacity, " results, got ",
              results.size());
  for (size_t i = 0; i < results.size(); ++i) out[i] = wrap(results[i]);
  return static_cast<int64_t>(results.size());
}

}  // namespace wt

WT_API const char* wt_last_error() { return last_error.c_str(); }

WT_API int64_t wt_live_tensors() { return live_tensors.load(std::memory_order_relaxed); }

WT_API void wt_free(wt_tensor tensor) {
  if (!tensor) return;
  delete tensor;
  live_tensors.fetch_sub(1, std::memory_order_relaxed);
}
