#!/usr/bin/env bash
# Benchmark `lmr batch` against the CSV read+write floor (csvcopy) and polars, side by side.
#
# usage: benches/batch.sh [ROWS]        (default 1000000; run from anywhere)
#
# Generates ../shared/bench/gen_cohort.py ROWS (synthetic, not clinical data), builds lmr and
# csvcopy in release mode, runs each tool on the same file with /usr/bin/time, and prints wall
# time, peak RSS and the ratios the batch issue sets targets for:
#   lmr ≤ 1.3 × csvcopy wall time, lmr ≤ 0.5 × polars wall time, lmr peak RSS ≤ 16 MiB.
# The cohort has a zonulin column but no matrix column, so lmr reads it with
# benches/cohort-map.toml, which fixes `zonulin_matrix = "serum"` for every row.
set -euo pipefail
ROWS=${1:-1000000}
REPO=$(cd "$(dirname "$0")/.." && pwd)
BENCH=$(cd "$REPO/../shared/bench" && pwd)
WORK=${BENCH_DIR:-$(mktemp -d)}
mkdir -p "$WORK"
TIME=/usr/bin/time

echo "# rows: $ROWS; work dir: $WORK; $(nproc) cores; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ ! -s "$WORK/cohort-$ROWS.csv" ]; then
  python3 "$BENCH/gen_cohort.py" "$ROWS" > "$WORK/cohort-$ROWS.csv"
fi
IN="$WORK/cohort-$ROWS.csv"
echo "# input: $(du -h "$IN" | cut -f1)"

(cd "$REPO" && cargo build --release --quiet && cargo build --release --quiet --bench floor_same_output)
cargo build --release --quiet --manifest-path "$BENCH/csvcopy/Cargo.toml"
if ! python3 -c 'import polars' 2>/dev/null; then
  pip install --quiet polars || echo "# polars could not be installed; skipping it"
fi

LMR="$REPO/target/release/lmr"
CSVCOPY="$BENCH/csvcopy/target/release/csvcopy"
# The same copy floor for an output as large as lmr's (benches/floor_same_output.rs).
FLOOR=$(ls -t "$REPO"/target/release/deps/floor_same_output-* | grep -v '\.d$' | head -1)

# Runs a command 3 times and keeps the fastest wall time (and that run's peak RSS).
measure() {
  local name=$1; shift
  local best="" best_rss="" best_cpu=""
  for _ in 1 2 3; do
    local out
    rm -f "$WORK/out-$name.csv"   # every run writes a new file (replacing a big one costs time)
    sync
    $TIME -o "$WORK/time.txt" -f "%e %M %U %S" "$@" >/dev/null 2>/dev/null || true
    read -r t rss u s < <(tail -1 "$WORK/time.txt")
    if [ -z "$best" ] || awk "BEGIN{exit !($t < $best)}"; then
      best=$t; best_rss=$rss; best_cpu=$(awk "BEGIN{print $u + $s}")
    fi
  done
  printf '%s %s %s %s\n' "$name" "$best" "$best_rss" "$best_cpu"
}

results=$(
  measure csvcopy "$CSVCOPY" "$IN" "$WORK/out-csvcopy.csv"
  measure floor-519 "$FLOOR" "$IN" "$WORK/out-floor-519.csv"
  measure lmr "$LMR" batch "$IN" -o "$WORK/out-lmr.csv" --columns "$REPO/benches/cohort-map.toml" --no-progress
  if python3 -c 'import polars' 2>/dev/null; then
    measure polars python3 "$BENCH/peer_polars.py" "$IN" "$WORK/out-polars.csv"
  fi
)
echo "$results" | awk '
  { t[$1]=$2; m[$1]=$3; c[$1]=$4; order[NR]=$1 }
  END {
    printf "%-12s %9s %9s %10s %12s %12s\n", "tool", "wall s", "cpu s", "peak MiB", "vs csvcopy", "lmr vs it";
    for (i=1;i<=NR;i++) { k=order[i];
      printf "%-12s %9.2f %9.2f %10.1f %11.2fx %11.2fx\n", k, t[k], c[k], m[k]/1024, t[k]/t["csvcopy"], t["lmr"]/t[k] }
  }'
rows_out=$(($(wc -l < "$WORK/out-lmr.csv") - 1))
echo "# lmr rows out: $rows_out (in: $ROWS); output sizes: $(du -h "$WORK"/out-*.csv | awk '{printf "%s %s  ", $2, $1}')"
echo "# best of 3 runs each; load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
