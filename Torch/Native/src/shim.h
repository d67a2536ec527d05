// The one header of the native shim: the types shared with C# (Torch/Interop mirrors them) and the
// guard every exported function runs under. Exported functions never let a C++ exception escape:
// the message goes to thread-local storage (wt_last_error) and the function returns its failure value.
// Every call runs under c10::InferenceMode, so no autograd graph is ever recorded.
#pragma once

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>
#include <torch/version.h>

#include <cstdint>
#include <exception>
#include <vector>

#define WT_API extern "C" __attribute__((visibility("default")))

#define WT_TORCH_AT_LEAST(major, minor) \
  (TORCH_VERSION_MAJOR > (major) || (TORCH_VERSION_MAJOR == (major) && TORCH_VERSION_MINOR >= (minor)))

// Heap-allocated handles owned by C#; freed by wt_free / wt_generator_free.
typedef at::Tensor* wt_tensor;
typedef at::Generator* wt_generator;

// Mirrors Workflow.Torch.Scalar: a number's bits and its kind. Two 8-byte words, so it travels in registers.
struct wt_scalar {
  int64_t bits;
  int32_t kind;
};

enum wt_scalar_kind : int32_t { WT_FLOAT = 0, WT_INT = 1, WT_BOOL = 2 };

namespace wt {

void set_last_error(const char* message) noexcept;

// Moves a result into a new handle (and counts it as live).
wt_tensor wrap(at::Tensor tensor);

at::Scalar scalar(wt_scalar value);
c10::optional<at::Scalar> optional_scalar(const wt_scalar* value);
c10::optional<at::Tensor> optional_tensor(wt_tensor tensor);
c10::optional<at::ScalarType> optional_dtype(int32_t dtype);  // negative: none
at::Device device(int32_t type, int32_t index);
at::TensorOptions options(int32_t dtype, int32_t device_type, int32_t device_index);
std::vector<at::Tensor> tensors(const wt_tensor* handles, int32_t count);

// Copies up to `capacity` results into `out`; returns how many there were.
int64_t wrap_all(const std::vector<at::Tensor>& results, wt_tensor* out, int64_t capacity);

inline at::IntArrayRef dims(const int64_t* values, int32_t count) { return at::IntArrayRef(values, count); }

// Runs `body`, turning any exception into the thread's last error and `failure`.
template <class Result, class Body>
Result call(Result failure, Body&& body) noexcept {
  try {
    c10::InferenceMode inference;
    return body();
  } catch (const c10::Error& e) {
    set_last_error(e.what_without_backtrace());
  } catch (const std::exception& e) {
    set_last_error(e.what());
  } catch (...) {
    set_last_error("unknown C++ exception");
  }
  return failure;
}

// A function returning a new tensor: null on failure.
template <class Body>
wt_tensor tensor_call(Body&& body) noexcept {
  return call<wt_tensor>(nullptr, [&] { return wrap(body()); });
}

// A function returning nothing: 0 on success, -1 on failure.
template <class Body>
int32_t status_call(Body&& body) noexcept {
  return call<int32_t>(-1, [&] {
    body();
    return 0;
  });
}

// oneDNN's row-major sgemm, C = alpha·op(A)·op(B) + beta·C, where the process has it (see cpu_gemm.cpp); else null.
using Sgemm = int (*)(char transa, char transb, int64_t m, int64_t n, int64_t k, float alpha, const float* a,
                      int64_t lda, const float* b, int64_t ldb, float beta, float* c, int64_t ldc);
Sgemm onednn_sgemm();

// A float32 CPU matrix as oneDNN reads it: the last two dims of a tensor whose rows or columns are unit-strided.
struct SgemmOperand {
  const float* data;
  char trans;  // 'N': rows in memory order; 'T': stored transposed
  int64_t ld;
};

// `matrix` (its last two dims, at `offset` elements) as an operand; nullopt when neither of its dims is unit-strided.
c10::optional<SgemmOperand> sgemm_operand(const at::Tensor& matrix, int64_t offset = 0);

// `matrix` itself when sgemm_operand takes it, else a contiguous copy (which it always takes).
at::Tensor unit_strided(const at::Tensor& matrix);

// Float32 CPU products through oneDNN; nullopt where they do not apply (another dtype or device, no oneDNN, a
// product too small to gain), and the caller asks ATen.
c10::optional<at::Tensor> onednn_linear(const at::Tensor& input, const at::Tensor& weight,
                                        const c10::optional<at::Tensor>& bias);
c10::optional<at::Tensor> onednn_conv2d(const at::Tensor& input, const at::Tensor& weight,
                                        const c10::optional<at::Tensor>& bias, at::IntArrayRef stride,
                                        at::IntArrayRef padding, at::IntArrayRef dilation, int64_t groups);
// beta·input + alpha·(a @ b) for two 2-D or two 3-D tensors of one batch size; input null: alpha·(a @ b).
c10::optional<at::Tensor> onednn_matmul(const at::Tensor& a, const at::Tensor& b, const at::Tensor* input = nullptr,
                                        float beta = 0.0f, float alpha = 1.0f);

}  // namespace wt
