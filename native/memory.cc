#include "memory.h"

#include <cstdlib>
#include <new>

#if defined(_WIN32)
#include <malloc.h>
#else
#include <sys/mman.h>
#endif

namespace reframe {

namespace {

// kBlockBytes-aligned memory of `bytes` (a multiple of kBlockBytes); null on failure. On POSIX it
// comes from the kernel zeroed, and Linux is asked to back it with huge pages.
uint8_t* MapBlock(size_t bytes, bool* zeroed) {
  constexpr size_t align = SlabPool::kBlockBytes;
#if defined(_WIN32)
  *zeroed = false;
  return static_cast<uint8_t*>(_aligned_malloc(bytes, align));
#else
  const size_t span = bytes + align;
  void* mapped = mmap(nullptr, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mapped == MAP_FAILED) return nullptr;
  const uintptr_t start = reinterpret_cast<uintptr_t>(mapped);
  const uintptr_t aligned = (start + align - 1) & ~static_cast<uintptr_t>(align - 1);
  if (aligned > start) munmap(mapped, aligned - start);
  const size_t tail = start + span - (aligned + bytes);
  if (tail > 0) munmap(reinterpret_cast<void*>(aligned + bytes), tail);
#if defined(MADV_HUGEPAGE)
  madvise(reinterpret_cast<void*>(aligned), bytes, MADV_HUGEPAGE);  // a hint: failure is harmless
#endif
  *zeroed = true;
  return reinterpret_cast<uint8_t*>(aligned);
#endif
}

void UnmapBlock(uint8_t* base, size_t bytes) {
#if defined(_WIN32)
  (void)bytes;
  _aligned_free(base);
#else
  munmap(base, bytes);
#endif
}

// Returns the pages of [data, data + bytes) to the kernel (they read as zeros afterwards).
void Purge(uint8_t* data, size_t bytes) {
#if defined(MADV_DONTNEED) && !defined(_WIN32)
  madvise(data, bytes, MADV_DONTNEED);
#else
  (void)data;
  (void)bytes;
#endif
}

size_t RoundUp(size_t bytes, size_t to) { return (bytes + to - 1) / to * to; }

}  // namespace

SlabPool& SlabPool::Shared() {
  static SlabPool* pool = new SlabPool();
  return *pool;
}

int SlabPool::ClassOf(size_t bytes) {
  size_t capacity = kSmallestClass;
  for (int k = 0; k < kClasses; ++k, capacity <<= 1) {
    if (bytes <= capacity) return k;
  }
  return -1;
}

void SlabPool::AddPartial(Block* block) {
  std::vector<Block*>& list = partial_[block->klass];
  block->partial_at = list.size();
  list.push_back(block);  // capacity reserved for every block of the class: never allocates
}

void SlabPool::RemovePartial(Block* block) {
  std::vector<Block*>& list = partial_[block->klass];
  Block* last = list.back();
  list[block->partial_at] = last;
  last->partial_at = block->partial_at;
  list.pop_back();
  block->partial_at = SIZE_MAX;
}

void SlabPool::ListEmpty(Block* block) {
  block->older = newest_empty_;
  block->newer = nullptr;
  if (newest_empty_ != nullptr) newest_empty_->newer = block;
  else oldest_empty_ = block;
  newest_empty_ = block;
  block->empty_listed = true;
}

void SlabPool::UnlistEmpty(Block* block) {
  if (!block->empty_listed) return;
  if (block->older != nullptr) block->older->newer = block->newer;
  else oldest_empty_ = block->newer;
  if (block->newer != nullptr) block->newer->older = block->older;
  else newest_empty_ = block->older;
  block->older = block->newer = nullptr;
  block->empty_listed = false;
}

SlabPool::Block* SlabPool::NewBlock(size_t bytes, size_t slab_bytes, int klass) {
  if (outstanding_bytes_ >= kMaxOutstandingBytes) return nullptr;
  Block* block = new (std::nothrow) Block();
  if (block == nullptr) return nullptr;
  bool zeroed = false;
  block->base = MapBlock(bytes, &zeroed);
  if (block->base == nullptr) {
    delete block;
    return nullptr;
  }
  block->bytes = bytes;
  block->slab_bytes = slab_bytes;
  block->slabs = static_cast<uint32_t>(bytes / slab_bytes);
  block->klass = klass;
  block->fresh_zero = zeroed;
  try {
    block->free.reserve(block->slabs);
    if (klass >= 0) partial_[klass].reserve(blocks_of_[klass] + 1);
    blocks_.emplace(reinterpret_cast<uintptr_t>(block->base), block);
  } catch (...) {
    UnmapBlock(block->base, bytes);
    delete block;
    return nullptr;
  }
  if (klass >= 0) {
    ++blocks_of_[klass];
    AddPartial(block);
  }
  mapped_bytes_ += bytes;
  free_bytes_ += bytes;
  return block;
}

void SlabPool::ReleaseBlock(Block* block) {
  if (block->partial_at != SIZE_MAX) RemovePartial(block);
  UnlistEmpty(block);
  if (block->klass >= 0) --blocks_of_[block->klass];
  blocks_.erase(reinterpret_cast<uintptr_t>(block->base));
  mapped_bytes_ -= block->bytes;
  free_bytes_ -= block->bytes;
  UnmapBlock(block->base, block->bytes);
  delete block;
}

Slab SlabPool::Take(size_t bytes) {
  std::lock_guard<std::mutex> lock(mutex_);
  const int k = ClassOf(bytes);
  Block* block = nullptr;
  if (k < 0) {
    block = NewBlock(RoundUp(bytes, kBlockBytes), RoundUp(bytes, kBlockBytes), -1);
  } else if (!partial_[k].empty()) {
    block = partial_[k].back();
  } else {
    const size_t slab_bytes = kSmallestClass << k;
    block = NewBlock(slab_bytes > kBlockBytes ? slab_bytes : kBlockBytes, slab_bytes, k);
  }
  if (block == nullptr) return Slab{};
  UnlistEmpty(block);
  uint32_t index = 0;
  bool zeroed = false;
  if (!block->free.empty()) {
    index = block->free.back();
    block->free.pop_back();
    ++reused_;
  } else {
    index = block->carved++;
    zeroed = block->fresh_zero;  // never handed out: as the kernel gave it (purged pages read as zeros too)
  }
  if (block->klass >= 0 && FreeSlabs(*block) == 0) RemovePartial(block);
  if (block->klass < 0) block->carved = block->slabs;
  Slab slab;
  slab.data = block->base + static_cast<size_t>(index) * block->slab_bytes;
  slab.capacity = block->slab_bytes;
  slab.zeroed = zeroed;
  free_bytes_ -= slab.capacity;
  outstanding_bytes_ += slab.capacity;
  ++taken_;
  return slab;
}

void SlabPool::Give(const Slab& slab) {
  if (slab.data == nullptr) return;
  std::lock_guard<std::mutex> lock(mutex_);
  const uintptr_t address = reinterpret_cast<uintptr_t>(slab.data);
  const auto found = blocks_.find(address & ~static_cast<uintptr_t>(kBlockBytes - 1));
  if (found == blocks_.end()) return;  // not ours: a bug; leaking beats freeing what we do not own
  Block* block = found->second;
  outstanding_bytes_ -= slab.capacity;
  free_bytes_ += slab.capacity;
  if (block->klass < 0) {
    ReleaseBlock(block);
    return;
  }
  const bool was_full = FreeSlabs(*block) == 0;
  block->free.push_back(static_cast<uint32_t>((address - reinterpret_cast<uintptr_t>(block->base)) / block->slab_bytes));
  if (was_full) AddPartial(block);
  if (FreeSlabs(*block) == block->slabs) ListEmpty(block);
  while (free_bytes_ > kMaxFreeBytes && oldest_empty_ != nullptr) ReleaseBlock(oldest_empty_);
}

void SlabPool::Trim() {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto& list : partial_) {
    for (size_t i = list.size(); i-- > 0;) {
      Block* block = list[i];
      if (FreeSlabs(*block) == block->slabs) {
        ReleaseBlock(block);
        continue;
      }
      for (uint32_t index : block->free) Purge(block->base + static_cast<size_t>(index) * block->slab_bytes, block->slab_bytes);
      const size_t carved = static_cast<size_t>(block->carved) * block->slab_bytes;
      if (carved < block->bytes) Purge(block->base + carved, block->bytes - carved);
    }
  }
}

SlabStats SlabPool::Stats() const {
  std::lock_guard<std::mutex> lock(mutex_);
  SlabStats stats;
  stats.free_bytes = free_bytes_;
  stats.outstanding_bytes = outstanding_bytes_;
  stats.mapped_bytes = mapped_bytes_;
  stats.taken = taken_;
  stats.reused = reused_;
  return stats;
}

}  // namespace reframe
