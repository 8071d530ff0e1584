// reframe's output memory: slabs that outlive the chunker that wrote them and come back when the
// ArrayBuffer over them is gone. Plain C++17, no Node or N-API types (the binding owns that side).
//
// Why: output handed to JavaScript is freed by the garbage collector in bursts, and glibc gives
// what it frees back to the kernel, so the next outputs fault every 4 KiB page in again: on the
// virtual machines measured, 4-14x slower at chunks of 1500 bytes and more. Slabs kept here stay
// resident, and new ones come in 2 MiB blocks that Linux backs with transparent huge pages
// (MADV_HUGEPAGE): one fault per 2 MiB instead of 512 (4 MiB of new memory: 13 ms -> 0.09 ms here).
//
// Layout: a slab's size is a power-of-two class. Classes up to kBlockBytes are carved from blocks
// of kBlockBytes (each block holds one class); larger classes, up to kLargestClass, are blocks of
// their own; anything larger is an exact block that is never kept.
//
// Invariants:
//   - a slab is in exactly one place: handed out (counted in outstanding) or on its block's free list;
//   - while more than kMaxFreeBytes are free in all, blocks whose slabs are all free are released
//     (unmapped), the longest free first, whatever their class: a size no longer used cannot hold
//     the budget that a size in use needs; Trim() releases every entirely free block and returns the pages of free slabs in
//     blocks still in use to the kernel (MADV_DONTNEED), so an idle process keeps only live slabs;
//   - Take() refuses (null) a new block once kMaxOutstandingBytes are handed out: the caller then
//     uses its runtime's own memory, so a loop that never lets finalizers run cannot grow it;
//   - Give() never allocates and never throws (it runs in finalizers); every member function may be
//     called from any thread (one mutex guards the blocks and free lists).
#ifndef REFRAME_MEMORY_H_
#define REFRAME_MEMORY_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace reframe {

struct Slab {
  uint8_t* data = nullptr;  // null: refused (out of memory, or past kMaxOutstandingBytes)
  size_t capacity = 0;      // bytes at data (the size class; >= what was asked for)
  bool zeroed = false;      // every byte is zero (new memory from the kernel)
};

struct SlabStats {
  size_t free_bytes;         // free slabs, resident or not
  size_t outstanding_bytes;  // handed out, not given back yet
  size_t mapped_bytes;       // blocks held from the system
  uint64_t taken;            // slabs handed out
  uint64_t reused;           // ... of which had been handed out before
};

class SlabPool {
 public:
  static constexpr size_t kSmallestClass = 4 * 1024;
  static constexpr size_t kBlockBytes = 2 * 1024 * 1024;
  static constexpr size_t kLargestClass = 64 * 1024 * 1024;
  static constexpr size_t kMaxFreeBytes = 128 * 1024 * 1024;
  static constexpr size_t kMaxOutstandingBytes = 256 * 1024 * 1024;

  // The process's pool, never destroyed. JavaScript takes slabs only on the main thread, whose
  // environment ends with the process (src/core/node-runtime.ts): a worker's external buffers are
  // finalized when the worker ends even if they moved to another thread, so a worker never uses it.
  static SlabPool& Shared();

  // A slab of at least `bytes` (> 0): a recycled one of its class if any is free, else new memory.
  Slab Take(size_t bytes);
  // Back to its block's free list; any thread; never throws.
  void Give(const Slab& slab);
  // Releases every entirely free block and purges the pages of other free slabs.
  void Trim();
  SlabStats Stats() const;

 private:
  struct Block {
    uint8_t* base = nullptr;
    size_t bytes = 0;       // mapped length
    size_t slab_bytes = 0;  // its class
    uint32_t slabs = 0;     // bytes / slab_bytes
    uint32_t carved = 0;    // slabs [0, carved) have been handed out at least once
    std::vector<uint32_t> free;  // indices of free carved slabs (capacity reserved: slabs)
    int klass = -1;         // -1: an exact block, never kept
    size_t partial_at = SIZE_MAX;  // where it sits in partial_[klass], or SIZE_MAX
    Block* older = nullptr;        // the list of entirely free blocks, oldest first (intrusive)
    Block* newer = nullptr;
    bool empty_listed = false;
    bool fresh_zero = false;  // slabs never carved are zeros (kernel memory: POSIX)
  };

  static constexpr int kClasses = 15;  // 4 KiB << 0 .. 4 KiB << 14 (64 MiB)
  static int ClassOf(size_t bytes);    // -1 above kLargestClass

  Block* NewBlock(size_t bytes, size_t slab_bytes, int klass);  // with the mutex held; null on failure
  void ReleaseBlock(Block* block);                               // with the mutex held
  void AddPartial(Block* block);
  void RemovePartial(Block* block);
  void ListEmpty(Block* block);    // appends: all its slabs are free now
  void UnlistEmpty(Block* block);
  static uint32_t FreeSlabs(const Block& block) {
    return static_cast<uint32_t>(block.free.size()) + (block.slabs - block.carved);
  }

  mutable std::mutex mutex_;
  std::vector<Block*> partial_[kClasses];  // blocks with a free slab, per class (capacity reserved)
  size_t blocks_of_[kClasses] = {};
  std::unordered_map<uintptr_t, Block*> blocks_;  // by base address (2 MiB-aligned)
  Block* oldest_empty_ = nullptr;
  Block* newest_empty_ = nullptr;
  size_t free_bytes_ = 0;
  size_t mapped_bytes_ = 0;
  size_t outstanding_bytes_ = 0;
  uint64_t taken_ = 0;
  uint64_t reused_ = 0;
};

}  // namespace reframe

#endif  // REFRAME_MEMORY_H_
