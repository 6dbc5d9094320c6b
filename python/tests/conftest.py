"""Shared fixtures: the `lmr` binary, and a cell-for-cell comparison with `lmr batch`."""

import math
import os
import pathlib
import subprocess

import pandas as pd
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def lmr_bin() -> pathlib.Path:
    """$LMR_BIN, else target/debug/lmr (built here when missing; .ci/test builds it first)."""
    if os.environ.get("LMR_BIN"):
        return pathlib.Path(os.environ["LMR_BIN"])
    binary = ROOT / "target" / "debug" / "lmr"
    if not binary.exists():
        subprocess.run(["cargo", "build", "--quiet", "--bin", "lmr"], cwd=ROOT, check=True)
    return binary


def _missing(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


@pytest.fixture
def same_as_batch(lmr_bin, tmp_path):
    """A check that a frame lmr.interpret returned (as pandas) has, cell for cell, the result
    columns `lmr batch` writes for the same CSV text: the same names in the same order, text
    cells equal (an empty cell where the frame has a missing value), numbers equal to the 10
    significant digits `lmr batch` writes (an empty cell where the frame has NaN)."""

    def check(csv_text: str, out: pd.DataFrame, input_columns: int, *options: str) -> None:
        source = tmp_path / "in.csv"
        source.write_text(csv_text)
        target = tmp_path / "out.csv"
        done = subprocess.run(
            [str(lmr_bin), "batch", str(source), "-o", str(target), "--no-progress", *options],
            capture_output=True,
            text=True,
        )
        assert done.returncode in (0, 3), done.stderr  # 3: rows with an error, all written
        batch = pd.read_csv(target, dtype=str, keep_default_na=False)
        results = list(batch.columns[input_columns:])
        assert list(out.columns[input_columns:]) == results
        assert len(out) == len(batch)
        for c in results:
            numbers = out[c].dtype == "float64"
            for row in range(len(batch)):
                want, got = batch.iloc[row][c], out.iloc[row][c]
                where = f"row {row + 1}, {c}: lmr batch {want!r}, lmr.interpret {got!r}"
                if numbers and want != "":
                    # lmr batch writes 10 significant digits
                    assert got == pytest.approx(float(want), rel=5e-10), where
                else:
                    assert ("" if _missing(got) else got) == want, where

    return check
