// Matrix products. Float32 ones on the CPU go to oneDNN where it is faster (cpu_gemm.cpp), the rest to ATen.
#include "shim.h"

WT_API wt_tensor wt_matmul(wt_tensor self, wt_tensor other) {
  return wt::tensor_call([&] {
    if (auto fast = wt::onednn_matmul(*self, *other)) return *fast;
    return at::matmul(*self, *other);
  });
}

WT_API wt_tensor wt_mm(wt_tensor self, wt_tensor other) {
  return wt::tensor_call([&] {
    if (self->dim() == 2)
      if (auto fast = wt::onednn_matmul(*self, *other)) return *fast;
    return at::mm(*self, *other);
  });
}

WT_API wt_tensor wt_bmm(wt_tensor self, wt_tensor other) {
  return wt::tensor_call([&] {
    if (self->dim() == 3)
      if (auto fast = wt::onednn_matmul(*self, *other)) return *fast;
    return at::bmm(*self, *other);
  });
}

namespace {
// libtorch 1.13's CPU kernel for small products (K·M·N < 400) computes beta·out + alpha·acc on an uninitialised
// out, so with beta = 0 NaN still gets in from whatever memory the result was given (PyTorch documents that the
// input is ignored then; diffusers passes torch.empty). Starting such an out from zeros costs nothing at that size.
bool small_cpu_product_without_input(const at::Tensor& self, const at::Tensor& batch1, const at::Tensor& batch2,
                                     const at::Scalar& beta) {
  return self.is_cpu() && beta.toDouble() == 0.0 && batch1.dim() == 3 && batch2.dim() == 3 &&
         batch1.size(1) * batch1.size(2) * batch2.size(2) < 400;
}
}  // namespace

// beta * self + alpha * (batch1 @ batch2)
WT_API wt_tensor wt_baddbmm(wt_tensor self, wt_tensor batch1, wt_tensor batch2, wt_scalar beta, wt_scalar alpha) {
  return wt::tensor_call([&] {
    const auto beta_value = wt::scalar(beta);
    const auto alpha_value = wt::scalar(alpha);
    if (batch1->dim() == 3)
      if (auto fast = wt::onednn_matmul(*batch1, *batch2, self, beta_value.toFloat(), alpha_value.toFloat()))
        return *fast;
    if (!small_cpu_product_without_input(*self, *batch1, *batch2, beta_value))
      return at::baddbmm(*self, *batch1, *batch2, beta_value, alpha_value);
    auto out = at::zeros({batch1->size(0), batch1->size(1), batch2->size(2)}, batch1->options());
    return at::baddbmm_out(out, *self, *batch1, *batch2, beta_value, alpha_value);
  });
}

// beta * self + alpha * (mat1 @ mat2)
WT_API wt_tensor wt_addmm(wt_tensor self, wt_tensor mat1, wt_tensor mat2, wt_scalar beta, wt_scalar alpha) {
  return wt::tensor_call([&] {
    const auto beta_value = wt::scalar(beta), alpha_value = wt::scalar(alpha);
    if (mat1->dim() == 2)
      if (auto fast = wt::onednn_matmul(*mat1, *mat2, self, beta_value.toFloat(), alpha_value.toFloat())) return *fast;
    return at::addmm(*self, *mat1, *mat2, beta_value, alpha_value);
  });
}

WT_API wt_tensor wt_einsum(const char* equation, const wt_tensor* operands, int32_t count) {
  return wt::tensor_call([&] { return at::einsum(equation, wt::tensors(operands, count)); });
}

WT_API wt_tensor wt_outer(wt_tensor self, wt_tensor other) {
  return wt::tensor_call([&] { return at::outer(*self, *other); });
}
