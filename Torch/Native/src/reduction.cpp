// Reductions and scans. `dims == nullptr` reduces over every dimension, as PyTorch's dim=None.
#include "shim.h"

namespace {
at::OptionalIntArrayRef optional_dims(const int64_t* dims, int32_t count) {
  return dims ? at::OptionalIntArrayRef(wt::dims(dims, count)) : c10::nullopt;
}
}  // namespace

WT_API wt_tensor wt_sum(wt_tensor self, const int64_t* dims, int32_t count, int32_t keepdim, int32_t dtype) {
  return wt::tensor_call([&] {
    return dims ? at::sum(*self, wt::dims(dims, count), keepdim != 0, wt::optional_dtype(dtype))
                : at::sum(*self, wt::optional_dtype(dtype));
  });
}

WT_API wt_tensor wt_mean(wt_tensor self, const int64_t* dims, int32_t count, int32_t keepdim, int32_t dtype) {
  return wt::tensor_call([&] {
    return dims ? at::mean(*self, wt::dims(dims, count), keepdim != 0, wt::optional_dtype(dtype))
                : at::mean(*self, wt::optional_dtype(dtype));
  });
}

WT_API wt_tensor wt_var(wt_tensor self, const int64_t* dims, int32_t count, int32_t unbiased, int32_t keepdim) {
  return wt::tensor_call([&] { return at::var(*self, optional_dims(dims, count), unbiased != 0, keepdim != 0); });
}

WT_API wt_tensor wt_std(wt_tensor self, const int64_t* dims, int32_t count, int32_t unbiased, int32_t keepdim) {
  return wt::tensor_call([&] { return at::std(*self, optional_dims(dims, count), unbiased != 0, keepdim != 0); });
}

WT_API wt_tensor wt_amax(wt_tensor self, const int64_t* dims, int32_t count, int32_t keepdim) {
  return wt::tensor_call([&] { return at::amax(*self, wt::dims(dims, count), keepdim != 0); });
}

WT_API wt_tensor wt_amin(wt_tensor self, const int64_t* dims, int32_t count, int32_t keepdim) {
  return wt::tensor_call([&] { return at::amin(*self, wt::dims(dims, count), keepdim != 0); });
}

WT_API wt_tensor wt_max(wt_tensor self) {
  return wt::tensor_call([&] { return at::max(*self); });
}

WT_API wt_tensor wt_min(wt_tensor self) {
  return wt::tensor_call([&] { return at::min(*self); });
}

// torch.max(x, dim): values and indices into out[0], out[1].
WT_API int32_t wt_max_dim(wt_tensor self, int64_t dim, int32_t keepdim, wt_tensor* out) {
  return wt::status_call([&] {
    auto [values, indices] = at::max(*self, dim, keepdim != 0);
    out[0] = wt::wrap(values);
    out[1] = wt::wrap(indices);
  });
}

WT_API int32_t wt_min_dim(wt_tensor self, int64_t dim, int32_t keepdim, wt_tensor* out) {
  return wt::status_call([&] {
    auto [values, indices] = at::min(*self, dim, keepdim != 0);
    out[0] = wt::wrap(values);
    out[1] = wt::wrap(indices);
  });
}

// dim may be null: the index into the flattened tensor.
WT_API wt_tensor wt_argmax(wt_tensor self, const int64_t* dim, int32_t keepdim) {
  return wt::tensor_call(
      [&] { return at::argmax(*self, dim ? c10::optional<int64_t>(*dim) : c10::nullopt, keepdim != 0); });
}

WT_API wt_tensor wt_argmin(wt_tensor self, const int64_t* dim, int32_t keepdim) {
  return wt::tensor_call(
      [&] { return at::argmin(*self, dim ? c10::optional<int64_t>(*dim) : c10::nullopt, keepdim != 0); });
}

WT_API wt_tensor wt_all(wt_tensor self) {
  return wt::tensor_call([&] { return at::all(*self); });
}

WT_API wt_tensor wt_any(wt_tensor self) {
  return wt::tensor_call([&] { return at::any(*self); });
}

WT_API wt_tensor wt_norm(wt_tensor self, double ord, const int64_t* dims, int32_t count, int32_t keepdim) {
  return wt::tensor_call(
      [&] { return at::linalg_vector_norm(*self, ord, optional_dims(dims, count), keepdim != 0, c10::nullopt); });
}

WT_API wt_tensor wt_cumsum(wt_tensor self, int64_t dim, int32_t dtype) {
  return wt::tensor_call([&] { return at::cumsum(*self, dim, wt::optional_dtype(dtype)); });
}

WT_API wt_tensor wt_cumprod(wt_tensor self, int64_t dim, int32_t dtype) {
  return wt::tensor_call([&] { return at::cumprod(*self, dim, wt::optional_dtype(dtype)); });
}
