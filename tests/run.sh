#!/usr/bin/env bash
# `npm test`: every test, including real audio through JACK and the panel in Chromium.
# Installs the Debian packages the tests need when run as root (else prints the apt-get line),
# starts a JACK dummy server with a loopback unless one is named in LATHE_TEST_JACK_SERVER,
# builds the panel, runs vitest, and ends with "N passed, N failed, N skipped".
# A skipped test is a failure here: every suite must really run.
set -uo pipefail
cd "$(dirname "$0")/.."

# jackd2: jackd + jack_lsp; libasound2-plugins: ALSA's jack PCM (how PortAudio reaches JACK);
# sox: reference WAV reader/writer; chromium: browser tests; gcc, binutils: the C reference codec;
# socat: pty pairs for the serial surface tests (each test starts its own pair and stops it by PID);
# ffmpeg, libebur128-dev: independent reference loudness and true-peak meters;
# xz-utils, dpkg-dev: fetch and unpack DRC's source package (the real room measurement, below);
# libjack-jackd2-dev, g++, make, python3: rebuild easymidi's RtMidi for JACK MIDI (below).
PACKAGES=(jackd2 libasound2-plugins sox chromium gcc binutils socat ffmpeg libebur128-dev xz-utils
  libjack-jackd2-dev g++ make python3 dpkg-dev)
missing=()
for package in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "Installing Debian packages the tests need: ${missing[*]}"
    echo "jackd2 jackd/tweak_rt_limits boolean false" | debconf-set-selections
    DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
      { echo "apt-get install failed"; exit 1; }
  else
    echo "The tests need Debian packages. Run as root:"
    echo "  apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
    exit 1
  fi
fi

# A real room the project did not make: DRC's sample measurement from Debian's drc source
# package (GPL data, so fetched here rather than committed). Needs root the first time.
bash tests/support/fetch-drc-sample.sh || { echo "could not fetch DRC's sample room (see above)"; exit 1; }

[ -d node_modules ] || npm install --no-audit --no-fund || exit 1
# easymidi's prebuilt RtMidi speaks ALSA only, and these machines have no ALSA sequencer: the
# MIDI end-to-end tests run over JACK MIDI with the addon rebuilt for it (idempotent).
bash tests/support/build-jack-midi.sh || { echo "could not build easymidi's addon for JACK MIDI"; exit 1; }
npm run --silent build >/dev/null || { echo "panel build failed"; exit 1; }

jack_pid=""
cleanup() {
  if [ -n "$jack_pid" ]; then kill "$jack_pid" 2>/dev/null; wait "$jack_pid" 2>/dev/null; fi
}
trap cleanup EXIT
# A jackd that was SIGKILLed leaves its shared memory registered; enough of those and no new
# server starts. With no jackd running, all of it is stale.
pgrep -x jackd >/dev/null || rm -rf /dev/shm/jack-* /dev/shm/jack_* 2>/dev/null
if [ -z "${LATHE_TEST_JACK_SERVER:-}" ]; then
  export LATHE_TEST_JACK_SERVER="lathe-test-$$"
  jackd -n "$LATHE_TEST_JACK_SERVER" -L 2 -d dummy -r 48000 -p 256 >test-jackd.log 2>&1 &
  jack_pid=$!
  for _ in $(seq 100); do
    JACK_DEFAULT_SERVER="$LATHE_TEST_JACK_SERVER" jack_lsp 2>/dev/null | grep -q loopback:capture_1 && break
    sleep 0.1
  done
  JACK_DEFAULT_SERVER="$LATHE_TEST_JACK_SERVER" jack_lsp 2>/dev/null | grep -q loopback:capture_1 ||
    { echo "jackd did not start (see test-jackd.log)"; exit 1; }
fi

mkdir -p test-results
npx vitest run --reporter=default --reporter=json --outputFile=test-results/vitest.json "$@"
node -e '
  const r = JSON.parse(require("fs").readFileSync("test-results/vitest.json", "utf8"));
  const skipped = r.numPendingTests + r.numTodoTests;
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`);
  process.exit(r.numFailedTests > 0 || skipped > 0 || !r.success || r.numTotalTests === 0 ? 1 : 0);
'
