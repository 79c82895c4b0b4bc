#!/usr/bin/env bash
# Runs the fuzz targets (fuzz/, cargo-fuzz layout) for a while each, seeded with the fixtures and
# the kept regressions. Whatever a target finds (a crash, an input slower than 10 s, one that
# needs more than 2 GB) is copied to fuzz/regressions/<target>/, which `cargo test` replays.
#
#   scripts/fuzz.sh                 # every target, 60 s each
#   FUZZ_SECONDS=600 scripts/fuzz.sh extract validate_json
#
# Needs the nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${FUZZ_SECONDS:-60}
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(extract validate_raw validate_yaml validate_json)

status=0
for t in "${targets[@]}"; do
  corpus=fuzz/corpus/$t
  mkdir -p "$corpus" "fuzz/artifacts/$t"
  case $t in
    extract | validate_raw) find fixtures -type f -name '*.txt' -exec cp -n {} "$corpus/" \; ;;
  esac
  cp -n fuzz/regressions/"$t"/* "$corpus/" 2>/dev/null || true
  echo "fuzz: $t for ${seconds}s"
  if ! cargo +nightly fuzz run "$t" "$corpus" -- \
      -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=262144 \
      -artifact_prefix="fuzz/artifacts/$t/" -print_final_stats=1; then
    status=1
  fi
  for a in fuzz/artifacts/"$t"/*; do
    [ -f "$a" ] || continue
    cp "$a" "fuzz/regressions/$t/"
    echo "fuzz: $t found $(basename "$a"), kept in fuzz/regressions/$t/"
  done
done
exit $status
