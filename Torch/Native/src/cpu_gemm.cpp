// Float32 matrix products, and convolutions with few output positions, on the CPU through oneDNN's sgemm.
//
// Why: Debian's libtorch 1.13 computes float32 linear and bmm with OpenBLAS 0.3.21, which predates AVX-512 kernels
// for AMD's Zen 4 and runs its AVX2 ones; oneDNN, which the same libtorch links for its convolutions, picks the
// machine's widest ISA. On the 2-core EPYC measured, a 8192x320 by 320x1280 product ran at 218 GFLOP/s against
// OpenBLAS's 78-112, and attention's q·kᵀ at 40 channels at 124 against 37. oneDNN is looked up among the libraries
// loaded, not linked: a PyTorch wheel builds it in with hidden symbols, and there ATen keeps every product.
// WORKFLOW_CPU_GEMM=aten keeps them all on ATen too (to compare).
#include <ATen/ExpandUtils.h>
#include <ATen/Parallel.h>
#include <dlfcn.h>

#include <cstdlib>
#include <cstring>

#include "shim.h"

namespace {

// Below this many multiply-adds a product is over in microseconds either way.
constexpr int64_t kMinMultiplyAdds = int64_t{1} << 18;

// A 2-D convolution with at most this many output positions (batch x height x width) is an im2col and one product
// per image: ATen's oneDNN convolution reorders the whole weight into its blocked layout at every call, which at
// SD1.5's 8x8 and 16x16 levels costs as much as the arithmetic (1280 channels at 8x8, batch 2: 40 ms against
// 20 ms; at 16x16, 98 ms against 77 ms; the SD1.5 step 0.4-0.8 s faster). From 32x32 on, ATen's direct
// convolution is faster.
constexpr int64_t kMaxGemmConvolutionPositions = 512;

bool onednn_wanted() {
  const char* choice = std::getenv("WORKFLOW_CPU_GEMM");
  return choice == nullptr || std::strcmp(choice, "aten") != 0;
}

bool applies(const at::Tensor& a, const at::Tensor& b) {
  return wt::onednn_sgemm() != nullptr && a.device().is_cpu() && b.device().is_cpu() &&
         a.scalar_type() == at::kFloat && b.scalar_type() == at::kFloat;
}

// An optional addend (a bias, baddbmm's input) the product can start from: float32 on the CPU too.
bool cpu_float_or_absent(const at::Tensor* addend) {
  return addend == nullptr || (addend->device().is_cpu() && addend->scalar_type() == at::kFloat);
}

bool worth_it(int64_t batch, int64_t m, int64_t n, int64_t k) {
  return m >= 2 && n >= 2 && k >= 2 && batch * m * n * k >= kMinMultiplyAdds;
}

// out[i] = beta·out[i] + alpha·(a[i] @ b[i]) for every matrix i of a, b, out ([m, k], [k, n], [m, n], or batches of
// them; out contiguous). A batch runs one matrix per thread, each product on that thread alone (oneDNN does not
// start threads inside a parallel region); a single product uses every thread.
void gemm(const at::Tensor& a, const at::Tensor& b, const at::Tensor& out, float alpha, float beta) {
  const auto sgemm = wt::onednn_sgemm();
  const int64_t m = a.size(-2), k = a.size(-1), n = b.size(-1);
  const int64_t batch = a.dim() == 3 ? a.size(0) : 1;
  const auto left = wt::unit_strided(a), right = wt::unit_strided(b);
  float* const result = out.data_ptr<float>();
  auto product = [&](int64_t i) {
    const auto lhs = *wt::sgemm_operand(left, batch > 1 ? i * left.stride(0) : 0);
    const auto rhs = *wt::sgemm_operand(right, batch > 1 ? i * right.stride(0) : 0);
    const int status = sgemm(lhs.trans, rhs.trans, m, n, k, alpha, lhs.data, lhs.ld, rhs.data, rhs.ld, beta,
                             result + i * m * n, n);
    TORCH_CHECK(status == 0, "oneDNN sgemm failed with status ", status);
  };
  if (batch == 1) return product(0);
  at::parallel_for(0, batch, 1, [&](int64_t first, int64_t end) {
    for (int64_t i = first; i < end; ++i) product(i);
  });
}

}  // namespace

