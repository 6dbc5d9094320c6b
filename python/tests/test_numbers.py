"""lmr.interpret on numeric columns (pandas int64 / float64, polars Int64 / Float64): numbers
are read as numbers, with the checks and error texts their text gets from `lmr batch`
(negative, zero dose, not finite), and every result cell is the one `lmr batch` writes for the
same CSV.

Expected values are worked by hand (recovery % = concentration × urine volume ÷ dose × 100;
L:M = lactulose % ÷ mannitol %; zonulin and vitamin D as given)."""

import io
import math

import pandas as pd
import polars as pl
import pytest

import lmr

CSV = """\
id,urine_lactulose [mg/L],urine_mannitol [mg/L],urine_volume [mL],lactulose_dose [g],mannitol_dose [g],collection [h],age [y],sex,zonulin [ng/mL],zonulin_matrix,vitamin_d [nmol/L]
good,9.21,72.9,1857,5,1,5,35,F,46.5,serum,55.2
negative_volume,9.21,72.9,-40,5,1,5,35,M,46.5,serum,55.2
zero_dose,9.21,72.9,1857,0,1,5,35,F,46.5,serum,55.2
missing,,72.9,1857,5,1,5,,F,,serum,
huge,1e308,72.9,1857,5,1,5,35,F,46.5,serum,55.2
child,9.21,72.9,1857,5,1,5,1.5,F,46.5,serum,55.2
negative_vitamin_d,9.21,72.9,1857,5,1,5,35,F,46.5,serum,-3.5
"""
ROWS = len(CSV.splitlines()) - 1
INPUT_COLUMNS = len(CSV.splitlines()[0].split(","))


def frames():
    pandas = pd.read_csv(io.StringIO(CSV))
    polars = pl.read_csv(io.StringIO(CSV))
    # the numbers really are numbers
    assert str(pandas["urine_volume [mL]"].dtype) == "int64"
    assert str(pandas["urine_lactulose [mg/L]"].dtype) == "float64"
    assert polars["urine_volume [mL]"].dtype == pl.Int64
    return {"pandas": pandas, "polars": polars}


def interpret(frame):
    with pytest.warns(lmr.RowErrorsWarning):
        out = lmr.interpret(frame)
    return out.to_pandas() if isinstance(out, pl.DataFrame) else out


@pytest.mark.parametrize("kind", ["pandas", "polars"])
def test_numbers_hand_worked(kind):
    out = interpret(frames()[kind])
    assert len(out) == ROWS
    good = out.iloc[0]
    # 9.21 mg/L × 1.857 L = 17.10297 mg of 5000 mg = 0.3420594 %;
    # 72.9 mg/L × 1.857 L = 135.3753 mg of 1000 mg = 13.53753 %; L:M 0.3420594 / 13.53753
    assert good["lactulose_recovery_pct"] == pytest.approx(9.21 * 1.857 / 5000 * 100, rel=1e-12)
    assert good["mannitol_recovery_pct"] == pytest.approx(72.9 * 1.857 / 1000 * 100, rel=1e-12)
    assert good["lm_ratio"] == pytest.approx((9.21 / 5000) / (72.9 / 1000), rel=1e-12)
    assert good["vitamin_d_nmol_l"] == pytest.approx(55.2, rel=1e-12)

    def error(row):
        return out.iloc[row]["error"]

    assert error(1) == 'row 2 (line 3), column "urine_volume [mL]", value "-40": must not be negative'
    assert error(2) == (
        'row 3 (line 4), column "lactulose_dose [g]", value "0": a dose must be greater than zero'
    )
    # a missing number is missing, not zero: no lactulose result, no error
    assert pd.isna(error(3))
    assert math.isnan(out.iloc[3]["lactulose_recovery_pct"])
    # 1.5 years is an age like any other
    assert pd.isna(error(5))
    assert error(6) == (
        'row 7 (line 8), column "vitamin_d [nmol/L]", value "-3.5": must not be negative'
    )


@pytest.mark.parametrize("kind", ["pandas", "polars"])
def test_numbers_same_cells_as_lmr_batch(kind, same_as_batch):
    same_as_batch(CSV, interpret(frames()[kind]), INPUT_COLUMNS)


def test_polars_nan_is_not_a_finite_number():
    # polars keeps NaN apart from null: a NaN is a value, and not a finite one
    frame = pl.DataFrame({"id": ["a", "b"], "urine_volume [mL]": [float("nan"), None]})
    with pytest.warns(lmr.RowErrorsWarning, match="1 of 2 rows"):
        out = lmr.interpret(frame)
    assert out["error"][0] == (
        'row 1 (line 2), column "urine_volume [mL]", value "NaN": not a finite number'
    )
    assert out["error"][1] is None
