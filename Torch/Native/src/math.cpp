// Elementwise arithmetic with broadcasting, unary functions, comparisons, selection and their
// in-place variants. Scalars keep PyTorch's promotion rules (a float32 tensor times a double stays float32).
#include <ATen/ScalarOps.h>

#include "shim.h"

namespace {
// The number as PyTorch's Python binding passes `tensor * 2.0`: a wrapped 0-dim CPU tensor (which takes part in
// type promotion as a Python number) into the Tensor overload. The Scalar overloads of add/sub/mul/div are
// composites that build the same tensor after a second trip through the dispatcher: ~1 µs per call on CUDA.
at::Tensor wrapped(wt_scalar value) { return at::native::wrapped_scalar_tensor(wt::scalar(value)); }
}  // namespace

// `number` turns the wt_scalar into the argument: wt::scalar (the Scalar overload) or wrapped (the Tensor overload).
#define WT_BINARY(name, call, number)                                     \
  WT_API wt_tensor wt_##name(wt_tensor self, wt_tensor other) {           \
    return wt::tensor_call([&] { return call(*self, *other); });          \
  }                                                                       \
  WT_API wt_tensor wt_##name##_scalar(wt_tensor self, wt_scalar other) {  \
    return wt::tensor_call([&] { return call(*self, number(other)); });   \
  }

