// Scaled dot-product attention: the fused ATen op where libtorch has it (2.0, with `scale` from 2.1),
// otherwise the math PyTorch's own fallback computes (aten/src/ATen/native/transformers/attention.cpp,
// _scaled_dot_product_attention_math): softmax(q k^T * scale + mask) v, in float32 on the CPU fused over blocks of
// query rows with oneDNN's products (cpu_gemm.cpp).
#include <ATen/ExpandUtils.h>
#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "shim.h"

#if !WT_TORCH_AT_LEAST(2, 1)
namespace {

// Each task's scores, and their softmax beside them, take about this much: a block of rows stays in the core's
// cache from its q·kᵀ through its softmax to its product with v. Measured on SD1.5's 4,096-token self-attention
// (16 matrices of 40 channels), blocks of 256 rows took 0.67 s against 0.96 s at 32 rows and 2.3 s for the ATen
// blocks below.
constexpr int64_t kTaskScoreBytes = int64_t{4} << 20;

// Offset in elements of matrix `index` (row-major over the leading `batch_dims` dims) of `tensor`.
int64_t matrix_offset(const at::Tensor& tensor, int64_t batch_dims, int64_t index) {
  int64_t offset = 0;
  for (int64_t dim = batch_dims - 1; dim >= 0; --dim) {
    offset += index % tensor.size(dim) * tensor.stride(dim);
    index /= tensor.size(dim);
  }
  return offset;
}

// Float32 CPU attention through oneDNN: a task is a block of one matrix's query rows; it computes their scores
// (scaled in the product), masks them, takes their softmax and multiplies by v into its rows of the output. k, v
// and the mask broadcast over q's batch dims as strided views, never copied. nullopt where it does not apply.
c10::optional<at::Tensor> attention_onednn(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                                           const c10::optional<at::Tensor>& mask, bool is_causal, double factor) {
  const auto sgemm = wt::onednn_sgemm();
  auto cpu_float = [](const at::Tensor& t) { return t.device().is_cpu() && t.scalar_type() == at::kFloat; };
  const bool mask_usable =
      !mask || (mask->device().is_cpu() && (mask->scalar_type() == at::kBool || mask->scalar_type() == at::kFloat));
  if (sgemm == nullptr || !cpu_float(q) || !cpu_float(k) || !cpu_float(v) || k.dim() != q.dim() ||
      v.dim() != q.dim() || q.dim() < 2 || !mask_usable)
    return c10::nullopt;
  const int64_t batch_dims = q.dim() - 2;
  const int64_t rows = q.size(-2), channels = q.size(-1), keys = k.size(-2), value_channels = v.size(-1);
  if (rows < 2 || channels < 2 || keys < 2 || value_channels < 2) return c10::nullopt;
  auto batch_shape = q.sizes().slice(0, batch_dims).vec();
  auto shape_with = [&](int64_t last2, int64_t last) {
    auto shape = batch_shape;
    shape.push_back(last2);
    shape.push_back(last);
    return shape;
  };
  // Anything ATen's matmul would refuse or broadcast differently (k of another width, v of other keys, k or v with
  // more batch than q, a mask of another shape) and an empty batch are left to the ATen path.
  const int64_t matrices = c10::multiply_integers(batch_shape);
  if (matrices == 0 || k.size(-1) != channels || v.size(-2) != keys ||
      !at::is_expandable_to(k.sizes(), shape_with(keys, channels)) ||
      !at::is_expandable_to(v.sizes(), shape_with(keys, value_channels)) ||
      (mask && !at::is_expandable_to(mask->sizes(), shape_with(rows, keys))))
    return c10::nullopt;
  const auto queries = wt::unit_strided(q);
  const auto keys_t = wt::unit_strided(k.expand(shape_with(keys, channels)).transpose(-2, -1));
  const auto values = wt::unit_strided(v.expand(shape_with(keys, value_channels)));
  c10::optional<at::Tensor> mask_full;
  if (mask) mask_full = mask->expand(shape_with(rows, keys));
  auto out = at::empty(shape_with(rows, value_channels), q.options());

  int64_t block = std::clamp<int64_t>(kTaskScoreBytes / (keys * int64_t{sizeof(float)}), 1, rows);
  // Enough tasks for every thread when there are fewer matrices than threads.
  const int64_t tasks_per_matrix_wanted = (at::get_num_threads() + matrices - 1) / matrices;
  block = std::min(block, (rows + tasks_per_matrix_wanted - 1) / tasks_per_matrix_wanted);
  const int64_t blocks = (rows + block - 1) / block;
  const float minus_infinity = -std::numeric_limits<float>::infinity();
  float* const result = out.data_ptr<float>();

  at::parallel_for(0, matrices * blocks, 1, [&](int64_t first_task, int64_t end_task) {
    // From the tensor allocator, whose cache hands back warm pages at the next call (and counts them).
    const auto buffer = at::empty({2 * block * keys}, q.options());
    float* const scores_data = buffer.data_ptr<float>();
    float* const weights_data = scores_data + block * keys;
    for (int64_t task = first_task; task < end_task; ++task) {
      const int64_t matrix = task / blocks, first_row = task % blocks * block;
      const int64_t count = std::min(block, rows - first_row);
      const auto q_op = *wt::sgemm_operand(queries, matrix_offset(queries, batch_dims, matrix) +
                                                          first_row * queries.stride(-2));
      const auto k_op = *wt::sgemm_operand(keys_t, matrix_offset(keys_t, batch_dims, matrix));
      const auto v_op = *wt::sgemm_operand(values, matrix_offset(values, batch_dims, matrix));
      int status = sgemm(q_op.trans, k_op.trans, count, keys, channels, static_cast<float>(factor), q_op.data,
                         q_op.ld, k_op.data, k_op.ld, 0.0f, scores_data, keys);
      TORCH_CHECK(status == 0, "oneDNN sgemm failed with status ", status);
      auto scores = at::from_blob(scores_data, {count, keys}, q.options());
      if (is_causal)
        for (int64_t row = 0; row < count; ++row) {
          const int64_t first_future = std::min(first_row + row + 1, keys);
          std::fill(scores_data + row * keys + first_future, scores_data + (row + 1) * keys, minus_infinity);
        }
      if (mask_full) {
        // A boolean mask marks the positions that may attend; a float mask is added to the scores.
        const auto rows_mask = mask_full->as_strided(
            {count, keys}, {mask_full->stride(-2), mask_full->stride(-1)},
            mask_full->storage_offset() + matrix_offset(*mask_full, batch_dims, matrix) +
                first_row * mask_full->stride(-2));
        if (rows_mask.scalar_type() == at::kBool)
          scores.masked_fill_(rows_mask.logical_not(), minus_infinity);
        else
          scores.add_(rows_mask);
      }
      auto weights = at::from_blob(weights_data, {count, keys}, q.options());
      at::_softmax_out(weights, scores, 1, false);
      status = sgemm('N', v_op.trans, count, value_channels, keys, 1.0f, weights_data, keys, v_op.data, v_op.ld,
                     0.0f, result + (matrix * rows + first_row) * value_channels, value_channels);
      TORCH_CHECK(status == 0, "oneDNN sgemm failed with status ", status);
    }
  });
  return out;
}

// Scores are computed for a block of query rows at a time, at most this many bytes of them: each row's softmax still
// sees every key, so the result is the unblocked one, but a 4,096-token self-attention no longer holds its whole
// score matrix (1 GiB for SD1.5's 16 heads-by-batch at 64x64 latents) and its softmax copy at once.
constexpr int64_t kScoreBlockBytes = int64_t{32} << 20;

at::Tensor attention_rows(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, const c10::optional<at::Tensor>& mask,
                          bool is_causal, int64_t first_row, double factor) {
  // Scaling q (L x E) is cheaper than scaling the scores (L x S).
  auto scores = at::matmul(q * factor, k.transpose(-2, -1));
  const double minus_infinity = -std::numeric_limits<double>::infinity();
  if (is_causal) {
    const auto future = at::ones({q.size(-2), k.size(-2)}, q.options().dtype(at::kBool)).triu(1 + first_row);
    scores.masked_fill_(future, minus_infinity);
  }
  if (mask) {
    // A boolean mask marks the positions that may attend; a float mask is added to the scores.
    if (mask->scalar_type() == at::kBool)
      scores.masked_fill_(mask->logical_not(), minus_infinity);
    else
      scores.add_(*mask);
  }
  return at::matmul(at::softmax(scores, -1), v);
}

at::Tensor attention_math(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                          const c10::optional<at::Tensor>& mask, bool is_causal, c10::optional<double> scale) {
  const double factor = scale.value_or(1.0 / std::sqrt(static_cast<double>(q.size(-1))));
  if (auto fused = attention_onednn(q, k, v, mask, is_causal, factor)) return *fused;
  const int64_t rows = q.size(-2), keys = k.size(-2);
  const int64_t matrices = std::max(q.numel() / std::max<int64_t>(rows * q.size(-1), 1),
                                    k.numel() / std::max<int64_t>(keys * k.size(-1), 1));
  const int64_t row_bytes = std::max<int64_t>(matrices * keys * q.element_size(), 1);
  const int64_t block = std::max<int64_t>(kScoreBlockBytes / row_bytes, 1);
  if (block >= rows) return attention_rows(q, k, v, mask, is_causal, 0, factor);

  // A mask with one row per query is cut with the queries; a mask broadcast over the rows is used whole.
  const bool mask_has_rows = mask && mask->dim() >= 2 && mask->size(-2) == rows;
  std::vector<at::Tensor> outputs;
  for (int64_t first = 0; first < rows; first += block) {
    const int64_t count = std::min(block, rows - first);
    c10::optional<at::Tensor> mask_rows = mask;
    if (mask_has_rows) mask_rows = mask->narrow(-2, first, count);
    outputs.push_back(attention_rows(q.narrow(-2, first, count), k, v, mask_rows, is_causal, first, factor));
  }
  return at::cat(outputs, -2);
}

}  // namespace
#endif

// mask may be null; scale may be null (1/sqrt(E)).
WT_API wt_tensor wt_scaled_dot_product_attention(wt_tensor query, wt_tensor key, wt_tensor value, wt_tensor mask,
                                                 int32_t is_causal, const double* scale) {
  return wt::tensor_call([&] {
    const auto attn_mask = wt::optional_tensor(mask);
    const auto scale_value = scale ? c10::optional<double>(*scale) : c10::nullopt;
    TORCH_CHECK(!(is_causal && attn_mask), "Explicit attn_mask should not be set when is_causal=True");
#if WT_TORCH_AT_LEAST(2, 1)
    return at::scaled_dot_product_attention(*query, *key, *value, attn_mask, 0.0, is_causal != 0, scale_value);
#elif WT_TORCH_AT_LEAST(2, 0)
    if (!scale_value) return at::scaled_dot_product_attention(*query, *key, *value, attn_mask, 0.0, is_causal != 0);
    return attention_math(*query, *key, *value, attn_mask, is_causal != 0, scale_value);
#else
    return attention_math(*query, *key, *value, attn_mask, is_causal != 0, scale_value);
#endif
  });
}
