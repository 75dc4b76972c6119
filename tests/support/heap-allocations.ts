import { Session } from 'node:inspector/promises';

interface ProfileNode {
  callFrame: { url: string };
  selfSize: number;
  children: ProfileNode[];
}

/**
 * Bound on `long - short` in {@link steadyAllocations}: what the extra blocks of the long run may
 * add. One boxed double per block (16 bytes) over the usual 80k extra blocks adds 1.3 MB.
 */
export const MAX_GROWTH_BYTES = 4096;

/** Bound on `long` in {@link steadyAllocations}: one-off costs included, the whole long run. */
export const MAX_LONG_BYTES = 64 * 1024;

/**
 * Bytes that V8's sampling heap profiler attributes to source files whose URL contains `urlPart`
 * while `work` runs, garbage included (objects the GC already collected are kept in the profile:
 * a per-block allocation is short-lived garbage). Compare a short run with a long one: one-off
 * costs stay, per-call allocations grow with the run. See {@link steadyAllocations}.
 */
export async function allocationsIn(session: Session, urlPart: string, work: () => void): Promise<number> {
  await session.post('HeapProfiler.startSampling', {
    samplingInterval: 16,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  work();
  const { profile } = (await session.post('HeapProfiler.stopSampling')) as { profile: { head: ProfileNode } };
  let bytes = 0;
  const walk = (node: ProfileNode): void => {
    if (node.callFrame.url.includes(urlPart)) bytes += node.selfSize;
    node.children.forEach(walk);
  };
  walk(profile.head);
  return bytes;
}

export interface SteadyAllocationOptions {
  /** Blocks in the short run; 20_000 unless given. */
  readonly shortCount?: number;
  /** Blocks in the long run; 100_000 unless given. */
  readonly longCount?: number;
  /** Short + long measurements at most; 3 unless given. */
  readonly attempts?: number;
  /** Prefix of the logged line; 'engine' unless given. */
  readonly label?: string;
  /** What a count counts, for the logged line; 'blocks' unless given. */
  readonly unit?: string;
  /**
   * Bound on `long` that an attempt must meet to pass (with `long - short <` {@link MAX_GROWTH_BYTES});
   * {@link MAX_LONG_BYTES} unless given. Give the test's own bound when it asserts a tighter one.
   */
  readonly maxLong?: number;
  /**
   * Blocks run once under the profiler, unmeasured, before the first attempt; none unless given.
   * For loops whose first profiled run is re-optimised at length (the limiter's). Not a default:
   * each start of the profiler can send code through another round of re-optimisation, and one
   * more round left the gate boxing doubles in every later run.
   */
  readonly profiledWarmUp?: number;
}

/**
 * Allocations of a block loop in steady state: bytes attributed to sources whose URL contains
 * `urlPart` over `blocks(shortCount)` and over `blocks(longCount)`, measured on a `Session` of its
 * own. The caller warms `blocks` up first (code run only a few times is interpreted, and the
 * interpreter boxes doubles) and asserts on the result with {@link MAX_GROWTH_BYTES} and
 * {@link MAX_LONG_BYTES} (or its own bounds).
 *
 * Logs each attempt, and measures again (up to `attempts` times in all) until
 * `long - short < MAX_GROWTH_BYTES && long < maxLong`; returns the passing attempt, else the last.
 * A retry follows a failed attempt only, so it can turn a failure into a pass, never the reverse.
 *
 * Why retrying is sound: starting the sampling profiler can send an optimised loop back through
 * unoptimised code for a while (boxing doubles) until V8 optimises it again. That is a one-off of
 * random size (tens of kB here, 87 MB once in the limiter's first profiled run), landing in the
 * short run or the long one, and it does not grow with the number of blocks: it may fail one
 * attempt, rarely two in a row. A real per-block allocation grows with the run: even one boxed
 * double (16 bytes) per block adds 16 x (longCount - shortCount) bytes, 1.3 MB over the default
 * 80k extra blocks, to `long - short` in every attempt, and 1.6 MB to `long` on its own, so no
 * attempt passes and the test still fails. Retries only absorb what does not scale with the run;
 * the bounds stay as they were. (One-offs only add bytes, so `long < maxLong` bounds the per-block
 * rate whatever they do. A one-off in the short run can hide growth up to its own size in
 * `long - short`, as it could in a single attempt.)
 */
export async function steadyAllocations(
  urlPart: string,
  blocks: (count: number) => () => void,
  options: SteadyAllocationOptions = {},
): Promise<{ short: number; long: number }> {
  const {
    shortCount = 20_000,
    longCount = 100_000,
    attempts = 3,
    label = 'engine',
    unit = 'blocks',
    maxLong = MAX_LONG_BYTES,
    profiledWarmUp = 0,
  } = options;
  const count = (n: number): string => (n % 1000 === 0 ? `${n / 1000}k` : `${n}`);
  const session = new Session();
  session.connect();
  try {
    if (profiledWarmUp > 0) await allocationsIn(session, urlPart, blocks(profiledWarmUp));
    let short = 0;
    let long = 0;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      short = await allocationsIn(session, urlPart, blocks(shortCount));
      long = await allocationsIn(session, urlPart, blocks(longCount));
      console.log(
        `${label} allocations: ${short} bytes / ${count(shortCount)} ${unit}, ` +
          `${long} bytes / ${count(longCount)} ${unit} (attempt ${attempt} of ${attempts})`,
      );
      if (long - short < MAX_GROWTH_BYTES && long < maxLong) break;
    }
    return { short, long };
  } finally {
    session.disconnect();
  }
}
