"""lmr.check against hand-worked values, and its errors.

recovery % = concentration × urine volume ÷ oral dose × 100;
L:M ratio = lactulose % ÷ mannitol %; 25(OH)D nmol/L = ng/mL × 1000 ÷ 400.64 g/mol."""

import json
import subprocess

import pytest

import lmr

ADULT = dict(
    lactulose="9.21 mg/L",
    mannitol="72.9 mg/L",
    volume="1857 mL",
    lactulose_dose="5 g",
    mannitol_dose="1 g",
    collection="5 h",
)


def test_recoveries_and_ratio():
    r = lmr.check(**ADULT, age=35, sex="F")
    # 9.21 mg/L × 1.857 L = 17.10297 mg of 5000 mg = 0.3420594 %
    assert r["lactulose_recovery_pct"] == pytest.approx(0.3420594, rel=1e-9)
    # 72.9 mg/L × 1.857 L = 135.3753 mg of 1000 mg = 13.53753 %
    assert r["mannitol_recovery_pct"] == pytest.approx(13.53753, rel=1e-9)
    # 0.3420594 / 13.53753 = 0.0252675...
    assert r["lm_ratio"] == pytest.approx(0.3420594 / 13.53753, rel=1e-9)
    # no verified range exists for the adult 5 g / 1 g, 5 h protocol
    assert r["lm_class"] == "unclassified"
    assert "no_matching_range" in r["caveats"]
    assert "details" in r


def test_a_named_protocol_and_its_range():
    # Dutch SAT (5 g lactulose, 2 g mannitol, 5 h): 30 mg/L × 1 L = 30 mg of 5000 mg = 0.6 %;
    # 200 mg/L × 1 L = 200 mg of 2000 mg = 10 %; 0.6 / 10 = 0.06, not above the 0.089 cut-off
    r = lmr.check(protocol="dutch-sat-hyperosmolar", lactulose="30 mg/L",
                  mannitol="200 mg/L", volume="1 L")
    assert r["lm_ratio"] == pytest.approx(0.06, rel=1e-12)
    assert r["lm_range"] == "dutch-sat-hyperosmolar-5h"
    assert r["lm_class"] == "within"


def test_vitamin_d_schemes_and_censored_values():
    r = lmr.check(vitamin_d="18 ng/mL", vitamin_d_scheme=["iom-2011"])
    # 18 × 1000 / 400.64 = 44.928 nmol/L: IOM 2011 30 ≤ x < 50
    # (JSON numbers carry 10 significant digits)
    assert r["vitamin_d_nmol_l"] == pytest.approx(18 * 1000 / 400.64, rel=1e-9)
    assert r["vitamin_d_class_iom_2011"] == "at_risk_of_inadequacy"
    below = lmr.check(vitamin_d="<10 ng/mL")
    assert below["vitamin_d_nmol_l"] is None
    assert "below_detection_limit" in below["flags"]


def test_a_rejected_field_names_field_and_value():
    with pytest.raises(lmr.InputError) as e:
        lmr.check(**{**ADULT, "volume": "-5 mL"})
    assert isinstance(e.value, ValueError)
    assert (e.value.field, e.value.value) == ("volume", "-5 mL")
    assert "volume" in str(e.value) and "-5 mL" in str(e.value)


def test_every_rejected_field_is_listed():
    with pytest.raises(lmr.InputError) as e:
        lmr.check(**{**ADULT, "volume": "lots"}, vitamin_d="twenty")
    fields = [f for (f, _, _) in e.value.errors]
    assert fields == ["volume", "vitamin_d"] or sorted(fields) == ["vitamin_d", "volume"]


def test_unusable_options():
    with pytest.raises(ValueError, match="no-such-range"):
        lmr.check(**ADULT, lm_range="no-such-range")
    with pytest.raises(ValueError, match="nothing to interpret"):
        lmr.check()


CASES = [
    # the adult 5 g / 1 g, 5 h test, with vitamin D and serum zonulin
    dict(lactulose="9.21 mg/L", mannitol="72.9 mg/L", volume="1857 mL", lactulose_dose="5 g",
         mannitol_dose="1 g", collection="5 h", age="35", sex="F", vitamin_d="18 ng/mL",
         zonulin="61 ng/mL", zonulin_matrix="serum"),
    # censored values, two vitamin D schemes
    dict(lactulose="<0.5 mg/L", mannitol="72.9 mg/L", volume="1857 mL", lactulose_dose="5 g",
         mannitol_dose="1 g", collection="5 h", vitamin_d="<4 ng/mL",
         vitamin_d_scheme=["iom-2011", "endocrine-2011"]),
    # a repeatable pair and a named protocol
    dict(sugar=["rhamnose=40 mg/L"], dose=["rhamnose=1 g"], lactulose="9.21 mg/L",
         volume="1857 mL", protocol="clin-chem-1996-children"),
]


def flags(fields):
    out = []
    for name, value in fields.items():
        for v in value if isinstance(value, list) else [value]:
            out += ["--" + name.replace("_", "-"), v]
    return out


@pytest.mark.parametrize("fields", CASES)
def test_same_keys_and_values_as_lmr_check_json(fields, lmr_bin):
    done = subprocess.run(
        [str(lmr_bin), "check", *flags(fields), "--format", "json"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert lmr.check(**fields) == json.loads(done.stdout)
