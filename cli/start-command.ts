import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  Engine,
  interfaceCandidates,
  listAudioDevices,
  ensureDemoMix,
  loadMixDocument,
  loadMixFile,
  LatheError,
  type ResolvedMix,
  type AudioSelection,
  type AudioDeviceList,
} from '../engine/index.ts';
import {
  FaderSurfaceDriver,
  listMidiPorts,
  listSerialPorts,
  openSerialPortLink,
} from '../control-surface/index.ts';
import {
  defaultStorePath,
  engineSessionConsole,
  SessionManager,
  SessionStore,
  sessionMixDocument,
} from '../sessions/index.ts';
import { buildApp } from '../web-panel/index.ts';
import type { StartOptions } from './cli-options.ts';
import { panelAccessFor, tokenBannerLines } from './panel-token.ts';
import { attachMidiSurfaces, type AttachedSurfaces } from './midi-surfaces.ts';
import { faderBoardHandle, surfaceDirectory } from './surface-directory.ts';

export interface StartIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  /** Where the demo stems are cached. */
  readonly cacheDir: string;
  /** Resolves when the console should shut down (signals, or a test). */
  readonly shutdown: Promise<void>;
}

const STATIC_DIR = fileURLToPath(new URL('../dist/web-panel/', import.meta.url));
const MAX_STRIPS = 64;
/** Profile name of our own serial motor-fader board in a session's surface list. */
const FADER_BOARD_PROFILE = 'lathe-fader-board';
const APP_VERSION = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env['XDG_CACHE_HOME'] ?? path.join(os.homedir(), '.cache');
  return path.join(base, 'lathe');
}

function describeDevices(list: AudioDeviceList): string {
  if (list.devices.length === 0) return `  (none: ${list.reason ?? 'no devices'})\n  virtual`;
  return [
    ...list.devices.map((d) => `  ${d.name}  (in ${d.maxInputChannels} / out ${d.maxOutputChannels})`),
    '  virtual',
  ].join('\n');
}

