import { SILENCE_DB } from '../dsp/decibels.ts';
import {
  FADER_MAX_DB,
  FADER_SMOOTHING_MS,
  MUTE_RAMP_MS,
  PAN_SMOOTHING_MS,
  stripName,
} from '../params/mix-params.ts';
import type { ParamSpec } from '../params/param-spec.ts';
import type { ParamTemplate } from '../processors/block-processor.ts';
import { MONITOR_PATH_PARAMS } from '../processors/monitor/monitor-params.ts';
import { defaultLayout, type ConsoleLayout } from './console-layout.ts';
import {
  AUX_EFFECTS,
  MASTER_STAGES,
  OUTPUT_STAGE,
  STRIP_CHAIN,
  type MasterStageName,
} from './processor-registry.ts';

export interface StripParamIndex {
  readonly trim: number;
  readonly polarity: number;
  readonly fader: number;
  readonly pan: number;
  /** Stereo strips only; -1 on mono strips. */
  readonly width: number;
  readonly mute: number;
  readonly solo: number;
  readonly soloSafe: number;
  readonly sendLevel: readonly number[];
  readonly sendPre: readonly number[];
  /** Base index of each STRIP_CHAIN processor's parameters. */
  readonly processors: readonly number[];
}

export interface AuxParamIndex {
  readonly effect: number;
  readonly returnLevel: number;
  readonly mute: number;
}

export interface MasterParamIndex {
  readonly fader: number;
  readonly pan: number;
  readonly mute: number;
  readonly chainOrder: number;
  readonly output: number;
  /** Base index of each MASTER_STAGES stage's parameters. */
  readonly stages: readonly number[];
  readonly dither: number;
}

export interface ConsoleParams {
  readonly specs: readonly ParamSpec[];
  readonly strips: readonly StripParamIndex[];
  readonly auxes: readonly AuxParamIndex[];
  readonly master: MasterParamIndex;
  /**
   * Base index of the monitor path's parameters (`monitor/...`, MONITOR_PATH_PARAMS order). They
   * come last, so every index before them is what it was before the monitor path existed.
   */
  readonly monitor: number;
}

export function auxName(aux: number): string {
  return `aux/${String(aux + 1).padStart(2, '0')}`;
}

/** Every order of the master stages, the layout order first: the choices of `master/chain-order`. */
export function chainOrders(): MasterStageName[][] {
  const names = MASTER_STAGES.map((stage) => stage.name);
  const orders: MasterStageName[][] = [];
  const permute = (prefix: MasterStageName[], rest: MasterStageName[]): void => {
    if (rest.length === 0) orders.push(prefix);
    rest.forEach((name, i) => {
      permute([...prefix, name], [...rest.slice(0, i), ...rest.slice(i + 1)]);
    });
  };
  permute([], names);
  return orders;
}

export function chainOrderLabel(order: readonly string[]): string {
  return order.join(' > ');
}

const faderSpec = (id: string, label: string, defaultDb: number): ParamSpec => ({
  id,
  label,
  unit: 'dB',
  min: SILENCE_DB,
  max: FADER_MAX_DB,
  default: defaultDb,
  taper: 'faderdB',
  smoothingMs: FADER_SMOOTHING_MS,
});

const boolSpec = (id: string, label: string, smoothingMs: number, defaultValue = 0): ParamSpec => ({
  id,
  label,
  unit: 'bool',
  min: 0,
  max: 1,
  default: defaultValue,
  taper: 'stepped',
  steps: 2,
  smoothingMs,
});

/**
 * All parameters of a console with this layout, and where each sits in the table. Ids are X32
 * style: `strip/01/fader`, `strip/01/eq/2/gain`, `strip/01/comp/ratio`, `aux/01/decay`,
 * `master/limiter/ceiling`. Everything is defined once: processors bring their own templates.
 */
