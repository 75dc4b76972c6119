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
  LATHE_WAV_INVALID: 'Not a readable WAV file',
  LATHE_ENGINE_STOPPED: 'The engine is not running',
  LATHE_MEASUREMENT_BUSY: 'A measurement is already running',
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
