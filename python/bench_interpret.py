#!/usr/bin/env python3
"""lmr.interpret against reading the same CSV, in one process (a benchmark, not a test).

usage: python python/bench_interpret.py [ROWS]   (from the repository root; default 1000000)

Writes the synthetic cohort (../shared/bench/gen_cohort.py ROWS) to target/bench/ once, then
times, best of three each: pl.read_csv, lmr.interpret on the polars frame, pd.read_csv and
lmr.interpret on the pandas frame. Prints both times and the ratio interpret / read_csv.
"""

import os
import pathlib
import subprocess
import sys
import time
import warnings

import pandas as pd
import polars as pl

# The script's own folder (put first on the path by Python) holds the package's sources
# (python/lmr) without the compiled extension: import the installed package, not those. (An
# editable install, `maturin develop`, puts the folder on the path itself, with the extension.)
if sys.path and pathlib.Path(sys.path[0] or ".").resolve() == pathlib.Path(__file__).resolve().parent:
    sys.path.pop(0)
import lmr  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[1]


def cohort(rows: int) -> pathlib.Path:
    path = ROOT / "target" / "bench" / f"cohort-{rows}.csv"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        gen = ROOT.parent / "shared" / "bench" / "gen_cohort.py"
        with open(path.with_suffix(".tmp"), "w") as out:
            subprocess.run([sys.executable, str(gen), str(rows)], stdout=out, check=True)
        os.replace(path.with_suffix(".tmp"), path)
    return path


def best(f, repeat=3):
    """The fastest of `repeat` runs: (wall s, CPU s of the whole process, all threads), result."""
    times, result = [], None
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        result = f()
        times.append((time.perf_counter() - t, time.process_time() - c))
    return min(times), result


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    path = cohort(rows)
    warnings.simplefilter("ignore", lmr.RowErrorsWarning)
    print(f"lmr {lmr.__version__}, polars {pl.__version__}, pandas {pd.__version__}, "
          f"{os.cpu_count()} cores, {rows} rows ({path.stat().st_size / 1e6:.0f} MB), "
          f"load average {os.getloadavg()[0]:.2f}; best of 3, wall s / CPU s")
    for name, read in [("polars", lambda: pl.read_csv(path)), ("pandas", lambda: pd.read_csv(path))]:
        (t_read, c_read), frame = best(read)
        (t_interp, c_interp), out = best(lambda: lmr.interpret(frame))
        assert len(out) == rows
        print(f"{name}: read_csv {t_read:.3f} / {c_read:.3f}, lmr.interpret {t_interp:.3f} / "
              f"{c_interp:.3f}, interpret / read_csv = {t_interp / t_read:.2f} (wall), "
              f"{c_interp / c_read:.2f} (CPU)")
        # Where interpret's time goes: the frame to Arrow, the rows (Rust), the results back.
        (t_in, _), data = best(lambda: lmr._pandas_to_arrow(frame) if name == "pandas" else frame)
        reading = {"protocol": None, "sample_id": None, "decimal_comma": False}
        (t_rows, c_rows), (table, _) = best(
            lambda: lmr._lmr.interpret(data, lmr._range_options({}), reading, views=name == "polars")
        )
        (t_out, _), _ = best(lambda: lmr._append(name, frame, table))
        print(f"  of which: to Arrow {t_in:.3f}, rows {t_rows:.3f} / {c_rows:.3f}, "
              f"results to {name} {t_out:.3f}")
    print(f"load average after: {os.getloadavg()[0]:.2f}")

if __name__ == "__main__":
    main()
