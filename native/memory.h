// reframe's output memory: slabs that outlive the chunker that wrote them and come back when the
// ArrayBuffer over them is gone. Plain C++17, no Node or N-API types (the binding owns that side).
//
// Why: output handed to JavaScript is freed by the garbage collector in bursts, and glibc gives
// what it frees back to the kernel, so the next outputs fault every page in again (4-14x slower at
// chunks of 1500 bytes and more, on the virtual machines measured). Slabs kept here stay resident.
//
// Invariants:
//   - a slab is in exactly one place: handed out (counted in outstanding_bytes) or on a free list;
//   - free lists hold at most kMaxFreeBytes in all; a slab given back beyond that is freed;
//   - Take() refuses (null) once kMaxOutstandingBytes are handed out and not back: the caller then
//     uses its runtime's own memory, so a loop that never lets finalizers run cannot grow it;
//   - sizes above kLargestClass are exact allocations, never kept;
//   - every member function may be called from any thread (one mutex guards the free lists).
#ifndef REFRAME_MEMORY_H_
#define REFRAME_MEMORY_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <vector>

namespace reframe {

struct Slab {
  uint8_t* data = nullptr;  // null: out of memory
  size_t capacity = 0;      // bytes at data (the size class; >= what was asked for)
};

struct SlabStats {
  size_t free_bytes;         // kept on free lists
  size_t outstanding_bytes;  // handed out, not given back yet
  uint64_t taken;            // slabs handed out
  uint64_t reused;           // ... of which came from a free list
};

class SlabPool {
 public:
  static constexpr size_t kSmallestClass = 4 * 1024;
  static constexpr size_t kLargestClass = 64 * 1024 * 1024;
  static constexpr size_t kMaxFreeBytes = 128 * 1024 * 1024;
  static constexpr size_t kMaxOutstandingBytes = 512 * 1024 * 1024;

  // The process's pool: shared by every chunker of every thread.
  static SlabPool& Shared();

  // A slab of at least `bytes` (> 0), from a free list when one of its class waits; {null, 0} when
  // out of memory or past kMaxOutstandingBytes.
  Slab Take(size_t bytes);
  // Back to the free lists (bounded), else freed. Any thread.
  void Give(Slab slab);
  // Frees every slab on the free lists (a process that stopped re-framing gives its memory back).
  void Trim();
  SlabStats Stats() const;

 private:
  static constexpr int kClasses = 15;  // 4 KiB << 0 .. 4 KiB << 14 (64 MiB)
  static int ClassOf(size_t bytes);  // -1 above kLargestClass

  mutable std::mutex mutex_;
  std::vector<uint8_t*> free_[kClasses];
  size_t free_bytes_ = 0;
  std::atomic<size_t> outstanding_bytes_{0};
  std::atomic<uint64_t> taken_{0};
  std::atomic<uint64_t> reused_{0};
};

}  // namespace reframe

#endif  // REFRAME_MEMORY_H_
