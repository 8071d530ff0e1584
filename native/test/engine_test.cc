// Tests of reframe::Engine without Node: plain C++17, a tiny assert harness, run by ctest (and under
// ASan + UBSan in CI: scripts/test-native.sh). Each test names the SPEC.md behaviour it guards.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <algorithm>
#include <deque>
#include <functional>
#include <string>
#include <vector>

#include "engine.h"

namespace {

using Bytes = std::vector<uint8_t>;
using reframe::Config;
using reframe::Engine;
using reframe::FlushPlan;
using reframe::FlushStatus;
using reframe::TailPolicy;

struct Case {
  const char* name;
  std::function<void()> run;
};
std::vector<Case>& Cases() {
  static std::vector<Case> cases;
  return cases;
}
struct Register {
  Register(const char* name, std::function<void()> run) { Cases().push_back({name, std::move(run)}); }
};
#define TEST(name) \
  void name();     \
  const Register register_##name(#name, name); \
  void name()

int failures = 0;
#define CHECK(cond)                                                           \
  do {                                                                        \
    if (!(cond)) {                                                            \
      std::fprintf(stderr, "  %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); \
      ++failures;                                                             \
    }                                                                         \
  } while (0)
#define CHECK_EQ(a, b)                                                                    \
  do {                                                                                    \
    const auto va = (a);                                                                  \
    const auto vb = (b);                                                                  \
    if (!(va == vb)) {                                                                    \
      std::fprintf(stderr, "  %s:%d: %s == %s failed (%lld vs %lld)\n", __FILE__, __LINE__, #a, #b, \
                   static_cast<long long>(va), static_cast<long long>(vb));              \
      ++failures;                                                                         \
    }                                                                                     \
  } while (0)
#define CHECK_BYTES(a, b) CHECK((a) == (b))

Config Make(size_t sample_bytes, size_t size, size_t hop, TailPolicy tail = TailPolicy::kEmit,
            size_t align = 0, uint8_t fill = 0) {
  Config c;
  c.sample_bytes = sample_bytes;
  c.size = size;
  c.hop = hop;
  c.tail = tail;
  c.align = align ? align : size;
  c.fill.assign(sample_bytes, fill);
  return c;
}

// Bytes 0, 1, 2, ... of a stream (mod 251, so a misplaced byte shows), from `from` on.
Bytes Stream(size_t from, size_t len) {
  Bytes b(len);
  for (size_t i = 0; i < len; ++i) b[i] = static_cast<uint8_t>((from + i) % 251);
  return b;
}

// Pushes one burst; returns its chunks, checking the engine writes exactly chunks_for() chunks
// (a canary after the output region must survive).
std::vector<Bytes> Push(Engine& e, const Bytes& in) {
  const size_t n = e.chunks_for(in.size());
  const size_t C = e.chunk_bytes();
  Bytes out(n * C + 16, 0xEE);
  e.push(in.data(), in.size(), n ? out.data() : nullptr);
  for (size_t i = n * C; i < out.size(); ++i) CHECK_EQ(out[i], 0xEE);
  std::vector<Bytes> chunks;
  for (size_t k = 0; k < n; ++k) chunks.emplace_back(out.begin() + k * C, out.begin() + (k + 1) * C);
  return chunks;
}

Bytes Flush(Engine& e, FlushStatus* status) {
  const FlushPlan plan = e.plan_flush();
  Bytes out(plan.out_bytes + 16, 0xEE);
  *status = e.flush(plan.out_bytes ? out.data() : nullptr);
  CHECK(*status == plan.status);
  for (size_t i = plan.out_bytes; i < out.size(); ++i) CHECK_EQ(out[i], 0xEE);
  out.resize(plan.out_bytes);
  return out;
}

TEST(original_example_complex64_size_64) {
  // issue 2: complex64 (8-byte samples), size 64, bursts of 7, 50, 1, 40, 180, 3 samples.
  Engine e(Make(8, 64, 64));
  const size_t bursts[] = {7, 50, 1, 40, 180, 3};
  const size_t counts[] = {0, 0, 0, 1, 3, 0};
  size_t at = 0;
  std::vector<Bytes> all;
  for (int i = 0; i < 6; ++i) {
    const auto chunks = Push(e, Stream(at, bursts[i] * 8));
    at += bursts[i] * 8;
    CHECK_EQ(chunks.size(), counts[i]);
    all.insert(all.end(), chunks.begin(), chunks.end());
  }
  CHECK_EQ(e.pending(), 25u);
  for (size_t k = 0; k < all.size(); ++k) CHECK_BYTES(all[k], Stream(k * 512, 512));
}

TEST(chunk_k_holds_samples_k_hop_to_k_hop_plus_size) {
  // Overlap (hop < size), back to back and gaps (hop > size), whatever the burst sizes.
  for (size_t B : {1, 3, 8}) {
    for (size_t size : {1, 2, 5, 16}) {
      for (size_t hop : {1, 2, 3, 5, 7, 16, 21}) {
        for (size_t burst : {1, 2, 7, 64, 1000}) {
          Engine e(Make(B, size, hop));
          const Bytes stream = Stream(0, 3000);
          std::vector<Bytes> chunks;
          for (size_t at = 0; at < stream.size(); at += burst) {
            const size_t len = std::min(burst, stream.size() - at);
            const auto got = Push(e, Bytes(stream.begin() + at, stream.begin() + at + len));
            chunks.insert(chunks.end(), got.begin(), got.end());
          }
          const size_t samples = stream.size() / B;
          const size_t expected = samples < size ? 0 : (samples - size) / hop + 1;
          CHECK_EQ(chunks.size(), expected);
          for (size_t k = 0; k < chunks.size(); ++k) CHECK_BYTES(chunks[k], Stream(k * hop * B, size * B));
        }
      }
    }
  }
}

TEST(window_kept_in_buffer_across_bursts_with_overlap) {
  // The path where the next window's overlap is moved inside the engine's buffer: a chunk completed
  // by a burst shorter than the overlap. size 8, hop 2 (overlap 6), bursts of 1..3 bytes.
  Engine e(Make(1, 8, 2));
  const Bytes stream = Stream(0, 200);
  std::vector<Bytes> chunks;
  size_t at = 0;
  for (size_t i = 0; at < stream.size(); ++i) {
    const size_t len = std::min<size_t>(1 + i % 3, stream.size() - at);
    const auto got = Push(e, Bytes(stream.begin() + at, stream.begin() + at + len));
    chunks.insert(chunks.end(), got.begin(), got.end());
    at += len;
  }
  CHECK_EQ(chunks.size(), (200u - 8) / 2 + 1);
  for (size_t k = 0; k < chunks.size(); ++k) CHECK_BYTES(chunks[k], Stream(2 * k, 8));
}

TEST(pending_counts_new_whole_samples_only) {
  Engine overlap(Make(2, 4, 1));  // overlap 3 samples
  Push(overlap, Stream(0, 8));    // one chunk, samples 0..3
  CHECK_EQ(overlap.pending(), 0u);  // the window holds samples 1..3, all held already
  Push(overlap, Stream(8, 1));      // half a sample
  CHECK_EQ(overlap.pending(), 0u);
  Push(overlap, Stream(9, 1));  // sample 4 completes a chunk
  CHECK_EQ(overlap.pending(), 0u);

  Engine gap(Make(1, 2, 5));  // keep 2 of every 5
  Push(gap, Stream(0, 3));    // chunk [0,1], then sample 2 is in the gap
  CHECK_EQ(gap.pending(), 0u);
  Push(gap, Stream(3, 3));  // 3, 4 skipped; sample 5 starts the next window
  CHECK_EQ(gap.pending(), 1u);

  Engine plain(Make(4, 10, 10));
  Push(plain, Stream(0, 13));  // 3 samples and a stray byte
  CHECK_EQ(plain.pending(), 3u);
}

TEST(tail_emit_pad_drop_error) {
  const Bytes five = Stream(0, 5);
  for (TailPolicy tail : {TailPolicy::kEmit, TailPolicy::kPad, TailPolicy::kDrop, TailPolicy::kError}) {
    Engine e(Make(1, 8, 8, tail, 0, 0x7F));
    Push(e, five);
    FlushStatus status;
    const Bytes out = Flush(e, &status);
    switch (tail) {
      case TailPolicy::kEmit:
        CHECK(status == FlushStatus::kOk);
        CHECK_BYTES(out, five);
        break;
      case TailPolicy::kPad: {
        CHECK(status == FlushStatus::kOk);
        Bytes padded = five;
        padded.resize(8, 0x7F);
        CHECK_BYTES(out, padded);
        break;
      }
      case TailPolicy::kDrop:
        CHECK(status == FlushStatus::kOk);
        CHECK(out.empty());
        break;
      case TailPolicy::kError:
        CHECK(status == FlushStatus::kTail);
        CHECK_BYTES(out, five);
        break;
    }
    CHECK_EQ(e.pending(), 0u);
  }
}

TEST(pad_writes_fill_into_every_byte_of_each_padded_sample_up_to_align) {
  Config c = Make(3, 10, 10, TailPolicy::kPad, 4);
  c.fill = {0xA1, 0xB2, 0xC3};
  Engine e(c);
  Push(e, Stream(0, 5 * 3));  // 5 samples: padded to 8 (the next multiple of align 4)
  FlushStatus status;
  const Bytes out = Flush(e, &status);
  CHECK(status == FlushStatus::kOk);
  CHECK_EQ(out.size(), 8u * 3);
  Bytes expected = Stream(0, 15);
  for (int i = 0; i < 3; ++i) expected.insert(expected.end(), c.fill.begin(), c.fill.end());
  CHECK_BYTES(out, expected);

  Push(e, Stream(0, 9 * 3));  // 9 samples: the next multiple of 4 is 12, but never beyond size
  CHECK_EQ(Flush(e, &status).size(), 10u * 3);
}

TEST(pad_repeats_a_one_value_fill_through_every_value_of_many_padded_samples) {
  // A fill pattern shorter than a sample (one 2-byte value, samples of 3 values x 2 bytes), padded
  // over a region that is not a power of two of patterns: the doubling copies must keep the phase.
  Config c = Make(6, 1000, 1000, TailPolicy::kPad);
  c.fill = {0x5A, 0xC3};
  Engine e(c);
  Push(e, Stream(0, 7 * 6));
  FlushStatus status;
  const Bytes out = Flush(e, &status);
  CHECK(status == FlushStatus::kOk);
  CHECK_EQ(out.size(), 1000u * 6);
  CHECK_BYTES(Bytes(out.begin(), out.begin() + 42), Stream(0, 42));
  for (size_t i = 42; i < out.size(); ++i) CHECK_EQ(out[i], (i % 2 == 0) ? 0x5A : 0xC3);
}

TEST(exact_fit_ends_with_no_extra_chunk_under_every_policy) {
  for (TailPolicy tail : {TailPolicy::kEmit, TailPolicy::kPad, TailPolicy::kDrop, TailPolicy::kError}) {
    for (size_t hop : {2, 4, 6}) {
      Engine e(Make(2, 4, hop, tail));
      // Exactly 3 chunks: (3 - 1) * hop + 4 samples (with hop 6 the last gap is not pending).
      CHECK_EQ(Push(e, Stream(0, ((3 - 1) * hop + 4) * 2)).size(), 3u);
      FlushStatus status;
      CHECK(Flush(e, &status).empty());
      CHECK(status == FlushStatus::kOk);
    }
  }
}

TEST(overlap_never_repeats_emitted_samples_as_a_short_chunk) {
  Engine e(Make(1, 6, 2, TailPolicy::kError));
  CHECK_EQ(Push(e, Stream(0, 10)).size(), 3u);  // chunks at 0, 2, 4; the window 6..9 holds 4 held samples
  FlushStatus status;
  CHECK(Flush(e, &status).empty());
  CHECK(status == FlushStatus::kOk);

  CHECK_EQ(Push(e, Stream(0, 11)).size(), 3u);  // sample 10 is new
  const Bytes out = Flush(e, &status);
  CHECK(status == FlushStatus::kTail);
  CHECK_BYTES(out, Stream(6, 5));  // the whole window, 6..10
}

TEST(gap_samples_are_not_pending_and_not_flushed) {
  Engine e(Make(1, 2, 5, TailPolicy::kError));
  CHECK_EQ(Push(e, Stream(0, 4)).size(), 1u);
  CHECK_EQ(e.chunks_for(1), 0u);  // sample 4 is still in the gap
  CHECK_EQ(e.chunks_for(3), 1u);  // 4 (gap), 5, 6
  FlushStatus status;
  CHECK(Flush(e, &status).empty());
  CHECK(status == FlushStatus::kOk);
}

TEST(stream_ending_inside_a_sample_is_a_stray_except_under_drop) {
  for (TailPolicy tail : {TailPolicy::kEmit, TailPolicy::kPad, TailPolicy::kDrop, TailPolicy::kError}) {
    Engine e(Make(4, 8, 8, tail));
    Push(e, Stream(0, 3));
    Push(e, Stream(3, 7));  // 10 bytes: 2 whole samples and 2 stray bytes
    FlushStatus status;
    const Bytes out = Flush(e, &status);
    if (tail == TailPolicy::kDrop) {
      CHECK(status == FlushStatus::kOk);
      CHECK(out.empty());
    } else {
      CHECK(status == FlushStatus::kStraySample);
      CHECK_BYTES(out, Stream(0, 8));
    }
    // A fresh stream: sample boundaries start over.
    CHECK_EQ(Push(e, Stream(0, 32)).size(), 1u);
    CHECK_EQ(e.pending(), 0u);
    CHECK(Flush(e, &status).empty());
    CHECK(status == FlushStatus::kOk);
  }
}

TEST(reset_discards_everything_and_starts_a_fresh_stream) {
  Engine e(Make(2, 4, 3));
  Push(e, Stream(0, 13));
  e.reset();
  CHECK_EQ(e.pending(), 0u);
  FlushStatus status;
  CHECK(Flush(e, &status).empty());
  CHECK(status == FlushStatus::kOk);
  const auto chunks = Push(e, Stream(100, 8));
  CHECK_EQ(chunks.size(), 1u);
  CHECK_BYTES(chunks[0], Stream(100, 8));
}

TEST(flush_then_push_starts_windows_from_zero) {
  Engine e(Make(1, 4, 4, TailPolicy::kEmit));
  Push(e, Stream(0, 6));
  FlushStatus status;
  CHECK_BYTES(Flush(e, &status), Stream(4, 2));
  const auto chunks = Push(e, Stream(50, 4));
  CHECK_EQ(chunks.size(), 1u);
  CHECK_BYTES(chunks[0], Stream(50, 4));
}

TEST(empty_bursts_produce_nothing_and_change_nothing) {
  Engine e(Make(2, 3, 2));
  Push(e, Stream(0, 5));
  const size_t pending = e.pending();
  const FlushPlan before = e.plan_flush();
  CHECK_EQ(e.chunks_for(0), 0u);
  CHECK(Push(e, Bytes()).empty());
  CHECK_EQ(e.pending(), pending);
  CHECK_EQ(e.plan_flush().out_bytes, before.out_bytes);
}

TEST(chunks_do_not_alias_input_or_each_other) {
  Engine e(Make(1, 4, 2));
  Bytes in = Stream(0, 10);
  const size_t n = e.chunks_for(in.size());
  Bytes out(n * 4);
  e.push(in.data(), in.size(), out.data());
  std::fill(in.begin(), in.end(), 0);  // the caller reuses its buffer
  Push(e, Bytes(10, 0xFF));
  for (size_t k = 0; k < n; ++k) CHECK_BYTES(Bytes(out.begin() + 4 * k, out.begin() + 4 * k + 4), Stream(2 * k, 4));
}

TEST(one_huge_burst_of_one_byte_chunks) {
  Engine e(Make(1, 1, 1));
  const Bytes in = Stream(0, 1 << 20);
  const auto chunks = Push(e, in);
  CHECK_EQ(chunks.size(), in.size());
  CHECK_EQ(chunks.back()[0], in.back());
  CHECK_EQ(e.pending(), 0u);
}


// Copy-once (push's `next`): a window left open by a burst is kept in caller memory, which the
// next completing push fills in place and the caller hands out as that chunk.
TEST(copy_once_window_completes_in_place_and_is_never_written_again) {
  Engine e(Make(1, 8, 8));
  Bytes next(8, 0xEE);
  CHECK(e.push(Stream(0, 3).data(), 3, nullptr, next.data()));  // adopted
  CHECK(e.window_in_place());
  CHECK_EQ(e.chunks_for(10), 1u);
  CHECK_EQ(e.out_chunks_for(10), 0u);  // that one chunk is `next`, completed in place
  Bytes other(8, 0xEE);
  const Bytes rest = Stream(3, 10);
  CHECK(e.push(rest.data(), rest.size(), nullptr, other.data()));  // 5 bytes left: `other` adopted
  CHECK_BYTES(next, Stream(0, 8));
  const Bytes handed_out = next;
  CHECK_EQ(e.pending(), 5u);
  CHECK_EQ(e.out_chunks_for(3), 0u);
  const Bytes three = Stream(13, 3);
  CHECK(!e.push(three.data(), three.size(), nullptr, nullptr));
  CHECK_BYTES(other, Stream(8, 8));
  CHECK_BYTES(next, handed_out);  // a chunk handed out is never written again
  CHECK(!e.window_in_place());
}

TEST(copy_once_with_overlap_moves_the_next_window_out_of_the_completed_chunk) {
  // size 8, hop 2 (overlap 6), bursts of 1, 7, 2 and 9 bytes, a `next` offered every time: short
  // bursts complete a chunk in place and leave an overlap that must come out of that chunk; long
  // ones leave the overlap in the input and adopt the next offer.
  Engine e(Make(1, 8, 2));
  std::deque<Bytes> buffers;  // stable addresses: what the engine adopted stays where it was
  Bytes* adopted = nullptr;
  std::vector<Bytes> chunks;
  size_t in_place_chunks = 0;
  const size_t bursts[] = {1, 7, 2, 9};
  size_t at = 0;
  for (size_t i = 0; at < 200; ++i) {
    const size_t len = bursts[i % 4];
    const size_t n = e.chunks_for(len);
    const size_t out_n = e.out_chunks_for(len);
    const bool in_place = e.window_in_place();
    CHECK(in_place == (adopted != nullptr));
    Bytes out(out_n * 8 + 1, 0xEE);
    buffers.emplace_back(8, 0xEE);
    Bytes* offered = &buffers.back();
    const Bytes in = Stream(at, len);
    const bool took = e.push(in.data(), len, out_n ? out.data() : nullptr, offered->data());
    at += len;
    if (in_place && n > 0) {
      chunks.push_back(*adopted);
      adopted = nullptr;
      ++in_place_chunks;
    }
    for (size_t k = 0; k < out_n; ++k) chunks.emplace_back(out.begin() + 8 * k, out.begin() + 8 * k + 8);
    CHECK_EQ(out.back(), 0xEE);
    if (took) adopted = offered;
  }
  CHECK_EQ(chunks.size(), (at - 8) / 2 + 1);
  CHECK(in_place_chunks > 10);
  for (size_t k = 0; k < chunks.size(); ++k) CHECK_BYTES(chunks[k], Stream(2 * k, 8));
}

TEST(copy_once_flush_and_reset_release_the_adopted_window) {
  for (TailPolicy tail : {TailPolicy::kEmit, TailPolicy::kPad}) {
    Engine e(Make(2, 4, 4, tail, 0, 0x33));
    Bytes next(8, 0xEE);
    CHECK(e.push(Stream(0, 4).data(), 4, nullptr, next.data()));
    FlushStatus status;
    Bytes expected = Stream(0, 4);
    if (tail == TailPolicy::kPad) expected.resize(8, 0x33);
    CHECK_BYTES(Flush(e, &status), expected);
    CHECK(!e.window_in_place());
    next.assign(8, 0x77);  // the caller reuses it: the engine no longer reads it
    CHECK_EQ(Push(e, Stream(50, 8)).size(), 1u);
    CHECK(Flush(e, &status).empty());
  }
  Engine e(Make(1, 4, 4));
  Bytes next(4, 0xEE);
  CHECK(e.push(Stream(0, 2).data(), 2, nullptr, next.data()));
  e.reset();
  CHECK(!e.window_in_place());
  CHECK_EQ(e.pending(), 0u);
  next.assign(4, 0x77);
  const auto chunks = Push(e, Stream(9, 5));
  CHECK_EQ(chunks.size(), 1u);
  CHECK_BYTES(chunks[0], Stream(9, 4));
}

TEST(copy_once_next_is_not_adopted_on_a_chunk_boundary_or_while_a_window_is_in_place) {
  Engine e(Make(1, 4, 4));
  Bytes next(4, 0xEE);
  Bytes out(4);
  CHECK(!e.push(Stream(0, 4).data(), 4, out.data(), next.data()));  // ends on a boundary
  CHECK(!e.window_in_place());
  CHECK(e.push(Stream(4, 1).data(), 1, nullptr, next.data()));
  Bytes second(4, 0xEE);
  CHECK(!e.push(Stream(5, 1).data(), 1, nullptr, second.data()));  // `next` still holds the window
  CHECK_BYTES(second, Bytes(4, 0xEE));
}

// The engine's own window grows with what it holds between calls (x2 from 64 bytes, at most one
// chunk), so a quiet stream that got a short hello holds about that hello, not a whole chunk.
TEST(own_window_grows_with_what_it_holds_not_a_whole_chunk) {
  Engine e(Make(1, 16384, 16384));
  CHECK_EQ(e.window_capacity(), 0u);
  CHECK(Push(e, Stream(0, 120)).empty());
  CHECK_EQ(e.window_capacity(), 128u);  // a 120-byte hello: 128 bytes, not 16 KiB
  for (size_t at = 120; at < 1000; at += 40) CHECK(Push(e, Stream(at, 40)).empty());  // tiny bursts
  CHECK_EQ(e.window_capacity(), 1024u);
  CHECK_EQ(e.pending(), 1000u);
  Bytes rest = Stream(1000, 16384 - 1000 + 300);
  const auto chunks = Push(e, rest);  // completes the chunk: written straight out, 300 bytes kept
  CHECK_EQ(chunks.size(), 1u);
  CHECK_BYTES(chunks[0], Stream(0, 16384));
  CHECK_EQ(e.window_capacity(), 1024u);  // kept: a busy stream does not reallocate per chunk
  CHECK_EQ(e.pending(), 300u);
  e.reset();
  CHECK_EQ(e.window_capacity(), 0u);  // a fresh stream starts small again
  CHECK(Push(e, Stream(0, 10)).empty());
  CHECK_EQ(e.window_capacity(), 64u);
  FlushStatus status;
  CHECK_BYTES(Flush(e, &status), Stream(0, 10));
  CHECK_EQ(e.window_capacity(), 0u);
  // Never more than a chunk, even when that is not a power of two; small chunks: one chunk.
  Engine odd(Make(1, 1500, 1500));
  CHECK(Push(odd, Stream(0, 1499)).empty());
  CHECK_EQ(odd.window_capacity(), 1500u);
  Engine tiny(Make(4, 3, 3));
  CHECK(Push(tiny, Stream(0, 5)).empty());
  CHECK_EQ(tiny.window_capacity(), 12u);
}

TEST(own_window_grows_across_overlaps_and_gaps_and_keeps_what_it_holds) {
  struct Shape { size_t size, hop; };
  for (const Shape shape : {Shape{1000, 1000}, Shape{1000, 10}, Shape{1000, 999}, Shape{1000, 1700}, Shape{700, 3}}) {
    Engine e(Make(1, shape.size, shape.hop));
    std::vector<Bytes> chunks;
    size_t at = 0;
    size_t max_pending = 0;
    for (size_t i = 0; at < 20000; ++i) {
      const size_t len = i % 7 == 6 ? 1 + (i * 37) % 1500 : 1 + i % 5;  // many tiny bursts, some large
      for (auto& c : Push(e, Stream(at, len))) chunks.push_back(std::move(c));
      at += len;
      CHECK(e.window_capacity() <= shape.size);
      max_pending = std::max(max_pending, e.pending());
    }
    const size_t count = at < shape.size ? 0 : (at - shape.size) / shape.hop + 1;
    CHECK_EQ(chunks.size(), count);
    for (size_t k = 0; k < chunks.size(); ++k) CHECK_BYTES(chunks[k], Stream(k * shape.hop, shape.size));
    CHECK(max_pending > 0);
  }
}

TEST(reserve_window_makes_the_push_it_sized_allocate_nothing) {
  // After reserve_window(len[, next]) the push of len bytes does not grow the window further.
  struct Shape { size_t size, hop; };
  for (const Shape shape : {Shape{300, 300}, Shape{300, 7}, Shape{300, 450}}) {
    for (const bool offer : {false, true}) {
      Engine e(Make(1, shape.size, shape.hop));
      std::deque<Bytes> offered;
      size_t at = 0;
      for (size_t i = 0; i < 400; ++i) {
        const size_t len = (i * 61) % 97 + (i % 11 == 0 ? 900 : 0);
        CHECK(e.reserve_window(len, offer));
        const size_t cap = e.window_capacity();
        const size_t out_n = e.out_chunks_for(len);
        Bytes out(out_n * shape.size + 1);
        offered.emplace_back(shape.size);
        const Bytes in = Stream(at, len);
        e.push(in.data(), len, out_n ? out.data() : nullptr, offer ? offered.back().data() : nullptr);
        CHECK_EQ(e.window_capacity(), cap);
        at += len;
      }
    }
  }
  Engine full(Make(1, 5000, 5000));
  CHECK(full.reserve_window());
  CHECK_EQ(full.window_capacity(), 5000u);
}

}  // namespace

int main(int argc, char** argv) {
  const char* only = argc > 1 ? argv[1] : nullptr;
  int ran = 0;
  for (const Case& c : Cases()) {
    if (only && std::strcmp(only, c.name) != 0) continue;
    const int before = failures;
    c.run();
    ++ran;
    std::printf("%s %s\n", failures == before ? "ok  " : "FAIL", c.name);
  }
  std::printf("%d tests, %d failed checks\n", ran, failures);
  return failures == 0 && ran > 0 ? 0 : 1;
}
