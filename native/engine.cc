#include "engine.h"

#include <algorithm>
#include <cassert>
#include <cstring>
#include <new>

namespace reframe {

Engine::Engine(const Config& config)
    : sample_(config.sample_bytes),
      chunk_(config.size * config.sample_bytes),
      hop_(config.hop * config.sample_bytes),
      align_bytes_(config.align * config.sample_bytes),
      tail_(config.tail),
      fill_(config.fill) {
  assert(sample_ >= 1 && chunk_ >= sample_ && hop_ >= sample_);
  assert(align_bytes_ >= sample_ && align_bytes_ <= chunk_);
  assert(!fill_.empty() && sample_ % fill_.size() == 0);
}

size_t Engine::chunks_for(size_t len) const {
  const size_t need = skip_ + (chunk_ - have_);
  if (len < need) return 0;
  return 1 + (len - need) / hop_;
}

bool Engine::push(const uint8_t* in, size_t len, uint8_t* out, uint8_t* next) {
  phase_ = (phase_ + len % sample_) % sample_;
  const uint8_t* const begin = in;
  // True while the current window's have_ bytes are the have_ bytes just before `in`, so a chunk
  // can be copied straight from the input; false while they are in window_.
  bool in_input = (have_ == 0);
  while (len > 0) {
    if (skip_ > 0) {  // in the gap between two windows (hop > size); have_ == 0 here
      const size_t d = std::min(skip_, len);
      skip_ -= d;
      in += d;
      len -= d;
      continue;
    }
    if (in_input) {
      const size_t need = chunk_ - have_;
      if (len < need) break;  // the rest of the burst is saved below
      if (hop_ == chunk_) {
        // Back-to-back chunks (no overlap, no gap; have_ is 0 here): one copy writes them all.
        assert(have_ == 0 && skip_ == 0);
        const size_t bytes = len - len % chunk_;
        std::memcpy(out, in, bytes);
        out += bytes;
        in += bytes;
        len -= bytes;
        continue;
      }
      std::memcpy(out, in - have_, chunk_);
      out += chunk_;
      in += need;
      len -= need;
      next_window();  // its have_ bytes, if any, end at `in`
      continue;
    }
    const size_t d = std::min(chunk_ - have_, len);
    if (have_ + d < chunk_) {  // the burst ends inside the window (d == len)
      if (!external_ && !grow_window(have_ + d, have_)) throw std::bad_alloc();
      std::memcpy(window_ + have_, in, d);
      have_ += d;
      in += d;
      len -= d;
      break;
    }
    const uint8_t* done;  // the completed chunk
    if (external_) {
      // Completed in place: the caller hands that memory out. It is never written again.
      std::memcpy(window_ + have_, in, d);
      done = window_;
      external_ = false;
      window_ = own_.get();  // may be null: allocated below only if the next window needs it
    } else {
      // Written straight out (the window's bytes, then the burst's): own_ never holds a whole chunk.
      std::memcpy(out, window_, have_);
      std::memcpy(out + have_, in, d);
      done = out;
      out += chunk_;
    }
    in += d;
    len -= d;
    next_window();
    // The next window begins with the last have_ bytes of the chunk just completed: read them
    // from the input if this burst brought that many, else copy them to the front of window_.
    if (have_ <= static_cast<size_t>(in - begin)) {
      in_input = true;
    } else {
      use_own_window(have_);
      std::memcpy(window_, done + (chunk_ - have_), have_);
    }
  }
  bool adopted = false;
  if (in_input && have_ + len > 0) {  // keep the partial window for the next burst
    if (next != nullptr) {
      window_ = next;
      external_ = adopted = true;
    } else {
      use_own_window(have_ + len);
    }
    std::memcpy(window_, in - have_, have_ + len);
    have_ += len;
  }
  return adopted;
}

void Engine::next_window() {
  if (hop_ < chunk_) {
    have_ = held_ = chunk_ - hop_;
  } else {
    have_ = held_ = 0;
    skip_ = hop_ - chunk_;
  }
}

size_t Engine::window_need(size_t len, bool next) const {
  const size_t n = chunks_for(len);
  if (n == 0) {  // the burst ends inside the window (or in a gap)
    if (have_ > 0) return external_ ? 0 : have_ + len;
    return next || len <= skip_ ? 0 : len - skip_;
  }
  // Completed chunks are written straight out; own_ takes what follows the last one: an overlap
  // moved out of a completed chunk, and the bytes after it (unless `next` takes them), at most the
  // window left open after the last chunk.
  if (next && hop_ >= chunk_) return 0;
  const size_t after = len - (skip_ + chunk_ - have_);  // bytes after the first chunk
  const size_t r = after - (n - 1) * hop_;              // after the last one (< hop_)
  if (hop_ < chunk_) return r + (chunk_ - hop_);
  return r > hop_ - chunk_ ? r - (hop_ - chunk_) : 0;
}

bool Engine::grow_window(size_t need, size_t keep) noexcept {
  if (need <= cap_) return true;
  size_t cap = cap_ == 0 ? kMinWindow : cap_;
  while (cap < need) cap = cap >= chunk_ - cap ? chunk_ : 2 * cap;  // x2, at most chunk_
  if (cap > chunk_) cap = chunk_;
  // Uninitialized: only window_[0, have_) is ever read.
  uint8_t* const grown = new (std::nothrow) uint8_t[cap];
  if (grown == nullptr) return false;
  if (keep > 0) std::memcpy(grown, own_.get(), keep);
  own_.reset(grown);
  cap_ = cap;
  if (!external_) window_ = grown;
  return true;
}

bool Engine::reserve_window(size_t len, bool next) {
  const size_t need = window_need(len, next);
  return grow_window(need, !external_ && have_ > 0 ? have_ : 0);
}

bool Engine::reserve_window() { return grow_window(chunk_, !external_ && have_ > 0 ? have_ : 0); }

void Engine::use_own_window(size_t need) {
  external_ = false;
  window_ = own_.get();
  if (!grow_window(need, 0)) throw std::bad_alloc();
}

size_t Engine::final_bytes() const {
  const size_t whole = have_ - have_ % sample_;  // the window starts on a sample boundary
  return whole > held_ ? whole : 0;
}

size_t Engine::pending() const {
  const size_t whole = final_bytes();
  return whole == 0 ? 0 : (whole - held_) / sample_;
}

FlushPlan Engine::plan_flush() const {
  const size_t whole = final_bytes();
  if (phase_ != 0 && tail_ != TailPolicy::kDrop) return {FlushStatus::kStraySample, whole};
  if (whole == 0) return {FlushStatus::kOk, 0};
  switch (tail_) {
    case TailPolicy::kEmit:
      return {FlushStatus::kOk, whole};
    case TailPolicy::kPad: {
      const size_t padded = (whole + align_bytes_ - 1) / align_bytes_ * align_bytes_;
      return {FlushStatus::kOk, std::min(padded, chunk_)};
    }
    case TailPolicy::kDrop:
      return {FlushStatus::kOk, 0};
    case TailPolicy::kError:
      return {FlushStatus::kTail, whole};
  }
  return {FlushStatus::kOk, 0};
}

FlushStatus Engine::flush(uint8_t* out) {
  const FlushPlan plan = plan_flush();
  if (plan.out_bytes > 0) {
    const size_t whole = final_bytes();
    std::memcpy(out, window_, whole);
    // [whole, out_bytes) is whole samples, so a whole number of patterns: write one, then double.
    uint8_t* const pad = out + whole;
    const size_t n = plan.out_bytes - whole;
    size_t done = std::min(fill_.size(), n);
    std::memcpy(pad, fill_.data(), done);
    while (done < n) {
      const size_t d = std::min(done, n - done);
      std::memcpy(pad + done, pad, d);
      done += d;
    }
  }
  reset();
  return plan.status;
}

void Engine::reset() {
  have_ = held_ = skip_ = phase_ = 0;
  external_ = false;  // the caller's memory, if the window was there, is never touched again
  // A fresh stream starts with no window of its own, as a new engine does: one that grew for a
  // busy stream does not stay that large for a quiet one.
  own_.reset();
  cap_ = 0;
  window_ = nullptr;
}

}  // namespace reframe
