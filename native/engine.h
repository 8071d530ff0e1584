// reframe's framing engine: plain C++17, no Node or N-API types.
//
// The engine sees a stream as bytes. A sample is `sample_bytes` bytes (element size x values per
// sample); a chunk is `size` samples and chunk k covers stream bytes [k*hop, k*hop + size) in samples.
// The caller owns all memory: it asks how many chunks a burst completes (chunks_for), hands in an
// output region of exactly that many chunks, and the engine copies. Nothing is allocated per call
// but the engine's own window buffer, which grows (x2) with the bytes it holds between calls.
//
// Invariants kept between calls (B = sample_bytes, C = chunk bytes, H = hop bytes):
//   - skip_ > 0 only while have_ == 0: we are inside the gap between two windows (hop > size).
//   - have_ < C: bytes of the current window received so far (a whole chunk is emitted at once).
//   - held_ <= C - B: bytes at the front of the window that the previous chunk already held
//     (C - H after an overlapping emit, 0 otherwise).
//   - phase_ = bytes received since the stream started, modulo B (a sample split across bursts).
//   - external_ only while have_ > 0: the window is in caller memory that becomes the next chunk.
//   - cap_ = bytes of own_ (0 without it), a power of two of at least kMinWindow or chunk_, and
//     cap_ >= have_ while the window is own_: own_ grows with what it holds, so a quiet stream
//     with a short hello holds about that hello, not a whole chunk.
#ifndef REFRAME_ENGINE_H_
#define REFRAME_ENGINE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace reframe {

enum class TailPolicy : uint8_t { kEmit = 0, kPad = 1, kDrop = 2, kError = 3 };

struct Config {
  size_t sample_bytes = 1;  // bytes per sample: element size x channels (x 2 for complex)
  size_t size = 1;          // samples per chunk
  size_t hop = 1;           // samples from one chunk's start to the next one's
  TailPolicy tail = TailPolicy::kEmit;
  size_t align = 1;                 // with kPad: pad to a multiple of `align` samples (<= size)
  // With kPad: a byte pattern repeated through every padded sample. Its length divides sample_bytes:
  // one value's bytes (every value of a sample, both parts of a complex one, gets the same fill),
  // so a config costs the same whatever `channels` is.
  std::vector<uint8_t> fill;
};

// What flush() will do, decided before it is called so the caller can size the output.
enum class FlushStatus : uint8_t {
  kOk = 0,            // out_bytes of final chunk (maybe 0: nothing to hand out)
  kTail = 1,          // tail policy 'error' and a partial chunk: out_bytes hold the tail for the error
  kStraySample = 2,   // the stream ends inside a sample: out_bytes hold the whole samples, if any
};

struct FlushPlan {
  FlushStatus status;
  size_t out_bytes;
};

class Engine {
 public:
  // The caller validated the config: every field >= 1, align <= size, fill is not empty and its
  // size divides sample_bytes, size * sample_bytes and hop * sample_bytes fit size_t.
  explicit Engine(const Config& config);

  size_t chunk_bytes() const { return chunk_; }

  // Chunks that a burst of `len` more bytes completes.
  size_t chunks_for(size_t len) const;

  // Consumes `len` bytes and writes the chunks they complete back to back into `out`:
  // out_chunks_for(len) of them, which is chunks_for(len) less the window completed in place.
  //
  // Copy-once for large chunks: `next` (optional, chunk_ bytes, caller-owned) is where a burst
  // that ends inside a window keeps that window, instead of the engine's own buffer: the caller
  // later hands that very memory out as the chunk, so those bytes are copied once, not twice.
  // Returns true when `next` was adopted; the caller then keeps it alive and unwritten until the
  // chunk completes (the first of a later push's chunks, left out of `out`), flush() or reset().
  bool push(const uint8_t* in, size_t len, uint8_t* out, uint8_t* next = nullptr);

  // True while the window lives in caller memory adopted by push(): if the next push completes a
  // chunk, its first chunk is that memory, completed in place.
  bool window_in_place() const { return external_; }

  // Chunks push(len) writes into `out`.
  size_t out_chunks_for(size_t len) const {
    const size_t n = chunks_for(len);
    return n > 0 && external_ ? n - 1 : n;
  }

  // Whole samples received that no chunk has held yet.
  size_t pending() const;

  FlushPlan plan_flush() const;

  // Writes plan_flush().out_bytes into `out` (may be null when that is 0), then starts a fresh stream.
  // Padding is written by doubling copies of the fill pattern, not sample by sample.
  FlushStatus flush(uint8_t* out);

  // Discards everything buffered and starts a fresh stream.
  void reset();

  // Grows the engine's own window buffer, without throwing, so that push(len, .., next) (`next`
  // offered or not) allocates nothing: false when there is no memory, with nothing changed.
  // (Without it push() grows the buffer itself, and may throw std::bad_alloc.)
  bool reserve_window(size_t len, bool next = false);

  // The same for any push: the own window at its full size, chunk bytes. After it succeeds, no call
  // allocates until flush() or reset().
  bool reserve_window();

  // Bytes of the engine's own window buffer (0 while it has none): about what it held at most
  // since the last flush() or reset(), rounded up to a power of two (at least kMinWindow), at most
  // chunk bytes.
  size_t window_capacity() const { return cap_; }

  // The smallest own window buffer, in bytes (or chunk bytes, when smaller).
  static constexpr size_t kMinWindow = 64;

  // True when chunks overlap (hop < size): only then does a push that offers `next` (copy-once)
  // use the engine's own window, to move the overlap out of a completed chunk.
  bool overlaps() const { return hop_ < chunk_; }

 private:
  // After a chunk: the next window's state (overlap kept, or a gap to skip).
  void next_window();
  // Points window_ at the engine's own buffer, grown to at least `need` bytes if smaller; what it
  // held is not kept (the caller rewrites it). Throws std::bad_alloc when it cannot grow.
  void use_own_window(size_t need);
  // Grows own_ to at least `need` bytes (x2 steps, at most chunk_), keeping its first `keep`
  // bytes; window_ follows when it is own_. False, with nothing changed, when there is no memory.
  bool grow_window(size_t need, size_t keep) noexcept;
  // Bytes of own_ that push(len, .., next) uses at most.
  size_t window_need(size_t len, bool next) const;
  // Whole-sample bytes of the window that the final chunk would hold, 0 if none of them is new.
  size_t final_bytes() const;

  const size_t sample_;
  const size_t chunk_;
  const size_t hop_;
  const size_t align_bytes_;
  const TailPolicy tail_;
  const std::vector<uint8_t> fill_;

  std::unique_ptr<uint8_t[]> own_;  // cap_ bytes, grown as needed
  size_t cap_ = 0;
  uint8_t* window_ = nullptr;       // own_ or adopted caller memory; [0, have_) is the window
  bool external_ = false;           // window_ is caller memory (then have_ > 0)
  size_t have_ = 0;
  size_t held_ = 0;
  size_t skip_ = 0;
  size_t phase_ = 0;
};

}  // namespace reframe

#endif  // REFRAME_ENGINE_H_
