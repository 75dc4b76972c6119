#!/usr/bin/env bash
# Makes easymidi's native addon (node_modules/@julusian/midi) speak JACK MIDI, so the MIDI
# surface tests get real ports on the test jackd (docs: shared platform reference §4.2).
# The shipped prebuilt RtMidi is ALSA-only, and these machines have no ALSA sequencer.
#
# Idempotent: does nothing when build/Release/midi.node already links libjack. Otherwise patches
# binding.gyp (__UNIX_JACK__ only, -ljack) and rebuilds with the node-gyp bundled with npm,
# against the local Node headers (never downloads). Needs libjack-jackd2-dev, g++, make, python3.
# Linux only; elsewhere the stock addon is left alone.
set -euo pipefail
cd "$(dirname "$0")/../.."

MIDI_DIR=node_modules/@julusian/midi
ADDON="$MIDI_DIR/build/Release/midi.node"

fail() {
  echo "build-jack-midi: $*" >&2
  exit 1
}

links_jack() {
  [ -f "$1" ] && readelf -d "$1" 2>/dev/null | grep -q 'NEEDED.*libjack\.so'
}

[ "$(uname -s)" = Linux ] || {
  echo "build-jack-midi: not Linux, stock addon kept"
  exit 0
}
[ -f "$MIDI_DIR/binding.gyp" ] || fail "$MIDI_DIR is missing (run npm install first)"
if links_jack "$ADDON"; then
  echo "build-jack-midi: $ADDON already links libjack"
  exit 0
fi

[ -f /usr/include/jack/jack.h ] && [ -f /usr/include/jack/midiport.h ] ||
  fail "JACK headers missing: apt-get install -y --no-install-recommends libjack-jackd2-dev"
for tool in g++ make python3 readelf; do
  command -v "$tool" >/dev/null || fail "$tool not found (Debian packages: g++ make python3 binutils)"
done

# node-gyp from npm's own install (npm sets npm_config_node_gyp for its scripts).
node_gyp="${npm_config_node_gyp:-}"
if [ -z "$node_gyp" ] || [ ! -f "$node_gyp" ]; then
  npm_bin="$(readlink -f "$(command -v npm)")" || fail "npm not found"
  node_gyp="$(dirname "$npm_bin")/../node_modules/node-gyp/bin/node-gyp.js"
fi
[ -f "$node_gyp" ] || fail "node-gyp not found next to npm ($node_gyp)"

# Headers of the running Node: Debian's under /usr, an official build's next to its binary.
nodedir=""
for candidate in /usr "$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")"; do
  if [ -f "$candidate/include/node/node.h" ] && [ -f "$candidate/include/node/common.gypi" ]; then
    nodedir="$candidate"
    break
  fi
done
[ -n "$nodedir" ] || fail "no Node headers (include/node/node.h) under /usr or the node install; not downloading"

# RtMidi tries each compiled-in API in turn and ALSA throws here: JACK must be the only one.
sed -i -e "s/'__LINUX_ALSA__'/'__UNIX_JACK__'/" -e "s/'-lasound'/'-ljack'/" "$MIDI_DIR/binding.gyp"
grep -q "'__UNIX_JACK__'" "$MIDI_DIR/binding.gyp" && ! grep -q "'__LINUX_ALSA__'" "$MIDI_DIR/binding.gyp" ||
  fail "could not patch $MIDI_DIR/binding.gyp (format changed?)"

log="$(mktemp)"
echo "build-jack-midi: rebuilding $MIDI_DIR for JACK MIDI (nodedir $nodedir)"
if ! (cd "$MIDI_DIR" && node "$node_gyp" rebuild --nodedir="$nodedir" --jobs=2 >"$log" 2>&1); then
  tail -n 40 "$log" >&2
  rm -f "$log"
  fail "node-gyp rebuild failed"
fi
rm -f "$log"
links_jack "$ADDON" || fail "$ADDON was built but does not link libjack"

# The package must load the new addon (pkg-prebuilds prefers build/ over prebuilds/).
node -e '
  const midi = require(process.argv[1]);
  midi.verifyLibraryLoaded();
' "$PWD/$MIDI_DIR" || fail "the rebuilt addon does not load"
echo "build-jack-midi: $ADDON links libjack"
