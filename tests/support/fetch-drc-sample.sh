#!/usr/bin/env bash
# Makes sure DRC's sample room measurement (sample/rs.pcm from Debian's `drc` source package:
# a real loudspeaker-in-room impulse response, raw float32 LE at 44.1 kHz, GPL-2+) is in CACHE_DIR
# (default ~/.cache/lathe/drc, where tests/support/drc-sample.ts looks unless LATHE_DRC_SAMPLE is
# set), with DRC's B&K target curve (target/44.1 kHz/bk-44.1.txt) beside it as bk-44.1.txt.
# Fetched with the ordinary apt client at test time instead of being committed (licence).
#
# Usage: tests/support/fetch-drc-sample.sh [CACHE_DIR]
# Needs root the first time: it enables deb-src for the machine's existing Debian sources
# (idempotently) and runs `apt-get update`. Exits non-zero with a message when it cannot.
set -euo pipefail

CACHE_DIR="${1:-${HOME}/.cache/lathe/drc}"
EXPECTED_MD5="661331005c17bc20e68edaa7b3ae755a"
SOURCES=/etc/apt/sources.list.d/debian.sources
TARGET="${CACHE_DIR}/rs.pcm"

md5_of() { md5sum "$1" | cut -d' ' -f1; }

mkdir -p "$CACHE_DIR"
TARGET_CURVE="${CACHE_DIR}/bk-44.1.txt"
if [ -f "$TARGET" ] && [ "$(md5_of "$TARGET")" = "$EXPECTED_MD5" ] && [ -s "$TARGET_CURVE" ]; then
  exit 0
fi

tarball=""
find_tarball() { tarball="$(find "$CACHE_DIR" -maxdepth 1 -name 'drc_*.orig.tar.*' -print -quit)"; }
find_tarball

if [ -z "$tarball" ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "fetch-drc-sample: the drc source package is needed; run as root (enables deb-src, apt-get update)" >&2
    exit 1
  fi
  # deb822 sources: a stanza whose Types line is exactly "Types: deb" also gets deb-src. Lines that
  # already list deb-src (or anything else) are left as they are, so running this again changes nothing.
  if [ -f "$SOURCES" ]; then
    if grep -qx 'Types: deb' "$SOURCES"; then
      sed -i 's/^Types: deb$/Types: deb deb-src/' "$SOURCES"
    fi
  elif ! grep -rqs '^deb-src ' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    echo "fetch-drc-sample: no $SOURCES and no deb-src line elsewhere; add a deb-src source by hand" >&2
    exit 1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  # apt downloads as the unprivileged _apt user, which cannot write into root's home: fetch into
  # a directory it owns, then move the files into the cache.
  download_dir="$(mktemp -d)"
  trap 'rm -rf "$download_dir"' EXIT
  if id _apt >/dev/null 2>&1; then chown _apt "$download_dir"; fi
  (cd "$download_dir" && apt-get source --download-only -qq drc >/dev/null)
  mv "$download_dir"/drc_* "$CACHE_DIR"/
  find_tarball
  if [ -z "$tarball" ]; then
    echo "fetch-drc-sample: apt-get source drc left no drc_*.orig.tar.* in $CACHE_DIR" >&2
    exit 1
  fi
fi

# Only the files needed are extracted, through temporary names so a half-written file never counts.
tar -xOf "$tarball" --wildcards '*/sample/rs.pcm' >"${TARGET}.partial"
actual="$(md5_of "${TARGET}.partial")"
if [ "$actual" != "$EXPECTED_MD5" ]; then
  rm -f "${TARGET}.partial"
  echo "fetch-drc-sample: sample/rs.pcm in $tarball has md5 $actual, expected $EXPECTED_MD5" >&2
  exit 1
fi
mv "${TARGET}.partial" "$TARGET"
tar -xOf "$tarball" --wildcards '*/target/44.1 kHz/bk-44.1.txt' >"${TARGET_CURVE}.partial"
mv "${TARGET_CURVE}.partial" "$TARGET_CURVE"
