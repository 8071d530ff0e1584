// Issue 11, cases 1 and 2: a burst is read through its real memory, never through properties a
// subclass, an own property or a Proxy overrides (SPEC "Input"). Each lying burst holds 1,000
// recognisable bytes (0xA0..0xBE) in the middle of a buffer whose other bytes are 0x11, and is
// followed by an honest burst: on every face and both cores the chunks must be the reference
// framing of the real bytes (a Proxy may instead be refused with ERR_REFRAME_INPUT), no chunk
// changes later, and no chunk's buffer holds a byte that was never input.
// Case 1 once handed out heap memory (a byteLength larger than the real one sized the output),
// lost bytes (a smaller one) and threw an uncoded RangeError (NaN). The lies that used to run the
// heap out (1e9, Infinity, 2^53) or loop forever (a byteLength that is a string), and the copy-once
// path of chunks of 32 KiB or more (case 2: writes into freed memory on the native core) run in a
// child process: test/children/lying-length.mjs.
import { describe, expect, it } from 'vitest';
import {
  Chunker, ChunkerStream, chunkerStream, chunks, type ChunkerOptions, type SampleType,
} from '../src/index.js';
import { CORES, useCore } from './support/cores.js';
import { scaled, STREAM, bytesOf } from './support/util.js';
import { IMPLEMENTATIONS, type Implementation } from './support/web.js';
import { frame } from './support/reference.js';
import {
  FOREIGN, concat, expectInputError, expectOnlyInputBytes, expectPrefix, expectUnchanged, marked, within,
} from './support/boundary.js';
import { describeRun, ensureDist, runChild } from './support/child.js';

const REAL = 1000; // the lying burst's real bytes
const AT = 200; // where they start in their buffer; the rest of it is FOREIGN

// The intrinsic getters, which read a view's internal slots whatever its class says.
const typedArrayProto = Object.getPrototypeOf(Uint8Array.prototype) as object;
const intrinsic = (proto: object, name: string) => Object.getOwnPropertyDescriptor(proto, name)!.get!;

/** A subclass of `Base` whose getters `lies` return what each lie makes of the real value. */
function liar<C extends abstract new (...args: any[]) => object>(Base: C, lies: Record<string, (real: any) => unknown>): C {
  abstract class Liar extends Base {}
  const proto = Base === (DataView as unknown) ? DataView.prototype : typedArrayProto;
  for (const [name, lie] of Object.entries(lies)) {
    const real = intrinsic(proto, name === 'length' ? 'length' : name);
    Object.defineProperty(Liar.prototype, name, { configurable: true, get() { return lie(real.call(this)); } });
  }
  return Liar;
}

/** A buffer of FOREIGN bytes with `real` at AT, and a decoy buffer of FOREIGN bytes. */
function backing(real: Uint8Array): { buffer: ArrayBuffer; decoy: ArrayBuffer } {
  const buffer = new ArrayBuffer(AT + real.length + 400);
  new Uint8Array(buffer).fill(FOREIGN).set(real, AT);
  const decoy = new ArrayBuffer(buffer.byteLength + 50_000);
  new Uint8Array(decoy).fill(FOREIGN);
  return { buffer, decoy };
}

type Make = (real: Uint8Array) => unknown;
const u8 = (Liar: abstract new (...args: any[]) => object): Make => (real) => {
  const { buffer } = backing(real);
  return new (Liar as unknown as typeof Uint8Array)(buffer, AT, real.length);
};

const BYTES: ChunkerOptions = { size: 64 };
const FLOATS: ChunkerOptions<'float32'> = { size: 16, type: 'float32' }; // 1,000 bytes = 250 values

