import { Engine } from '../../engine/index.ts';

/** The real engine on the virtual audio backend (128-sample blocks), `stripCount` strips, no mix. */
export function startVirtualEngine(stripCount = 2, sampleRate = 48000): Promise<Engine> {
  return Engine.start({ audio: { kind: 'virtual' }, sampleRate, blockSize: 128, stripCount });
}
