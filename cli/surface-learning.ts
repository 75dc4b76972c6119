import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  describeSource,
  serializeMappingDocument,
  withLearnedBinding,
  type GenericSurfaceDriver,
  type LearnResult,
  type MappingDocument,
} from '../control-surface/index.ts';
import { LatheError } from '../engine/index.ts';

/** What the panel's learn route gets back. */
export interface LearnedControl {
  readonly param: string;
  readonly source: string;
  readonly evidence: string;
  readonly binding: LearnResult['binding'];
}

/**
 * MIDI learn for the running console: arms a parameter on a generic controller, waits for the
 * control the engineer moves, and keeps the binding in the user's mapping file (written aside
 * and renamed), so it is there on the next start. One learn at a time.
 */
export class SurfaceLearning {
  private readonly drivers: readonly GenericSurfaceDriver[];
  private readonly mappingFile: string;
  private mapping: MappingDocument;
  private pending: { cancel: (reason: LatheError) => void } | null = null;

  constructor(drivers: readonly GenericSurfaceDriver[], mapping: MappingDocument, mappingFile: string) {
    this.drivers = drivers;
    this.mapping = mapping;
    this.mappingFile = mappingFile;
  }

  /** The mapping as it stands (learned bindings included). */
  get document(): MappingDocument {
    return this.mapping;
  }

  /** Resolves with the learned control, or rejects (timeout, cancelled, nothing attached). */
  learn(param: string, timeoutMs = 30_000): Promise<LearnedControl> {
    if (this.drivers.length === 0) {
      return Promise.reject(
        new LatheError(
          'LATHE_SURFACE_NOT_ATTACHED',
          'MIDI learn needs a controller attached with --surface generic:PORT',
        ),
      );
    }
    this.pending?.cancel(new LatheError('LATHE_LEARN_CANCELLED', 'another learn was armed'));
    for (const driver of this.drivers) driver.learn(param);
    return new Promise<LearnedControl>((resolve, reject) => {
      const finish = (): void => {
        clearTimeout(timer);
        for (const driver of this.drivers) {
          driver.off('learned', onLearned);
          driver.cancelLearn();
        }
        this.pending = null;
      };
      const onLearned = (result: LearnResult): void => {
        finish();
        this.mapping = withLearnedBinding(this.mapping, result.binding);
        this.save().then(
          () => {
            resolve({
              param: result.binding.param,
              source: describeSource(result.binding.source),
              evidence: result.evidence,
              binding: result.binding,
            });
          },
          (error: unknown) => {
            reject(
              new LatheError(
                'LATHE_SURFACE_MAPPING_INVALID',
                `learned ${param}, but the mapping could not be saved to ${this.mappingFile}: ${(error as Error).message}`,
              ),
            );
          },
        );
      };
      const timer = setTimeout(() => {
        finish();
        reject(
          new LatheError('LATHE_LEARN_TIMEOUT', `no control moved within ${Math.round(timeoutMs / 1000)} s`),
        );
      }, timeoutMs);
      this.pending = {
        cancel: (reason) => {
          finish();
          reject(reason);
        },
      };
      for (const driver of this.drivers) driver.on('learned', onLearned);
    });
  }

  cancel(): void {
    this.pending?.cancel(new LatheError('LATHE_LEARN_CANCELLED', 'MIDI learn was cancelled'));
  }

  private async save(): Promise<void> {
    await mkdir(path.dirname(this.mappingFile), { recursive: true });
    const temporary = `${this.mappingFile}.partial-${process.pid}`;
    await writeFile(temporary, serializeMappingDocument(this.mapping));
    await rename(temporary, this.mappingFile);
  }
}