/** [what the burst is, how it is made, options, whether refusing it (ERR_REFRAME_INPUT) is allowed]. */
const LIARS: [string, Make, ChunkerOptions<SampleType>, boolean][] = [
  ['a Uint8Array subclass whose byteLength says 100 more', u8(liar(Uint8Array, { byteLength: (n: number) => n + 100 })), BYTES, false],
  ['a Uint8Array subclass whose byteLength says 20,000 more (4,096-byte chunks: output not from the pool)',
    u8(liar(Uint8Array, { byteLength: (n: number) => n + 20_000 })), { size: 4096 }, false],
  ['a Uint8Array subclass whose byteLength says 10', u8(liar(Uint8Array, { byteLength: () => 10 })), BYTES, false],
  ['a Uint8Array subclass whose byteLength says 0', u8(liar(Uint8Array, { byteLength: () => 0 })), BYTES, false],
  ['a Uint8Array subclass whose byteLength says NaN', u8(liar(Uint8Array, { byteLength: () => NaN })), BYTES, false],
  ['a Uint8Array subclass whose byteLength says -1', u8(liar(Uint8Array, { byteLength: () => -1 })), BYTES, false],
  ['a Uint8Array subclass whose byteLength says 2.5', u8(liar(Uint8Array, { byteLength: () => 2.5 })), BYTES, false],
  ['a Uint8Array subclass whose length and byteLength say 3,000', u8(liar(Uint8Array, { byteLength: () => 3000, length: () => 3000 })), BYTES, false],
  ['a Uint8Array subclass whose byteOffset says 0', u8(liar(Uint8Array, { byteOffset: () => 0 })), BYTES, false],
  ['a Uint8Array subclass whose buffer is another one', (real) => {
    const { buffer, decoy } = backing(real);
    const Liar = liar(Uint8Array, { buffer: () => decoy });
    return new (Liar as unknown as typeof Uint8Array)(buffer, AT, real.length);
  }, BYTES, false],
  ['a Uint8Array subclass whose subarray(), slice(), set() and species hand out foreign bytes', (real) => {
    const { buffer, decoy } = backing(real);
    class Tricky extends Uint8Array {
      static get [Symbol.species]() { return function foreign() { return new Uint8Array(decoy); }; }
      override subarray() { return new Uint8Array(decoy); }
      override slice() { return new Uint8Array(decoy); }
      override set() { new Uint8Array(decoy).fill(FOREIGN); }
    }
    return new Tricky(buffer, AT, real.length);
  }, BYTES, false],
  ['a plain Uint8Array with own byteLength, byteOffset and buffer properties that lie', (real) => {
    const { buffer, decoy } = backing(real);
    const view = new Uint8Array(buffer, AT, real.length);
    Object.defineProperties(view, {
      byteLength: { get: () => 5000 }, byteOffset: { value: 0 }, buffer: { value: decoy }, length: { value: 5000 },
    });
    return view;
  }, BYTES, false],
  ['a Float32Array subclass whose buffer, byteOffset and byteLength lie (type float32)', (real) => {
    const { buffer, decoy } = backing(real);
    const Liar = liar(Float32Array, { buffer: () => decoy, byteOffset: () => 0, byteLength: (n: number) => n + 4000 });
    return new (Liar as unknown as typeof Float32Array)(buffer, AT, real.length / 4);
  }, FLOATS, false],
  ['a Float32Array subclass whose byteLength says NaN (type float32)', (real) => {
    const { buffer } = backing(real);
    const Liar = liar(Float32Array, { byteLength: () => NaN });
    return new (Liar as unknown as typeof Float32Array)(buffer, AT, real.length / 4);
  }, FLOATS, false],
  ['a DataView subclass whose byteLength says 100 more', (real) => {
    const { buffer } = backing(real);
    const Liar = liar(DataView, { byteLength: (n: number) => n + 100 });
    return new (Liar as unknown as typeof DataView)(buffer, AT, real.length);
  }, BYTES, false],
  ['a DataView subclass whose buffer and byteOffset lie', (real) => {
    const { buffer, decoy } = backing(real);
    const Liar = liar(DataView, { buffer: () => decoy, byteOffset: () => 7 });
    return new (Liar as unknown as typeof DataView)(buffer, AT, real.length);
  }, BYTES, false],
  ['a Proxy of a Uint8Array whose traps lie', (real) => {
    const { buffer, decoy } = backing(real);
    const lies: Record<PropertyKey, unknown> = { byteLength: 5000, length: 5000, byteOffset: 0, buffer: decoy };
    return new Proxy(new Uint8Array(buffer, AT, real.length), {
      get: (target, key) => (key in lies ? lies[key] : Reflect.get(target, key)),
      getPrototypeOf: () => Uint8Array.prototype,
    });
  }, BYTES, true],
];

interface Run {
  chunks: ArrayBufferView[];
  snapshots: Uint8Array[]; // each chunk's bytes when it was handed out
  error: unknown;
}

function recorder(): Run & { take: (item: unknown) => void } {
  const run: Run & { take: (item: unknown) => void } = {
    chunks: [], snapshots: [], error: undefined,
    take: (item) => {
      for (const chunk of Array.isArray(item) ? item as ArrayBufferView[] : [item as ArrayBufferView]) {
        run.chunks.push(chunk);
        run.snapshots.push(bytesOf(chunk));
      }
    },
  };
  return run;
}

