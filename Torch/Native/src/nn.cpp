// torch.nn.functional: convolutions, linear, normalisations, activations, embedding, pooling.
// Each entry calls the same ATen function PyTorch's Python API calls, so kernels and numerics match, except float32
// CPU products and small convolutions, which go to oneDNN's sgemm where faster (cpu_gemm.cpp).
#include <limits>

#include "shim.h"

// stride, padding and dilation each hold `spatial` values (1, 2 or 3).
WT_API wt_tensor wt_conv(wt_tensor input, wt_tensor weight, wt_tensor bias, const int64_t* stride,
                         const int64_t* padding, const int64_t* dilation, int32_t spatial, int64_t groups) {
  return wt::tensor_call([&] {
    const auto s = wt::dims(stride, spatial), p = wt::dims(padding, spatial), d = wt::dims(dilation, spatial);
    const auto b = wt::optional_tensor(bias);
    switch (spatial) {
      case 1:
        return at::conv1d(*input, *weight, b, s, p, d, groups);
      case 2:
        if (auto fast = wt::onednn_conv2d(*input, *weight, b, s, p, d, groups)) return *fast;
        return at::conv2d(*input, *weight, b, s, p, d, groups);
      case 3:
        return at::conv3d(*input, *weight, b, s, p, d, groups);
      default:
        TORCH_CHECK(false, "convolution needs 1, 2 or 3 spatial dimensions, got ", spatial);
    }
  });
}

WT_API wt_tensor wt_conv_transpose(wt_tensor input, wt_tensor weight, wt_tensor bias, const int64_t* stride,
                                   const int64_t* padding, const int64_t* output_padding, const int64_t* dilation,
                                   int32_t spatial, int64_t groups) {
  return wt::tensor_call([&] {
    const auto s = wt::dims(stride, spatial), p = wt::dims(padding, spatial);
    const auto o = wt::dims(output_padding, spatial), d = wt::dims(dilation, spatial);
    const auto b = wt::optional_tensor(bias);
    switch (spatial) {
      case 1:
        return at::conv_transpose1d(*input, *weight, b, s, p, o, groups, d);
      case 2:
        return at::conv_transpose2d(*input, *weight, b, s, p, o, groups, d);
      case 3:
        return at::conv_transpose3d(*input, *weight, b, s, p, o, groups, d);
      default:
        TORCH_CHECK(false, "transposed convolution needs 1, 2 or 3 spatial dimensions, got ", spatial);
    }
  });
}

WT_API wt_tensor wt_linear(wt_tensor input, wt_tensor weight, wt_tensor bias) {
  return wt::tensor_call([&] {
    const auto b = wt::optional_tensor(bias);
    if (auto fast = wt::onednn_linear(*input, *weight, b)) return *fast;
    return at::linear(*input, *weight, b);
  });
}

WT_API wt_tensor wt_group_norm(wt_tensor input, int64_t groups, wt_tensor weight, wt_tensor bias, double eps) {
  return wt::tensor_call(
      [&] { return at::group_norm(*input, groups, wt::optional_tensor(weight), wt::optional_tensor(bias), eps); });
}

WT_API wt_tensor wt_layer_norm(wt_tensor input, const int64_t* shape, int32_t ndim, wt_tensor weight, wt_tensor bias,
                               double eps) {
  return wt::tensor_call([&] {
    return at::layer_norm(*input, wt::dims(shape, ndim), wt::optional_tensor(weight), wt::optional_tensor(bias), eps);
  });
}

