/**
 * The master chain's order as the engine runs it: the stage names from the `master/chain-order`
 * parameter's current choice ("eq > multiband > width > limiter"), then the output stage. Pure.
 */
import type { ParamInfo } from '../../protocol/index.ts';

export const DEFAULT_STAGES = ['eq', 'multiband', 'width', 'limiter'] as const;

export function masterStageOrder(chainOrder: ParamInfo | undefined): string[] {
  const choice = chainOrder?.choices?.[Math.round(chainOrder.value)];
  const stages = choice === undefined ? [...DEFAULT_STAGES] : choice.split('>').map((s) => s.trim());
  return stages.filter((s) => s.length > 0);
}
