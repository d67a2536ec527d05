// Copies between tensors and caller-owned memory (C# arrays, memory-mapped safetensors and PyTorch data).
// Each is one copy from or into a from_blob view (a memcpy where nothing converts), so dtype conversion, device
// transfer and strides are handled in a single pass with no intermediate tensor. The strided variants read views
// of a stored PyTorch storage (transposes, slices); the caller has checked they stay inside it.
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstring>

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

// Elements per slice of a converting copy: under ATen's parallel grain (at::internal::GRAIN_SIZE, 32768), so each
// slice runs on the calling thread.
constexpr int64_t kSerialSlice = 16384;

// target.copy_(view) on one thread where both are contiguous CPU tensors of one shape: a memcpy where nothing is
// converted, else copy_ slice by slice (a float16 file into float32 weights). A single thread faulting in mapped
// file pages beats copy_'s worker threads contending for the page tables, and on a busy machine their spinning for
// each other (a 1 GiB checkpoint read in 1.0 s rather than 2.5 to 4 s on 2 cores; SD1.5's 2 GB float16 file into
// float32 weights took 15 s with the workers).
void fill_from(at::Tensor& target, const at::Tensor& view) {
  if (!target.is_cpu() || target.sizes() != view.sizes() || !target.is_contiguous() || !view.is_contiguous()) {
    target.copy_(view);
    return;
  }
  const int64_t count = target.numel();
  if (count == 0) return;
  if (target.scalar_type() == view.scalar_type()) {
    std::memcpy(target.data_ptr(), view.data_ptr(), target.nbytes());
    return;
  }
  auto target_elements = target.view(-1);
  const auto view_elements = view.view(-1);
  for (int64_t first = 0; first < count; first += kSerialSlice) {
    const int64_t length = std::min(kSerialSlice, count - first);
    target_elements.narrow(0, first, length).copy_(view_elements.narrow(0, first, length));
  }
}

at::Tensor copy_of(const at::Tensor& view, int32_t dtype, int32_t device_type, int32_t device_index) {
  auto result = at::empty(view.sizes(), wt::options(dtype < 0 ? static_cast<int32_t>(view.scalar_type()) : dtype, device_type, device_index));
  fill_from(result, view);
  return result;
}

}  // namespace

// A new tensor holding a copy of `data` (read as `source_dtype`), converted to `dtype` on the device.
WT_API wt_tensor wt_from_buffer(const void* data, int32_t source_dtype, const int64_t* shape, int32_t ndim,
                                int32_t dtype, int32_t device_type, int32_t device_index) {
  return wt::tensor_call([&] { return copy_of(view_of(data, source_dtype, shape, ndim), dtype, device_type, device_index); });
}

// A new contiguous tensor holding the strided view of `data` (read as `source_dtype`), converted to `dtype`
// on the device, in one copy.
WT_API wt_tensor wt_from_strided_buffer(const void* data, int32_t source_dtype, const int64_t* shape,
                                        const int64_t* strides, int32_t ndim, int32_t dtype, int32_t device_type,
                                        int32_t device_index) {
  return wt::tensor_call(
      [&] { return copy_of(strided_view_of(data, source_dtype, shape, strides, ndim), dtype, device_type, device_index); });
}

// self.copy_(the strided view of data): fills a parameter from a stored view, converting dtype and device.
WT_API int32_t wt_copy_from_strided_buffer(wt_tensor self, const void* data, int32_t source_dtype,
                                           const int64_t* shape, const int64_t* strides, int32_t ndim) {
  return wt::status_call([&] { fill_from(*self, strided_view_of(data, source_dtype, shape, strides, ndim)); });
}

// self.copy_(data): fills an existing tensor (a parameter) from memory, converting dtype and device.
WT_API int32_t wt_copy_from_buffer(wt_tensor self, const void* data, int32_t source_dtype, const int64_t* shape,
                                   int32_t ndim) {
  return wt::status_call([&] { fill_from(*self, view_of(data, source_dtype, shape, ndim)); });
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

// Asks the kernel to read [data, data + length) of a file mapping ahead, in large requests, before the copy faults
// on it: a fault alone reads its neighbourhood only (128 KiB), one synchronous read at a time, so a cold checkpoint
// would arrive in tens of thousands of small reads. Advice: failures are ignored.
WT_API void wt_will_need_pages(const void* data, int64_t length) {
  if (length <= 0) return;
  const auto page = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
  const auto begin = reinterpret_cast<uintptr_t>(data) & ~(page - 1);
  const auto end = reinterpret_cast<uintptr_t>(data) + static_cast<uintptr_t>(length);
  madvise(reinterpret_cast<void*>(begin), end - begin, MADV_WILLNEED);
}

// Drops the whole pages inside [data, data + length) of a file mapping from the process's resident set once their
// bytes are copied out: they stay in the page cache and fault back in if read again. A page shared with a
// neighbouring tensor is kept: that neighbour may be a view of the copy-on-write mapping (mapping.cpp) with a
// written, private page, which MADV_DONTNEED would throw away. Advice: failures are ignored.
WT_API void wt_drop_resident_pages(const void* data, int64_t length) {
  if (length <= 0) return;
  const auto page = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
  const auto begin = (reinterpret_cast<uintptr_t>(data) + page - 1) & ~(page - 1);
  const auto end = (reinterpret_cast<uintptr_t>(data) + static_cast<uintptr_t>(length)) & ~(page - 1);
  if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_DONTNEED);
}
