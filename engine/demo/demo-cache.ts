import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { readWav, writeWav } from '../audio/wav-file.ts';
import { synthesizeDemoMultitrack, type DemoMultitrack } from './demo-multitrack.ts';

/** Bump when the synthesis changes, so old caches are rebuilt. */
export const DEMO_VERSION = 1;

interface Manifest {
  version: number;
  sampleRate: number;
  lengthFrames: number;
  tempoBpm: number;
  stems: { name: string; file: string }[];
}

/** File name of the demo's stem `index` in its cache folder. */
export function demoStemFile(index: number, name: string): string {
  return `${String(index + 1).padStart(2, '0')}-${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}.wav`;
}

/**
 * The demo multitrack for `sampleRate`: synthesized on first use and written to
 * `<cacheDir>/demo-<rate>/` as WAV stems (so a newcomer can also open them in any editor),
 * then read back on later starts. A damaged cache is rebuilt, never fatal.
 */
export async function loadDemoMultitrack(cacheDir: string, sampleRate: number): Promise<DemoMultitrack> {
  const dir = path.join(cacheDir, `demo-${sampleRate}`);
  try {
    const manifest = JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8')) as Manifest;
    if (manifest.version === DEMO_VERSION && manifest.sampleRate === sampleRate) {
      const stems = await Promise.all(
        manifest.stems.map(async (stem) => {
          const audio = await readWav(path.join(dir, stem.file));
          const samples = audio.channels[0];
          if (samples?.length !== manifest.lengthFrames)
            throw new Error(`stem ${stem.file} has the wrong length`);
          return { name: stem.name, samples };
        }),
      );
      return { sampleRate, lengthFrames: manifest.lengthFrames, tempoBpm: manifest.tempoBpm, stems };
    }
  } catch {
    // Missing or damaged cache: synthesize below.
  }
  const demo = synthesizeDemoMultitrack(sampleRate);
  await mkdir(dir, { recursive: true });
  const stems = demo.stems.map((stem, i) => ({ name: stem.name, file: demoStemFile(i, stem.name) }));
  for (const [i, stem] of demo.stems.entries()) {
    await writeWav(path.join(dir, stems[i]!.file), { sampleRate, channels: [stem.samples] });
  }
  const manifest: Manifest = {
    version: DEMO_VERSION,
    sampleRate,
    lengthFrames: demo.lengthFrames,
    tempoBpm: demo.tempoBpm,
    stems,
  };
  // Written last and atomically: a half-written cache never looks complete.
  await writeFile(path.join(dir, 'manifest.json.tmp'), JSON.stringify(manifest, null, 2));
  await rename(path.join(dir, 'manifest.json.tmp'), path.join(dir, 'manifest.json'));
  return demo;
}
