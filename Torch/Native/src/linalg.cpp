// Matrix products.
#include "shim.h"

WT_API wt_tensor wt_matmul(wt_tensor self, wt_tensor other) {
  return wt::tensor_call([&] { return at::matmul(*self, *other); });
}

WT_API wt_tensor wt_mm(wt_tensor self, wt_tensor other) {
  return wt::tensor_call([&] { return at::mm(*self, *other); });
}

WT_API wt_tensor wt_bmm(wt_tensor self, wt_tensor other) {
  return wt::tensor_call([&] { return at::bmm(*self, *other); });
}

// beta * self + alpha * (batch1 @ batch2)
WT_API wt_tensor wt_baddbmm(wt_tensor self, wt_tensor batch1, wt_tensor batch2, wt_scalar beta, wt_scalar alpha) {
  return wt::tensor_call([&] { return at::baddbmm(*self, *batch1, *batch2, wt::scalar(beta), wt::scalar(alpha)); });
}

// beta * self + alpha * (mat1 @ mat2)
WT_API wt_tensor wt_addmm(wt_tensor self, wt_tensor mat1, wt_tensor mat2, wt_scalar beta, wt_scalar alpha) {
  return wt::tensor_call([&] { return at::addmm(*self, *mat1, *mat2, wt::scalar(beta), wt::scalar(alpha)); });
}

WT_API wt_tensor wt_einsum(const char* equation, const wt_tensor* operands, int32_t count) {
  return wt::tensor_call([&] { return at::einsum(equation, wt::tensors(operands, count)); });
}

WT_API wt_tensor wt_outer(wt_tensor self, wt_tensor other) {
  return wt::tensor_call([&] { return at::outer(*self, *other); });
}
