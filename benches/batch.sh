#!/usr/bin/env bash
# Benchmark `lmr batch` against the CSV read+write floor (csvcopy) and its peers, side by side.
#
# usage: benches/batch.sh [ROWS]        (default 1000000; run from anywhere)
#   BENCH_DIR=DIR   keep the generated cohort and outputs in DIR (default: a new temporary folder)
#   RUNS=N          runs per tool, the fastest wall time is kept (default 3)
#   PEERS=0         skip the Python peers (polars, pandas)
#   INSTR_ROWS=N    also count instructions per row with callgrind on an N-row cohort (e.g. 20000)
#
# Generates ../shared/bench/gen_cohort.py ROWS (synthetic, not clinical data; its rows carry
# `zonulin_matrix`, so lmr reads the file with no column map), builds lmr and csvcopy in release
# mode, runs every tool on the same file with /usr/bin/time, and prints one table: wall time,
# CPU time (user + sys), peak RSS, the load average when the kept run started, and the ratios the
# batch issue sets targets for:
#   lmr wall ≤ 1.3 × csvcopy, lmr wall ≤ 0.5 × polars, lmr CPU ≤ 2 × csvcopy, peak RSS ≤ 16 MiB
#   (the RSS target is for 10M rows: `benches/batch.sh 10000000`).
# polars and pandas run from a virtual environment at target/bench-venv (created on first use).
set -euo pipefail
ROWS=${1:-1000000}
RUNS=${RUNS:-3}
REPO=$(cd "$(dirname "$0")/.." && pwd)
BENCH=$(cd "$REPO/../shared/bench" && pwd)
WORK=${BENCH_DIR:-$(mktemp -d)}
mkdir -p "$WORK"
TIME=/usr/bin/time

echo "# rows: $ROWS; work dir: $WORK; $(nproc) cores; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "# lmr commit: $(git -C "$REPO" rev-parse --short HEAD)$(git -C "$REPO" diff --quiet HEAD || echo ' (modified)')"
cohort() { # ROWS -> path of the generated cohort
  local f="$WORK/cohort-$1.csv"
  [ -s "$f" ] || python3 "$BENCH/gen_cohort.py" "$1" > "$f"
  echo "$f"
}
IN=$(cohort "$ROWS")
echo "# input: $(du -h "$IN" | cut -f1)"

# Release builds; csvcopy is built into lmr's target/ (../shared is read-only).
(cd "$REPO" && cargo build --release --quiet --bin lmr && cargo build --release --quiet --bench floor_same_output)
cargo build --release --quiet --manifest-path "$BENCH/csvcopy/Cargo.toml" --target-dir "$REPO/target/csvcopy"
LMR="$REPO/target/release/lmr"
CSVCOPY="$REPO/target/csvcopy/release/csvcopy"
# The same copy floor for an output shaped like lmr's (benches/floor_same_output.rs).
FLOOR=$(ls -t "$REPO"/target/release/deps/floor_same_output-* | grep -v '\.d$' | head -1)

