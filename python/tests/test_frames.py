"""lmr.ranges(), lmr.caveats() and lmr.__version__."""

import pathlib
import re

import polars as pl

import lmr


def test_version_is_the_crates():
    cargo = pathlib.Path(__file__).parents[2] / "Cargo.toml"
    version = re.search(r'^version = "([^"]+)"', cargo.read_text(), re.M).group(1)
    assert lmr.__version__ == version


def test_ranges_lists_shipped_ranges_with_sources():
    r = lmr.ranges()
    assert {"id", "analyte", "unit", "status", "shipped", "citation"} <= set(r.columns)
    iom = r[r["id"] == "iom-2011"].iloc[0]
    assert iom["analyte"] == "vitamin_d_25oh"
    assert iom["unit"] == "nmol/L"
    assert iom["citation"].startswith("Institute of Medicine")
    assert r["shipped"].all()


def test_caveats_has_every_code_with_text_and_source():
    c = lmr.caveats(frame="polars")
    assert isinstance(c, pl.DataFrame)
    assert c.columns == ["kind", "code", "text", "source"]
    assert c["code"].n_unique() == c.height
    assert c.filter(pl.col("text") == "").height == 0
    assert "below_detection_limit" in c.filter(pl.col("kind") == "flag")["code"].to_list()
