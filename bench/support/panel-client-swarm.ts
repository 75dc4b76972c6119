/**
 * Child process of bench/panel-clients.bench.ts: plays the part of N panel browsers on other
 * machines. Each client opens /ws, subscribes to the strip meters and the master stream and
 * decodes every strip frame (master frames are received), as the Lit client does. Commands arrive as lines on stdin; results leave as JSON lines on stdout.
 *   connect N      -> {"connected": N}
 *   disconnect     -> {"disconnected": true}
 *   latency K      -> {"latencyMs": [...]}: K times, mute strip 1 and wait for a frame showing it
 *                     silent, then unmute and time until a frame shows it sounding again.
 */
import { createInterface } from 'node:readline';
import WebSocket from 'ws';
import { decodeMeterFrame } from '../../web-panel/protocol/index.ts';

const url = process.argv[2];
if (url === undefined) throw new Error('usage: panel-client-swarm.ts ws://host:port/ws');

type FrameListener = (peakStrip1: number, at: number) => void;
const clients: WebSocket[] = [];
let frameListener: FrameListener | null = null;
let framesDecoded = 0;

function open(index: number): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url!);
    socket.binaryType = 'arraybuffer';
    socket.on('message', (data, isBinary) => {
      if (!isBinary) {
        const message = JSON.parse((data as Buffer).toString('utf8')) as { type: string };
        if (message.type === 'hello') {
          // Strip meters and the master stream (loudness, spectrum, goniometer), as the panel asks.
          socket.send(JSON.stringify({ type: 'meters.subscribe', enabled: true, master: true }));
          resolve(socket);
        }
        return;
      }
      const frame = decodeMeterFrame(data as ArrayBuffer);
      if (frame === null) return;
      framesDecoded++;
      if (index === 0 && frameListener !== null) frameListener(frame.peak[0] ?? 0, performance.now());
    });
    socket.on('error', reject);
  });
}

function waitForFrame(predicate: (peak: number) => boolean): Promise<number> {
  return new Promise((resolve) => {
    frameListener = (peak, at) => {
      if (!predicate(peak)) return;
      frameListener = null;
      resolve(at);
    };
  });
}

async function latency(rounds: number): Promise<number[]> {
  const probe = clients[0]!;
  const results: number[] = [];
  const setMute = (value: number): void => {
    probe.send(JSON.stringify({ type: 'param.set', param: 'strip/01/mute', value }));
  };
  for (let k = 0; k < rounds; k++) {
    setMute(1);
    await waitForFrame((peak) => peak < 1e-4);
    // A random phase against the meter tick, as a real change would have.
    await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 30));
    const sentAt = performance.now();
    setMute(0);
    const seenAt = await waitForFrame((peak) => peak > 0.05);
    results.push(seenAt - sentAt);
  }
  return results;
}

const reply = (value: unknown): void => {
  process.stdout.write(`${JSON.stringify(value)}\n`);
};

for await (const line of createInterface({ input: process.stdin })) {
  const [command, argument] = line.trim().split(/\s+/);
  if (command === 'connect') {
    const count = Number(argument);
    for (let i = 0; i < count; i++) clients.push(await open(i));
    reply({ connected: clients.length });
  } else if (command === 'disconnect') {
    for (const client of clients.splice(0)) client.close();
    reply({ disconnected: true, framesDecoded });
  } else if (command === 'latency') {
    reply({ latencyMs: await latency(Number(argument)) });
  } else if (command === 'exit') {
    break;
  }
}
process.exit(0);
