#include "memory.h"

#include <cstdlib>

namespace reframe {

SlabPool& SlabPool::Shared() {
  // Never destroyed: finalizers of worker threads may give slabs back while the process exits.
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

Slab SlabPool::Take(size_t bytes) {
  const int k = ClassOf(bytes);
  Slab slab;
  slab.capacity = k < 0 ? bytes : kSmallestClass << k;
  if (k >= 0) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!free_[k].empty()) {
      slab.data = free_[k].back();
      free_[k].pop_back();
      free_bytes_ -= slab.capacity;
      reused_.fetch_add(1, std::memory_order_relaxed);
    }
  }
  if (slab.data == nullptr) {
    if (outstanding_bytes_.load(std::memory_order_relaxed) >= kMaxOutstandingBytes) return Slab{};
    slab.data = static_cast<uint8_t*>(std::malloc(slab.capacity));
  }
  if (slab.data == nullptr) return Slab{};
  outstanding_bytes_.fetch_add(slab.capacity, std::memory_order_relaxed);
  taken_.fetch_add(1, std::memory_order_relaxed);
  return slab;
}

void SlabPool::Give(Slab slab) {
  if (slab.data == nullptr) return;
  outstanding_bytes_.fetch_sub(slab.capacity, std::memory_order_relaxed);
  const int k = ClassOf(slab.capacity);
  if (k >= 0 && (kSmallestClass << k) == slab.capacity) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (free_bytes_ + slab.capacity <= kMaxFreeBytes) {
      try {
        free_[k].push_back(slab.data);
        free_bytes_ += slab.capacity;
        return;
      } catch (...) {
        // no room to list it: freed below (this may run in a finalizer, which must not throw)
      }
    }
  }
  std::free(slab.data);
}

void SlabPool::Trim() {
  std::vector<uint8_t*> drop;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& list : free_) {
      drop.insert(drop.end(), list.begin(), list.end());
      list.clear();
    }
    free_bytes_ = 0;
  }
  for (uint8_t* data : drop) std::free(data);
}

SlabStats SlabPool::Stats() const {
  SlabStats stats;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stats.free_bytes = free_bytes_;
  }
  stats.outstanding_bytes = outstanding_bytes_.load(std::memory_order_relaxed);
  stats.taken = taken_.load(std::memory_order_relaxed);
  stats.reused = reused_.load(std::memory_order_relaxed);
  return stats;
}

}  // namespace reframe
