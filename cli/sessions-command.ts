import { readFile, rename, writeFile } from 'node:fs/promises';
import { isLatheError } from '../engine/index.ts';
import {
  defaultStorePath,
  parseSessionDocument,
  serializeSessionDocument,
  SessionStore,
} from '../sessions/index.ts';
import type { SessionsOptions } from './cli-options.ts';

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

/** `lathe sessions list|export|import`: the session database from the command line. */
export async function sessionsCommand(
  options: SessionsOptions,
  out: (line: string) => void,
  err: (line: string) => void,
): Promise<number> {
  let store: SessionStore | null = null;
  try {
    store = SessionStore.open(options.db ?? defaultStorePath());
    switch (options.action) {
      case 'list': {
        const sessions = store.listSessions();
        if (options.json) {
          out(JSON.stringify(sessions));
        } else if (sessions.length === 0) {
          out(`No sessions in ${store.file}`);
        } else {
          out(`${pad('NAME', 32)}${pad('MODIFIED', 26)}${pad('VERSIONS', 10)}SNAPSHOTS`);
          for (const s of sessions) {
            out(
              `${pad(s.name, 32)}${pad(s.modifiedAt, 26)}${pad(String(s.latestVersion), 10)}${s.snapshotCount}`,
            );
          }
        }
        return 0;
      }
      case 'export': {
        const text = serializeSessionDocument(store.exportSession(options.session));
        if (options.out === undefined) {
          process.stdout.write(text);
        } else {
          // Written aside and renamed: an interrupted export never leaves half a file.
          const temporary = `${options.out}.partial-${process.pid}`;
          await writeFile(temporary, text);
          await rename(temporary, options.out);
          out(`Exported "${store.session(options.session).name}" to ${options.out}`);
        }
        return 0;
      }
      case 'import': {
        let text: string;
        try {
          text = await readFile(options.file, 'utf8');
        } catch (error) {
          err(`lathe: cannot read ${options.file}: ${(error as Error).message}`);
          return 1;
        }
        const summary = store.importSession(
          parseSessionDocument(text, options.file),
          options.name === undefined ? {} : { name: options.name },
        );
        out(`Imported "${summary.name}" (${summary.id}) into ${store.file}`);
        return 0;
      }
      default:
        return options satisfies never;
    }
  } catch (error) {
    if (isLatheError(error)) {
      err(`lathe: ${error.message} [${error.code}]`);
      return 1;
    }
    throw error;
  } finally {
    store?.close();
  }
}
