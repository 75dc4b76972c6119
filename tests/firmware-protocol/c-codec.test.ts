// The C reference codec (firmware-protocol/c), written from PROTOCOL.md alone, checked against
// vectors.json: built with gcc -std=c99 -Wall -Wextra -Werror -pedantic and again with
// AddressSanitizer + UndefinedBehaviorSanitizer, then driven by its harness (c/test/lp_harness.c),
// which reads the vectors as lines of hex on stdin and prints what the codec made of them.
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cobsEncode, crc16CcittFalse, decodeFrame, MESSAGE_TYPE } from '../../firmware-protocol/index.ts';

interface Vectors {
  crc16: { algorithm: string; input_ascii: string; check: string };
  cobs: { data: string; encoded: string }[];
  frames: { name: string; seq: number; message: Record<string, unknown>; bytes: string }[];
  corrupt: { name: string; bytes: string; error: string }[];
}

const cDir = path.resolve(import.meta.dirname, '../../firmware-protocol/c');
const vectors = JSON.parse(
  readFileSync(new URL('../../firmware-protocol/vectors.json', import.meta.url), 'utf8'),
) as Vectors;

const STRICT = ['-std=c99', '-Wall', '-Wextra', '-Werror', '-pedantic'];
// Extra warnings the codec itself (not the harness) is held to.
const EXTRA = [
  '-Wconversion',
  '-Wsign-conversion',
  '-Wshadow',
  '-Wcast-qual',
  '-Wstrict-prototypes',
  '-Wmissing-prototypes',
  '-Wvla',
  '-Wstack-usage=512',
];
const SANITIZE = ['-fsanitize=address,undefined', '-fno-sanitize-recover=all', '-g'];
const SANITIZER_ENV = {
  ...process.env,
  // Leak checking needs ptrace, which containers often forbid; the codec allocates nothing anyway.
  ASAN_OPTIONS: 'detect_leaks=0:halt_on_error=1:abort_on_error=0',
  UBSAN_OPTIONS: 'print_stacktrace=1:halt_on_error=1',
};
const FUZZ_SEED = process.env['LP_FUZZ_SEED'] ?? '20261121';
const FUZZ_RANDOM = 1_000_000;
const FUZZ_CORRUPT = 1_000_000;
const FUZZ_VALID_CRC = 200_000;

