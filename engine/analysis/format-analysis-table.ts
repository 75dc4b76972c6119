import type { AnalysisReport } from './analysis-report.ts';
import type { QcEventList } from './qc-events.ts';

/** Events shown per kind in the table; the JSON lists up to MAX_LISTED_EVENTS. */
const SHOWN_EVENTS = 5;

function num(value: number | null, unit: string, digits = 1): string {
  return value === null ? '-inf' : `${value.toFixed(digits)} ${unit}`;
}

function orDash(value: number | null, unit: string, digits = 1): string {
  return value === null ? '—' : `${value.toFixed(digits)} ${unit}`;
}

function time(seconds: number): string {
  const minutes = Math.floor(seconds / 60);
  return `${minutes}:${(seconds - minutes * 60).toFixed(3).padStart(6, '0')}`;
}

function events(label: string, list: QcEventList, unit: string): string[] {
  if (list.count === 0) return [`  ${label.padEnd(22)} none`];
  const lines = [`  ${label.padEnd(22)} ${list.count}`];
  for (const e of list.events.slice(0, SHOWN_EVENTS)) {
    lines.push(
      `    ch ${e.channel + 1} at ${time(e.startSec)} for ${(e.durationSec * 1000).toFixed(2)} ms, peak ${e.peakDb.toFixed(2)} ${unit}`,
    );
  }
  if (list.count > SHOWN_EVENTS) lines.push(`    … ${list.count - SHOWN_EVENTS} more (see --json)`);
  return lines;
}

/** The human-readable form of a report: one aligned "name  value" line per reading, then QC. */
export function formatAnalysisTable(report: AnalysisReport): string {
  const row = (name: string, value: string): string => `  ${name.padEnd(22)} ${value}`;
  const qc = report.qc;
  const lines = [
    report.file,
    row(
      'format',
      `${report.sampleRate} Hz, ${report.channels} ch, ${report.bitDepth}-bit ${report.extra.encoding}, ${time(report.durationSec)}`,
    ),
    row('integrated', num(report.integratedLufs, 'LUFS')),
    row('loudness range', orDash(report.loudnessRangeLu, 'LU')),
    row('true peak', num(report.truePeakDbtp, 'dBTP')),
    row('sample peak', num(report.samplePeakDbfs, 'dBFS')),
    row('max momentary', num(report.momentaryMaxLufs, 'LUFS')),
    row('max short-term', num(report.shortTermMaxLufs, 'LUFS')),
    row('PLR', orDash(report.plrDb, 'dB')),
    'QC',
    ...events('clipped runs', qc.clippedRuns, 'dBFS'),
    ...events('true-peak overs', qc.truePeakOvers, 'dBTP'),
    row('DC offset', qc.dcOffset.map((v) => (v === null ? '—' : v.toExponential(2))).join('  ')),
    row(
      'correlation',
      qc.correlation === null
        ? '—'
        : `min ${qc.correlation.min.toFixed(2)}, mean ${qc.correlation.mean.toFixed(2)} (${qc.correlation.windows} × 400 ms)`,
    ),
    row(
      'mono fold change',
      qc.monoCompatibility === null
        ? '—'
        : qc.monoCompatibility.foldedSilent
          ? '-inf LU (cancels to silence)'
          : orDash(qc.monoCompatibility.integratedChangeLu, 'LU', 2),
    ),
    row(
      'silence (< -90 dBFS)',
      `leading ${qc.leadingSilenceSec.toFixed(3)} s, trailing ${qc.trailingSilenceSec.toFixed(3)} s`,
    ),
    row(
      'NaN / Inf samples',
      `${qc.nonFiniteSamples.nan} / ${qc.nonFiniteSamples.infinite}${qc.nonFiniteSamples.total > 0 ? '  (measured as 0)' : ''}`,
    ),
  ];
  if (!report.extra.dataSizeTrusted) lines.push(row('note', 'data chunk size damaged; read to end of file'));
  return lines.join('\n');
}
