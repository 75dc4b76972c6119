// Lists PortAudio's devices as JSON on stdout. Runs as a child process so that ALSA's stderr
// chatter on machines without sound cards stays out of the console's output, and a crashing
// driver cannot take the console down.
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
try {
  const dir = path.dirname(require.resolve('naudiodon/package.json'));
  const addon = require(path.join(dir, 'build', 'Release', 'naudiodon.node'));
  process.stdout.write(
    JSON.stringify({ ok: true, devices: addon.getDevices(), hostApis: addon.getHostAPIs() }),
  );
} catch (error) {
  process.stdout.write(
    JSON.stringify({ ok: false, reason: String(error && error.message ? error.message : error) }),
  );
}
