import { rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { MIX_FORMAT, MIX_VERSION, type MixDocument, type MixParamValues } from '../mix/mix-document.ts';
import { demoStemFile, loadDemoMultitrack } from './demo-cache.ts';
import type { DemoMultitrack } from './demo-multitrack.ts';

/** A balanced starting mix of the demo stems, per stem name (strip parameter keys). */
const DEMO_STRIP_SETTINGS: Readonly<Record<string, MixParamValues>> = {
  Kick: { fader: -4, 'eq/1/gain': 2, 'eq/1/freq': 60 },
  Snare: { fader: -6, 'gate/on': true, 'gate/threshold': -40, 'send/1/level': -18 },
  Hats: { fader: -12, pan: 0.35, 'hpf/on': true, 'hpf/freq': 300 },
  Bass: { fader: -5, 'comp/on': true, 'comp/threshold': -20, 'comp/ratio': 3 },
  Keys: { fader: -9, pan: -0.4, 'sat/on': true, 'sat/drive': 4, 'send/1/level': -16 },
  'Lead vocal': {
    fader: -3,
    'hpf/on': true,
    'hpf/freq': 100,
    'eq/3/gain': 2,
    'comp/on': true,
    'comp/threshold': -24,
    'comp/ratio': 3,
    'send/1/level': -14,
    'send/2/level': -20,
  },
  Pad: { fader: -12 },
  Pluck: { fader: -11, pan: 0.45, 'send/2/level': -16 },
  Perc: { fader: -13, pan: -0.3 },
};

/** The demo multitrack as a mix document: stems on strips, a reverb and a delay, looping. */
export function demoMixDocument(demo: DemoMultitrack): MixDocument {
  return {
    format: MIX_FORMAT,
    version: MIX_VERSION,
    name: 'Lathe demo',
    sampleRate: demo.sampleRate,
    strips: demo.stems.map((stem, i) => ({
      label: stem.name,
      kind: 'mono' as const,
      stem: demoStemFile(i, stem.name),
      params: DEMO_STRIP_SETTINGS[stem.name] ?? {},
    })),
    auxes: [
      { label: 'Reverb', effect: 'reverb' },
      { label: 'Delay', effect: 'delay' },
    ],
    master: {
      chain: ['eq', 'multiband', 'width', 'limiter'],
      params: { 'eq/band/6/gain': 1, 'width/width': 110, 'limiter/ceiling': -1 },
    },
    transport: { loop: { start: 0, end: demo.lengthFrames / demo.sampleRate } },
  };
}

/**
 * Makes sure the demo stems and `demo.mix.json` exist in `<cacheDir>/demo-<rate>/` and returns
 * the document's path (so `lathe render --mix` and `lathe start` open the same file).
 */
export async function ensureDemoMix(cacheDir: string, sampleRate: number): Promise<string> {
  const demo = await loadDemoMultitrack(cacheDir, sampleRate);
  const file = path.join(cacheDir, `demo-${sampleRate}`, 'demo.mix.json');
  await writeFile(`${file}.tmp`, JSON.stringify(demoMixDocument(demo), null, 2) + '\n');
  await rename(`${file}.tmp`, file);
  return file;
}
