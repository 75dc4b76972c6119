/**
 * `npm run bench`: runs every bench/*.bench.ts in this process, one after the other.
 * Each prints one line per figure with its ratio to a reference measured in the same run.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const files = readdirSync(dir)
  .filter((name) => name.endsWith('.bench.ts'))
  .sort();
console.log(`node ${process.version}, ${files.length} benchmark files`);
for (const file of files) {
  const module = (await import(new URL(file, import.meta.url).href)) as { run: () => void | Promise<void> };
  await module.run();
}
