// The one file that knows N-API: wraps reframe::Engine for JavaScript, in plain N-API.
//
// TypeScript validates options and snapshots every burst (src/options.ts, src/input.ts); this file
// still trusts nothing it is handed. Every length comes from N-API (never from a JavaScript
// property), every output region is checked to hold exactly what the engine will write, and a
// disagreement throws a coded error with the engine's state unchanged. Memory the engine keeps a
// pointer to across calls (an adopted copy-once window) is memory this file keeps alive itself.
//
// No C++ exception leaves this file: the entry points are plain N-API callbacks, the engine's window
// is reserved (without throwing) before each push so that the engine itself never allocates, the
// one allocation here is caught, and every N-API status is checked (a terminating worker makes calls fail;
// we then return without touching the engine).
#include <node_api.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <new>
#include <string>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "engine.h"
#include "memory.h"

namespace {

constexpr const char* kInputCode = "ERR_REFRAME_INPUT";

// Reads a Uint8Array: its data and length as V8 holds them (0 for a detached or out-of-bounds view).
bool ReadBytes(napi_env env, napi_value value, uint8_t** data, size_t* length) {
  napi_typedarray_type type;  // napi_get_typedarray_info fails (napi_invalid_arg) on anything else
  void* raw = nullptr;
  if (napi_get_typedarray_info(env, value, &type, length, &raw, nullptr, nullptr) != napi_ok) return false;
  if (type != napi_uint8_array) return false;
  *data = static_cast<uint8_t*>(raw);
  return true;
}

bool IsUndefined(napi_env env, napi_value value) {
  napi_valuetype type;
  return napi_typeof(env, value, &type) == napi_ok && type == napi_undefined;
}

// An exact, non-negative integer argument (an offset or a byte count); false for anything else.
bool ReadSize(napi_env env, napi_value value, size_t* out) {
  double d = 0;
  if (napi_get_value_double(env, value, &d) != napi_ok) return false;
  if (!(d >= 0) || d > 9007199254740991.0 || d != static_cast<double>(static_cast<uint64_t>(d))) return false;
  *out = static_cast<size_t>(d);
  return true;
}

// A broken invariant between TypeScript and this file: a bug, never a user's doing.
napi_value Internal(napi_env env, const char* what) {
  bool pending = false;
  if (napi_is_exception_pending(env, &pending) == napi_ok && !pending) {
    napi_throw_error(env, nullptr, (std::string("reframe internal error: ") + what).c_str());
  }
  return nullptr;
}

// The burst (or memory the engine relies on) is not what it was when it was accepted.
napi_value Changed(napi_env env, const char* what) {
  bool pending = false;
  if (napi_is_exception_pending(env, &pending) == napi_ok && !pending) {
    napi_throw_type_error(env, kInputCode, (std::string("reframe: ") + what).c_str());
  }
  return nullptr;
}

napi_value OutOfMemory(napi_env env) {
  bool pending = false;
  if (napi_is_exception_pending(env, &pending) == napi_ok && !pending) {
    napi_throw_range_error(env, nullptr, "reframe: out of memory for the chunker's window");
  }
  return nullptr;
}

// Reads a push's input (a Uint8Array) and output (a Uint8Array, or undefined: no output). False
// (with a JavaScript error thrown) for anything else.
bool ReadInputOutput(napi_env env, const napi_value* args, uint8_t** in, size_t* in_length, uint8_t** out,
                     size_t* out_length) {
  if (!ReadBytes(env, args[0], in, in_length)) {
    Internal(env, "push input must be a Uint8Array");
    return false;
  }
  if (!ReadBytes(env, args[1], out, out_length)) {
    if (!IsUndefined(env, args[1])) {
      Internal(env, "push output must be a Uint8Array");
      return false;
    }
    *out = nullptr;
    *out_length = 0;
  }
  return true;
}

napi_value Number(napi_env env, double value) {
  napi_value result = nullptr;
  napi_create_double(env, value, &result);
  return result;
}

// One JavaScript NativeEngine, owned by the wrapped object and, once made, its fastPush() function
// (each finalizer drops one owner). push() on the prototype unwraps its receiver (~50 ns); a busy
// engine's JavaScript side asks fastPush() for a function of its own whose callback data is the
// binding. That function costs about 1 KiB, which only busy engines pay, not 10,000 quiet streams.
class Binding {
 public:
  explicit Binding(const reframe::Config& config) : engine_(config) {}

