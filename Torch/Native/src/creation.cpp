// Factories: constant fills, ranges and random draws. Random draws go through ATen's own generators,
// so a seed gives the same numbers as torch.manual_seed(seed); torch.randn(shape) in PyTorch.
#include "shim.h"

#define WT_SHAPE_FACTORY(name)                                                                           \
  WT_API wt_tensor wt_##name(const int64_t* shape, int32_t ndim, int32_t dtype, int32_t device_type,     \
                             int32_t device_index) {                                                     \
    return wt::tensor_call(                                                                              \
        [&] { return at::name(wt::dims(shape, ndim), wt::options(dtype, device_type, device_index)); }); \
  }

WT_SHAPE_FACTORY(empty)
WT_SHAPE_FACTORY(zeros)
WT_SHAPE_FACTORY(ones)

// dtype < 0 infers it from the value as torch.full does (bool, int64 or the default float).
WT_API wt_tensor wt_full(const int64_t* shape, int32_t ndim, wt_scalar value, int32_t dtype, int32_t device_type,
                         int32_t device_index) {
  return wt::tensor_call([&] {
    return at::full(wt::dims(shape, ndim), wt::scalar(value), wt::options(dtype, device_type, device_index));
  });
}

namespace {
// self's options, with dtype replaced when dtype >= 0.
at::TensorOptions like(wt_tensor self, int32_t dtype) {
  return self->options().dtype(dtype < 0 ? self->scalar_type() : static_cast<at::ScalarType>(dtype));
}
}  // namespace

#define WT_LIKE_FACTORY(name)                                                   \
  WT_API wt_tensor wt_##name(wt_tensor self, int32_t dtype) {                   \
    return wt::tensor_call([&] { return at::name(*self, like(self, dtype)); }); \
  }

WT_LIKE_FACTORY(empty_like)
WT_LIKE_FACTORY(zeros_like)
WT_LIKE_FACTORY(ones_like)

WT_API wt_tensor wt_full_like(wt_tensor self, wt_scalar value, int32_t dtype) {
  return wt::tensor_call([&] { return at::full_like(*self, wt::scalar(value), like(self, dtype)); });
}

WT_API wt_tensor wt_arange(wt_scalar start, wt_scalar end, wt_scalar step, int32_t dtype, int32_t device_type,
                           int32_t device_index) {
  return wt::tensor_call([&] {
    return at::arange(wt::scalar(start), wt::scalar(end), wt::scalar(step),
                      wt::options(dtype, device_type, device_index));
  });
}

WT_API wt_tensor wt_linspace(double start, double end, int64_t steps, int32_t dtype, int32_t device_type,
                             int32_t device_index) {
  return wt::tensor_call(
      [&] { return at::linspace(start, end, steps, wt::options(dtype, device_type, device_index)); });
}

namespace {
c10::optional<at::Generator> optional_generator(wt_generator generator) {
  return generator ? c10::optional<at::Generator>(*generator) : c10::nullopt;
}
}  // namespace

// generator may be null: the device's default generator.
WT_API wt_tensor wt_randn(const int64_t* shape, int32_t ndim, wt_generator generator, int32_t dtype,
                          int32_t device_type, int32_t device_index) {
  return wt::tensor_call([&] {
    return at::randn(wt::dims(shape, ndim), optional_generator(generator),
                     wt::options(dtype, device_type, device_index));
  });
}

WT_API wt_tensor wt_rand(const int64_t* shape, int32_t ndim, wt_generator generator, int32_t dtype, int32_t device_type,
                         int32_t device_index) {
  return wt::tensor_call([&] {
    return at::rand(wt::dims(shape, ndim), optional_generator(generator),
                    wt::options(dtype, device_type, device_index));
  });
}

WT_API wt_tensor wt_randint(int64_t low, int64_t high, const int64_t* shape, int32_t ndim, wt_generator generator,
                            int32_t dtype, int32_t device_type, int32_t device_index) {
  return wt::tensor_call([&] {
    return at::randint(low, high, wt::dims(shape, ndim), optional_generator(generator),
                       wt::options(dtype < 0 ? static_cast<int32_t>(at::kLong) : dtype, device_type, device_index));
  });
}

// In place: self.normal_(mean, std, generator), e.g. for noise into an existing buffer.
WT_API int32_t wt_normal_(wt_tensor self, double mean, double std, wt_generator generator) {
  return wt::status_call([&] { self->normal_(mean, std, optional_generator(generator)); });
}