#if !WT_TORCH_AT_LEAST(2, 4)
namespace {

// eps as the input's dtype holds it, as the composite does (it stores eps in a scalar_t).
double round_to_dtype(double value, at::ScalarType type) {
  switch (type) {
    case at::kHalf:
      return static_cast<float>(static_cast<at::Half>(value));
    case at::kBFloat16:
      return static_cast<float>(static_cast<at::BFloat16>(value));
    case at::kFloat:
      return static_cast<float>(value);
    default:
      return value;
  }
}

// PyTorch 2.4's composite rms_norm (aten/src/ATen/native/layer_norm.cpp), for libtorch without at::rms_norm:
// computed in float for half inputs, eps defaulting to the compute type's machine epsilon.
at::Tensor rms_norm_composite(const at::Tensor& input, at::IntArrayRef normalized_shape,
                              const c10::optional<at::Tensor>& weight, c10::optional<double> eps) {
  TORCH_CHECK(at::isFloatingType(input.scalar_type()), "rms_norm expects a floating point input, got ",
              input.scalar_type());
  std::vector<int64_t> reduce;
  for (size_t i = 0; i < normalized_shape.size(); ++i) reduce.push_back(input.dim() - 1 - static_cast<int64_t>(i));
  const auto compute = input.scalar_type() == at::kDouble ? at::kDouble : at::kFloat;
  const double machine_eps =
      compute == at::kDouble ? std::numeric_limits<double>::epsilon() : std::numeric_limits<float>::epsilon();
  const double eps_value = round_to_dtype(eps.value_or(machine_eps), input.scalar_type());
  const auto upcast = input.to(compute);
  const auto inverse_rms = at::rsqrt(at::pow(upcast, 2).mean(reduce, /*keepdim=*/true).add_(eps_value));
  auto result = upcast.mul(inverse_rms).type_as(input);
  return weight ? result.mul(*weight) : result;
}

}  // namespace
#endif

// eps may be null: the machine epsilon of the compute dtype.
WT_API wt_tensor wt_rms_norm(wt_tensor input, const int64_t* shape, int32_t ndim, wt_tensor weight, const double* eps) {
  return wt::tensor_call([&] {
    const auto eps_value = eps ? c10::optional<double>(*eps) : c10::nullopt;
#if WT_TORCH_AT_LEAST(2, 4)
    return at::rms_norm(*input, wt::dims(shape, ndim), wt::optional_tensor(weight), eps_value);
#else
    return rms_norm_composite(*input, wt::dims(shape, ndim), wt::optional_tensor(weight), eps_value);
#endif
  });
}

WT_API wt_tensor wt_silu(wt_tensor input) {
  return wt::tensor_call([&] { return at::silu(*input); });
}

WT_API int32_t wt_silu_(wt_tensor input) {
  return wt::status_call([&] { at::silu_(*input); });
}

WT_API wt_tensor wt_relu(wt_tensor input) {
  return wt::tensor_call([&] { return at::relu(*input); });
}

// approximate: 0 exact (erf), 1 tanh.
WT_API wt_tensor wt_gelu(wt_tensor input, int32_t approximate) {
  return wt::tensor_call([&] { return at::gelu(*input, approximate ? "tanh" : "none"); });
}

WT_API wt_tensor wt_softmax(wt_tensor input, int64_t dim, int32_t dtype) {
  return wt::tensor_call([&] { return at::softmax(*input, dim, wt::optional_dtype(dtype)); });
}

WT_API wt_tensor wt_log_softmax(wt_tensor input, int64_t dim, int32_t dtype) {
  return wt::tensor_call([&] { return at::log_softmax(*input, dim, wt::optional_dtype(dtype)); });
}

WT_API wt_tensor wt_embedding(wt_tensor weight, wt_tensor indices) {
  return wt::tensor_call([&] { return at::embedding(*weight, *indices); });
}

// kernel, stride and padding each hold 2 values.
WT_API wt_tensor wt_avg_pool2d(wt_tensor input, const int64_t* kernel, const int64_t* stride, const int64_t* padding,
                               int32_t ceil_mode, int32_t count_include_pad) {
  return wt::tensor_call([&] {
    return at::avg_pool2d(*input, wt::dims(kernel, 2), wt::dims(stride, 2), wt::dims(padding, 2), ceil_mode != 0,
                          count_include_pad != 0);
  });
}