  static napi_value Construct(napi_env env, napi_callback_info info);
  static napi_value Push(napi_env env, napi_callback_info info);
  static napi_value FastPush(napi_env env, napi_callback_info info);
  static napi_value PushInPlace(napi_env env, napi_callback_info info);
  static napi_value PlanFlush(napi_env env, napi_callback_info info);
  static napi_value Flush(napi_env env, napi_callback_info info);
  static napi_value Reset(napi_env env, napi_callback_info info);
  static napi_value Pending(napi_env env, napi_callback_info info);

 private:
  static void Release(napi_env env, void* data, void* /*hint*/) {
    Binding* self = static_cast<Binding*>(data);
    if (self->owners_.fetch_sub(1) != 1) return;
    if (self->window_ != nullptr) napi_delete_reference(env, self->window_);
    delete self;
  }

  static Binding* Unwrap(napi_env env, napi_callback_info info, size_t* argc, napi_value* args) {
    napi_value self = nullptr;
    void* data = nullptr;
    if (napi_get_cb_info(env, info, argc, args, &self, nullptr) != napi_ok) return nullptr;
    if (napi_unwrap(env, self, &data) != napi_ok) return nullptr;
    return static_cast<Binding*>(data);
  }

  // Drops the reference that kept an adopted window alive (it completed, or the stream ended).
  void ForgetWindow(napi_env env) {
    if (window_ != nullptr) napi_delete_reference(env, window_);
    window_ = nullptr;
    window_data_ = nullptr;
  }

  // True while the adopted window is still the live memory the engine points into: a detached or
  // resized buffer would move or free it. Only reachable if JavaScript handed the window out early.
  bool WindowIntact(napi_env env) {
    if (!engine_.window_in_place()) return true;
    napi_value value = nullptr;
    uint8_t* data = nullptr;
    size_t length = 0;
    return window_ != nullptr && napi_get_reference_value(env, window_, &value) == napi_ok &&
           value != nullptr && ReadBytes(env, value, &data, &length) && data == window_data_ &&
           length == engine_.chunk_bytes();
  }

