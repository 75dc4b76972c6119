import { describe, expect, it } from 'vitest';
import {
  FakePortAudioBinding,
  PortAudioBackend,
  VirtualBackend,
  type AudioBackend,
  createRuntime,
} from '../../engine/index.ts';
import { portAudioContract } from './portaudio-contract.ts';

describe('PortAudio contract on the fake loopback', () => {
  portAudioContract(
    () => new FakePortAudioBinding({ name: 'Fake loopback', latencyFrames: 300 }),
    'Fake loopback',
  );
});

describe('device failure while running', () => {
  it('the runtime notices within the watchdog time and carries on with the virtual clock', async () => {
    const binding = new FakePortAudioBinding();
    const { runtime, status } = createRuntime({ stripCount: 2, sampleRate: 48000, maxBlockFrames: 128 });
    const primary = new PortAudioBackend({
      binding,
      device: binding.device,
      sampleRate: 48000,
      blockSize: 128,
      watchdogMs: 200,
    });
    const faults: { reason: string; next: AudioBackend | null; at: number }[] = [];
    const running = runtime.run(
      primary,
      () => new VirtualBackend({ sampleRate: 48000, blockSize: 128, inputChannels: 0, outputChannels: 2 }),
      (reason, next) => faults.push({ reason, next, at: performance.now() }),
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(status.snapshot().backend).toBe('portaudio');
    const failedAt = performance.now();
    binding.fail();
    await new Promise((r) => setTimeout(r, 700));
    expect(faults).toHaveLength(1);
    expect(faults[0]!.reason).toMatch(/no audio from "Fake loopback"/);
    expect(faults[0]!.at - failedAt).toBeLessThan(500);
    expect(status.snapshot().backend).toBe('virtual');
    expect(status.snapshot().faults).toBe(1);
    const blocksBefore = status.snapshot().blocks;
    await new Promise((r) => setTimeout(r, 200));
    // Still running in real time: ~75 blocks of 128 frames in 200 ms.
    expect(status.snapshot().blocks - blocksBefore).toBeGreaterThan(40);
    runtime.stop();
    await running;
  });
});
