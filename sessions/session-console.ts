import type { AutomationMode, Engine, ParamStore } from '../engine/index.ts';
import type { SessionAutomation, StoredAutomationMode } from './session-document.ts';

/**
 * What sessions need from a running console: its parameter model (recall goes through it, so
 * motor faders move and the panel follows) and its automation lanes in the session's units.
 */
export interface SessionConsole {
  readonly params: Pick<ParamStore, 'specs' | 'has' | 'get' | 'set' | 'on' | 'off'>;
  /** Lanes and non-off modes, points in seconds; `write`/`latch` come back as `touch`. */
  automation(): SessionAutomation;
  /** Replaces every lane and mode with the session's. */
  loadAutomation(lanes: SessionAutomation): void;
  readonly stripCount: number;
  readonly auxCount: number;
}

const storedMode = (mode: AutomationMode): StoredAutomationMode =>
  mode === 'write' || mode === 'latch' ? 'touch' : mode;

/** The engine as a session console. */
export function engineSessionConsole(
  engine: Pick<Engine, 'params' | 'automation' | 'sampleRate' | 'layout'>,
): SessionConsole {
  const { params, automation, sampleRate } = engine;
  return {
    params,
    stripCount: engine.layout.strips.length,
    auxCount: engine.layout.auxes.length,
    automation(): SessionAutomation {
      const lanes: SessionAutomation = {};
      params.specs.forEach((spec, index) => {
        const lane = automation.lane(index);
        const mode = automation.mode(index);
        if (lane === undefined && mode === 'off') return;
        lanes[spec.id] = {
          mode: storedMode(mode),
          points: (lane?.all() ?? []).map((p) => [p.frame / sampleRate, p.value] as [number, number]),
        };
      });
      return lanes;
    },
    loadAutomation(lanes: SessionAutomation): void {
      params.specs.forEach((spec, index) => {
        const lane = lanes[spec.id];
        if (lane === undefined) {
          if (automation.lane(index) !== undefined) automation.setLane(index, []);
          automation.setMode(index, 'off');
          return;
        }
        automation.setLane(
          index,
          lane.points.map(([seconds, value]) => ({ frame: Math.round(seconds * sampleRate), value })),
        );
        automation.setMode(index, lane.mode);
      });
    },
  };
}
