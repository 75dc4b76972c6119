/**
 * Child process of the crash-safety test: autosaves a 2000-parameter session and snapshots it
 * in a tight loop until it is killed. After each commit it prints the round's number, so the
 * parent knows a lower bound of what is committed. Values are a pure function of the round, so
 * the parent can check what it finds without asking the child.
 */
import { SessionStore } from '../../sessions/index.ts';
import { crashValues } from './crash-values.ts';

const [file, sessionName] = process.argv.slice(2);
const store = SessionStore.open(file!);
const session = store.session(sessionName!);
const snapshots = store.listSnapshots(session.id);
let round = snapshots.length === 0 ? 0 : Number(snapshots.at(-1)!.name);
process.stdout.write('ready\n');
for (;;) {
  round++;
  const values = crashValues(round);
  store.saveVersion(session.id, 'autosave', values, {});
  store.createSnapshot(session.id, String(round), values);
  // Keep the file small: only the newest few snapshots stay.
  const old = store.listSnapshots(session.id);
  for (const snapshot of old.slice(0, Math.max(0, old.length - 3)))
    store.deleteSnapshot(session.id, snapshot.id);
  process.stdout.write(`${round}\n`);
}
