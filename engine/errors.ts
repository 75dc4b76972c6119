/**
 * One table of stable error codes for the whole console. Codes are never reused or renamed:
 * scripts, the panel and logs match on them.
 */
export const ERROR_CODES = {
  LATHE_USAGE: 'Bad command-line usage',
  LATHE_PORT_IN_USE: 'The HTTP port is already in use',
  LATHE_LISTEN_FAILED: 'The HTTP server could not listen',
  LATHE_AUDIO_DEVICE_NOT_FOUND: 'No audio device with that name',
  LATHE_AUDIO_DEVICE_OPEN_FAILED: 'The audio device could not be opened',
  LATHE_AUDIO_DEVICE_FAILED: 'The audio device stopped while running',
  LATHE_AUDIO_CONFIG_INVALID: 'Sample rate, block size or channel count out of range',
  LATHE_PARAM_UNKNOWN: 'No parameter with that id',
  LATHE_PARAM_VALUE_INVALID: 'Parameter value is not a finite number',
  LATHE_MESSAGE_INVALID: 'Message does not match the protocol schema',
  LATHE_MESSAGE_NOT_JSON: 'Message is not valid JSON',
  LATHE_MESSAGE_TOO_LARGE: 'Message is larger than the server accepts',
  LATHE_INTERNAL_ERROR: 'Lathe failed to handle the request (a bug: please report it)',
  LATHE_PANEL_UNAUTHORIZED: 'The panel request carries no valid token (non-loopback bind)',
  LATHE_PANEL_FORBIDDEN_HOST: 'The Host header is not a loopback name (DNS rebinding guard)',
  LATHE_PANEL_FORBIDDEN_ORIGIN: 'The request comes from a page of another origin',
  LATHE_PANEL_TOKEN_INVALID: 'The panel token (file or LATHE_PANEL_TOKEN) cannot be used',
  LATHE_RATE_LIMITED: 'Too many requests or messages; retry later',
  LATHE_WAV_INVALID: 'Not a readable WAV file',
  LATHE_ENGINE_STOPPED: 'The engine is not running',
  LATHE_MEASUREMENT_BUSY: 'A measurement is already running',
  LATHE_MEASUREMENT_UNSAFE: 'The measurement signal is too loud or starts without a ramp',
  LATHE_MEASUREMENT_INVALID: 'The measurement signal or channels are not usable',
  LATHE_AUDIO_FILE_UNREADABLE: 'The audio file cannot be opened or read',
  LATHE_AUDIO_FILE_INVALID: 'Not a readable audio file (empty, truncated, damaged, or not audio)',
  LATHE_AUDIO_FORMAT_UNSUPPORTED: 'Audio file encoding not supported',
  LATHE_AUDIO_WRITE_FAILED: 'The audio file could not be written',
  LATHE_AUDIO_METADATA_INVALID: 'Broadcast WAV (bext) metadata out of range',
  LATHE_MIX_UNREADABLE: 'The mix document cannot be read',
  LATHE_MIX_INVALID: 'The mix document does not match the format',
  LATHE_MIX_VERSION_UNSUPPORTED: 'The mix document is from a newer version of Lathe',
  LATHE_MIX_STEM_INVALID: 'A stem named by the mix document cannot be used',
  LATHE_RENDER_FAILED: 'The render could not be completed',
  LATHE_TARGET_UNREACHABLE: 'The render cannot land on the loudness target',
  LATHE_ALBUM_UNREADABLE: 'The album document cannot be read',
  LATHE_ALBUM_INVALID: 'The album document does not match the format',
  LATHE_ALBUM_VERSION_UNSUPPORTED: 'The album document is from a newer version of Lathe',
  LATHE_CALIBRATION_INPUT_INVALID: 'Calibration input is empty, mismatched or not finite',
  LATHE_CALIBRATION_RECORDING_CLIPPED: 'The measurement recording clipped',
  LATHE_CALIBRATION_RECORDING_SILENT: 'The measurement recording holds no sweep',
  LATHE_CALIBRATION_MIC_FILE_INVALID: 'The microphone calibration file cannot be used',
  LATHE_CALIBRATION_TARGET_INVALID: 'The correction target cannot be used',
  LATHE_CALIBRATION_PROFILE_INVALID: 'The calibration profile does not match the format',
  LATHE_CALIBRATION_RECORDING_TOO_QUIET: 'The microphone records the test signal too quietly to measure',
  LATHE_CALIBRATION_PROFILE_NOT_FOUND: 'No calibration profile with that id',
  LATHE_ROOM_STEP_NOT_READY: 'That room calibration step needs an earlier step done first',
  LATHE_SESSION_STORE_UNAVAILABLE: 'The session database cannot be opened or written',
  LATHE_SESSION_STORE_NOT_SQLITE: 'The session database file is not an SQLite database',
  LATHE_SESSION_STORE_TOO_NEW: 'The session database is from a newer version of Lathe',
  LATHE_SESSION_NOT_FOUND: 'No session with that id or name',
  LATHE_SESSION_NAME_TAKEN: 'Another session already has that name',
  LATHE_SESSION_INVALID: 'The session document does not match the format',
  LATHE_SESSION_VERSION_UNSUPPORTED: 'The session document is from a newer version of Lathe',
  LATHE_SNAPSHOT_NOT_FOUND: 'No snapshot with that id in the session',
  LATHE_RECALL_SCOPE_INVALID: 'The recall scope names no known strip, section or group',
  LATHE_RECALL_NOTHING_TO_UNDO: 'There is no recall to undo',
  LATHE_MIDI_UNAVAILABLE: 'MIDI is not available on this machine (no ALSA sequencer or JACK server)',
  LATHE_MIDI_PORT_NOT_FOUND: 'No MIDI port with that name',
  LATHE_MIDI_PORT_OPEN_FAILED: 'The MIDI port could not be opened',
  LATHE_SURFACE_NOT_ATTACHED: 'No control surface that can learn is attached',
  LATHE_LEARN_TIMEOUT: 'No control moved while MIDI learn was armed',
  LATHE_LEARN_CANCELLED: 'MIDI learn was cancelled',
  LATHE_SURFACE_PROFILE_INVALID: 'A control-surface device profile does not match the format',
  LATHE_SURFACE_MAPPING_INVALID: 'A control-surface mapping does not match the format',
  LATHE_SURFACE_UNKNOWN: 'No attached control surface with that id',
  LATHE_SURFACE_UNSUPPORTED: 'That control surface has no banks or mapping pages to change',
  LATHE_SURFACE_PAGE_UNKNOWN: 'The surface mapping has no page with that id',
  LATHE_DEVICE_LIST_TIMEOUT: 'Listing the devices took too long',
  LATHE_SESSION_NOT_OPEN: 'That session is not the one open on the console',
  LATHE_SESSION_STRUCTURE_MISMATCH:
    'The session has another console structure; start Lathe with it to open it',
  LATHE_CURVE_UNKNOWN: 'No response curve for that processor',
  LATHE_TARGET_PRESET_UNKNOWN: 'No loudness target preset with that name',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class LatheError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'LatheError';
    this.code = code;
  }
}

export function isLatheError(error: unknown): error is LatheError {
  return error instanceof LatheError;
}
