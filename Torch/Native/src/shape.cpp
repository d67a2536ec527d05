// Views, reshapes, joins and splits, indexing by position or by index tensors.
// Ops that return several tensors write them to `out` (the caller sizes it) and return the count, -1 on failure.
#include <limits>

#include "shim.h"

#define WT_DIMS_OP(name)                                                             \
  WT_API wt_tensor wt_##name(wt_tensor self, const int64_t* values, int32_t count) { \
    return wt::tensor_call([&] { return self->name(wt::dims(values, count)); });     \
  }

WT_DIMS_OP(view)
WT_DIMS_OP(reshape)
WT_DIMS_OP(permute)
WT_DIMS_OP(expand)
WT_DIMS_OP(repeat)
WT_DIMS_OP(flip)

// self.view(dtype): the same bytes read as another dtype (the last dimension rescales when sizes differ).
WT_API wt_tensor wt_view_dtype(wt_tensor self, int32_t dtype) {
  return wt::tensor_call([&] { return self->view(static_cast<at::ScalarType>(dtype)); });
}

WT_API wt_tensor wt_transpose(wt_tensor self, int64_t dim0, int64_t dim1) {
  return wt::tensor_call([&] { return self->transpose(dim0, dim1); });
}

WT_API wt_tensor wt_flatten(wt_tensor self, int64_t start_dim, int64_t end_dim) {
  return wt::tensor_call([&] { return self->flatten(start_dim, end_dim); });
}

WT_API wt_tensor wt_unflatten(wt_tensor self, int64_t dim, const int64_t* sizes, int32_t count) {
  return wt::tensor_call([&] { return self->unflatten(dim, wt::dims(sizes, count)); });
}

WT_API wt_tensor wt_unsqueeze(wt_tensor self, int64_t dim) {
  return wt::tensor_call([&] { return self->unsqueeze(dim); });
}

WT_API wt_tensor wt_squeeze(wt_tensor self) {
  return wt::tensor_call([&] { return self->squeeze(); });
}

WT_API wt_tensor wt_squeeze_dim(wt_tensor self, int64_t dim) {
  return wt::tensor_call([&] { return self->squeeze(dim); });
}

WT_API wt_tensor wt_repeat_interleave(wt_tensor self, int64_t repeats, int64_t dim) {
  return wt::tensor_call([&] { return at::repeat_interleave(*self, repeats, dim); });
}

WT_API wt_tensor wt_narrow(wt_tensor self, int64_t dim, int64_t start, int64_t length) {
  return wt::tensor_call([&] { return self->narrow(dim, start, length); });
}

// Python's self[..., start:end:step, ...] on one dimension; end may be INT64_MAX for "to the end".
WT_API wt_tensor wt_slice(wt_tensor self, int64_t dim, int64_t start, int64_t end, int64_t step) {
  return wt::tensor_call([&] { return self->slice(dim, start, end, step); });
}

WT_API wt_tensor wt_select(wt_tensor self, int64_t dim, int64_t index) {
  return wt::tensor_call([&] { return self->select(dim, index); });
}

WT_API wt_tensor wt_index_select(wt_tensor self, int64_t dim, wt_tensor index) {
  return wt::tensor_call([&] { return self->index_select(dim, *index); });
}

WT_API wt_tensor wt_gather(wt_tensor self, int64_t dim, wt_tensor index) {
  return wt::tensor_call([&] { return self->gather(dim, *index); });
}

WT_API wt_tensor wt_tril(wt_tensor self, int64_t diagonal) {
  return wt::tensor_call([&] { return self->tril(diagonal); });
}

WT_API wt_tensor wt_triu(wt_tensor self, int64_t diagonal) {
  return wt::tensor_call([&] { return self->triu(diagonal); });
}

WT_API wt_tensor wt_roll(wt_tensor self, int64_t shift, int64_t dim) {
  return wt::tensor_call([&] { return self->roll(shift, dim); });
}

WT_API wt_tensor wt_cat(const wt_tensor* tensors, int32_t count, int64_t dim) {
  return wt::tensor_call([&] { return at::cat(wt::tensors(tensors, count), dim); });
}

WT_API wt_tensor wt_stack(const wt_tensor* tensors, int32_t count, int64_t dim) {
  return wt::tensor_call([&] { return at::stack(wt::tensors(tensors, count), dim); });
}

WT_API int64_t wt_chunk(wt_tensor self, int64_t chunks, int64_t dim, wt_tensor* out, int64_t capacity) {
  return wt::call<int64_t>(-1, [&] { return wt::wrap_all(self->chunk(chunks, dim), out, capacity); });
}

WT_API int64_t wt_split(wt_tensor self, int64_t split_size, int64_t dim, wt_tensor* out, int64_t capacity) {
  return wt::call<int64_t>(-1, [&] { return wt::wrap_all(self->split(split_size, dim), out, capacity); });
}

WT_API int64_t wt_split_with_sizes(wt_tensor self, const int64_t* sizes, int32_t count, int64_t dim, wt_tensor* out,
                                   int64_t capacity) {
  return wt::call<int64_t>(
      -1, [&] { return wt::wrap_all(self->split_with_sizes(wt::dims(sizes, count), dim), out, capacity); });
}

WT_API int64_t wt_unbind(wt_tensor self, int64_t dim, wt_tensor* out, int64_t capacity) {
  return wt::call<int64_t>(-1, [&] { return wt::wrap_all(self->unbind(dim), out, capacity); });
}
