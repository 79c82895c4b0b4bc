#!/usr/bin/env bash
# Times the whole `propex extract` command on a synthetic corpus with /usr/bin/time -v:
# wall time, throughput and peak RSS, with -j1 and the default thread count, per format.
#
#   scripts/bench-cli.sh                 # 10,000 files, every format
#   FILES=100000 FORMATS=jsonl scripts/bench-cli.sh
#   RUNS=5 scripts/bench-cli.sh          # best of five runs instead of three
#   HTML=1 FORMATS=jsonl scripts/bench-cli.sh   # saved government pages instead of pipe text
#
# The corpus is generated once into target/bench-corpus-FILES and read once before timing, so
# the runs measure files in the page cache. Prints a Markdown table.
set -euo pipefail
cd "$(dirname "$0")/.."

FILES=${FILES:-10000}
FORMATS=${FORMATS:-"jsonl json yaml csv"}
RUNS=${RUNS:-3}
HTML=${HTML:-}
if [ -n "$HTML" ]; then
    CORPUS=${CORPUS:-target/bench-pages-$FILES}
    kind=(--html)
else
    CORPUS=${CORPUS:-target/bench-corpus-$FILES}
    kind=()
fi

cargo build --release --quiet
cargo build --release --quiet --example corpus
if [ ! -d "$CORPUS" ]; then
    ./target/release/examples/corpus "$FILES" "$CORPUS" 25000 "${kind[@]}" >&2
fi
# %.0f, not %d: mawk prints integers above 2^31 as 2147483647.
BYTES=$(find "$CORPUS" -type f -printf '%s\n' | awk '{s += $1} END {printf "%.0f", s}')
find "$CORPUS" -type f -print0 | xargs -0 cat > /dev/null
# What reading the files alone costs here, as a floor for the runs below.
start=$(date +%s.%N)
find "$CORPUS" -type f -print0 | xargs -0 cat > /dev/null
read_s=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')

echo "corpus: $FILES files, $BYTES bytes ($CORPUS); $(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "reading the files alone (find | xargs cat): ${read_s} s, $(awk -v b="$BYTES" -v w="$read_s" 'BEGIN { printf "%.0f", b / w / 1e6 }') MB/s"
echo
echo "| format | threads | wall (s) | MB/s of input | peak RSS (MB) | exit |"
echo "|---|---|---|---|---|---|"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for format in $FORMATS; do
    for jobs in 1 default; do
        args=(extract -q -f "$format")
        [ "$jobs" = default ] || args+=(-j "$jobs")
        # Best wall time of RUNS runs (a virtual machine's neighbours add noise, never speed),
        # and the highest peak RSS among them.
        wall="" rss=0 code=0
        for _ in $(seq "$RUNS"); do
            set +e
            /usr/bin/time -v ./target/release/propex "${args[@]}" "$CORPUS" > /dev/null 2> "$log"
            run_code=$?
            set -e
            [ "$run_code" = 0 ] || code=$run_code
            w=$(grep 'Elapsed (wall clock)' "$log" | awk '{print $NF}' | awk -F: '{ if (NF == 3) print $1*3600 + $2*60 + $3; else print $1*60 + $2 }')
            r=$(grep 'Maximum resident set size' "$log" | awk '{print $NF}')
            if [ -z "$wall" ] || awk -v a="$w" -v b="$wall" 'BEGIN { exit !(a < b) }'; then wall=$w; fi
            [ "$r" -gt "$rss" ] && rss=$r
        done
        mbs=$(awk -v b="$BYTES" -v w="$wall" 'BEGIN { printf "%.0f", b / w / 1e6 }')
        printf '| %s | %s | %.2f | %s | %.1f | %s |\n' "$format" "$jobs" "$wall" "$mbs" "$(awk -v r="$rss" 'BEGIN { print r / 1024 }')" "$code"
    done
done
