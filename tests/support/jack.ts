import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * The real-audio tests run PortAudio against a JACK dummy server with a loopback driver.
 * tests/run.sh (the README's test command, used by CI) starts one and names it in
 * LATHE_TEST_JACK_SERVER; a plain `vitest run` without it skips these suites, and run.sh
 * refuses to report success with skipped tests.
 */
export const JACK_SERVER = process.env['LATHE_TEST_JACK_SERVER'];
export const ASOUND_JACK_CONF = fileURLToPath(new URL('../fixtures/asound-jack.conf', import.meta.url));

/**
 * Points this process's ALSA at the `jackloop` PCM and libjack at `server`. Must run before the
 * first PortAudio call in the process (ALSA reads its configuration once).
 */
export function useJackServer(server: string): void {
  process.env['JACK_DEFAULT_SERVER'] = server;
  process.env['ALSA_CONFIG_PATH'] = `/usr/share/alsa/alsa.conf:${ASOUND_JACK_CONF}`;
}

/** Starts a private jackd (dummy driver, 2-channel loopback) and waits until clients can connect. */
export async function startPrivateJack(name: string): Promise<ChildProcess> {
  const jackd = spawn(
    'jackd',
    ['-n', name, '--no-realtime', '-L', '2', '-d', 'dummy', '-r', '48000', '-p', '256'],
    {
      stdio: 'ignore',
    },
  );
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const probe = spawnSync('jack_lsp', [], {
      env: { ...process.env, JACK_DEFAULT_SERVER: name },
      encoding: 'utf8',
    });
    if (probe.status === 0 && probe.stdout.includes('loopback:capture_1')) return jackd;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  jackd.kill('SIGKILL');
  throw new Error(`jackd ${name} did not come up`);
}
