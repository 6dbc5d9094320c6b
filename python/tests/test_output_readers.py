"""`lmr batch` output read by the CSV and JSON readers a data scientist uses (pandas, polars):
every quantity column arrives as a float column, with no cleaning, including rows whose
inputs were censored (below a detection limit); a censored result is empty in its column and
stated in the `<column>_bound` text companion.

The test runs the `lmr` binary (the `lmr_bin` fixture of conftest.py).

Expected values are worked by hand (recovery % = concentration × urine volume ÷ dose × 100;
L:M ratio = lactulose % ÷ mannitol %; nmol/L = ng/mL × 1000 ÷ 400.64 g/mol, 25(OH)D3)."""

import subprocess

import pandas as pd
import polars as pl
import pytest

INPUT = """\
id,urine_lactulose [mg/L],urine_mannitol [mg/L],urine_volume [mL],lactulose_dose [g],mannitol_dose [g],collection [h],vitamin_d [ng/mL]
censored_l,<5,151,1200,5,1,5,<4
good,20,151,1200,5,1,5,30
censored_m,20,<10,1200,5,1,5,30
bad,20,151,-40,5,1,5,30
"""
# The censored row comes first: a reader that guessed a column's type from its first value
# would see an empty cell there.
QUANTITIES = ["lactulose_recovery_pct", "mannitol_recovery_pct", "lm_ratio", "vitamin_d_nmol_l"]
BOUNDS = ["lactulose_recovery_pct_bound", "mannitol_recovery_pct_bound", "lm_ratio_bound"]

# good: 20 mg/L × 1.2 L = 24 mg of 5000 mg = 0.48 %; 151 mg/L × 1.2 L = 181.2 mg of
# 1000 mg = 18.12 %; 0.48 / 18.12 = 0.026490066…; 30 ng/mL × 1000 / 400.64 = 74.880192 nmol/L
GOOD = {
    "lactulose_recovery_pct": 0.48,
    "mannitol_recovery_pct": 18.12,
    "lm_ratio": 0.48 / 18.12,
    "vitamin_d_nmol_l": 30 * 1000 / 400.64,
}
# censored_l: lactulose < 5 mg/L: recovery < 5 × 1.2 / 5000 × 100 = 0.12 %; ratio < 0.12 / 18.12
# = 0.0066225165562… (10 significant digits: 0.006622516556); vitamin D < 4 ng/mL: no value.
# censored_m: mannitol < 10 mg/L: recovery < 10 × 1.2 / 1000 × 100 = 1.2 %; ratio > 0.48 / 1.2 = 0.4.
EXPECTED_BOUNDS = {
    "censored_l": {"lactulose_recovery_pct_bound": "<0.12", "lm_ratio_bound": "<0.006622516556"},
    "censored_m": {"mannitol_recovery_pct_bound": "<1.2", "lm_ratio_bound": ">0.4"},
}


@pytest.fixture(scope="module")
def outputs(tmp_path_factory, lmr_bin):
    """The batch output of INPUT as CSV and as JSON Lines."""
    tmp = tmp_path_factory.mktemp("batch")
    source = tmp / "cohort.csv"
    source.write_text(INPUT)
    paths = {}
    for fmt in ["csv", "jsonl"]:
        paths[fmt] = tmp / f"out.{fmt}"
        done = subprocess.run(
            [str(lmr_bin), "batch", str(source), "-o", str(paths[fmt]), "--format", fmt, "--no-progress"],
            capture_output=True,
            text=True,
        )
        # exit 3: a row has an `error` (the bad row); every row is written all the same
        assert done.returncode == 3, done.stderr
        assert "4 rows read, 3 interpreted, 1 with errors" in done.stderr
    return paths


def check_pandas(df: pd.DataFrame) -> None:
    assert list(df["id"]) == ["censored_l", "good", "censored_m", "bad"]
    for q in QUANTITIES:
        assert df[q].dtype == "float64", (q, df[q].dtype)
    rows = df.set_index("id")
    for q, value in GOOD.items():
        assert rows.loc["good", q] == pytest.approx(value, rel=1e-9), q
    # censored: the number is empty, the bound is text beside it
    assert pd.isna(rows.loc["censored_l", "lactulose_recovery_pct"])
    assert pd.isna(rows.loc["censored_l", "lm_ratio"])
    assert pd.isna(rows.loc["censored_l", "vitamin_d_nmol_l"])
    assert rows.loc["censored_l", "mannitol_recovery_pct"] == pytest.approx(18.12, rel=1e-9)
    assert pd.isna(rows.loc["censored_m", "mannitol_recovery_pct"])
    assert rows.loc["censored_m", "lactulose_recovery_pct"] == pytest.approx(0.48, rel=1e-9)
    for row, bounds in EXPECTED_BOUNDS.items():
        for column, text in bounds.items():
            assert rows.loc[row, column] == text, (row, column)
    # bad: the volume is rejected, so no recovery; the ratio needs no volume:
    # (20 / 5000) / (151 / 1000) = 0.004 / 0.151 = 0.026490066…
    assert pd.isna(rows.loc["bad", "lactulose_recovery_pct"])
    assert rows.loc["bad", "lm_ratio"] == pytest.approx(0.004 / 0.151, rel=1e-9)
    assert "urine_volume [mL]" in rows.loc["bad", "error"]


def check_polars(df: pl.DataFrame) -> None:
    assert df["id"].to_list() == ["censored_l", "good", "censored_m", "bad"]
    for q in QUANTITIES:
        assert df.schema[q] == pl.Float64, (q, df.schema[q])
    for b in BOUNDS:
        assert df.schema[b] == pl.String, (b, df.schema[b])
    good = df.filter(pl.col("id") == "good").row(0, named=True)
    for q, value in GOOD.items():
        assert good[q] == pytest.approx(value, rel=1e-9), q
    for row, bounds in EXPECTED_BOUNDS.items():
        got = df.filter(pl.col("id") == row).row(0, named=True)
        for column, text in bounds.items():
            assert got[column] == text, (row, column)
    censored = df.filter(pl.col("id") == "censored_l").row(0, named=True)
    assert censored["lactulose_recovery_pct"] is None
    assert censored["vitamin_d_nmol_l"] is None


def test_csv_read_by_pandas(outputs):
    check_pandas(pd.read_csv(outputs["csv"]))


def test_csv_read_by_polars(outputs):
    check_polars(pl.read_csv(outputs["csv"]))


def test_jsonl_read_by_pandas(outputs):
    check_pandas(pd.read_json(outputs["jsonl"], lines=True))


def test_jsonl_read_by_polars(outputs):
    check_polars(pl.read_ndjson(outputs["jsonl"]))
