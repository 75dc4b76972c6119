import {
  createEasyMidiBackend,
  GenericSurfaceDriver,
  HuiSurfaceDriver,
  loadDeviceProfiles,
  loadMappingDocument,
  loadMappingDocuments,
  type MappingDocument,
  McuSurfaceDriver,
  portNames,
  type DeviceProfile,
  type EasyMidiBackend,
} from '../control-surface/index.ts';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LatheError, type Engine } from '../engine/index.ts';
import { SurfaceLearning } from './surface-learning.ts';
import type { SurfaceSpec } from './cli-options.ts';
import { stripDriverHandles, type SurfaceHandle } from './surface-directory.ts';

export interface AttachedSurfaces {
  /** The surfaces as sessions record them, in the user's order. */
  readonly list: readonly { profile: string; port: string; mapping: string | null }[];
  /** MIDI learn on the generic controllers, saving into the user's mapping file. */
  readonly learning: SurfaceLearning;
  /** Each MIDI unit for the panel's surface list, in the user's order. */
  readonly units: readonly SurfaceHandle[];
  stop(): Promise<void>;
}

/** The user's own mapping (learned bindings land here): $XDG_DATA_HOME/lathe/mappings/default.json. */
export function userMappingPath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env['XDG_DATA_HOME'] ?? path.join(os.homedir(), '.local', 'share');
  return path.join(base, 'lathe', 'mappings', 'default.json');
}

/** The user's mapping file when there is one, else the shipped default (learning then creates the user's). */
async function resolveMapping(file: string): Promise<MappingDocument> {
  if (existsSync(file)) return loadMappingDocument(file);
  const [shipped] = (await loadMappingDocuments()).filter((m) => m.name === 'default');
  if (shipped === undefined)
    throw new LatheError('LATHE_SURFACE_MAPPING_INVALID', 'the default surface mapping is missing');
  return shipped;
}

/**
 * `lathe start --surface PROFILE:PORT ...`: Mackie Control units (a main unit and extenders, in
 * the order given) share one driver, so banking spans them; HUI units share another. Each unit
 * reconnects by itself when its port goes and comes back (hot-plug), with a full state push.
 */
export async function attachMidiSurfaces(
  specs: readonly SurfaceSpec[],
  engine: Engine,
  log: (line: string) => void,
  mappingFile: string = userMappingPath(),
): Promise<AttachedSurfaces> {
  let mapping: MappingDocument;
  try {
    mapping = await resolveMapping(mappingFile);
  } catch (error) {
    // Without surfaces a broken mapping file must not stop the console: say so and go on.
    if (specs.length > 0) throw error;
    log(`lathe: ${(error as Error).message}; surfaces will use the shipped mapping until it is fixed`);
    mapping = await resolveMapping('');
  }
  if (specs.length === 0) {
    return {
      list: [],
      learning: new SurfaceLearning([], mapping, mappingFile),
      units: [],
      stop: () => Promise.resolve(),
    };
  }
  const profiles = await loadDeviceProfiles();
  const units = specs.map((spec) => {
    const profile = profiles.find((p) => p.id === spec.profile);
    if (profile === undefined) {
      throw new LatheError(
        'LATHE_USAGE',
        `--surface ${spec.profile}:${spec.port}: no device profile "${spec.profile}"; profiles: ${profiles.map((p) => p.id).join(', ')}`,
      );
    }
    return { port: portNames(spec.port), profile, spec: spec.port };
  });
  const handles: SurfaceHandle[] = [];
  const byProtocol = (protocol: DeviceProfile['protocol']): typeof units =>
    units.filter((u) => u.profile.protocol === protocol);
  const backend: EasyMidiBackend = createEasyMidiBackend();
  const stripLabel = (strip: number): string => engine.layout.strips[strip]?.label ?? '';
  // Strip meters: one reader for all surfaces (it takes nothing from the panel's), read at most
  // every 40 ms however many strips ask; peak since the last read, in dBFS.
  const meterReader = engine.meterReader();
  const peak = new Float32Array(engine.meterSlots);
  const rms = new Float32Array(engine.meterSlots);
  let readAt = -Infinity;
  const meter = (strip: number): number => {
    const now = performance.now();
    if (now - readAt >= 40) {
      readAt = now;
      meterReader.read(peak, rms);
    }
    const level = peak[strip] ?? 0;
    return level > 0 ? 20 * Math.log10(level) : -Infinity;
  };
  const transport = {
    position: (): number => engine.status().position / engine.sampleRate,
    locate: (seconds: number): void => {
      engine.locate(seconds);
    },
  };
  const drivers: { stop: () => Promise<void> }[] = [];
  const mcu = byProtocol('mcu');
  if (mcu.length > 0) {
    const driver = new McuSurfaceDriver({
      units: mcu,
      params: engine.params,
      open: backend.open,
      mapping,
      stripLabel,
      transport,
      meter,
    });
    driver.on('state', (unit, state, reason) => {
      log(`surface ${mcu[unit]!.profile.id} on ${mcu[unit]!.port.input}: ${state} (${reason})`);
    });
    driver.start();
    drivers.push(driver);
    handles.push(...stripDriverHandles(driver, mcu, mapping));
  }
  const hui = byProtocol('hui');
  if (hui.length > 0) {
    const driver = new HuiSurfaceDriver({
      units: hui,
      params: engine.params,
      open: backend.open,
      mapping,
      stripLabel,
      meter,
    });
    driver.on('state', (unit, state, reason) => {
      log(`surface ${hui[unit]!.profile.id} on ${hui[unit]!.port.input}: ${state} (${reason})`);
    });
    driver.start();
    drivers.push(driver);
    handles.push(...stripDriverHandles(driver, hui, mapping));
  }
  // Generic controllers: each on its own port, driven by the mapping's learned bindings.
  const generic: GenericSurfaceDriver[] = [];
  for (const unit of byProtocol('generic')) {
    const driver = new GenericSurfaceDriver({
      port: unit.port,
      profile: unit.profile,
      params: engine.params,
      open: backend.open,
      bindings: (mapping.learned ?? []).filter((b) => b.port === undefined || b.port === unit.port.input),
    });
    driver.on('state', (state) => {
      log(`surface ${unit.profile.id} on ${unit.port.input}: ${state}`);
    });
    driver.start();
    drivers.push(driver);
    generic.push(driver);
    handles.push({
      kind: 'midi',
      profile: unit.profile.id,
      port: unit.spec,
      state: () => driver.state,
      bank: () => ({ offset: 0, size: 0 }),
      page: () => null,
      pages: () => [],
    });
  }
  // The panel lists the units in the order the user gave them.
  const order = (h: SurfaceHandle): number =>
    specs.findIndex((s) => s.port === h.port && s.profile === h.profile);
  handles.sort((x, y) => order(x) - order(y));
  return {
    list: specs.map((spec) => ({ profile: spec.profile, port: spec.port, mapping: mapping.name })),
    learning: new SurfaceLearning(generic, mapping, mappingFile),
    units: handles,
    stop: async () => {
      await Promise.all(drivers.map((d) => d.stop()));
      await backend.close();
    },
  };
}