PY=""
if [ "${PEERS:-1}" != 0 ]; then
  VENV="$REPO/target/bench-venv"
  [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
  if "$VENV/bin/python" -c 'import polars, pandas' 2>/dev/null \
    || "$VENV/bin/pip" install --quiet --disable-pip-version-check polars pandas; then
    PY="$VENV/bin/python"
  else
    echo "# polars/pandas could not be installed into $VENV; the peers are skipped"
  fi
fi

# Runs a command RUNS times; prints the fastest run: name, wall s, peak KiB, CPU s, load average.
measure() {
  local name=$1; shift
  local best="" line=""
  for _ in $(seq "$RUNS"); do
    rm -f "$WORK/out-$name.csv"   # every run writes a new file (replacing a big one costs time)
    sync
    local load; load=$(cut -d' ' -f1 /proc/loadavg)
    $TIME -o "$WORK/time.txt" -f "%e %M %U %S" "$@" >/dev/null 2>"$WORK/stderr-$name.txt" \
      || { echo "# $name failed: $(tail -3 "$WORK/stderr-$name.txt")" >&2; return; }
    read -r t rss u s < <(tail -1 "$WORK/time.txt")
    if [ -z "$best" ] || awk "BEGIN{exit !($t < $best)}"; then
      best=$t; line="$name $t $rss $(awk "BEGIN{print $u + $s}") $load"
    fi
  done
  echo "$line"
}

results=$(
  measure csvcopy "$CSVCOPY" "$IN" "$WORK/out-csvcopy.csv"
  measure floor-lmr-size "$FLOOR" "$IN" "$WORK/out-floor-lmr-size.csv"
  measure lmr "$LMR" batch "$IN" -o "$WORK/out-lmr.csv" --no-progress
  if [ -n "$PY" ]; then
    measure polars "$PY" "$BENCH/peer_polars.py" "$IN" "$WORK/out-polars.csv"
    if [ -f "$BENCH/peer_pandas.py" ]; then
      measure pandas "$PY" "$BENCH/peer_pandas.py" "$IN" "$WORK/out-pandas.csv"
    fi
  fi
)
echo "$results" | awk '
  { t[$1]=$2; m[$1]=$3; c[$1]=$4; l[$1]=$5; order[NR]=$1 }
  END {
    printf "%-15s %8s %8s %9s %6s %11s %11s %11s\n", "tool", "wall s", "cpu s", "peak MiB", "load", "wall/copy", "cpu/copy", "lmr wall/it";
    for (i=1;i<=NR;i++) { k=order[i];
      printf "%-15s %8.2f %8.2f %9.1f %6.2f %10.2fx %10.2fx %10.2fx\n", k, t[k], c[k], m[k]/1024, l[k],
        t[k]/t["csvcopy"], c[k]/c["csvcopy"], t["lmr"]/t[k] }
    printf "# targets: lmr wall/csvcopy %.2fx (<= 1.3x), lmr wall/polars %s (<= 0.5x), lmr cpu/csvcopy %.2fx (<= 2x), lmr peak %.1f MiB (<= 16 MiB at 10M rows)\n",
      t["lmr"]/t["csvcopy"], ("polars" in t) ? sprintf("%.2fx", t["lmr"]/t["polars"]) : "n/a",
      c["lmr"]/c["csvcopy"], m["lmr"]/1024
  }'
rows_out=$(($(wc -l < "$WORK/out-lmr.csv") - 1))
echo "# lmr rows out: $rows_out (in: $ROWS); output sizes: $(du -h "$WORK"/out-*.csv | awk '{sub(".*/out-", "", $2); printf "%s %s  ", $2, $1}')"
echo "# best of $RUNS runs each (load = 1-min load average when the kept run started); load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

# Instructions per row (callgrind counts them exactly, whatever the load; start-up included).
if [ -n "${INSTR_ROWS:-}" ]; then
  SMALL=$(cohort "$INSTR_ROWS")
  count() { # name cmd... -> instructions per row
    local name=$1; shift
    LMR_THREADS=1 valgrind --tool=callgrind --callgrind-out-file="$WORK/callgrind.$name" "$@" >/dev/null 2>"$WORK/callgrind-$name.txt"
    awk -v rows="$INSTR_ROWS" -v n="$name" '/Collected/ {printf "%-15s %12d Ir %9.0f Ir/row\n", n, $4, $4/rows}' "$WORK/callgrind-$name.txt"
  }
  echo "# instructions, $INSTR_ROWS rows, one thread (valgrind --tool=callgrind; LMR_THREADS=1):"
  count csvcopy "$CSVCOPY" "$SMALL" "$WORK/out-small-csvcopy.csv"
  count lmr "$LMR" batch "$SMALL" -o "$WORK/out-small-lmr.csv" --no-progress
  echo "# profile: callgrind_annotate $WORK/callgrind.lmr"
fi
