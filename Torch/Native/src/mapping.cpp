// A file mapped copy-on-write (MAP_PRIVATE, readable and writable) whose tensors are views of its pages, as
// safetensors' torch loader does (torch.UntypedStorage.from_file(shared=False)): a checkpoint loaded at its stored
// dtype on the CPU costs no copy and no fresh pages; its weights are the page cache's pages until something writes
// to one, which then gets a private copy and never reaches the file. The mapping is counted: the reader holds one
// reference and every view one more (released by the view storage's deleter), so it is unmapped when the last of
// them goes, whichever that is.
#include <sys/mman.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstring>

#include "shim.h"

namespace {

struct Mapping {
  void* start;
  size_t length;
  std::atomic<int64_t> references;
};

void release(Mapping* mapping) noexcept {
  if (mapping->references.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
  munmap(mapping->start, mapping->length);
  delete mapping;
}

}  // namespace

// Maps `length` bytes of the open file `fd` (which may be closed afterwards): null on failure. Writable so that an
// in-place op on a view copies its page instead of faulting; private so that no write reaches the file. No
// MAP_POPULATE: on a writable private mapping it would copy every page.
WT_API void* wt_map_file(int32_t fd, int64_t length) {
  return wt::call<void*>(nullptr, [&]() -> void* {
    TORCH_CHECK(length > 0, "cannot map ", length, " bytes");
    void* start = mmap(nullptr, static_cast<size_t>(length), PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    TORCH_CHECK(start != MAP_FAILED, "mmap of ", length, " bytes failed: ", std::strerror(errno));
    return new Mapping{start, static_cast<size_t>(length), {1}};
  });
}

WT_API void* wt_mapping_start(void* mapping) { return static_cast<Mapping*>(mapping)->start; }

// Drops the reader's reference: the pages stay mapped while views of them live.
WT_API void wt_mapping_release(void* mapping) { release(static_cast<Mapping*>(mapping)); }

// A contiguous CPU tensor of `shape` viewing the mapping's bytes from `offset` as `dtype`. The caller has checked
// that the bytes lie inside the mapping; the offset must be a multiple of the element size (libtorch's kernels
// assume aligned elements), which is checked here too.
WT_API wt_tensor wt_mapping_view(void* mapping, int64_t offset, int32_t dtype, const int64_t* shape, int32_t ndim) {
  return wt::tensor_call([&] {
    auto* owner = static_cast<Mapping*>(mapping);
    const auto type = static_cast<at::ScalarType>(dtype);
    TORCH_CHECK(offset >= 0 && static_cast<size_t>(offset) <= owner->length, "offset ", offset, " is outside the mapping");
    TORCH_CHECK(offset % static_cast<int64_t>(c10::elementSize(type)) == 0, "offset ", offset,
                " is not a multiple of the element size of ", c10::toString(type));
    for (int32_t i = 0; i < ndim; ++i) TORCH_CHECK(shape[i] >= 0, "negative size ", shape[i]);
    void* data = static_cast<char*>(owner->start) + offset;
    // The reference is the view's from here: from_blob's own checks ran above, and past them only an allocation
    // can fail, after which its storage may already own the deleter; such a failure leaks the mapping rather than
    // risk unmapping it twice.
    owner->references.fetch_add(1, std::memory_order_relaxed);
    return at::from_blob(data, wt::dims(shape, ndim), [owner](void*) { release(owner); }, at::TensorOptions().dtype(type));
  });
}
