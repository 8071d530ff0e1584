// The one file that knows N-API: wraps reframe::Engine for JavaScript.
//
// TypeScript validates every option and input before it gets here (src/options.ts, src/input.ts);
// this file only asserts the invariants the two sides share, and throws (never aborts) if one breaks.
// Each burst is one call: push(input, out) with `out` sized by the caller for exactly the chunks
// the burst completes.
#include <napi.h>

#include <string>

#include "engine.h"

namespace {

// Reads a Uint8Array argument with a single napi_get_typedarray_info call (As<Uint8Array>() looks
// at the array twice). Returns false when the value is not a Uint8Array.
bool ReadBytes(napi_env env, napi_value value, uint8_t** data, size_t* length) {
  napi_typedarray_type type;  // napi_get_typedarray_info fails (napi_invalid_arg) on anything else
  void* raw = nullptr;
  if (napi_get_typedarray_info(env, value, &type, length, &raw, nullptr, nullptr) != napi_ok) {
    return false;
  }
  if (type != napi_uint8_array) return false;
  *data = static_cast<uint8_t*>(raw);
  return true;
}

[[noreturn]] void Broken(const Napi::Env& env, const std::string& what) {
  throw Napi::Error::New(env, "reframe internal error: " + what);
}

class NativeEngine : public Napi::ObjectWrap<NativeEngine> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "NativeEngine",
                       {
                           InstanceMethod<&NativeEngine::PlanFlush>("planFlush"),
                           InstanceMethod<&NativeEngine::Flush>("flush"),
                           InstanceMethod<&NativeEngine::Reset>("reset"),
                           InstanceAccessor<&NativeEngine::Pending>("pending"),
                       });
  }

  // new NativeEngine(sampleBytes, size, hop, tail, align, fill: Uint8Array of sampleBytes bytes)
  // `push` is an own property: a function made for this instance (see PushCallback).
  explicit NativeEngine(const Napi::CallbackInfo& info)
      : Napi::ObjectWrap<NativeEngine>(info), engine_(ReadConfig(info)) {
    napi_value push;
    NAPI_THROW_IF_FAILED_VOID(info.Env(), napi_create_function(info.Env(), "push", NAPI_AUTO_LENGTH,
                                                               PushCallback, this, &push));
    info.This().As<Napi::Object>().Set("push", push);
  }

 private:
  static reframe::Config ReadConfig(const Napi::CallbackInfo& info) {
    const Napi::Env env = info.Env();
    if (info.Length() != 6) Broken(env, "NativeEngine takes 6 arguments");
    reframe::Config config;
    config.sample_bytes = static_cast<size_t>(info[0].As<Napi::Number>().Int64Value());
    config.size = static_cast<size_t>(info[1].As<Napi::Number>().Int64Value());
    config.hop = static_cast<size_t>(info[2].As<Napi::Number>().Int64Value());
    const uint32_t tail = info[3].As<Napi::Number>().Uint32Value();
    config.align = static_cast<size_t>(info[4].As<Napi::Number>().Int64Value());
    uint8_t* fill = nullptr;
    size_t fill_length = 0;
    if (!ReadBytes(env, info[5], &fill, &fill_length)) Broken(env, "fill must be a Uint8Array");
    if (config.sample_bytes < 1 || config.size < 1 || config.hop < 1 || tail > 3 ||
        config.align < 1 || config.align > config.size || fill_length != config.sample_bytes) {
      Broken(env, "invalid engine configuration");
    }
    config.tail = static_cast<reframe::TailPolicy>(tail);
    config.fill.assign(fill, fill + fill_length);
    return config;
  }

  // push(input: Uint8Array, out: Uint8Array | undefined, outOffset: number, next?: Uint8Array):
  // boolean — the chunks go to out[outOffset, ...) (JS carves small outputs from a pool, so out
  // may hold more), less a window completed in place; `next` (chunk bytes) is memory where a
  // window left open may be kept (copy-once for large chunks); returns whether it was adopted.
  // JS keeps an adopted `next` alive, and writes nothing into it, until it is handed out.
  //
  // The hot path (one call per burst), in plain N-API: the function's data is this instance, so
  // there is no unwrap and no node-addon-api wrapper; each array is read with one call. A
  // callgrind profile of 200,000 calls showed the wrappers (TemplatedInstanceCallback, napi_unwrap,
  // napi_is_typedarray, napi_typeof) costing more than the engine itself.
  static napi_value PushCallback(napi_env env, napi_callback_info info) {
    size_t argc = 4;
    napi_value args[4];
    void* data = nullptr;
    if (napi_get_cb_info(env, info, &argc, args, nullptr, &data) != napi_ok) return nullptr;
    reframe::Engine& engine = static_cast<NativeEngine*>(data)->engine_;
    uint8_t* in = nullptr;
    size_t in_length = 0;
    if (argc < 1 || !ReadBytes(env, args[0], &in, &in_length)) {
      return Fail(env, "push input must be a Uint8Array");
    }
    uint8_t* out = nullptr;
    size_t out_length = 0;
    if (argc >= 2 && !ReadBytes(env, args[1], &out, &out_length)) {
      napi_valuetype type;
      if (napi_typeof(env, args[1], &type) != napi_ok || type != napi_undefined) {
        return Fail(env, "push output must be a Uint8Array");
      }
      out = nullptr;
      out_length = 0;
    }
    size_t out_offset = 0;
    if (out != nullptr && argc >= 3) {
      double offset = 0;
      if (napi_get_value_double(env, args[2], &offset) != napi_ok || !(offset >= 0) ||
          offset > static_cast<double>(out_length)) {
        return Fail(env, "push output offset out of range");
      }
      out_offset = static_cast<size_t>(offset);
    }
    const size_t chunks = engine.out_chunks_for(in_length);
    if (chunks > 0 && (out == nullptr || chunks * engine.chunk_bytes() > out_length - out_offset)) {
      return Fail(env, "push output does not hold the chunks this burst completes");
    }
    uint8_t* next = nullptr;
    if (argc >= 4) {
      size_t next_length = 0;
      if (!ReadBytes(env, args[3], &next, &next_length)) {
        napi_valuetype type;
        if (napi_typeof(env, args[3], &type) != napi_ok || type != napi_undefined) {
          return Fail(env, "push next window must be a Uint8Array");
        }
        next = nullptr;
      } else if (next_length != engine.chunk_bytes()) {
        return Fail(env, "push next window must hold one chunk");
      }
    }
    const bool adopted = engine.push(in, in_length, out == nullptr ? nullptr : out + out_offset, next);
    if (argc < 4) return nullptr;  // undefined
    napi_value result;
    napi_get_boolean(env, adopted, &result);
    return result;
  }

  static napi_value Fail(napi_env env, const char* what) {
    napi_throw_error(env, nullptr, (std::string("reframe internal error: ") + what).c_str());
    return nullptr;
  }

  // planFlush(): [status, bytes] — what flush() will write, so the caller can size its output.
  Napi::Value PlanFlush(const Napi::CallbackInfo& info) {
    const reframe::FlushPlan plan = engine_.plan_flush();
    Napi::Array result = Napi::Array::New(info.Env(), 2);
    result.Set(0u, Napi::Number::New(info.Env(), static_cast<double>(plan.status)));
    result.Set(1u, Napi::Number::New(info.Env(), static_cast<double>(plan.out_bytes)));
    return result;
  }

  // flush(out: Uint8Array | undefined): status
  Napi::Value Flush(const Napi::CallbackInfo& info) {
    const napi_env env = info.Env();
    uint8_t* out = nullptr;
    size_t out_length = 0;
    if (!info[0].IsUndefined() && !ReadBytes(env, info[0], &out, &out_length)) {
      Broken(info.Env(), "flush output must be a Uint8Array");
    }
    if (out_length != engine_.plan_flush().out_bytes) {
      Broken(info.Env(), "flush output does not match the planned tail");
    }
    const reframe::FlushStatus status = engine_.flush(out);
    return Napi::Number::New(info.Env(), static_cast<double>(status));
  }

  Napi::Value Reset(const Napi::CallbackInfo& info) {
    engine_.reset();
    return info.Env().Undefined();
  }

  Napi::Value Pending(const Napi::CallbackInfo& info) {
    return Napi::Number::New(info.Env(), static_cast<double>(engine_.pending()));
  }

  reframe::Engine engine_;
};

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("NativeEngine", NativeEngine::Define(env));
  return exports;
}

}  // namespace

NODE_API_MODULE(reframe, Init)
