import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import path from 'node:path';

/**
 * A hidden file name next to `target` for an intermediate render (a gain-search pass, a mix's
 * pre-limiter bounce): same folder, so the accepted pass becomes the output by a rename, and
 * random, so two renders into one folder never share one.
 */
export function siblingTempPath(target: string, tag: string): string {
  return path.join(
    path.dirname(target),
    `.${path.basename(target)}.${tag}.${randomBytes(4).toString('hex')}.lathe-tmp.wav`,
  );
}

/** Deletes intermediate files, ignoring ones already gone (cleanup must not hide the real error). */
export async function removeQuietly(files: Iterable<string>): Promise<void> {
  await Promise.all([...files].map((file) => rm(file, { force: true }).catch(() => undefined)));
}
