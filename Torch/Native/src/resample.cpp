// F.interpolate and F.pad. interpolate dispatches exactly as torch/nn/functional.py does (1.13 and 2.x),
// to the same ATen upsampling kernels with the same (output_size | scale_factors) arguments.
#include <cmath>

#include "shim.h"

namespace {

// Mirrors Workflow.Torch.InterpolateMode.
enum Mode : int32_t { NEAREST = 0, NEAREST_EXACT = 1, LINEAR = 2, BILINEAR = 3, BICUBIC = 4, TRILINEAR = 5, AREA = 6 };

const char* mode_name(int32_t mode) {
  static const char* names[] = {"nearest", "nearest-exact", "linear", "bilinear", "bicubic", "trilinear", "area"};
  return mode >= 0 && mode <= AREA ? names[mode] : "unknown";
}

using Scales = c10::optional<at::ArrayRef<double>>;

// "area" is adaptive average pooling to an explicit size (functional.py recomputes it from the scale).
at::Tensor area(const at::Tensor& input, at::OptionalIntArrayRef size, Scales scales) {
  std::vector<int64_t> output;
  if (size) {
    output.assign(size->begin(), size->end());
  } else {
    for (size_t i = 0; i < scales->size(); ++i)
      output.push_back(static_cast<int64_t>(std::floor(static_cast<double>(input.size(i + 2)) * (*scales)[i])));
  }
  switch (input.dim()) {
    case 3:
      return at::adaptive_avg_pool1d(input, output);
    case 4:
      return at::adaptive_avg_pool2d(input, output);
    default:
      return at::adaptive_avg_pool3d(input, output);
  }
}

at::Tensor interpolate(const at::Tensor& input, int32_t mode, at::OptionalIntArrayRef size, Scales scales,
                       bool align_corners, bool antialias) {
  const auto dim = input.dim();
  TORCH_CHECK(dim >= 3 && dim <= 5, "Input Error: Only 3D, 4D and 5D input Tensors supported (got ", dim,
              "D) for the modes: nearest | linear | bilinear | bicubic | trilinear | area | nearest-exact (got ",
              mode_name(mode), ")");
  TORCH_CHECK(!antialias || ((mode == BILINEAR || mode == BICUBIC) && dim == 4),
              "Anti-alias option is only supported for bilinear and bicubic modes");
  if (mode == NEAREST && dim == 3) return at::upsample_nearest1d(input, size, scales);
  if (mode == NEAREST && dim == 4) return at::upsample_nearest2d(input, size, scales);
  if (mode == NEAREST && dim == 5) return at::upsample_nearest3d(input, size, scales);
  if (mode == NEAREST_EXACT && dim == 3) return at::_upsample_nearest_exact1d(input, size, scales);
  if (mode == NEAREST_EXACT && dim == 4) return at::_upsample_nearest_exact2d(input, size, scales);
  if (mode == NEAREST_EXACT && dim == 5) return at::_upsample_nearest_exact3d(input, size, scales);
  if (mode == AREA) return area(input, size, scales);
  if (mode == LINEAR && dim == 3) return at::upsample_linear1d(input, size, align_corners, scales);
  if (mode == BILINEAR && dim == 4)
    return antialias ? at::_upsample_bilinear2d_aa(input, size, align_corners, scales)
                     : at::upsample_bilinear2d(input, size, align_corners, scales);
  if (mode == BICUBIC && dim == 4)
    return antialias ? at::_upsample_bicubic2d_aa(input, size, align_corners, scales)
                     : at::upsample_bicubic2d(input, size, align_corners, scales);
  if (mode == TRILINEAR && dim == 5) return at::upsample_trilinear3d(input, size, align_corners, scales);
  TORCH_CHECK(false, "Got ", dim, "D input, but ", mode_name(mode), " mode needs ",
              mode == LINEAR      ? 3
              : mode == TRILINEAR ? 5
                                  : 4,
              "D input");
}

}  // namespace

// Exactly one of size / scales is given, each with `count` = input.dim() - 2 values.
WT_API wt_tensor wt_interpolate(wt_tensor input, int32_t mode, const int64_t* size, const double* scales, int32_t count,
                                int32_t align_corners, int32_t antialias) {
  return wt::tensor_call([&] {
    TORCH_CHECK((size == nullptr) != (scales == nullptr), "exactly one of size or scale_factor should be defined");
    TORCH_CHECK(count == input->dim() - 2, "Input and output must have the same number of spatial dimensions, but got ",
                "input with spatial dimensions of ", input->sizes().slice(std::min<int64_t>(2, input->dim())), " and ",
                count, " output sizes or scale factors");
    const auto output_size = size ? at::OptionalIntArrayRef(wt::dims(size, count)) : c10::nullopt;
    const auto scale_factors = scales ? Scales(at::ArrayRef<double>(scales, count)) : c10::nullopt;
    return interpolate(*input, mode, output_size, scale_factors, align_corners != 0, antialias != 0);
  });
}

// mode: 0 constant, 1 reflect, 2 replicate, 3 circular (Workflow.Torch.PaddingMode).
WT_API wt_tensor wt_pad(wt_tensor input, const int64_t* pad, int32_t count, int32_t mode, double value) {
  return wt::tensor_call([&] {
    static const char* modes[] = {"constant", "reflect", "replicate", "circular"};
    TORCH_CHECK(mode >= 0 && mode <= 3, "unknown padding mode ", mode);
    const auto fill = mode == 0 ? c10::optional<double>(value) : c10::nullopt;
    return at::pad(*input, wt::dims(pad, count), modes[mode], fill);
  });
}
