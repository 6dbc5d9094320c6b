"""lmr.interpret on pandas, polars and pyarrow frames: rows in = rows out, the input columns
unchanged, float64 quantities, the error column, column maps, user ranges.

Expected values are worked by hand from the formulas (recovery % = concentration × urine
volume ÷ dose × 100; L:M ratio = lactulose % ÷ mannitol %; nmol/L = ng/mL × 1000 ÷ 400.64)."""

import math
import textwrap

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import lmr

HEADER = [
    "id",
    "urine_lactulose [mg/L]",
    "urine_mannitol [mg/L]",
    "urine_volume [mL]",
    "lactulose_dose [g]",
    "mannitol_dose [g]",
    "collection [h]",
    "vitamin_d [ng/mL]",
]
ROWS = [
    # good: 20 mg/L × 1.2 L = 24 mg of 5000 mg = 0.48 %; 150 mg/L × 1.2 L = 180 mg of
    # 1000 mg = 18 %; 0.48 / 18 = 0.026667; 30 ng/mL × 1000 / 400.64 = 74.880192 nmol/L
    ["good", "20", "150", "1200", "5", "1", "5", "30"],
    # censored: lactulose below a limit of 5 mg/L: recovery < 5 × 1.2 / 5000 × 100 = 0.12 %
    ["censored", "<5", "150", "1200", "5", "1", "5", "30"],
    # bad: a negative urine volume
    ["bad", "20", "150", "-40", "5", "1", "5", "30"],
]
QUANTITIES = ["lactulose_recovery_pct", "mannitol_recovery_pct", "lm_ratio", "vitamin_d_nmol_l"]


def pandas_frame():
    return pd.DataFrame(ROWS, columns=HEADER, index=[10, 20, 30])


def interpret(frame, **options):
    with pytest.warns(lmr.RowErrorsWarning, match="1 of 3 rows"):
        return lmr.interpret(frame, **options)


def test_pandas_rows_values_dtypes_and_error():
    df = pandas_frame()
    out = interpret(df)
    assert len(out) == len(df) == 3
    assert list(out.index) == [10, 20, 30]
    assert list(out.columns[: len(HEADER)]) == HEADER
    pd.testing.assert_frame_equal(out[HEADER], df)
    for q in QUANTITIES:
        assert out[q].dtype == "float64", q
    good = out.loc[10]
    assert good["lactulose_recovery_pct"] == pytest.approx(0.48, rel=1e-12)
    assert good["mannitol_recovery_pct"] == pytest.approx(18.0, rel=1e-12)
    assert good["lm_ratio"] == pytest.approx(0.48 / 18.0, rel=1e-12)
    assert good["vitamin_d_nmol_l"] == pytest.approx(30 * 1000 / 400.64, rel=1e-12)
    assert good["vitamin_d_class_iom_2011"] == "sufficient"  # 50 ≤ 74.88 ≤ 125
    assert good["lm_class"] == "unclassified"  # no verified range for 5 g / 1 g, 5 h
    assert pd.isna(good["error"])
    assert "no_matching_range" in good["caveats"].split(";")

    censored = out.loc[20]
    # censored: the recovery and the ratio are not numbers (their bound is carried as text)
    assert math.isnan(censored["lactulose_recovery_pct"])
    assert math.isnan(censored["lm_ratio"])
    assert censored["mannitol_recovery_pct"] == pytest.approx(18.0, rel=1e-12)
    # ... and in the text companion: 5 mg/L × 1.2 L / 5000 mg × 100 = 0.12 %; 0.12 / 18
    assert censored["lactulose_recovery_pct_bound"] == "<0.12"
    assert censored["lm_ratio_bound"] == "<0.006666666667"  # 10 significant digits
    assert pd.isna(good["lactulose_recovery_pct_bound"])
    assert pd.isna(censored["error"])

    bad = out.loc[30]
    assert bad["error"] == (
        'row 3 (line 4), column "urine_volume [mL]", value "-40": must not be negative'
    )
    assert math.isnan(bad["lactulose_recovery_pct"])


def test_pandas_numeric_input_columns_are_read_as_their_numbers():
    df = pd.DataFrame(
        {
            "urine_lactulose [mg/L]": [20.0],
            "urine_mannitol [mg/L]": [150],
            "urine_volume [mL]": [1200],
            "lactulose_dose [g]": [5],
            "mannitol_dose [g]": [1],
            "collection [h]": [5],
        }
    )
    out = lmr.interpret(df)
    assert out["lm_ratio"][0] == pytest.approx(0.48 / 18.0, rel=1e-12)
    assert out["urine_lactulose [mg/L]"].dtype == "float64"  # input untouched


def test_polars_rows_values_dtypes_and_error():
    df = pl.DataFrame(ROWS, schema=HEADER, orient="row")
    out = interpret(df)
    assert isinstance(out, pl.DataFrame)
    assert out.height == 3
    assert out.select(HEADER).equals(df)
    for q in QUANTITIES:
        assert out.schema[q] == pl.Float64, q
    assert out["lm_ratio"][0] == pytest.approx(0.48 / 18.0, rel=1e-12)
    assert out["lactulose_recovery_pct"][1] is None
    assert out["error"][2].startswith('row 3 (line 4), column "urine_volume [mL]"')
    assert out["error"][0] is None


