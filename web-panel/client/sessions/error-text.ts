import { ApiError } from '../api-client.ts';

/** A coded error as the panel shows it: the code, then the message. */
export function errorText(error: unknown): string {
  if (error instanceof ApiError) return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}
