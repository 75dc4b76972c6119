import { analyzeWavFile, formatAnalysisTable, isLatheError } from '../engine/index.ts';
import type { AnalyzeOptions } from './cli-options.ts';

/**
 * `lathe analyze FILE... [--json]`: one report per file, in order. With --json each report is
 * one line of JSON (JSON Lines: a stream of one object per file); otherwise a table, blank line
 * between files. A file that cannot be read costs one line on stderr and exit code 1 at the end;
 * the others are still analyzed.
 */
export async function analyzeCommand(
  options: AnalyzeOptions,
  out: (line: string) => void,
  err: (line: string) => void,
): Promise<number> {
  let failed = 0;
  let first = true;
  for (const file of options.files) {
    try {
      const report = await analyzeWavFile(file);
      if (options.json) {
        out(JSON.stringify(report));
      } else {
        if (!first) out('');
        out(formatAnalysisTable(report));
      }
      first = false;
    } catch (error) {
      failed++;
      const message = isLatheError(error)
        ? error.message
        : `${file}: ${error instanceof Error ? error.message : String(error)}`;
      err(`lathe: ${message}`);
    }
  }
  return failed > 0 ? 1 : 0;
}
