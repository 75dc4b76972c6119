// Lists MIDI ports as JSON on stdout, in a child process: RtMidi prints ALSA errors to stderr
// and throws on machines without /dev/snd/seq; neither may reach the console's own output.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
try {
  const easymidi = require('easymidi');
  process.stdout.write(
    JSON.stringify({ ok: true, inputs: easymidi.getInputs(), outputs: easymidi.getOutputs() }),
  );
} catch (error) {
  process.stdout.write(
    JSON.stringify({ ok: false, reason: String(error && error.message ? error.message : error) }),
  );
}