/** The faces, each taking the bursts in order, then ending the stream. */
const FACES: [string, (options: ChunkerOptions<SampleType>, bursts: unknown[]) => Promise<Run>][] = [
  ['Chunker', async (options, bursts) => {
    const run = recorder();
    const c = new Chunker(options);
    // Every burst is pushed, a refused one included (it changes nothing: SPEC "Input"), then flush.
    for (const burst of bursts) {
      try {
        c.push(burst as Uint8Array).forEach(run.take);
      } catch (error) {
        run.error ??= error;
      }
    }
    try {
      c.flush().forEach(run.take);
    } catch (error) {
      run.error ??= error;
    }
    c.push(marked(4000, 9)); // later pushes change no chunk handed out
    c.reset();
    return run;
  }],
  ['Node face', async (options, bursts) => {
    const run = recorder();
    const s = chunkerStream(options);
    s.on('data', run.take);
    const ended = new Promise<unknown>((resolve) => {
      s.on('error', resolve);
      s.on('end', () => resolve(undefined));
    });
    const writes: Promise<unknown>[] = [];
    try {
      for (const burst of bursts) writes.push(new Promise((resolve) => s.write(burst, resolve)));
      s.end();
    } catch (error) {
      expect.fail(`write() threw synchronously instead of erroring the stream: ${String(error)}`);
    }
    run.error = await within(ended, 'the stream ending');
    await within(Promise.all(writes), 'every write callback');
    return run;
  }],
  ...IMPLEMENTATIONS.map((impl: Implementation): [string, (options: ChunkerOptions<SampleType>, bursts: unknown[]) => Promise<Run>] =>
    [`WHATWG face (${impl.name})`, async (options, bursts) => {
      const run = recorder();
      const pair = new ChunkerStream(options, { streams: impl.streams });
      const writer = pair.writable.getWriter();
      const reader = pair.readable.getReader();
      const settled = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e);
      const writes = bursts.map((burst) => settled(writer.write(burst as Uint8Array)));
      const close = settled(writer.close());
      const read = (async () => {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return;
          run.take(value);
        }
      })();
      run.error = await within(settled(read), 'the reader');
      const results = await within(Promise.all([...writes, close]), 'every write and close');
      if (run.error !== undefined) expect(results.some((r) => r === run.error), 'a write or close rejects with the error').toBe(true);
      return run;
    }]),
  ['chunks()', async (options, bursts) => {
    const run = recorder();
    const loop = (async () => {
      for await (const item of chunks(bursts, options)) run.take(item);
    })();
    run.error = await within(loop.then(() => undefined, (e: unknown) => e), 'the loop');
    return run;
  }],
];

describe.each(CORES)('$backend core', (core) => {
  useCore(core);

  describe.each(FACES)('%s', (face, drive) => {
    it.each(LIARS)('%s: framed by its real bytes', async (_what, make, options, refusable) => {
      const real = marked(REAL, 1);
      const honest = marked(300, 2);
      const run = await drive(options, [make(real), honest]);
      const want = frame(concat([real, honest]), options).chunks;
      const got = run.snapshots;
      if (refusable && run.error !== undefined) {
        expectInputError(run.error, 'a refused burst');
        if (face === 'Chunker') {
          // A refused burst changes nothing: the honest burst after it comes out whole.
          expectPrefix(got, frame(honest, options).chunks, true, 'the honest burst after the refused one');
        } else {
          // A stream face errors at the refused (first) burst: nothing of it, nothing after it.
          expect(got, 'chunks from an errored stream').toEqual([]);
        }
      } else {
        expect(run.error, 'no error: the real bytes are a good burst').toBeUndefined();
        expectPrefix(got, want, true);
      }
      expectUnchanged(run.chunks, got);
      expectOnlyInputBytes(run.chunks);
    }, STREAM);
  });
});

// ---------------------------------------------------------------------------------------------
// In a child process: lies that once ran the heap out, and chunks of 32 KiB or more (copy-once;
// on the native core a lie once made the engine write into freed memory: ASan heap-use-after-free
// in Engine::push, "corrupted double-linked list" on plain Node).

describe.each(CORES)('$backend core, in a child process', (core) => {
  const CHILD_FACES = ['chunker', 'node', 'web-platform', 'web-polyfill', 'chunks'];

  it.each(CHILD_FACES)('%s: lies of 1e9, Infinity, 2^53 and a string (64-byte chunks); every lie with 40,000-byte chunks', async (face) => {
    ensureDist();
    const run = await runChild('lying-length.mjs', [face, '64:huge,inf,max,str', '40000:more,less,zero,nan,neg,huge,str'], {
      env: { REFRAME_BACKEND: core.backend },
      nodeArgs: ['--expose-gc', '--max-old-space-size=256'],
      timeout: scaled(10_000),
    });
    expect(run.code, describeRun(run)).toBe(0);
    expect(run.stdout).toMatch(/^ok /m);
  }, scaled(15_000));
});
