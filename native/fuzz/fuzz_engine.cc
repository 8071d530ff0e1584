// libFuzzer target for reframe::Engine (native/engine.cc), built with ASan + UBSan.
//
// The fuzz input is decoded into a config (sample bytes, size, hop with overlap and gaps, tail policy,
// align, fill) and a program of pushes (random lengths and contents), flushes and resets. Every step
// runs on the engine and on a deliberately naive reference model that keeps the whole stream and cuts
// windows straight from SPEC.md ("chunk k holds samples [k*hop, k*hop + size)"). Every chunk, every
// pending value, every flush plan, status and tail byte must match, or the harness aborts.
//
// Memory is sized exactly (input and output on the heap, no slack) so that ASan reports any read or
// write one byte outside what the engine was given; an output of zero bytes is passed as nullptr.
// Copy-once (push's `next`): some pushes offer a window buffer; an adopted one is checked to hold
// exactly the chunk it completes in place, and is freed as soon as it is handed out, flushed or reset.
// The engine's own window grows with what it holds (exact allocations: ASan sees a write past it);
// every other push is sized by reserve_window() first and then must not grow it.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

#include "engine.h"

namespace {

[[noreturn]] void Mismatch(const char* what, size_t a, size_t b) {
  std::fprintf(stderr, "reframe fuzz: %s: engine %zu, model %zu\n", what, a, b);
  std::abort();
}

void Expect(bool ok, const char* what) {
  if (!ok) Mismatch(what, 0, 0);
}

// Reads the fuzz input front to back; once it runs out every read is 0.
class Input {
 public:
  Input(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  bool empty() const { return at_ >= size_; }
  uint8_t byte() { return at_ < size_ ? data_[at_++] : 0; }
  size_t take(size_t n, const uint8_t** out) {
    n = n < size_ - at_ ? n : size_ - at_;
    *out = data_ + at_;
    at_ += n;
    return n;
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t at_ = 0;
};

// The reference model: the stream since the last flush/reset, kept whole, and the chunks cut so far.
// All arithmetic in samples, straight from SPEC.md; it shares no code or state layout with the engine.
class Model {
 public:
  explicit Model(const reframe::Config& c) : c_(c) {}

  // Appends a burst; returns the chunks it completes, back to back.
  std::vector<uint8_t> push(const uint8_t* in, size_t len) {
    stream_.insert(stream_.end(), in, in + len);
    std::vector<uint8_t> out;
    const size_t B = c_.sample_bytes;
    while ((emitted_ * c_.hop + c_.size) * B <= stream_.size()) {
      const size_t from = emitted_ * c_.hop * B;
      out.insert(out.end(), stream_.begin() + from, stream_.begin() + from + c_.size * B);
      ++emitted_;
    }
    return out;
  }

  // Whole samples received that no chunk has held yet (and that are not in a hop > size gap).
  size_t pending() const {
    const size_t samples = stream_.size() / c_.sample_bytes;
    size_t first_new = emitted_ * c_.hop;  // the next window's first sample
    if (emitted_ > 0) {
      const size_t held_to = (emitted_ - 1) * c_.hop + c_.size;  // end of the last chunk
      if (held_to > first_new) first_new = held_to;
    }
    return samples > first_new ? samples - first_new : 0;
  }

  // The final chunk per SPEC "The end of the stream", then a fresh stream.
  reframe::FlushStatus flush(std::vector<uint8_t>* out) {
    const size_t B = c_.sample_bytes;
    out->clear();
    // The next window, whole samples only, if it holds at least one sample no chunk held.
    if (pending() > 0) {
      const size_t from = emitted_ * c_.hop * B;
      const size_t whole = (stream_.size() - from) / B * B;
      out->assign(stream_.begin() + from, stream_.begin() + from + whole);
    }
    const bool stray = stream_.size() % B != 0;
    reframe::FlushStatus status = reframe::FlushStatus::kOk;
    if (stray && c_.tail != reframe::TailPolicy::kDrop) {
      status = reframe::FlushStatus::kStraySample;
    } else if (!out->empty()) {
      switch (c_.tail) {
        case reframe::TailPolicy::kEmit:
          break;
        case reframe::TailPolicy::kPad: {
          size_t samples = out->size() / B;
          size_t padded = (samples + c_.align - 1) / c_.align * c_.align;
          if (padded > c_.size) padded = c_.size;
          // The fill pattern (one value) repeats through every value of each padded sample.
          while (samples++ < padded) {
            for (size_t k = 0; k < B; k += c_.fill.size()) out->insert(out->end(), c_.fill.begin(), c_.fill.end());
          }
          break;
        }
        case reframe::TailPolicy::kDrop:
          out->clear();
          break;
        case reframe::TailPolicy::kError:
          status = reframe::FlushStatus::kTail;
          break;
      }
    }
    reset();
    return status;
  }

  void reset() {
    stream_.clear();
    emitted_ = 0;
  }

 private:
  const reframe::Config c_;
  std::vector<uint8_t> stream_;
  size_t emitted_ = 0;
};

// Sample sizes of the real types (1, 2, 4, 8, 16 bytes) times a few channel counts, and odd ones.
constexpr size_t kSampleBytes[] = {1, 1, 1, 2, 3, 4, 5, 6, 8, 12, 16, 24, 7, 32, 2, 4};

reframe::Config DecodeConfig(Input& in) {
  reframe::Config c;
  c.sample_bytes = kSampleBytes[in.byte() % 16];
  const uint8_t s = in.byte();
  // Mostly small chunks (many chunks per input), sometimes up to a few hundred samples.
  c.size = (s & 0x80) ? 1 + ((s & 0x7f) << 2) + in.byte() % 4 : 1 + s % 24;
  const uint8_t h = in.byte();
  switch (h >> 6) {
    case 0: c.hop = c.size; break;                           // back to back
    case 1: c.hop = 1 + h % c.size; break;                   // overlap (or back to back)
    case 2: c.hop = c.size + 1 + h % 40; break;              // gaps
    default: c.hop = 1 + (h % 64) * (1 + in.byte() % 8); break;  // anything
  }
  c.tail = static_cast<reframe::TailPolicy>(in.byte() % 4);
  c.align = 1 + in.byte() % c.size;
  if (in.byte() & 1) c.align = c.size;  // the default
  // A pattern whose length divides the sample: one value's bytes, as TypeScript passes it, or a
  // whole sample's.
  size_t pattern = 1 + in.byte() % c.sample_bytes;
  while (c.sample_bytes % pattern != 0) --pattern;
  c.fill.resize(pattern);
  for (auto& b : c.fill) b = in.byte();
  return c;
}

// A heap copy of exactly `n` bytes (nullptr for 0) so ASan sees any access outside it.
std::unique_ptr<uint8_t[]> Exact(size_t n) { return n ? std::make_unique<uint8_t[]>(n) : nullptr; }

void CheckPending(const reframe::Engine& e, const Model& m) {
  if (e.pending() != m.pending()) Mismatch("pending", e.pending(), m.pending());
}

void Flush(reframe::Engine& e, Model& m) {
  const reframe::FlushPlan plan = e.plan_flush();
  std::vector<uint8_t> expected;
  const reframe::FlushStatus model_status = m.flush(&expected);
  if (plan.status != model_status) {
    Mismatch("flush plan status", static_cast<size_t>(plan.status), static_cast<size_t>(model_status));
  }
  if (plan.out_bytes != expected.size()) Mismatch("flush plan bytes", plan.out_bytes, expected.size());
  auto out = Exact(plan.out_bytes);
  if (out) std::memset(out.get(), 0xA5, plan.out_bytes);  // a write that is missing shows as 0xA5
  const reframe::FlushStatus status = e.flush(out.get());
  if (status != plan.status) Mismatch("flush status vs plan", static_cast<size_t>(status), static_cast<size_t>(plan.status));
  Expect(plan.out_bytes == 0 || std::memcmp(out.get(), expected.data(), plan.out_bytes) == 0, "flush bytes");
  Expect(e.pending() == 0, "pending after flush");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Input in(data, size);
  const reframe::Config config = DecodeConfig(in);
  reframe::Engine engine(config);
  Model model(config);
  Expect(engine.chunk_bytes() == config.size * config.sample_bytes, "chunk_bytes");
  uint32_t counter = 0;  // content for bursts once the fuzz input has run out of bytes
  // Caller memory the engine adopted as its window (copy-once), alive until it is handed out as a
  // chunk, or until flush() or reset(); then freed, so ASan reports any later access by the engine.
  std::unique_ptr<uint8_t[]> adopted;

  for (int ops = 0; ops < 4096 && !in.empty(); ++ops) {
    const uint8_t op = in.byte();
    if (op < 0xE8) {
      // A push. Lengths: 0..63 most of the time, sometimes large (many chunks in one call).
      size_t len = op % 64;
      if (op >= 0xC0) len = (static_cast<size_t>(in.byte()) << 4) | (op & 0xF);
      auto burst = Exact(len);
      const uint8_t* src = nullptr;
      const size_t got = in.take(op & 0x40 ? 0 : len, &src);
      if (got) std::memcpy(burst.get(), src, got);
      for (size_t i = got; i < len; ++i) burst[i] = static_cast<uint8_t>(counter++ * 151 + 7);

      const std::vector<uint8_t> snapshot(burst.get(), burst.get() + len);
      const size_t C = engine.chunk_bytes();
      const size_t count = engine.chunks_for(len);
      const std::vector<uint8_t> expected = model.push(burst.get(), len);
      if (count * C != expected.size()) Mismatch("chunks_for", count, expected.size() / C);

      // Copy-once: offer a `next` window (small pushes with bit 7, large ones of odd length).
      const bool in_place = engine.window_in_place();
      if (in_place != (adopted != nullptr)) Mismatch("window_in_place", in_place, adopted != nullptr);
      const size_t out_count = engine.out_chunks_for(len);
      const size_t first = count > 0 && in_place ? 1 : 0;  // chunks completed in `adopted`
      if (out_count != count - first) Mismatch("out_chunks_for", out_count, count - first);
      auto next = (op < 0xC0 ? (op & 0x80) : (op & 1)) ? Exact(C) : nullptr;
      if (next) std::memset(next.get(), 0xA5, C);
      auto out = Exact(out_count * C);
      if (out) std::memset(out.get(), 0xA5, out_count * C);

      // Every other push is sized first, as the addon does (reserve_window, which cannot throw):
      // then push() must not grow the window. The window never outgrows a chunk.
      const bool sized = ops % 2 == 0;
      if (sized) Expect(engine.reserve_window(len, next != nullptr), "reserve_window");
      const size_t capacity = engine.window_capacity();
      const bool took = engine.push(burst.get(), len, out.get(), next.get());
      if (sized && engine.window_capacity() != capacity) Mismatch("window grew in a sized push", engine.window_capacity(), capacity);
      if (engine.window_capacity() > C) Mismatch("window capacity over a chunk", engine.window_capacity(), C);

      if (first) {  // handed out as the chunk: freed, so ASan reports any later engine access
        Expect(std::memcmp(adopted.get(), expected.data(), C) == 0, "chunk completed in place");
        adopted.reset();
      }
      Expect(out_count == 0 || std::memcmp(out.get(), expected.data() + first * C, out_count * C) == 0, "chunk bytes");
      Expect(len == 0 || std::memcmp(burst.get(), snapshot.data(), len) == 0, "input modified");
      if (took) {
        Expect(next != nullptr && adopted == nullptr, "adopted without an offer, or twice");
        adopted = std::move(next);
      }
      next.reset();  // not adopted: freed, so the engine must not have kept it
      if (engine.window_in_place() != (adopted != nullptr)) Mismatch("window_in_place after push", engine.window_in_place(), adopted != nullptr);
    } else if (op < 0xF8) {
      Flush(engine, model);
      adopted.reset();  // never touched again (ASan: use after free otherwise)
      Expect(engine.window_capacity() == 0, "window kept after flush");
    } else {
      engine.reset();
      model.reset();
      adopted.reset();
    }
    CheckPending(engine, model);
  }
  Flush(engine, model);  // every run ends with the tail checked
  return 0;
}