// Length limits and value ranges of every message (frames built with a valid CRC), as
// [name, result of lp_decode_frame and of lp_stream_push, wire length or undefined].
// Rows marked "assumed" are readings of PROTOCOL.md that vectors.json does not pin down.
const LIMITS: [string, string, number?][] = [
  ['ping', 'ok', 6],
  ['hello-5-bytes', 'bad-length'],
  ['hello-7-bytes', 'bad-length'],
  ['hello-nonce-0', 'ok'], // assumed: §3.1 asks the host for a non-zero nonce, no codec rule
  ['setpoint-32', 'ok'],
  ['setpoint-33', 'bad-value'], // assumed: count matches the length, so the count's range decides
  ['setpoint-empty', 'bad-length'],
  ['setpoint-1-short', 'bad-length'],
  ['setpoint-1-long', 'bad-length'],
  ['setpoint-0-with-entry', 'bad-length'], // assumed: length is checked against count first
  ['led-64', 'ok'],
  ['led-65', 'bad-value'],
  ['led-state-3', 'bad-value'],
  ['text-248', 'ok', 256], // the longest frame: 254 decoded bytes, 255 encoded, 256 on the wire
  ['text-empty', 'ok'],
  ['text-1-byte', 'bad-length'],
  ['text-del', 'bad-value'],
  ['text-0x80', 'bad-value'],
  ['text-0x1f', 'bad-value'],
  ['meter-248', 'ok', 256],
  ['meter-count-0', 'bad-value'],
  ['meter-count-3-with-2', 'bad-length'],
  ['meter-1-byte', 'bad-length'],
  ['meter-first-200-count-100', 'ok'], // assumed: indices past 255 are the device's bad-value, not the codec's
  ['calibrate-empty', 'bad-length'],
  ['calibrate-2-bytes', 'bad-length'],
  ['reset', 'ok'],
  ['reset-3-bytes', 'bad-length'],
  ['reset-big-endian-magic', 'bad-value'],
  ['hello-ack-0-faders-29-bytes', 'ok'], // the field list and the vector: 29 B, not §4.2's "30 B"
  ['hello-ack-0-faders-30-bytes', 'bad-length'],
  ['hello-ack-28-bytes', 'bad-length'],
  ['hello-ack-48-faders', 'ok'],
  ['hello-ack-49-faders', 'bad-value'],
  ['hello-ack-bits-0', 'bad-value'],
  ['hello-ack-bits-16', 'ok'],
  ['hello-ack-bits-17', 'bad-value'],
  ['pong-status-ff', 'ok'], // assumed: undefined status bits are not an error
  ['pong-12-bytes', 'bad-length'],
  ['fader-position-4-bytes', 'bad-length'],
  ['touch-1', 'ok'],
  ['button-1', 'ok'],
  ['button-2', 'bad-value'],
  ['encoder-plus-127', 'ok'],
  ['encoder-minus-127', 'ok'],
  ['calibrate-result-ok-2', 'bad-value'],
  ['ack-result-6', 'ok'],
  ['ack-result-7', 'ok'], // PROTOCOL.md §4.2: unknown codes are accepted (newer minor versions)
  ['error-code-0', 'ok'],
  ['error-code-6', 'ok'],
  ['error-code-7', 'ok'],
  ...['00', '09', '3f', '40', '49', '7e', '80', 'ff'].map((t): [string, string] => [
    `unknown-type-${t}`,
    'unknown-type',
  ]),
  ['payload-251', 'encode-refused'],
  ['empty-input', 'too-short'], // lp_decode_frame of nothing; a stream ignores empty frames (none)
  ['delimiter-only', 'too-short'],
  ['255-nonzero-bytes', 'cobs', 256], // 255 bytes before the 0x00 are decoded, not too long
  ['256-nonzero-bytes', 'too-long', 257],
  ['encode-text-248', 'ok', 256],
  ['encode-text-newline', 'encode-refused'],
  ['encode-text-249', 'encode-refused'],
  ['encode-setpoint-0', 'encode-refused'],
  ['encode-setpoint-33', 'encode-refused'],
  ['encode-led-state-3', 'encode-refused'],
  ['encode-meter-0', 'encode-refused'],
  ['encode-meter-249', 'encode-refused'],
  ['encode-hello-ack-48', 'ok', 227],
  ['encode-hello-ack-49', 'encode-refused'],
  ['encode-hello-ack-bits-0', 'encode-refused'],
  ['encode-encoder-minus-128', 'encode-refused'],
  ['encode-ack-7', 'ok'],
  ['encode-error-0', 'ok'],
  ['encode-unknown-type', 'encode-refused'],
];

const codec = path.join(cDir, 'lathe_proto.c');
const harness = path.join(cDir, 'test', 'lp_harness.c');
const run = promisify(execFile);
const dir = mkdtempSync(path.join(os.tmpdir(), 'lathe-c-codec-'));
const bin = { strict: path.join(dir, 'lp_harness'), asan: path.join(dir, 'lp_harness_asan') };

/** vectors.json as the harness's line format: hex without spaces, "-" for no bytes. */
function vectorLines(): string {
  const hex = (s: string): string => s.replaceAll(' ', '') || '-';
  const lines = [
    `crc ${Buffer.from(vectors.crc16.input_ascii, 'ascii').toString('hex')} ${vectors.crc16.check}`,
  ];
  for (const c of vectors.cobs) lines.push(`cobs ${hex(c.data)} ${hex(c.encoded)}`);
  for (const f of vectors.frames) lines.push(`frame ${f.seq} ${hex(f.bytes)}`);
  for (const f of vectors.corrupt) lines.push(`corrupt ${f.error} ${hex(f.bytes)}`);
  return lines.join('\n') + '\n';
}

