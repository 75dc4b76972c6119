import type { AlbumReport } from '../engine/index.ts';

const db = (value: number, digits = 1): string => (Number.isFinite(value) ? value.toFixed(digits) : '-inf');
const signed = (value: number): string => `${value >= 0 ? '+' : ''}${value.toFixed(2)}`;

/** `m:ss.ss` for the track table. */
function clock(seconds: number): string {
  const minutes = Math.floor(seconds / 60);
  return `${minutes}:${(seconds - 60 * minutes).toFixed(2).padStart(5, '0')}`;
}

/** The album report as `lathe render --album` prints it without --json: one line per track, then the album. */
export function formatAlbumReport(report: AlbumReport): string {
  const target =
    report.targetLufs === null
      ? 'no target'
      : `${report.targetLufs.toFixed(1)} LUFS${report.preset === null ? '' : ` (${report.preset})`}`;
  const header = [
    `rendered album ${report.album} and ${report.cue}`,
    `  ${report.tracks.length} tracks from ${report.source}; loudest track ${report.loudestTrack} on ${target}, ` +
      `ceiling ${report.ceilingDbtp.toFixed(1)} dBTP, relative levels kept within ${report.relativeErrorLu.toFixed(2)} LU, ` +
      `${report.passes} pass${report.passes === 1 ? '' : 'es'}`,
    `  ${report.sampleRate} Hz, ${report.bits === '32f' ? '32-bit float' : `${report.bits}-bit`}, dither ${report.dither}, ` +
      `${report.durationSeconds.toFixed(2)} s in ${report.elapsedSeconds.toFixed(2)} s`,
    '   #  start     length    gap    source   gain     integrated  range  true peak  file',
  ];
  const rows = report.tracks.map(
    (track) =>
      `  ${String(track.number).padStart(2)}  ${clock(track.startSeconds).padStart(8)}  ${clock(track.durationSeconds).padStart(8)}  ` +
      `${track.gapSeconds.toFixed(2).padStart(5)}  ${db(track.sourceLufs, 2).padStart(7)}  ${signed(track.gainDb).padStart(6)}  ` +
      `${db(track.integratedLufs, 2).padStart(10)}  ${track.loudnessRangeLu.toFixed(1).padStart(5)}  ` +
      `${db(track.truePeakDbtp, 2).padStart(9)}  ${track.file}`,
  );
  const album =
    `  album: integrated ${db(report.integratedLufs, 2)} LUFS, range ${report.loudnessRangeLu.toFixed(1)} LU, ` +
    `true peak ${db(report.truePeakDbtp, 2)} dBTP, sample peak ${db(report.samplePeakDbfs, 2)} dBFS`;
  return [...header, ...rows, album].join('\n');
}
