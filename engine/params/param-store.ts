import { EventEmitter } from 'node:events';
import { LatheError } from '../errors.ts';
import { clampToSpec, fromNormalized, toNormalized, type ParamSpec } from './param-spec.ts';
import type { ParamTable } from './param-table.ts';

/** A parameter change as every sink sees it: plain value, control position, and who made it. */
export interface ParamChange {
  readonly id: string;
  readonly index: number;
  readonly value: number;
  readonly position: number;
  /** e.g. 'panel:3', 'rest', 'surface:mcu', 'recall', 'automation' */
  readonly source: string;
}

export interface ParamStoreEvents {
  change: [ParamChange];
}

/**
 * The console model on the main thread: the one place parameter values live. Every change is
 * clamped to its spec, written to the worker's table and announced with its source.
 */
export class ParamStore extends EventEmitter<ParamStoreEvents> {
  readonly specs: readonly ParamSpec[];
  private readonly indexById: ReadonlyMap<string, number>;
  private readonly values: Float64Array;
  private readonly table: ParamTable;

  constructor(specs: readonly ParamSpec[], table: ParamTable) {
    super();
    this.specs = specs;
    this.table = table;
    this.indexById = new Map(specs.map((spec, index) => [spec.id, index]));
    this.values = new Float64Array(specs.length);
    specs.forEach((spec, index) => {
      this.values[index] = spec.default;
      table.write(index, spec.default);
    });
  }

  has(id: string): boolean {
    return this.indexById.has(id);
  }

  indexOf(id: string): number {
    const index = this.indexById.get(id);
    if (index === undefined) throw new LatheError('LATHE_PARAM_UNKNOWN', `unknown parameter "${id}"`);
    return index;
  }

  spec(id: string): ParamSpec {
    return this.specs[this.indexOf(id)]!;
  }

  get(id: string): number {
    return this.values[this.indexOf(id)]!;
  }

  position(id: string): number {
    return toNormalized(this.spec(id), this.get(id));
  }

  /** Sets a plain value (clamped to the spec); returns the value applied. */
  set(id: string, value: number, source: string): number {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new LatheError('LATHE_PARAM_VALUE_INVALID', `value for "${id}" must be a finite number`);
    }
    const index = this.indexOf(id);
    const applied = clampToSpec(this.specs[index]!, value);
    this.values[index] = applied;
    this.table.write(index, applied);
    this.emit('change', {
      id,
      index,
      value: applied,
      position: toNormalized(this.specs[index]!, applied),
      source,
    });
    return applied;
  }

  /**
   * A value the engine itself played (automation): updates the model and tells every sink, but
   * does not write the table, so the worker does not take it for a control move.
   */
  applyFromEngine(index: number, value: number, source: string): void {
    const spec = this.specs[index];
    if (spec === undefined || !Number.isFinite(value)) return;
    const applied = clampToSpec(spec, value);
    if (applied === this.values[index]) return;
    this.values[index] = applied;
    this.emit('change', {
      id: spec.id,
      index,
      value: applied,
      position: toNormalized(spec, applied),
      source,
    });
  }

  /** Sets from a normalized control position 0..1 (panel, surfaces). */
  setPosition(id: string, position: number, source: string): number {
    if (typeof position !== 'number' || !Number.isFinite(position)) {
      throw new LatheError('LATHE_PARAM_VALUE_INVALID', `position for "${id}" must be a finite number`);
    }
    return this.set(id, fromNormalized(this.spec(id), position), source);
  }
}
