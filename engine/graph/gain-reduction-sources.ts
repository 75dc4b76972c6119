import type { GainReductionSource } from '../meters/gain-reduction-collector.ts';
import type { BlockProcessor } from '../processors/block-processor.ts';
import { LimiterMeter, type TruePeakLimiter } from '../processors/true-peak-limiter.ts';
import type { ConsoleLayout } from './console-layout.ts';
import { stripName } from '../params/mix-params.ts';
import { MASTER_STAGES, STRIP_CHAIN } from './processor-registry.ts';

/** Strip dynamics whose gain reduction is metered, by their chain names. */
const STRIP_DYNAMICS = ['gate', 'comp'] as const;
const MULTIBAND_BANDS = ['low', 'mid', 'high'] as const;

/**
 * The gain-reduction meters of a console, in meter order: every strip's gate and compressor,
 * then the master multiband's three bands and the limiter. The main thread needs them before
 * the worker has built a processor, so they follow from the layout alone.
 */
export function gainReductionLabels(layout: ConsoleLayout): string[] {
  const labels: string[] = [];
  layout.strips.forEach((_, s) => {
    for (const name of STRIP_DYNAMICS) labels.push(`${stripName(s)}/${name}`);
  });
  for (const band of MULTIBAND_BANDS) labels.push(`master/multiband/${band}`);
  labels.push('master/limiter');
  return labels;
}

/** The arrays the processors publish their gain reduction in, in gainReductionLabels order. */
export function gainReductionSources(
  layout: ConsoleLayout,
  stripProcessors: readonly (readonly BlockProcessor[])[],
  masterStages: readonly BlockProcessor[],
): GainReductionSource[] {
  const labels = gainReductionLabels(layout);
  const arrays: { values: Float64Array; index: number }[] = [];
  stripProcessors.forEach((chain) => {
    for (const name of STRIP_DYNAMICS) {
      arrays.push({
        values: reductionOf(chain[STRIP_CHAIN.findIndex((placed) => placed.name === name)]),
        index: 0,
      });
    }
  });
  const multiband = reductionOf(masterStages[MASTER_STAGES.findIndex((stage) => stage.name === 'multiband')]);
  MULTIBAND_BANDS.forEach((_, band) => arrays.push({ values: multiband, index: band }));
  const limiter = masterStages[
    MASTER_STAGES.findIndex((stage) => stage.name === 'limiter')
  ] as TruePeakLimiter;
  arrays.push({ values: limiter.meter, index: LimiterMeter.gainReductionDb });
  return arrays.map((source, k) => ({ label: labels[k]!, ...source }));
}

function reductionOf(processor: BlockProcessor | undefined): Float64Array {
  const values = (processor as { gainReductionDb?: unknown } | undefined)?.gainReductionDb;
  if (!(values instanceof Float64Array))
    throw new Error('a metered dynamics processor has no gainReductionDb');
  return values;
}