  reframe::Engine engine_;
  std::atomic<int> owners_{1};  // the wrapped object, and fastPush()'s function once made
  napi_ref window_ = nullptr;       // the adopted `next` while engine_.window_in_place()
  uint8_t* window_data_ = nullptr;  // its data pointer, as adopted
};

// new NativeEngine(sampleBytes, size, hop, tail, align, fill: Uint8Array whose length divides sampleBytes)
napi_value Binding::Construct(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value args[6];
  napi_value self = nullptr;
  if (napi_get_cb_info(env, info, &argc, args, &self, nullptr) != napi_ok) return nullptr;
  if (argc != 6) return Internal(env, "NativeEngine takes 6 arguments");
  size_t sample = 0, size = 0, hop = 0, tail = 0, align = 0;
  if (!ReadSize(env, args[0], &sample) || !ReadSize(env, args[1], &size) || !ReadSize(env, args[2], &hop) ||
      !ReadSize(env, args[3], &tail) || !ReadSize(env, args[4], &align)) {
    return Internal(env, "NativeEngine takes integer sizes");
  }
  uint8_t* fill = nullptr;
  size_t fill_length = 0;
  if (!ReadBytes(env, args[5], &fill, &fill_length)) return Internal(env, "fill must be a Uint8Array");
  const size_t max = size_t{1} << (sizeof(size_t) * 8 - 2);  // products below stay in size_t
  if (sample < 1 || size < 1 || hop < 1 || tail > 3 || align < 1 || align > size || fill_length < 1 ||
      sample % fill_length != 0 || sample > max || size > max / sample || hop > max / sample) {
    return Internal(env, "invalid engine configuration");
  }
  reframe::Config config;
  config.sample_bytes = sample;
  config.size = size;
  config.hop = hop;
  config.tail = static_cast<reframe::TailPolicy>(tail);
  config.align = align;
  Binding* binding = nullptr;
  try {
    config.fill.assign(fill, fill + fill_length);
    binding = new Binding(config);
  } catch (...) {
    return OutOfMemory(env);
  }
  if (napi_wrap(env, self, binding, Release, nullptr, nullptr) != napi_ok) {
    delete binding;
    return nullptr;
  }
  return self;
}

// push(input: Uint8Array, out: Uint8Array | undefined, outOffset: number, outBytes: number): number
// Writes the chunks the burst completes into out[outOffset, outOffset + outBytes), which must be
// exactly their bytes; returns how many. Not for an engine whose window is in place (pushInPlace).
//
// The hot path (one call per burst): callback data instead of unwrap, each array read with one call.
napi_value Binding::Push(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value args[4];
  napi_value self = nullptr;
  void* data = nullptr;  // fastPush()'s function: its data is the binding; the prototype's: none
  if (napi_get_cb_info(env, info, &argc, args, &self, &data) != napi_ok) return nullptr;
  if (data == nullptr && napi_unwrap(env, self, &data) != napi_ok) return nullptr;
  Binding* binding = static_cast<Binding*>(data);
  reframe::Engine& engine = binding->engine_;
  if (argc != 4) return Internal(env, "push takes 4 arguments");
  if (engine.window_in_place()) return Internal(env, "push while the window is in place");
  uint8_t* in = nullptr;
  uint8_t* out = nullptr;
  size_t in_length = 0, out_length = 0;
  if (!ReadInputOutput(env, args, &in, &in_length, &out, &out_length)) return nullptr;
  size_t offset = 0, bytes = 0;
  if (!ReadSize(env, args[2], &offset) || !ReadSize(env, args[3], &bytes)) {
    return Internal(env, "push output region must be integers");
  }
  const size_t chunks = engine.chunks_for(in_length);
  if (bytes % engine.chunk_bytes() != 0 || bytes / engine.chunk_bytes() != chunks) {
    return Changed(env, "the burst's length changed while it was being read");
  }
  if (bytes > 0 && (out == nullptr || offset > out_length || bytes > out_length - offset)) {
    return Internal(env, "push output does not hold the chunks this burst completes");
  }
  // The window buffer holds what this burst leaves before the engine changes anything: push() then
  // allocates nothing.
  if (!engine.reserve_window(in_length)) return OutOfMemory(env);
  engine.push(in, in_length, out == nullptr ? nullptr : out + offset);
  return Number(env, static_cast<double>(chunks));
}

// fastPush(): push() as a function of this engine's own (no unwrap per call); it keeps the engine alive.
napi_value Binding::FastPush(napi_env env, napi_callback_info info) {
  size_t argc = 0;
  Binding* self = Unwrap(env, info, &argc, nullptr);
  if (self == nullptr) return nullptr;
  napi_value push = nullptr;
  if (napi_create_function(env, "push", NAPI_AUTO_LENGTH, Push, self, &push) != napi_ok) return nullptr;
  self->owners_.fetch_add(1);
  if (napi_add_finalizer(env, push, self, Release, nullptr, nullptr) != napi_ok) {
    self->owners_.fetch_sub(1);  // the function is garbage and never calls back; the object still owns it
    return nullptr;
  }
  return push;
}

// pushInPlace(input: Uint8Array, out: Uint8Array | undefined, next: Uint8Array): number
// Copy-once: `out` holds exactly the chunks the burst completes other than a window completed in
// place; `next` (one chunk of bytes) is offered for a window the burst leaves open. Returns bits:
// 1 = the first chunk is the window adopted earlier, completed in place (the caller hands it out);
// 2 = `next` was adopted (the caller keeps it unwritten; this binding keeps it alive).
napi_value Binding::PushInPlace(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value args[3];
  Binding* self = Unwrap(env, info, &argc, args);
  if (self == nullptr) return nullptr;
  reframe::Engine& engine = self->engine_;
  if (argc != 3) return Internal(env, "pushInPlace takes 3 arguments");
  uint8_t* in = nullptr;
  uint8_t* out = nullptr;
  size_t in_length = 0, out_length = 0;
  if (!ReadInputOutput(env, args, &in, &in_length, &out, &out_length)) return nullptr;
  uint8_t* next = nullptr;
  size_t next_length = 0;
  if (!ReadBytes(env, args[2], &next, &next_length) || next_length != engine.chunk_bytes()) {
    return Internal(env, "push next window must hold one chunk");
  }
  if (!self->WindowIntact(env)) return Changed(env, "the chunker's open window was detached or resized");
  if (next == self->window_data_) return Internal(env, "push next window is the open window");
  const size_t chunks = engine.chunks_for(in_length);
  const bool in_place = chunks > 0 && engine.window_in_place();
  const size_t out_chunks = in_place ? chunks - 1 : chunks;
  if (out_length % engine.chunk_bytes() != 0 || out_length / engine.chunk_bytes() != out_chunks) {
    return Changed(env, "the burst's length changed while it was being read");
  }
  // With `next` offered, the engine's own window only ever takes an overlap (no memory otherwise:
  // a chunk of 4 GiB needs no second 4 GiB here).
  if (engine.overlaps() && !engine.reserve_window(in_length, true)) return OutOfMemory(env);
  const bool adopted = engine.push(in, in_length, out, next);
  if (in_place || !engine.window_in_place()) self->ForgetWindow(env);
  if (adopted) {
    self->ForgetWindow(env);
    napi_create_reference(env, args[2], 1, &self->window_);
    self->window_data_ = next;
  }
  return Number(env, (in_place ? 1 : 0) | (adopted ? 2 : 0));
}

// planFlush(): [status, bytes] — what flush() will write, so the caller can size its output.
napi_value Binding::PlanFlush(napi_env env, napi_callback_info info) {
  size_t argc = 0;
  Binding* self = Unwrap(env, info, &argc, nullptr);
  if (self == nullptr) return nullptr;
  const reframe::FlushPlan plan = self->engine_.plan_flush();
  napi_value result = nullptr;
  if (napi_create_array_with_length(env, 2, &result) != napi_ok) return nullptr;
  napi_set_element(env, result, 0, Number(env, static_cast<double>(plan.status)));
  napi_set_element(env, result, 1, Number(env, static_cast<double>(plan.out_bytes)));
  return result;
}

// flush(out: Uint8Array | undefined): status — `out` holds exactly the planned bytes.
napi_value Binding::Flush(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value args[1];
  Binding* self = Unwrap(env, info, &argc, args);
  if (self == nullptr) return nullptr;
  uint8_t* out = nullptr;
  size_t out_length = 0;
  if (argc < 1 || !ReadBytes(env, args[0], &out, &out_length)) {
    if (argc >= 1 && !IsUndefined(env, args[0])) return Internal(env, "flush output must be a Uint8Array");
    out = nullptr;
  }
  if (!self->WindowIntact(env)) return Changed(env, "the chunker's open window was detached or resized");
  if (out_length != self->engine_.plan_flush().out_bytes) return Internal(env, "flush output does not match the planned tail");
  const reframe::FlushStatus status = self->engine_.flush(out);
  self->ForgetWindow(env);
  return Number(env, static_cast<double>(status));
}

napi_value Binding::Reset(napi_env env, napi_callback_info info) {
  size_t argc = 0;
  Binding* self = Unwrap(env, info, &argc, nullptr);
  if (self == nullptr) return nullptr;
  self->engine_.reset();
  self->ForgetWindow(env);
  return nullptr;
}

napi_value Binding::Pending(napi_env env, napi_callback_info info) {
  size_t argc = 0;
  Binding* self = Unwrap(env, info, &argc, nullptr);
  if (self == nullptr) return nullptr;
  return Number(env, static_cast<double>(self->engine_.pending()));
}

// ---------------------------------------------------------------------------------------------
// Output memory (native/memory.h). An output ArrayBuffer is an external one over a slab of the
// process's pool, exactly as long as the bytes it exposes: the engine writes every one of them
// (push and flush check each region), or they are zeroed here. The slab goes back to the pool when
// V8 frees the buffer's memory (its finalizer; Node runs it on this thread after an event-loop
// turn). A transferred buffer takes its backing store along, and the finalizer runs only when the
// last ArrayBuffer over it is gone — except that Node also runs it when the environment that made
// the buffer is torn down, moved or not. So JavaScript calls alloc() only on the main thread, whose
// environment ends with the process, and only where a user's markAsUntransferable cannot make that
// teardown abort (src/core/node-runtime.ts); there a slab is never reused while JavaScript can see it.

// One output buffer's slab, owned by its finalizer.
struct Ticket {
  reframe::Slab slab;
  size_t hidden = 0;  // capacity - exposed length: memory V8 cannot see (adjust_external_memory)
};

// Per environment (the main thread and each worker): instance data.
struct Outputs {
  bool refuse_external = false;  // tests: behave as a runtime that refuses external buffers
  bool refused = false;          // the runtime refused external buffers: stop asking
  bool busy = false;             // this environment re-frames: see KeepFreedMemory
};

// While any environment re-frames, glibc keeps what is freed (up to kBusyKeepBytes at the top of
// its heap, and allocations below kBusyMmapBytes come from the heap instead of fresh mmaps), so
// that each new chunk's memory is memory freed a moment ago, already paged in. glibc's defaults
// give freed pages back at once: the chunks a collection frees go back to the kernel, and the next
// ones are fresh pages (measured here: Node 26, 4096-byte chunks, 0.5 vs 6-8 GB/s, process by
// process). Once every environment is idle, glibc's defaults come back and its free memory is
// trimmed. Left alone when the user tuned malloc (GLIBC_TUNABLES or MALLOC_*_ variables).
#if defined(__GLIBC__)
constexpr int kBusyKeepBytes = 64 << 20;
constexpr int kBusyMmapBytes = 32 << 20;   // glibc's own ceiling for its dynamic mmap threshold
constexpr int kGlibcDefaultBytes = 128 << 10;  // M_TRIM_THRESHOLD's and M_MMAP_THRESHOLD's default
std::mutex g_malloc_mutex;
int g_busy_envs = 0;

bool UserTunedMalloc() {
  const char* tunables = std::getenv("GLIBC_TUNABLES");
  if (tunables != nullptr && std::strstr(tunables, "glibc.malloc.") != nullptr) return true;
  for (const char* name : {"MALLOC_TRIM_THRESHOLD_", "MALLOC_MMAP_THRESHOLD_", "MALLOC_TOP_PAD_", "MALLOC_MMAP_MAX_"}) {
    if (std::getenv(name) != nullptr) return true;
  }
  return false;
}
#endif

// This environment starts (busy) or stops re-framing; returns whether malloc is kept tuned now.
bool SetBusy(Outputs* outputs, bool busy) {
#if defined(__GLIBC__)
  static const bool user_tuned = UserTunedMalloc();
  if (user_tuned) return false;
  std::lock_guard<std::mutex> lock(g_malloc_mutex);
  if (outputs->busy != busy) {
    outputs->busy = busy;
    g_busy_envs += busy ? 1 : -1;
    if (busy && g_busy_envs == 1) {
      mallopt(M_MMAP_THRESHOLD, kBusyMmapBytes);
      mallopt(M_TRIM_THRESHOLD, kBusyKeepBytes);
    } else if (!busy && g_busy_envs == 0) {
      mallopt(M_TRIM_THRESHOLD, kGlibcDefaultBytes);
      mallopt(M_MMAP_THRESHOLD, kGlibcDefaultBytes);
    }
  }
  return g_busy_envs > 0;
#else
  (void)outputs;
  (void)busy;
  return false;
#endif
}

void FinalizeOutput(napi_env env, void* /*data*/, void* hint) {
  Ticket* ticket = static_cast<Ticket*>(hint);
  int64_t unused = 0;
  if (ticket->hidden > 0) napi_adjust_external_memory(env, -static_cast<int64_t>(ticket->hidden), &unused);
  reframe::SlabPool::Shared().Give(ticket->slab);
  delete ticket;
}

void FinalizeOutputs(napi_env /*env*/, void* data, void* /*hint*/) {
  Outputs* outputs = static_cast<Outputs*>(data);
  SetBusy(outputs, false);  // a worker that ends while busy
  delete outputs;
}

Outputs* OutputsOf(napi_env env) {
  void* data = nullptr;
  if (napi_get_instance_data(env, &data) != napi_ok) return nullptr;
  return static_cast<Outputs*>(data);
}

// alloc(bytes: number, zero: boolean): Uint8Array | undefined (a Buffer: Node's external buffer is
// made as one, so asking for its ArrayBuffer alone would only add a step). Undefined: use JavaScript's memory
// (the pool is at its bound, the runtime refuses external buffers, or there is no memory).
napi_value Alloc(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value args[2];
  if (napi_get_cb_info(env, info, &argc, args, nullptr, nullptr) != napi_ok) return nullptr;
  Outputs* outputs = OutputsOf(env);
  size_t bytes = 0;
  bool zero = false;
  if (outputs == nullptr || argc != 2 || !ReadSize(env, args[0], &bytes) || bytes == 0 ||
      napi_get_value_bool(env, args[1], &zero) != napi_ok) {
    return Internal(env, "alloc takes a byte count and a boolean");
  }
  if (outputs->refused || outputs->refuse_external) return nullptr;
  reframe::SlabPool& pool = reframe::SlabPool::Shared();
  Ticket* ticket = new (std::nothrow) Ticket();
  if (ticket == nullptr) return nullptr;
  ticket->slab = pool.Take(bytes);
  if (ticket->slab.data == nullptr) {
    delete ticket;
    return nullptr;
  }
  ticket->hidden = ticket->slab.capacity - bytes;
  // Recycled memory holds an earlier owner's bytes: what is exposed is either written completely
  // by the engine before anyone sees it (the caller's promise, checked by push and flush) or zeroed.
  if (zero && !ticket->slab.zeroed) std::memset(ticket->slab.data, 0, bytes);
  napi_value buffer = nullptr;
  const napi_status status =
      napi_create_external_buffer(env, bytes, ticket->slab.data, FinalizeOutput, ticket, &buffer);
  if (status != napi_ok) {
    pool.Give(ticket->slab);
    delete ticket;
    if (status == napi_no_external_buffers_allowed) outputs->refused = true;
    bool pending = false;
    if (napi_is_exception_pending(env, &pending) == napi_ok && pending) {
      napi_value ignored = nullptr;
      napi_get_and_clear_last_exception(env, &ignored);
    }
    return nullptr;
  }
  int64_t unused = 0;
  if (ticket->hidden > 0) napi_adjust_external_memory(env, static_cast<int64_t>(ticket->hidden), &unused);
  return buffer;
}

// refuseExternal(refuse: boolean): tests make this environment behave as one whose runtime refuses
// external buffers (napi_no_external_buffers_allowed), so the fallback is exercised.
napi_value RefuseExternal(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value args[1];
  if (napi_get_cb_info(env, info, &argc, args, nullptr, nullptr) != napi_ok) return nullptr;
  Outputs* outputs = OutputsOf(env);
  bool refuse = false;
  if (outputs == nullptr || argc != 1 || napi_get_value_bool(env, args[0], &refuse) != napi_ok) {
    return Internal(env, "refuseExternal takes a boolean");
  }
  outputs->refuse_external = refuse;
  if (!refuse) outputs->refused = false;
  return nullptr;
}

// trimMemory(): frees the pool's free slabs and, with glibc, what its arenas keep free (JavaScript
// calls it once re-framing has gone idle, and after a worker that used the addon ended: a worker's
// chunks are Node's memory, which glibc keeps in that thread's arena after the worker is gone).
napi_value TrimMemory(napi_env /*env*/, napi_callback_info /*info*/) {
  reframe::SlabPool::Shared().Trim();
#if defined(__GLIBC__)
  malloc_trim(0);
#endif
  return nullptr;
}

// keepFreedMemory(busy: boolean): boolean. JavaScript says busy at this environment's first output
// after an idle spell, and not busy after about a second without output (then calls trimMemory).
// Returns whether glibc keeps freed memory now (false without glibc, or when the user tuned malloc).
napi_value KeepFreedMemory(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value args[1];
  if (napi_get_cb_info(env, info, &argc, args, nullptr, nullptr) != napi_ok) return nullptr;
  Outputs* outputs = OutputsOf(env);
  bool busy = false;
  if (outputs == nullptr || argc != 1 || napi_get_value_bool(env, args[0], &busy) != napi_ok) {
    return Internal(env, "keepFreedMemory takes a boolean");
  }
  napi_value result = nullptr;
  napi_get_boolean(env, SetBusy(outputs, busy), &result);
  return result;
}

// The main thread's wake-up when another environment that loaded this addon (a worker) ends:
// process-wide, set by watchWorkers() on the main thread, cleared when its function is finalized.
std::mutex g_watch_mutex;
napi_threadsafe_function g_watch = nullptr;

void ForgetWatch(napi_env /*env*/, void* /*data*/, void* /*hint*/) {
  std::lock_guard<std::mutex> lock(g_watch_mutex);
  g_watch = nullptr;
}

// An environment that loaded the addon is being torn down: tell the main thread (not itself).
void OnEnvCleanup(void* arg) {
  std::lock_guard<std::mutex> lock(g_watch_mutex);
  if (g_watch == nullptr) return;
  void* context = nullptr;
  if (napi_get_threadsafe_function_context(g_watch, &context) == napi_ok && context == arg) return;
  napi_call_threadsafe_function(g_watch, nullptr, napi_tsfn_nonblocking);
}

// watchWorkers(callback): the main thread's callback runs (on the main thread, without keeping its
// event loop alive) each time a worker environment that loaded this addon ends.
napi_value WatchWorkers(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value args[1];
  if (napi_get_cb_info(env, info, &argc, args, nullptr, nullptr) != napi_ok) return nullptr;
  napi_valuetype type;
  if (argc != 1 || napi_typeof(env, args[0], &type) != napi_ok || type != napi_function) {
    return Internal(env, "watchWorkers takes a function");
  }
  {
    std::lock_guard<std::mutex> lock(g_watch_mutex);
    if (g_watch != nullptr) return nullptr;  // one watch per process: the main thread's
  }
  napi_value name = nullptr;
  if (napi_create_string_utf8(env, "reframe.watchWorkers", NAPI_AUTO_LENGTH, &name) != napi_ok) return nullptr;
  napi_threadsafe_function watch = nullptr;
  // Its context is this environment: OnEnvCleanup of the watching environment itself calls nothing.
  if (napi_create_threadsafe_function(env, args[0], nullptr, name, 0, 1, nullptr, ForgetWatch, env, nullptr,
                                      &watch) != napi_ok) {
    return nullptr;
  }
  napi_unref_threadsafe_function(env, watch);
  std::lock_guard<std::mutex> lock(g_watch_mutex);
  g_watch = watch;
  return nullptr;
}

// memoryStats(): [freeBytes, outstandingBytes, mappedBytes, slabsTaken, slabsReused], process-wide.
napi_value MemoryStats(napi_env env, napi_callback_info /*info*/) {
  const reframe::SlabStats stats = reframe::SlabPool::Shared().Stats();
  napi_value result = nullptr;
  if (napi_create_array_with_length(env, 5, &result) != napi_ok) return nullptr;
  napi_set_element(env, result, 0, Number(env, static_cast<double>(stats.free_bytes)));
  napi_set_element(env, result, 1, Number(env, static_cast<double>(stats.outstanding_bytes)));
  napi_set_element(env, result, 2, Number(env, static_cast<double>(stats.mapped_bytes)));
  napi_set_element(env, result, 3, Number(env, static_cast<double>(stats.taken)));
  napi_set_element(env, result, 4, Number(env, static_cast<double>(stats.reused)));
  return result;
}

napi_value Init(napi_env env, napi_value exports) {
  Outputs* outputs = new (std::nothrow) Outputs();
  if (outputs == nullptr || napi_set_instance_data(env, outputs, FinalizeOutputs, nullptr) != napi_ok) {
    delete outputs;
    return nullptr;
  }
  napi_add_env_cleanup_hook(env, OnEnvCleanup, env);  // a worker ending wakes the main thread (watchWorkers)
  const napi_property_descriptor methods[] = {
      {"push", nullptr, Binding::Push, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"fastPush", nullptr, Binding::FastPush, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"pushInPlace", nullptr, Binding::PushInPlace, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"planFlush", nullptr, Binding::PlanFlush, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"flush", nullptr, Binding::Flush, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"reset", nullptr, Binding::Reset, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"pending", nullptr, nullptr, Binding::Pending, nullptr, nullptr, napi_default, nullptr},
  };
  napi_value constructor = nullptr;
  if (napi_define_class(env, "NativeEngine", NAPI_AUTO_LENGTH, Binding::Construct, nullptr,
                        sizeof(methods) / sizeof(methods[0]), methods, &constructor) != napi_ok) {
    return nullptr;
  }
  if (napi_set_named_property(env, exports, "NativeEngine", constructor) != napi_ok) return nullptr;
  const napi_property_descriptor functions[] = {
      {"alloc", nullptr, Alloc, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"refuseExternal", nullptr, RefuseExternal, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"trimMemory", nullptr, TrimMemory, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"watchWorkers", nullptr, WatchWorkers, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"keepFreedMemory", nullptr, KeepFreedMemory, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"memoryStats", nullptr, MemoryStats, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  if (napi_define_properties(env, exports, sizeof(functions) / sizeof(functions[0]), functions) != napi_ok) {
    return nullptr;
  }
  return exports;
}

}  // namespace

NAPI_MODULE(reframe, Init)