/** Runs the harness; a sanitizer report, crash or any stderr output fails the test. */
function harnessRun(build: keyof typeof bin, args: string[]): string {
  const result = spawnSync(bin[build], args, {
    input: vectorLines(),
    encoding: 'utf8',
    env: SANITIZER_ENV,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  if (result.status !== 0 || result.stderr !== '') {
    throw new Error(
      `lp_harness ${args.join(' ')} (${build}) exited with ${String(result.status ?? result.signal)}:\n${result.stderr}`,
    );
  }
  return result.stdout;
}

/** "key=value key=value" fields of the output line starting with `tag `. */
function fields(out: string, tag: string): Record<string, number> {
  const line = out.split('\n').find((l) => l.startsWith(`${tag} `));
  if (line === undefined) throw new Error(`no "${tag}" line in:\n${out}`);
  return Object.fromEntries(
    line
      .slice(tag.length + 1)
      .split(' ')
      .map((kv) => kv.split('=') as [string, string])
      .map(([k, v]) => [k, Number(v)]),
  );
}

const sum = (record: Record<string, number>): number => Object.values(record).reduce((a, b) => a + b, 0);

/** The most corrupted frames a CRC-16 may let through: 3 × 2^-16 per trial, plus slack. */
const crcBound = (trials: number): number => Math.floor((3 * trials) / 65536) + 5;

function compile(args: string[]): Promise<unknown> {
  return run('gcc', args, { cwd: cDir, maxBuffer: 16 * 1024 * 1024 });
}

beforeAll(async () => {
  try {
    execFileSync('gcc', ['--version'], { stdio: 'pipe' });
  } catch {
    throw new Error(
      'gcc not found: this test compiles the C codec in firmware-protocol/c (apt-get install gcc)',
    );
  }
  const strictObject = path.join(dir, 'lathe_proto.o');
  await Promise.all([
    compile([...STRICT, ...EXTRA, '-O2', '-c', codec, '-o', strictObject]).then(() =>
      compile([...STRICT, '-O2', harness, strictObject, '-o', bin.strict]),
    ),
    compile([...STRICT, ...SANITIZE, '-O1', codec, harness, '-o', bin.asan]),
  ]);
}, 90_000);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('C reference codec: portability', () => {
  it('includes only <string.h>, <stdint.h>, <stddef.h> and <stdbool.h>, and links nothing but mem*', () => {
    for (const file of ['lathe_proto.c', 'lathe_proto.h']) {
      const includes = [
        ...readFileSync(path.join(cDir, file), 'utf8').matchAll(/^\s*#\s*include\s*([<"][^>"]+[>"])/gm),
      ].map((m) => m[1]);
      for (const include of includes) {
        expect(['<string.h>', '<stdint.h>', '<stddef.h>', '<stdbool.h>', '"lathe_proto.h"']).toContain(
          include,
        );
      }
    }
    const undefinedSymbols = execFileSync('nm', ['-u', path.join(dir, 'lathe_proto.o')], { encoding: 'utf8' })
      .split('\n')
      .map((l) => l.trim().split(/\s+/).pop() ?? '')
      .filter((s) => s !== '');
    for (const symbol of undefinedSymbols)
      expect(['memcpy', 'memset', 'memmove', 'memcmp']).toContain(symbol);
  });

  it('has no recursion in its call graph', async () => {
    const object = path.join(dir, 'callgraph.o');
    await compile([...STRICT, '-O0', '-fcallgraph-info', '-c', codec, '-o', object]);
    const graph = readFileSync(path.join(dir, 'callgraph.ci'), 'utf8');
    const calls = new Map<string, string[]>();
    for (const m of graph.matchAll(/edge: \{ sourcename: "([^"]+)" targetname: "([^"]+)"/g)) {
      const [, from, to] = m as unknown as [string, string, string];
      calls.set(from, [...(calls.get(from) ?? []), to]);
    }
    expect(calls.size).toBeGreaterThan(3);
    // Depth-first search for a cycle (iterative, colours: 1 = on the path, 2 = done).
    const colour = new Map<string, number>();
    const cycles: string[] = [];
    for (const start of calls.keys()) {
      if (colour.has(start)) continue;
      const stack: [string, number][] = [[start, 0]];
      colour.set(start, 1);
      while (stack.length > 0) {
        const top = stack[stack.length - 1]!;
        const next = (calls.get(top[0]) ?? [])[top[1]++];
        if (next === undefined) {
          colour.set(top[0], 2);
          stack.pop();
        } else if (colour.get(next) === 1) {
          cycles.push(`${next} -> ... -> ${top[0]} -> ${next}`);
        } else if (!colour.has(next)) {
          colour.set(next, 1);
          stack.push([next, 0]);
        }
      }
    }
    expect(cycles).toEqual([]);
  });
});

describe.each(['strict', 'asan'] as const)('C reference codec against vectors.json (%s build)', (build) => {
  it('computes the CRC check value and every COBS case, and decodes and re-encodes every frame', () => {
    const lines = harnessRun(build, ['vectors']).trimEnd().split('\n');
    const tagged = (tag: string): string[][] =>
      lines.filter((l) => l.startsWith(`${tag} `)).map((l) => l.split(' '));

    expect(tagged('crc')).toEqual([['crc', vectors.crc16.check]]);

    const cobs = tagged('cobs');
    expect(cobs).toHaveLength(vectors.cobs.length);
    vectors.cobs.forEach((c, i) => {
      const hex = (s: string): string => s.replaceAll(' ', '') || '-';
      expect(cobs[i], `COBS case ${i}`).toEqual(['cobs', String(i), hex(c.encoded), hex(c.data)]);
    });

    // frame <i> <result> <seq> <re-encoded wire hex> <decoded message as JSON>
    const frames = lines.filter((l) => l.startsWith('frame '));
    expect(frames).toHaveLength(vectors.frames.length);
    vectors.frames.forEach((f, i) => {
      const [, index, result, seq, reencoded, ...json] = frames[i]!.split(' ');
      expect(index).toBe(String(i));
      expect(result, f.name).toBe('ok');
      expect(Number(seq), f.name).toBe(f.seq);
      expect(reencoded, f.name).toBe(f.bytes.replaceAll(' ', ''));
      expect(JSON.parse(json.join(' ')), f.name).toEqual(f.message);
    });

    // corrupt <i> <lp_decode_frame result> <lp_stream_push result> <frames the stream completed>
    const corrupt = tagged('corrupt');
    expect(corrupt).toHaveLength(vectors.corrupt.length);
    vectors.corrupt.forEach((f, i) => {
      expect(corrupt[i], f.name).toEqual(['corrupt', String(i), f.error, f.error, '1']);
    });
  });

  it('decodes one continuous stream: flush, overlong run, empty frames, every frame and corrupt frame', () => {
    const out = harnessRun(build, ['vectors']);
    const stream = out
      .split('\n')
      .filter((l) => l.startsWith('stream '))
      .map((l) => {
        const [, result, seq, ...json] = l.split(' ');
        return result === 'ok'
          ? { result, seq: Number(seq), message: JSON.parse(json.join(' ')) as unknown }
          : { result };
      });
    expect(stream).toEqual([
      { result: 'cobs' }, // 11 22 33 00: a partial frame flushed by a 0x00
      { result: 'too-long' }, // 300 bytes before a 0x00: reported once, then resynchronised
      ...vectors.frames.map((f) => ({ result: 'ok', seq: f.seq, message: f.message })),
      ...vectors.corrupt.map((f) => ({ result: f.error })),
    ]);
    const expected: Record<string, number> = {
      ok: vectors.frames.length,
      cobs: 1,
      'too-short': 0,
      'too-long': 1,
      crc: 0,
      'unknown-type': 0,
      'bad-length': 0,
      'bad-value': 0,
    };
    for (const f of vectors.corrupt) expected[f.error] = (expected[f.error] ?? 0) + 1;
    const counts = fields(out, 'counts');
    expect(counts).toEqual({
      ...expected,
      crc_errors: expected['crc'],
      framing_errors: (expected['cobs'] ?? 0) + (expected['too-short'] ?? 0),
      overruns: expected['too-long'],
    });
  });

  it('enforces the length limits and value ranges of every message, decoding and encoding', () => {
    const out = harnessRun(build, ['limits']);
    const rows = out
      .split('\n')
      .filter((l) => l.startsWith('limit '))
      .map((l) => l.split(' '));
    expect(rows.map((r) => r[1])).toEqual(LIMITS.map(([name]) => name));
    LIMITS.forEach(([name, result, wireLength], i) => {
      const [, , frame, stream, length] = rows[i]!;
      expect(frame, name).toBe(result);
      const streamResult =
        result === 'encode-refused'
          ? '-'
          : name === 'empty-input' || name === 'delimiter-only'
            ? 'none'
            : result;
      expect(stream, `${name} (stream)`).toBe(streamResult);
      if (wireLength !== undefined) expect(Number(length), `${name} (wire length)`).toBe(wireLength);
    });
    // ERROR codes a device answers undecodable-but-valid-CRC frames with (§2.1, §4.2)
    expect(fields(out, 'codes')).toEqual({ 'unknown-type': 1, 'bad-length': 2, 'bad-value': 3, crc: 0 });
  });

  it('never accepts a frame vector with one bit flipped as the original message', () => {
    const out = harnessRun(build, ['bitflip']);
    const counts = fields(out, 'bitflip');
    const bits = vectors.frames.reduce((n, f) => n + 8 * (f.bytes.split(' ').length - 1), 0);
    console.log(`[${build}] one-bit flips of every frame vector: ${out.trim().replaceAll('\n', '; ')}`);
    expect(counts['trials']).toBe(bits);
    expect(sum(fields(out, 'bitflip_results'))).toBe(bits);
    expect(counts['identical']).toBe(0);
    expect(counts['stream_identical']).toBe(0);
    expect(counts['accepted']).toBeLessThanOrEqual(crcBound(bits));
    expect(counts['stream_accepted']).toBeLessThanOrEqual(crcBound(bits));
  });
});

describe('C reference codec fuzzing under AddressSanitizer and UndefinedBehaviorSanitizer', () => {
  it(`survives ${FUZZ_RANDOM} random buffers, ${FUZZ_CORRUPT} corrupted vectors and ${FUZZ_VALID_CRC} valid-CRC frames`, () => {
    const started = performance.now();
    const out = harnessRun('asan', [
      'fuzz',
      FUZZ_SEED,
      String(FUZZ_RANDOM),
      String(FUZZ_CORRUPT),
      String(FUZZ_VALID_CRC),
    ]);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(`[asan] fuzz, seed ${FUZZ_SEED}, ${seconds} s:\n${out.trimEnd()}`);

    // Random buffers of 0..300 bytes (0x00 at a random density), through lp_decode_frame, byte by
    // byte through one long-lived lp_stream, and through the COBS functions with exact-size outputs.
    const random = fields(out, 'random');
    expect(random['trials']).toBe(FUZZ_RANDOM);
    expect(sum(fields(out, 'random_results'))).toBe(FUZZ_RANDOM);
    expect(random['accepted']).toBeLessThanOrEqual(crcBound(FUZZ_RANDOM));
    expect(random['roundtrip_fail']).toBe(0); // an accepted buffer re-encodes to itself
    expect(random['stream_ok']).toBeLessThanOrEqual(crcBound(FUZZ_RANDOM));
    expect(random['cobs_roundtrip_fail']).toBe(0);

    // Frame vectors with bit flips, byte substitutions, truncations, a byte lost or inserted.
    const corrupt = fields(out, 'corrupt');
    expect(corrupt['trials']).toBe(FUZZ_CORRUPT);
    expect(sum(fields(out, 'corrupt_results'))).toBe(FUZZ_CORRUPT);
    expect(corrupt['identical']).toBe(0);
    expect(corrupt['stream_identical']).toBe(0);
    expect(corrupt['accepted']).toBeLessThanOrEqual(crcBound(FUZZ_CORRUPT));
    expect(corrupt['stream_accepted']).toBeLessThanOrEqual(crcBound(FUZZ_CORRUPT));
    console.log(
      `[asan] corrupted frames accepted: ${corrupt['accepted']} of ${FUZZ_CORRUPT} ` +
        `(rate ${((corrupt['accepted'] ?? 0) / FUZZ_CORRUPT).toExponential(2)}, ` +
        `CRC-16 bound 2^-16 = ${(2 ** -16).toExponential(2)}; assert <= ${crcBound(FUZZ_CORRUPT)})`,
    );

    // Valid CRC: random valid messages round-trip exactly; random type/payload is ok or
    // unknown-type/bad-length/bad-value, never mistaken for a framing or CRC error.
    const valid = fields(out, 'validcrc');
    expect(valid).toEqual({
      trials: FUZZ_VALID_CRC,
      msg_roundtrip_fail: 0,
      raw_roundtrip_fail: 0,
      misclassified: 0,
      encode_cap_fail: 0,
    });
    const validResults = fields(out, 'validcrc_results');
    expect(sum(validResults)).toBe(FUZZ_VALID_CRC);
    for (const kind of ['ok', 'unknown-type', 'bad-length', 'bad-value']) {
      expect(validResults[kind], kind).toBeGreaterThan(0);
    }
  }, 60_000);
});

describe('C and TypeScript codecs agree', () => {
  it('on 5000 random frames with valid CRCs: the same result, and the same message when valid', () => {
    let state = 0x5eed;
    const next = (): number => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state >>> 8;
    };
    const types = [...Object.values(MESSAGE_TYPE), 0x00, 0x09, 0x30, 0x40, 0x49, 0x7e, 0xff];
    // Sizes near each type's real ones make it past the length check often enough to test values.
    const sizes = [0, 1, 2, 3, 4, 6, 7, 13, 29, 33, 37];
    let agreedValid = 0;
    for (let batch = 0; batch < 20; batch++) {
      const frames: Uint8Array[] = [];
      for (let i = 0; i < 250; i++) {
        const type = types[next() % types.length]!;
        const length = next() % 4 === 0 ? next() % 60 : sizes[next() % sizes.length]!;
        const decoded = new Uint8Array(length + 4);
        decoded[0] = type;
        decoded[1] = next() & 0xff;
        for (let k = 0; k < length; k++) {
          // Mostly small values, so counts, flags and states are often in range.
          decoded[2 + k] = next() % 3 === 0 ? next() & 0xff : next() % 4;
        }
        const crc = crc16CcittFalse(decoded, 0, length + 2);
        decoded[length + 2] = crc & 0xff;
        decoded[length + 3] = crc >> 8;
        frames.push(cobsEncode(decoded));
      }
      const input = frames.map((f) => `frame 0 ${Buffer.from([...f, 0]).toString('hex')}`).join('\n') + '\n';
      const result = spawnSync(bin.strict, ['vectors'], { input, encoding: 'utf8', env: SANITIZER_ENV });
      const lines = result.stdout.split('\n').filter((line) => line.startsWith('frame '));
      expect(lines).toHaveLength(frames.length);
      lines.forEach((line, i) => {
        const [, , cResult, cSeq, , ...json] = line.split(' ');
        const ts = decodeFrame(frames[i]!);
        const where = `frame ${Buffer.from(frames[i]!).toString('hex')}`;
        expect(cResult, where).toBe(ts.ok ? 'ok' : ts.error);
        if (ts.ok) {
          expect(Number(cSeq), where).toBe(ts.seq);
          expect(JSON.parse(json.join(' ')) as unknown, where).toEqual(ts.message);
          agreedValid++;
        }
      });
    }
    console.log(`codecs agree on 5000 random valid-CRC frames, ${agreedValid} of them valid messages`);
    // Enough frames get past the length check for the value decoding to be compared too.
    expect(agreedValid).toBeGreaterThan(100);
  });
});
