// Copies between tensors and caller-owned memory (C# arrays, memory-mapped safetensors and PyTorch data).
// Each is one at::Tensor::copy_ from or into a from_blob view, so dtype conversion, device transfer
// and strides are handled in a single pass with no intermediate tensor. The strided variants read views
// of a stored PyTorch storage (transposes, slices); the caller has checked they stay inside it.
#include "shim.h"

namespace {

at::Tensor view_of(const void* data, int32_t dtype, const int64_t* shape, int32_t ndim) {
  return at::from_blob(const_cast<void*>(data), wt::dims(shape, ndim),
                       at::TensorOptions().dtype(static_cast<at::ScalarType>(dtype)));
}

at::Tensor strided_view_of(const void* data, int32_t dtype, const int64_t* shape, const int64_t* strides,
                           int32_t ndim) {
  return at::from_blob(const_cast<void*>(data), wt::dims(shape, ndim), wt::dims(strides, ndim),
                       at::TensorOptions().dtype(static_cast<at::ScalarType>(dtype)));
}

}  // namespace

// A new tensor holding a copy of `data` (read as `source_dtype`), converted to `dtype` on the device.
WT_API wt_tensor wt_from_buffer(const void* data, int32_t source_dtype, const int64_t* shape, int32_t ndim,
                                int32_t dtype, int32_t device_type, int32_t device_index) {
  return wt::tensor_call([&] {
    const auto options = wt::options(dtype < 0 ? source_dtype : dtype, device_type, device_index);
    return view_of(data, source_dtype, shape, ndim).to(options, /*non_blocking=*/false, /*copy=*/true);
  });
}

// A new contiguous tensor holding the strided view of `data` (read as `source_dtype`), converted to `dtype`
// on the device, in one copy.
WT_API wt_tensor wt_from_strided_buffer(const void* data, int32_t source_dtype, const int64_t* shape,
                                        const int64_t* strides, int32_t ndim, int32_t dtype, int32_t device_type,
                                        int32_t device_index) {
  return wt::tensor_call([&] {
    auto result = at::empty(wt::dims(shape, ndim), wt::options(dtype < 0 ? source_dtype : dtype, device_type, device_index));
    result.copy_(strided_view_of(data, source_dtype, shape, strides, ndim));
    return result;
  });
}

// self.copy_(the strided view of data): fills a parameter from a stored view, converting dtype and device.
WT_API int32_t wt_copy_from_strided_buffer(wt_tensor self, const void* data, int32_t source_dtype,
                                           const int64_t* shape, const int64_t* strides, int32_t ndim) {
  return wt::status_call([&] { self->copy_(strided_view_of(data, source_dtype, shape, strides, ndim)); });
}

// self.copy_(data): fills an existing tensor (a parameter) from memory, converting dtype and device.
WT_API int32_t wt_copy_from_buffer(wt_tensor self, const void* data, int32_t source_dtype, const int64_t* shape,
                                   int32_t ndim) {
  return wt::status_call([&] { self->copy_(view_of(data, source_dtype, shape, ndim)); });
}

// Writes self's elements, converted to `dtype`, contiguously into `data` (capacity in bytes).
WT_API int32_t wt_copy_to_buffer(wt_tensor self, void* data, int32_t dtype, int64_t capacity) {
  return wt::status_call([&] {
    const auto type = static_cast<at::ScalarType>(dtype);
    const int64_t needed = self->numel() * static_cast<int64_t>(c10::elementSize(type));
    TORCH_CHECK(needed <= capacity, "buffer of ", capacity, " bytes is too small for ", needed, " bytes");
    view_of(data, dtype, self->sizes().data(), static_cast<int32_t>(self->dim())).copy_(*self);
  });
}