def test_pyarrow_table_in_table_out():
    table = pa.Table.from_pylist([dict(zip(HEADER, r)) for r in ROWS])
    out = interpret(table)
    assert isinstance(out, pa.Table)
    assert out.num_rows == 3
    assert out.column_names[: len(HEADER)] == HEADER
    assert out.schema.field("vitamin_d_nmol_l").type == pa.float64()
    assert out.column("mannitol_recovery_pct")[0].as_py() == pytest.approx(18.0, rel=1e-12)


def test_empty_frame_keeps_its_columns():
    out = lmr.interpret(pd.DataFrame({"vitamin_d [nmol/L]": pd.Series([], dtype="str")}))
    assert len(out) == 0
    assert out["vitamin_d_nmol_l"].dtype == "float64"


def test_column_map_from_a_dict():
    df = pd.DataFrame({"LAC": ["20"], "MAN": ["150"], "VOL_L": ["1.2"]})
    columns = {
        "columns": {
            "LAC": {"field": "urine_lactulose", "unit": "mg/L"},
            "MAN": {"field": "urine_mannitol", "unit": "mg/L"},
            "VOL_L": {"field": "urine_volume", "unit": "L"},
        },
        "values": {
            "lactulose_dose": "5 g",
            "mannitol_dose": "1 g",
            "collection": "5 h",
        },
    }
    out = lmr.interpret(df, columns=columns)
    # 20 mg/L × 1.2 L = 24 mg of 5000 mg = 0.48 %
    assert out["lactulose_recovery_pct"][0] == pytest.approx(0.48, rel=1e-12)
    assert list(out.columns[:3]) == ["LAC", "MAN", "VOL_L"]


def test_column_map_from_a_path(tmp_path):
    path = tmp_path / "map.toml"
    path.write_text('[columns]\n"VD" = { field = "vitamin_d", unit = "nmol/L" }\n')
    out = lmr.interpret(pd.DataFrame({"VD": [62.0]}), columns=path)
    assert out["vitamin_d_nmol_l"][0] == 62.0
    assert out["vitamin_d_class_iom_2011"][0] == "sufficient"  # 50 ≤ 62 ≤ 125


USER_RANGE = textwrap.dedent(
    """
    schema = 1

    [[range]]
    id = "test-lab-lm"
    analyte = "lm_ratio"
    unit = "ratio"
    title = "A test lab's L:M cut-off (test data, not a published range)"
    selection = "explicit"

    [range.source]
    citation = "Test fixture (not a published range)"
    quote = "ratios above 0.02 are above this test lab's cut-off"
    status = "local"

    [range.applies_to]
    population = "test fixture"
    matrix = "urine"
    method = "any"
    sex = "any"

    [range.applies_to.protocol]
    doses = { lactulose = "5 g", mannitol = "1 g" }
    collection = "5 h"

    [[range.band]]
    label = "within"
    upper = { value = 0.02, inclusive = true }
    wording = "not above 0.02"

    [[range.band]]
    label = "above"
    lower = { value = 0.02, inclusive = false }
    wording = "above 0.02"
    """
)


def test_a_user_range_file(tmp_path):
    path = tmp_path / "lab.toml"
    path.write_text(USER_RANGE)
    ranges = lmr.ranges(ranges=path)
    row = ranges[ranges["id"] == "test-lab-lm"]
    assert len(row) == 1 and not row["shipped"].iloc[0]
    df = pd.DataFrame([ROWS[0]], columns=HEADER)
    out = lmr.interpret(df, ranges=path, lm_range="test-lab-lm")
    # 0.026667 > 0.02
    assert out["lm_range"][0] == "test-lab-lm"
    assert out["lm_class"][0] == "above"


def test_errors():
    df = pandas_frame()
    with pytest.raises(TypeError, match="unknown option"):
        lmr.interpret(df, lm_rnage="x")
    with pytest.raises(ValueError, match="nope"):
        lmr.interpret(df, lm_range="nope")
    with pytest.raises(ValueError, match="protocol"):
        lmr.interpret(df, protocol="no-such-protocol")
    with pytest.raises(TypeError, match="pandas or polars"):
        lmr.interpret([1, 2, 3])
    with pytest.raises(ValueError):
        lmr.interpret(df, columns={"columns": {"LAC": {"fieldd": "urine_lactulose"}}})
    with pytest.raises(ValueError, match="ranges="):
        lmr.interpret(df, ranges="/no/such/file.toml")


def test_polars_name_clash_is_an_error_not_a_rename():
    df = pl.DataFrame({"vitamin_d [nmol/L]": ["62"], "flags": ["mine"]})
    with pytest.raises(ValueError, match="flags"):
        lmr.interpret(df)
