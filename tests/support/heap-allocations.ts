import type { Session } from 'node:inspector/promises';

interface ProfileNode {
  callFrame: { url: string };
  selfSize: number;
  children: ProfileNode[];
}

/**
 * Bytes that V8's sampling heap profiler attributes to source files whose URL contains `urlPart`
 * while `work` runs, garbage included (objects the GC already collected are kept in the profile:
 * a per-block allocation is short-lived garbage). Compare a short run with a long one: one-off
 * costs stay, per-call allocations grow with the run.
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
