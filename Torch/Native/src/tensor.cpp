// A tensor handle's properties and conversions: shape, dtype, device, moves, copies, single values.
#include "shim.h"

WT_API int64_t wt_ndim(wt_tensor self) { return self->dim(); }

WT_API int64_t wt_numel(wt_tensor self) { return self->numel(); }

// Writes ndim values.
WT_API void wt_shape(wt_tensor self, int64_t* out) {
  const auto sizes = self->sizes();
  std::copy(sizes.begin(), sizes.end(), out);
}

// Writes ndim values.
WT_API void wt_strides(wt_tensor self, int64_t* out) {
  const auto strides = self->strides();
  std::copy(strides.begin(), strides.end(), out);
}

WT_API int32_t wt_size(wt_tensor self, int64_t dim, int64_t* out) {
  return wt::status_call([&] { *out = self->size(dim); });
}

WT_API int32_t wt_dtype(wt_tensor self) { return static_cast<int32_t>(self->scalar_type()); }

WT_API void wt_device(wt_tensor self, int32_t* type, int32_t* index) {
  const auto device = self->device();
  *type = static_cast<int32_t>(device.type());
  *index = device.index();
}

WT_API int32_t wt_is_contiguous(wt_tensor self) { return self->is_contiguous(); }

WT_API void* wt_data_ptr(wt_tensor self) { return self->data_ptr(); }

WT_API wt_tensor wt_to(wt_tensor self, int32_t dtype, int32_t device_type, int32_t device_index, int32_t copy) {
  return wt::tensor_call([&] {
    const auto type = dtype < 0 ? self->scalar_type() : static_cast<at::ScalarType>(dtype);
    return self->to(wt::device(device_type, device_index), type, /*non_blocking=*/false, copy != 0);
  });
}

WT_API wt_tensor wt_contiguous(wt_tensor self) {
  return wt::tensor_call([&] { return self->contiguous(); });
}

WT_API wt_tensor wt_clone(wt_tensor self) {
  return wt::tensor_call([&] { return self->clone(); });
}

WT_API wt_tensor wt_alias(wt_tensor self) {
  return wt::tensor_call([&] { return *self; });
}

WT_API int32_t wt_copy_(wt_tensor self, wt_tensor source) {
  return wt::status_call([&] { self->copy_(*source); });
}

// Points `self` at `source`'s storage: how a module swaps a parameter for its converted copy while the
// C# object (and every field holding it) stays the same.
WT_API int32_t wt_assign(wt_tensor self, wt_tensor source) {
  return wt::status_call([&] { *self = *source; });
}

// Tensor.item(), written to `out` as `dtype`.
WT_API int32_t wt_item(wt_tensor self, int32_t dtype, void* out) {
  return wt::status_call([&] {
    const auto value = self->item();
    at::from_blob(out, {}, at::TensorOptions().dtype(static_cast<at::ScalarType>(dtype))).fill_(value);
  });
}