#define WT_BINARY_INPLACE(name)                                         \
  WT_API int32_t wt_##name##_(wt_tensor self, wt_tensor other) {        \
    return wt::status_call([&] { self->name##_(*other); });             \
  }                                                                     \
  WT_API int32_t wt_##name##_scalar_(wt_tensor self, wt_scalar other) { \
    return wt::status_call([&] { self->name##_(wt::scalar(other)); });  \
  }

#define WT_UNARY(name)                                       \
  WT_API wt_tensor wt_##name(wt_tensor self) {               \
    return wt::tensor_call([&] { return at::name(*self); }); \
  }

#define WT_UNARY_INPLACE(name)                           \
  WT_API int32_t wt_##name##_(wt_tensor self) {          \
    return wt::status_call([&] { at::name##_(*self); }); \
  }

// add and sub carry alpha: self + alpha * other.
WT_API wt_tensor wt_add(wt_tensor self, wt_tensor other, wt_scalar alpha) {
  return wt::tensor_call([&] { return at::add(*self, *other, wt::scalar(alpha)); });
}
WT_API wt_tensor wt_add_scalar(wt_tensor self, wt_scalar other, wt_scalar alpha) {
  return wt::tensor_call([&] { return at::add(*self, wrapped(other), wt::scalar(alpha)); });
}
WT_API wt_tensor wt_sub(wt_tensor self, wt_tensor other, wt_scalar alpha) {
  return wt::tensor_call([&] { return at::sub(*self, *other, wt::scalar(alpha)); });
}
WT_API wt_tensor wt_sub_scalar(wt_tensor self, wt_scalar other, wt_scalar alpha) {
  return wt::tensor_call([&] { return at::sub(*self, wrapped(other), wt::scalar(alpha)); });
}
WT_API int32_t wt_add_(wt_tensor self, wt_tensor other, wt_scalar alpha) {
  return wt::status_call([&] { self->add_(*other, wt::scalar(alpha)); });
}
WT_API int32_t wt_add_scalar_(wt_tensor self, wt_scalar other, wt_scalar alpha) {
  return wt::status_call([&] { self->add_(wt::scalar(other), wt::scalar(alpha)); });
}
WT_API int32_t wt_sub_(wt_tensor self, wt_tensor other, wt_scalar alpha) {
  return wt::status_call([&] { self->sub_(*other, wt::scalar(alpha)); });
}
WT_API int32_t wt_sub_scalar_(wt_tensor self, wt_scalar other, wt_scalar alpha) {
  return wt::status_call([&] { self->sub_(wt::scalar(other), wt::scalar(alpha)); });
}

WT_BINARY(mul, at::mul, wrapped)
WT_BINARY(div, at::div, wrapped)
WT_BINARY(pow, at::pow, wt::scalar)
WT_BINARY(remainder, at::remainder, wt::scalar)
WT_BINARY(eq, at::eq, wt::scalar)
WT_BINARY(ne, at::ne, wt::scalar)
WT_BINARY(lt, at::lt, wt::scalar)
WT_BINARY(le, at::le, wt::scalar)
WT_BINARY(gt, at::gt, wt::scalar)
WT_BINARY(ge, at::ge, wt::scalar)
WT_BINARY_INPLACE(mul)
WT_BINARY_INPLACE(div)
WT_BINARY_INPLACE(pow)

WT_API wt_tensor wt_maximum(wt_tensor self, wt_tensor other) {
  return wt::tensor_call([&] { return at::maximum(*self, *other); });
}
WT_API wt_tensor wt_minimum(wt_tensor self, wt_tensor other) {
  return wt::tensor_call([&] { return at::minimum(*self, *other); });
}
WT_API wt_tensor wt_logical_and(wt_tensor self, wt_tensor other) {
  return wt::tensor_call([&] { return at::logical_and(*self, *other); });
}
WT_API wt_tensor wt_logical_or(wt_tensor self, wt_tensor other) {
  return wt::tensor_call([&] { return at::logical_or(*self, *other); });
}

// Scalar on the left: other - self, other / self (as Python's __rtruediv__: reciprocal then multiply),
// other ** self.
WT_API wt_tensor wt_rsub_scalar(wt_tensor self, wt_scalar other) {
  return wt::tensor_call([&] { return at::rsub(*self, wt::scalar(other)); });
}
WT_API wt_tensor wt_rdiv_scalar(wt_tensor self, wt_scalar other) {
  return wt::tensor_call([&] { return at::reciprocal(*self).mul_(wt::scalar(other)); });
}
WT_API wt_tensor wt_rpow_scalar(wt_tensor self, wt_scalar other) {
  return wt::tensor_call([&] { return at::pow(wt::scalar(other), *self); });
}

WT_UNARY(neg)
WT_UNARY(abs)
WT_UNARY(exp)
WT_UNARY(log)
WT_UNARY(log2)
WT_UNARY(sin)
WT_UNARY(cos)
WT_UNARY(acos)
WT_UNARY(sqrt)
WT_UNARY(rsqrt)
WT_UNARY(tanh)
WT_UNARY(sigmoid)
WT_UNARY(floor)
WT_UNARY(ceil)
WT_UNARY(round)
WT_UNARY(trunc)
WT_UNARY(reciprocal)
WT_UNARY(erf)
WT_UNARY(expm1)
WT_UNARY(log1p)
WT_UNARY(sign)
WT_UNARY(square)
WT_UNARY(logical_not)
WT_UNARY(isnan)
WT_UNARY(isinf)
WT_UNARY_INPLACE(neg)
WT_UNARY_INPLACE(abs)
WT_UNARY_INPLACE(exp)
WT_UNARY_INPLACE(log)
WT_UNARY_INPLACE(sqrt)
WT_UNARY_INPLACE(rsqrt)
WT_UNARY_INPLACE(tanh)
WT_UNARY_INPLACE(sigmoid)
WT_UNARY_INPLACE(floor)
WT_UNARY_INPLACE(round)
WT_UNARY_INPLACE(reciprocal)

// min/max may be null (no bound).
WT_API wt_tensor wt_clamp(wt_tensor self, const wt_scalar* min, const wt_scalar* max) {
  return wt::tensor_call([&] { return at::clamp(*self, wt::optional_scalar(min), wt::optional_scalar(max)); });
}
WT_API int32_t wt_clamp_(wt_tensor self, const wt_scalar* min, const wt_scalar* max) {
  return wt::status_call([&] { self->clamp_(wt::optional_scalar(min), wt::optional_scalar(max)); });
}

WT_API wt_tensor wt_lerp(wt_tensor self, wt_tensor end, wt_scalar weight) {
  return wt::tensor_call([&] { return at::lerp(*self, *end, wt::scalar(weight)); });
}

WT_API wt_tensor wt_where(wt_tensor condition, wt_tensor self, wt_tensor other) {
  return wt::tensor_call([&] { return at::where(*condition, *self, *other); });
}
WT_API wt_tensor wt_where_scalar(wt_tensor condition, wt_tensor self, wt_scalar other) {
  return wt::tensor_call([&] { return at::where(*condition, *self, wt::scalar(other)); });
}

WT_API wt_tensor wt_masked_fill(wt_tensor self, wt_tensor mask, wt_scalar value) {
  return wt::tensor_call([&] { return at::masked_fill(*self, *mask, wt::scalar(value)); });
}
WT_API int32_t wt_masked_fill_(wt_tensor self, wt_tensor mask, wt_scalar value) {
  return wt::status_call([&] { self->masked_fill_(*mask, wt::scalar(value)); });
}

WT_API int32_t wt_fill_(wt_tensor self, wt_scalar value) {
  return wt::status_call([&] { self->fill_(wt::scalar(value)); });
}
WT_API int32_t wt_zero_(wt_tensor self) {
  return wt::status_call([&] { self->zero_(); });
}

WT_API wt_tensor wt_isclose(wt_tensor self, wt_tensor other, double rtol, double atol, int32_t equal_nan) {
  return wt::tensor_call([&] { return at::isclose(*self, *other, rtol, atol, equal_nan != 0); });
}