namespace wt {

Sgemm onednn_sgemm() {
  static const Sgemm function = [] {
    // .NET loads the shim, and with it libtorch's libraries, into a local scope, where RTLD_DEFAULT does not look.
    void* library = onednn_wanted() ? dlopen("libdnnl.so.2", RTLD_NOW | RTLD_NOLOAD) : nullptr;
    return library ? reinterpret_cast<Sgemm>(dlsym(library, "dnnl_sgemm")) : nullptr;
  }();
  return function;
}

c10::optional<SgemmOperand> sgemm_operand(const at::Tensor& matrix, int64_t offset) {
  const int64_t rows = matrix.size(-2), cols = matrix.size(-1);
  const int64_t row_stride = matrix.stride(-2), col_stride = matrix.stride(-1);
  const float* data = matrix.data_ptr<float>() + offset;
  if (col_stride == 1 && row_stride >= cols) return SgemmOperand{data, 'N', row_stride};
  if (row_stride == 1 && col_stride >= rows) return SgemmOperand{data, 'T', col_stride};
  return c10::nullopt;
}

at::Tensor unit_strided(const at::Tensor& matrix) { return sgemm_operand(matrix) ? matrix : matrix.contiguous(); }

c10::optional<at::Tensor> onednn_linear(const at::Tensor& input, const at::Tensor& weight,
                                        const c10::optional<at::Tensor>& bias) {
  if (!applies(input, weight) || weight.dim() != 2 || input.dim() < 1 || !cpu_float_or_absent(bias ? &*bias : nullptr))
    return c10::nullopt;
  const int64_t k = weight.size(1);
  // ATen names a width mismatch, and broadcasts a bias of more than one dim its own way.
  if (input.size(-1) != k || k == 0 || (bias && bias->dim() > 1)) return c10::nullopt;
  // The rows of input times weightᵀ, starting from the bias.
  const auto product = onednn_matmul(input.reshape({-1, k}), weight.t(), bias ? &*bias : nullptr, 1.0f, 1.0f);
  if (!product) return c10::nullopt;
  auto out_shape = input.sizes().vec();
  out_shape.back() = weight.size(0);
  return product->view(out_shape);
}

c10::optional<at::Tensor> onednn_conv2d(const at::Tensor& input, const at::Tensor& weight,
                                        const c10::optional<at::Tensor>& bias, at::IntArrayRef stride,
                                        at::IntArrayRef padding, at::IntArrayRef dilation, int64_t groups) {
  if (!applies(input, weight) || groups != 1 || input.dim() != 4 || weight.dim() != 4 ||
      input.size(1) != weight.size(1) || !cpu_float_or_absent(bias ? &*bias : nullptr))
    return c10::nullopt;
  // ATen refuses a stride or dilation below 1 and negative padding by name; a channels-last input gets a
  // channels-last output there.
  for (int dim = 0; dim < 2; ++dim)
    if (stride[dim] < 1 || dilation[dim] < 1 || padding[dim] < 0) return c10::nullopt;
  if (input.suggest_memory_format() == at::MemoryFormat::ChannelsLast) return c10::nullopt;
  const int64_t images = input.size(0), out_channels = weight.size(0);
  auto output_size = [&](int dim) {
    return (input.size(dim + 2) + 2 * padding[dim] - dilation[dim] * (weight.size(dim + 2) - 1) - 1) / stride[dim] + 1;
  };
  const int64_t height = output_size(0), width = output_size(1);
  if (height < 1 || width < 1 || images * height * width > kMaxGemmConvolutionPositions) return c10::nullopt;
  const int64_t patch = weight.size(1) * weight.size(2) * weight.size(3);
  if (!worth_it(images, out_channels, height * width, patch)) return c10::nullopt;
  // [images, in_channels x kernel, positions]: each column one output position's receptive field.
  const auto columns = at::im2col(input, {weight.size(2), weight.size(3)}, dilation, padding, stride);
  const auto filters = weight.reshape({1, out_channels, patch}).expand({images, out_channels, patch});
  const auto bias_term = bias ? bias->view({1, out_channels, 1}) : at::Tensor();
  auto out = *onednn_matmul(filters, columns, bias ? &bias_term : nullptr, 1.0f, 1.0f);
  return out.view({images, out_channels, height, width});
}

c10::optional<at::Tensor> onednn_matmul(const at::Tensor& a, const at::Tensor& b, const at::Tensor* input, float beta,
                                        float alpha) {
  if (!applies(a, b) || a.dim() != b.dim() || (a.dim() != 2 && a.dim() != 3) || a.size(-1) != b.size(-2) ||
      (a.dim() == 3 && a.size(0) != b.size(0)) || !cpu_float_or_absent(input))
    return c10::nullopt;
  const int64_t batch = a.dim() == 3 ? a.size(0) : 1;
  // oneDNN skips the product at alpha 0, so NaN in a or b would not reach the result as it does in ATen's.
  if (alpha == 0.0f || !worth_it(batch, a.size(-2), b.size(-1), a.size(-1))) return c10::nullopt;
  auto shape = a.sizes().vec();
  shape.back() = b.size(-1);
  // ATen checks the input's shape even when beta is 0 and the input is not read.
  if (input && !at::is_expandable_to(input->sizes(), shape)) return c10::nullopt;
  // PyTorch ignores the input when beta is 0, NaN and infinity in it included.
  const bool adds_input = input && beta != 0.0f;
  auto out = adds_input ? input->expand(shape).clone(at::MemoryFormat::Contiguous) : at::empty(shape, a.options());
  gemm(a, b, out, alpha, adds_input ? beta : 0.0f);
  return out;
}

}  // namespace wt

// "onednn" when float32 CPU products go to oneDNN in this process, "aten" when ATen computes them all.
WT_API const char* wt_cpu_matmul_backend() { return wt::onednn_sgemm() ? "onednn" : "aten"; }
