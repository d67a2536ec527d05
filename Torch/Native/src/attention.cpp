// Scaled dot-product attention: the fused ATen op where libtorch has it (2.0, with `scale` from 2.1),
// otherwise the math PyTorch's own fallback computes (aten/src/ATen/native/transformers/attention.cpp,
// _scaled_dot_product_attention_math): softmax(q k^T * scale + mask) v.
#include <cmath>
#include <limits>

#include "shim.h"

#if !WT_TORCH_AT_LEAST(2, 1)
namespace {

at::Tensor attention_math(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                          const c10::optional<at::Tensor>& mask, bool is_causal, c10::optional<double> scale) {
  const double factor = scale.value_or(1.0 / std::sqrt(static_cast<double>(q.size(-1))));
  // Scaling q (L x E) is cheaper than scaling the scores (L x S).
  auto scores = at::matmul(q * factor, k.transpose(-2, -1));
  const double minus_infinity = -std::numeric_limits<double>::infinity();
  if (is_causal) {
    const auto future = at::ones({q.size(-2), k.size(-2)}, q.options().dtype(at::kBool)).triu(1);
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
