"""lmr.interpret on the long layout (one row per timed urine fraction, a sample's rows
consecutive): rows in = rows out, the input columns unchanged, each row's own fraction in the
`<name>_fraction` columns, the whole collection on the sample's last row, row errors as
`lmr batch` writes them; and every result cell the same as `lmr batch` on the same CSV.

Expected values are worked by hand (recovery % = concentration × urine volume ÷ dose × 100,
a sample's whole collection = the sum of its fractions' amounts; L:M = lactulose % ÷
mannitol %)."""

import io
import math

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import lmr

CSV = """\
sample_id,fraction,urine_lactulose [mg/L],urine_mannitol [mg/L],urine_volume [mL],lactulose_dose [g],mannitol_dose [g],collection [h],vitamin_d [nmol/L]
A,0-2h,10,100,400,5,1,5,50
A,2-5h,<0.5,50,600,5,1,5,50
B,0-5h,20,150,1200,5,1,5,60
C,0-2h,10,100,-40,5,1,5,70
C,2-5h,10,50,600,5,1,5,70
A,0-2h,10,100,400,5,1,5,50
"""
ROWS = 6
INPUT_COLUMNS = CSV.splitlines()[0].split(",")
# C's first row (a negative volume), C's last row (its whole collection left empty because of
# that row) and A's reappearing row have an error.
ERRORS = 3


def frames():
    """The cohort as pandas reads it (int64 / float64 / text columns), as polars reads it, as
    text only, and as a pyarrow table."""
    return {
        "pandas": pd.read_csv(io.StringIO(CSV)),
        "pandas-text": pd.read_csv(io.StringIO(CSV), dtype=str),
        "polars": pl.read_csv(io.StringIO(CSV)),
        "pyarrow": pa.table(pl.read_csv(io.StringIO(CSV))),
    }


def interpret(frame):
    with pytest.warns(lmr.RowErrorsWarning, match=f"{ERRORS} of {ROWS} rows"):
        return lmr.interpret(frame)


def as_pandas(out):
    if isinstance(out, pl.DataFrame):
        return out.to_pandas()
    if isinstance(out, pa.Table):
        return out.to_pandas()
    return out


@pytest.mark.parametrize("kind", ["pandas", "pandas-text", "polars", "pyarrow"])
def test_long_layout_hand_worked(kind):
    frame = frames()[kind]
    out = interpret(frame)
    assert type(out) is type(frame)
    df = as_pandas(out)
    assert len(df) == ROWS
    assert list(df.columns[: len(INPUT_COLUMNS)]) == INPUT_COLUMNS
    pd.testing.assert_frame_equal(df[INPUT_COLUMNS], as_pandas(frame))
    for c in ["lactulose_recovery_pct", "lactulose_recovery_pct_fraction", "lm_ratio_fraction"]:
        assert str(df[c].dtype) == "float64", c

    def num(row, column):
        return df.loc[row, column]

    def text(row, column):
        v = df.loc[row, column]
        return "" if v is None or (isinstance(v, float) and math.isnan(v)) else v

    # A, 0–2 h: 10 mg/L × 0.4 L = 4 mg of 5000 mg = 0.08 %; 100 × 0.4 = 40 mg of 1000 mg = 4 %;
    # L:M 0.08 / 4 = 0.02. Not A's last row: no whole collection.
    assert num(0, "lactulose_recovery_pct_fraction") == pytest.approx(0.08, rel=1e-12)
    assert num(0, "mannitol_recovery_pct_fraction") == pytest.approx(4.0, rel=1e-12)
    assert num(0, "lm_ratio_fraction") == pytest.approx(0.02, rel=1e-12)
    assert math.isnan(num(0, "lactulose_recovery_pct"))
    assert math.isnan(num(0, "lm_ratio"))
    # A, 2–5 h: lactulose < 0.5 mg/L × 0.6 L = < 0.3 mg of 5000 mg = < 0.006 %;
    # mannitol 50 × 0.6 = 30 mg of 1000 mg = 3 %.
    assert math.isnan(num(1, "lactulose_recovery_pct_fraction"))
    assert text(1, "lactulose_recovery_pct_fraction_bound") == "<0.006"
    assert num(1, "mannitol_recovery_pct_fraction") == pytest.approx(3.0, rel=1e-12)
    # A's whole collection, on its last row: lactulose < (4 + 0.3) mg = < 4.3 mg of 5000 mg
    # = < 0.086 %; mannitol (40 + 30) mg of 1000 mg = 7 %.
    assert math.isnan(num(1, "lactulose_recovery_pct"))
    assert text(1, "lactulose_recovery_pct_bound") == "<0.086"
    assert num(1, "mannitol_recovery_pct") == pytest.approx(7.0, rel=1e-12)
    assert text(1, "error") == ""
    # B, one fraction 0–5 h, which is the whole: 20 × 1.2 = 24 mg of 5000 mg = 0.48 %;
    # 150 × 1.2 = 180 mg of 1000 mg = 18 %; L:M 0.48 / 18 = 0.026667.
    for c in ["lactulose_recovery_pct", "lactulose_recovery_pct_fraction"]:
        assert num(2, c) == pytest.approx(0.48, rel=1e-12)
    assert num(2, "lm_ratio") == pytest.approx(0.48 / 18, rel=1e-12)
    assert num(2, "vitamin_d_nmol_l") == pytest.approx(60.0, rel=1e-12)
    # C, 0–2 h: a negative volume; its fraction cannot be read.
    assert text(3, "error") == (
        'row 4 (line 5), column "urine_volume [mL]", value "-40": must not be negative'
    )
    assert math.isnan(num(3, "lactulose_recovery_pct_fraction"))
    # C, 2–5 h: its own fraction 10 × 0.6 = 6 mg of 5000 mg = 0.12 %; the whole collection is
    # left empty (it would miss row 4's fraction), and the row says so.
    assert num(4, "lactulose_recovery_pct_fraction") == pytest.approx(0.12, rel=1e-12)
    assert math.isnan(num(4, "lactulose_recovery_pct"))
    assert text(4, "error") == (
        "row 5 (line 6): the sample's whole-collection sugar results are left empty: "
        "its fraction in row 4 (line 5) has an error"
    )
    assert num(4, "vitamin_d_nmol_l") == pytest.approx(70.0, rel=1e-12)
    # A again after other samples: kept, not interpreted.
    assert text(5, "error") == (
        'row 6 (line 7), column "sample_id", value "A": this sample\'s rows ended earlier '
        "(other samples' rows came between): a sample's fraction rows must be consecutive "
        "(the row is kept and not interpreted)"
    )
    assert math.isnan(num(5, "lactulose_recovery_pct_fraction"))


def test_long_layout_same_cells_as_lmr_batch(same_as_batch):
    for kind, frame in frames().items():
        same_as_batch(CSV, as_pandas(interpret(frame)), len(INPUT_COLUMNS))
