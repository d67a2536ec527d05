// Scaled dot-product attention: the fused ATen op where libtorch has it (2.0, with `scale` from 2.1),
// otherwise the math PyTorch's own fallback computes (aten/src/ATen/native/transformers/attention.cpp,
// _scaled_dot_product_attention_math): softmax(q k^T * scale + mask) v.
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "shim.h"

#if !WT_TORCH_AT_LEAST(2, 1)
namespace {

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