/** `lathe start`: the engine, the panel, and a clean stop. Returns the exit code. */
export async function startCommand(options: StartOptions, io: StartIo): Promise<number> {
  // A non-loopback bind needs its token before anything starts.
  let panel: ReturnType<typeof panelAccessFor>;
  try {
    panel = panelAccessFor(options.host, options.tokenFile, options.allowOrigins ?? []);
  } catch (error) {
    io.err(`lathe: ${(error as Error).message}`);
    return 1;
  }
  let selection: AudioSelection;
  let stripCount: number;
  let useDemo: boolean;
  if (options.audio === 'virtual') {
    selection = { kind: 'virtual' };
    useDemo = true;
    stripCount = 0;
  } else {
    const list = await listAudioDevices();
    if (options.audio !== undefined) {
      const device = list.devices.find((d) => d.name === options.audio);
      if (device === undefined) {
        io.err(
          `lathe: no audio device named "${options.audio}". Available devices:\n${describeDevices(list)}`,
        );
        return 1;
      }
      selection = { kind: 'portaudio', candidates: [device.name], required: true };
      stripCount = Math.min(MAX_STRIPS, Math.max(2, device.maxInputChannels));
      useDemo = false;
    } else {
      const candidates = interfaceCandidates(list.devices);
      selection =
        candidates.length === 0 ? { kind: 'virtual' } : { kind: 'portaudio', candidates, required: false };
      useDemo = true;
      const widest = Math.max(
        2,
        ...list.devices.filter((d) => candidates.includes(d.name)).map((d) => d.maxInputChannels),
      );
      stripCount = Math.min(MAX_STRIPS, widest);
      if (candidates.length === 0)
        io.out(`No audio interface found (${list.reason ?? 'none usable'}); using the virtual interface.`);
    }
  }

  // Sessions: the database is opened first, so `--session` can build the console from it. A
  // database that cannot be opened only takes sessions away (unless one was asked for).
  let store: SessionStore | null = null;
  try {
    store = SessionStore.open(options.db ?? defaultStorePath(), { appVersion: APP_VERSION });
  } catch (error) {
    const message = `lathe: sessions are off: ${error instanceof Error ? error.message : String(error)}`;
    if (options.session !== undefined) {
      io.err(message);
      return 1;
    }
    io.err(message);
  }

  // The virtual interface plays a mix: the one asked for, else the demo.
  let mix: ResolvedMix | null = null;
  let playing = '';
  try {
    if (options.session !== undefined && store !== null) {
      const summary = store.session(options.session);
      const offer = store.autosaveOffer(summary.id);
      const version =
        options.restoreAutosave && offer !== null
          ? store.version(summary.id, offer.version)
          : store.lastExplicitVersion(summary.id);
      if (offer !== null && !options.restoreAutosave) {
        io.out(
          `Session "${summary.name}" has an autosave from ${offer.savedAt}, newer than its last save. ` +
            `To open it instead: lathe start --session "${summary.name}" --restore-autosave`,
        );
      }
      const doc = sessionMixDocument(
        summary.name,
        store.structure(summary.id),
        version.values,
        version.automation,
      );
      mix = await loadMixDocument(doc, `session "${summary.name}"`, path.dirname(store.file), {
        sampleRate: options.rate,
      });
      playing = ` (session "${summary.name}")`;
    } else if (options.mix !== undefined) {
      mix = await loadMixFile(options.mix, { sampleRate: options.rate });
      playing = ` (playing ${mix.file})`;
    } else if (useDemo && selection.kind === 'virtual') {
      playing = ' (demo multitrack looping)';
      mix = await loadMixFile(await ensureDemoMix(io.cacheDir, options.rate), { sampleRate: options.rate });
    }
  } catch (error) {
    io.err(`lathe: ${error instanceof Error ? error.message : String(error)}`);
    store?.close();
    return 1;
  }

  let engine: Engine;
  try {
    engine = await Engine.start({
      audio: selection,
      sampleRate: options.rate,
      blockSize: options.block,
      stripCount,
      ...(mix === null ? {} : { mix, autoplay: true }),
    });
  } catch (error) {
    if (error instanceof LatheError && error.code === 'LATHE_AUDIO_DEVICE_NOT_FOUND') {
      io.err(`lathe: ${error.message}. Available devices:\n${describeDevices(await listAudioDevices())}`);
    } else {
      io.err(`lathe: cannot start audio: ${error instanceof Error ? error.message : String(error)}`);
    }
    return 1;
  }
  engine.on('fault', (reason) => {
    io.err(`lathe: audio device failed (${reason}); continuing on the virtual clock`);
  });

  // A session remembers its fader board: opened without --serial, the board it had is attached.
  const serialPath =
    options.serial ??
    (options.session !== undefined && store !== null
      ? store.structure(options.session).surfaces.find((s) => s.profile === FADER_BOARD_PROFILE)?.port
      : undefined);
  let midiSurfaces: AttachedSurfaces;
  try {
    midiSurfaces = await attachMidiSurfaces(options.surfaces, engine, io.out);
  } catch (error) {
    io.err(`lathe: ${error instanceof Error ? error.message : String(error)}`);
    await engine.stop();
    store?.close();
    return 1;
  }

  let sessions: SessionManager | undefined;
  if (store !== null) {
    sessions = new SessionManager({
      store,
      console: engineSessionConsole(engine),
      shape: engine.layout,
      stems: mix?.stemFiles ?? [],
      sampleRate: options.rate,
      surfaces: [
        ...(serialPath === undefined
          ? []
          : [{ profile: FADER_BOARD_PROFILE, port: serialPath, mapping: null }]),
        ...midiSurfaces.list,
      ],
      onAutosaveError: (error) => {
        io.err(
          `lathe: autosave failed (${error.message}); the console keeps its state and retries on the next change`,
        );
      },
    });
    if (options.session !== undefined) sessions.open(options.session, options.restoreAutosave);
  }

  let surface: FaderSurfaceDriver | null = null;
  const app = await buildApp({
    engine,
    staticDir: STATIC_DIR,
    access: panel.access,
    learning: midiSurfaces.learning,
    surfaces: surfaceDirectory(() => [
      ...(surface === null || serialPath === undefined
        ? []
        : [faderBoardHandle(surface, serialPath, FADER_BOARD_PROFILE)]),
      ...midiSurfaces.units,
    ]),
    devices: {
      list: async () => {
        const [audio, midi, serial] = await Promise.all([
          listAudioDevices(),
          listMidiPorts(5000),
          listSerialPorts(),
        ]);
        const devices = audio.devices.map((d) => ({
          name: d.name,
          hostApi: d.hostApi,
          inputChannels: d.maxInputChannels,
          outputChannels: d.maxOutputChannels,
          defaultSampleRate: d.defaultSampleRate,
        }));
        return { audio: { devices, reason: audio.reason }, midi, serial };
      },
      resetXruns: () => {
        engine.resetXruns();
      },
    },
    ...(sessions === undefined ? {} : { sessions }),
    room: { engine, ...(store === null ? {} : { profiles: store }) },
  });
  try {
    await app.listen({ host: options.host, port: options.port });
  } catch (error) {
    await engine.stop();
    await midiSurfaces.stop();
    sessions?.close();
    store?.close();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      io.err(
        `lathe: port ${options.port} on ${options.host} is already in use (another console running? try --port)`,
      );
    } else {
      io.err(`lathe: cannot listen on ${options.host}:${options.port}: ${(error as Error).message}`);
    }
    return 1;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  const status = engine.status();
  io.out(
    `Lathe is running: http://${host}:${port}/${panel.token === null ? '' : `?token=${panel.token.token}`}\n` +
      (panel.token === null ? '' : `${tokenBannerLines(panel.token, options.host, port).join('\n')}\n`) +
      `  audio: ${status.backend} — ${status.device}, ${status.sampleRate} Hz, ${status.blockSize} frames, ` +
      `${engine.stripCount} strips${playing}`,
  );

  if (serialPath !== undefined) {
    surface = new FaderSurfaceDriver({
      path: serialPath,
      open: openSerialPortLink,
      params: engine.params,
    });
    surface.on('state', (state, reason) => {
      io.out(`fader surface ${serialPath}: ${state} (${reason})`);
    });
    surface.start();
  }

  await io.shutdown;
  await surface?.stop();
  await midiSurfaces.stop();
  await app.close();
  // A pending autosave is written before the console goes.
  sessions?.close();
  store?.close();
  await engine.stop();
  return 0;
}