export function buildConsoleParams(layout: ConsoleLayout): ConsoleParams {
  const specs: ParamSpec[] = [];
  const add = (spec: ParamSpec): number => specs.push(spec) - 1;
  const addTemplates = (
    owner: string,
    ownerLabel: string,
    prefix: string,
    templates: readonly ParamTemplate[],
  ): number => {
    const base = specs.length;
    for (const { key, ...rest } of templates) {
      specs.push({ ...rest, id: `${owner}/${prefix}${key}`, label: `${ownerLabel} ${rest.label}` });
    }
    return base;
  };
  const auxCount = layout.auxes.length;

  const strips = layout.strips.map((strip, s): StripParamIndex => {
    const owner = stripName(s);
    const label = strip.label;
    const trim = add({
      id: `${owner}/input/trim`,
      label: `${label} trim`,
      unit: 'dB',
      min: -24,
      max: 24,
      default: 0,
      taper: 'linear',
      smoothingMs: FADER_SMOOTHING_MS,
    });
    const polarity = add(boolSpec(`${owner}/input/polarity`, `${label} polarity invert`, MUTE_RAMP_MS));
    const processors = STRIP_CHAIN.map((placed) =>
      addTemplates(owner, label, placed.prefix, placed.kind.params),
    );
    const sendLevel: number[] = [];
    const sendPre: number[] = [];
    for (let a = 0; a < auxCount; a++) {
      const auxLabel = layout.auxes[a]!.label;
      sendLevel.push(
        add(faderSpec(`${owner}/send/${a + 1}/level`, `${label} send to ${auxLabel}`, SILENCE_DB)),
      );
      sendPre.push(add(boolSpec(`${owner}/send/${a + 1}/pre`, `${label} send to ${auxLabel} pre-fader`, 0)));
    }
    const fader = add(faderSpec(`${owner}/fader`, `${label} fader`, 0));
    const pan = add({
      id: `${owner}/pan`,
      label: `${label} ${strip.kind === 'stereo' ? 'balance' : 'pan'}`,
      unit: 'pan',
      min: -1,
      max: 1,
      default: 0,
      taper: 'linear',
      smoothingMs: PAN_SMOOTHING_MS,
    });
    const width =
      strip.kind === 'stereo'
        ? add({
            id: `${owner}/width`,
            label: `${label} width`,
            unit: '%',
            min: 0,
            max: 200,
            default: 100,
            taper: 'linear',
            smoothingMs: PAN_SMOOTHING_MS,
          })
        : -1;
    const mute = add(boolSpec(`${owner}/mute`, `${label} mute`, MUTE_RAMP_MS));
    const solo = add(boolSpec(`${owner}/solo`, `${label} solo`, 0));
    const soloSafe = add(boolSpec(`${owner}/solo-safe`, `${label} solo safe`, 0));
    return { trim, polarity, fader, pan, width, mute, solo, soloSafe, sendLevel, sendPre, processors };
  });

  const auxes = layout.auxes.map((aux, a): AuxParamIndex => {
    const owner = auxName(a);
    const effect = addTemplates(owner, aux.label, '', AUX_EFFECTS[aux.effect].params);
    const returnLevel = add(faderSpec(`${owner}/return`, `${aux.label} return`, 0));
    const mute = add(boolSpec(`${owner}/mute`, `${aux.label} return mute`, MUTE_RAMP_MS));
    return { effect, returnLevel, mute };
  });

  const fader = add(faderSpec('master/fader', 'Master fader', 0));
  const pan = add({
    id: 'master/pan',
    label: 'Master balance',
    unit: 'pan',
    min: -1,
    max: 1,
    default: 0,
    taper: 'linear',
    smoothingMs: PAN_SMOOTHING_MS,
  });
  const mute = add(boolSpec('master/mute', 'Master mute', MUTE_RAMP_MS));
  const orders = chainOrders();
  const chainOrder = add({
    id: 'master/chain-order',
    label: 'Master chain order',
    unit: 'enum',
    min: 0,
    max: orders.length - 1,
    default: 0,
    taper: 'stepped',
    steps: orders.length,
    choices: orders.map(chainOrderLabel),
    smoothingMs: 0,
  });
  const stages = MASTER_STAGES.map((stage) =>
    addTemplates('master', 'Master', stage.prefix, stage.kind.params),
  );
  const output = add({
    id: 'master/output',
    label: 'Master output gain',
    unit: 'dB',
    min: -24,
    max: 0,
    default: 0,
    taper: 'linear',
    smoothingMs: FADER_SMOOTHING_MS,
  });
  const dither = addTemplates('master', 'Master', OUTPUT_STAGE.prefix, OUTPUT_STAGE.kind.params);
  const monitor = addTemplates('monitor', 'Monitor', '', MONITOR_PATH_PARAMS);
  return { specs, strips, auxes, master: { fader, pan, mute, chainOrder, output, stages, dither }, monitor };
}

/** The parameters of the default console with `stripCount` mono strips (tests, tools). */
export function consoleParamSpecs(stripCount: number, labels: readonly string[] = []): readonly ParamSpec[] {
  return buildConsoleParams(defaultLayout(stripCount, labels)).specs;
}
