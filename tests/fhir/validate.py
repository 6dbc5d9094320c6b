"""Validates lmr's FHIR output with an independent validator: the R4B models of the
`fhir.resources` package (pydantic; every element's name, type and cardinality, and FHIR's
primitive formats), plus the required value-set bindings of the elements lmr writes, which those
models do not check (they are listed in REQUIRED below, from the FHIR R4 Observation, Quantity,
Bundle and OperationOutcome pages).

Usage: python tests/fhir/validate.py PATH/TO/lmr
Prints one line per case and closes with "N passed, M failed"; exits 1 on any failure.
"""

import json
import os
import subprocess
import sys
import tempfile

from fhir.resources.R4B.bundle import Bundle

LMR = sys.argv[1] if len(sys.argv) > 1 else "target/debug/lmr"
HERE = os.path.dirname(os.path.abspath(__file__))

# Required bindings of the coded elements lmr writes (FHIR R4): the models accept any code.
REQUIRED = {
    "Bundle.type": {"document", "message", "transaction", "transaction-response", "batch",
                    "batch-response", "history", "searchset", "collection"},
    "Observation.status": {"registered", "preliminary", "final", "amended", "corrected",
                           "cancelled", "entered-in-error", "unknown"},
    "Quantity.comparator": {"<", "<=", ">=", ">"},
    "OperationOutcome.issue.severity": {"fatal", "error", "warning", "information"},
}

passed = 0
failed = 0


def check(name, condition, detail=""):
    global passed, failed
    if condition:
        passed += 1
        print(f"ok   {name}")
    else:
        failed += 1
        print(f"FAIL {name} {detail}")


def quantities(resource):
    """Every Quantity-shaped dict in a resource (value, components, reference ranges)."""
    out = []

    def walk(x):
        if isinstance(x, dict):
            if "system" in x and x.get("system") == "http://unitsofmeasure.org":
                out.append(x)
            for v in x.values():
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)

    walk(resource)
    return out


def validate(name, doc):
    """Validates one Bundle (a dict): the R4B model, then the required bindings and references."""
    try:
        Bundle.model_validate(doc)
        check(f"{name}: R4B Bundle model", True)
    except Exception as e:  # the validator's message says which element failed
        check(f"{name}: R4B Bundle model", False, str(e)[:600])
        return
    problems = []
    if doc.get("type") not in REQUIRED["Bundle.type"]:
        problems.append(f"Bundle.type {doc.get('type')!r}")
    urls = [e["fullUrl"] for e in doc.get("entry", [])]
    if len(set(urls)) != len(urls):
        problems.append("duplicate fullUrl")
    for e in doc.get("entry", []):
        r = e["resource"]
        if r["resourceType"] == "Observation":
            if r["status"] not in REQUIRED["Observation.status"]:
                problems.append(f"status {r['status']!r}")
            for m in r.get("hasMember", []):
                if m["reference"] not in urls:
                    problems.append(f"hasMember {m['reference']} not in the bundle")
        if r["resourceType"] == "OperationOutcome":
            for i in r["issue"]:
                if i["severity"] not in REQUIRED["OperationOutcome.issue.severity"]:
                    problems.append(f"severity {i['severity']!r}")
        for q in quantities(r):
            c = q.get("comparator")
            if c is not None and c not in REQUIRED["Quantity.comparator"]:
                problems.append(f"comparator {c!r}")
            if "code" not in q:
                problems.append(f"UCUM quantity without code: {q}")
    check(f"{name}: bindings and references", not problems, "; ".join(problems))


def lmr(*args, stdin=None):
    p = subprocess.run([LMR, *args], capture_output=True, text=True, input=stdin)
    return p


def observations(doc):
    return [e["resource"] for e in doc.get("entry", []) if e["resource"]["resourceType"] == "Observation"]


def by_code(doc, code):
    for o in observations(doc):
        for c in o["code"].get("coding", []):
            if c["code"] == code:
                return o
    return None


CHECKS = {
    # Dutch SAT, 5 h: LOINC 74899-6; 30 mg/L × 1 L = 30 mg of 5 g = 0.6 %; 200 mg of 2 g = 10 %;
    # ratio 0.6 / 10 = 0.06 ≤ 0.089 (dutch-sat-hyperosmolar-5h, automatic): within → N
    "lm-5h-dutch-sat": ["--lactulose", "30 mg/L", "--mannitol", "200 mg/L", "--volume", "1 L",
                        "--protocol", "dutch-sat-hyperosmolar"],
    # 5 g / 1 g, 6 h: no LOINC 5-hour code, no matching range (unclassified)
    "lm-6h": ["--lactulose", "20 mg/L", "--mannitol", "150 mg/L", "--volume", "1.2 L",
              "--lactulose-dose", "5 g", "--mannitol-dose", "1 g", "--collection", "6 h"],
    # censored lactulose: <0.5 mg/L × 1 L = <0.5 mg of 5 g = <0.01 %; ratio <0.01 / 10 = <0.001
    "censored": ["--lactulose", "<0.5 mg/L", "--mannitol", "200 mg/L", "--volume", "1 L",
                 "--protocol", "dutch-sat-hyperosmolar"],
    # multi-sugar L:R with the secondary Lutgens range: 20 mg/L × 1 L = 20 mg of 5 g = 0.4 %;
    # rhamnose 100 mg/L × 1 L = 100 mg of 1 g = 10 %; L:R 0.04 (band not_named_by_source)
    "lr-multi-sugar": ["--lactulose", "20 mg/L", "--volume", "1 L", "--lactulose-dose", "5 g",
                       "--sugar", "rhamnose=100 mg/L", "--dose", "rhamnose=1 g",
                       "--sugar", "sucralose=10 mg/L", "--dose", "sucralose=1 g",
                       "--collection", "5 h", "--lr-range", "lutgens-lr-secondary"],
    # vitamin D, total, every shipped scheme
    "vitamin-d-total": ["--vitamin-d", "30 ng/mL", "--vitamin-d-scheme", "all"],
    # vitamin D3 in nmol/L: LOINC 14635-7
    "vitamin-d-d3": ["--vitamin-d", "75 nmol/L", "--vitamin-d-form", "d3"],
    "zonulin-serum": ["--zonulin", "52 ng/mL", "--zonulin-matrix", "serum",
                      "--zonulin-range", "enterosan-serum"],
    "zonulin-stool": ["--zonulin", "40 ng/g", "--zonulin-matrix", "stool"],
    "everything": ["--lactulose", "20 mg/L", "--mannitol", "150 mg/L", "--volume", "1.2 L",
                   "--lactulose-dose", "5 g", "--mannitol-dose", "1 g", "--collection", "5 h",
                   "--vitamin-d", "62 nmol/L", "--zonulin", "46 ng/mL", "--zonulin-matrix", "serum"],
    # below the assay's limit: vitamin D "<10 nmol/L" is the limit with comparator "<"; zonulin has
    # no value to give (no reported quantity), and "ND" gives none either: a reason instead
    "below-limit": ["--vitamin-d", "<10 nmol/L", "--zonulin", "<5 ng/mL", "--zonulin-matrix", "serum"],
    "below-limit-nd": ["--vitamin-d", "ND"],
    "fractions": ["--sample", os.path.join(HERE, "..", "..", "examples", "sample-mayo-fractions.toml")],
}

docs = {}
for name, args in CHECKS.items():
    p = lmr("check", *args, "--format", "fhir")
    if p.returncode != 0:
        check(f"check {name}: exit 0", False, p.stderr)
        continue
    docs[name] = json.loads(p.stdout)
    validate(f"check {name}", docs[name])

# What the numbers and codes must be (worked by hand in the comments of CHECKS).
d = docs.get("lm-5h-dutch-sat")
if d:
    r = by_code(d, "74899-6")
    check("5 h L:M ratio has LOINC 74899-6", r is not None)
    if r:
        check("L:M ratio 0.06 {ratio}", r["valueQuantity"]["value"] == 0.06 and r["valueQuantity"]["code"] == "{ratio}")
        check("L:M interpretation N", r["interpretation"][0]["coding"][0]["code"] == "N")
        check("reference range high 0.089", r["referenceRange"][0]["high"]["value"] == 0.089)
    check("5 h sugar panel 76133-8", by_code(d, "76133-8") is not None)
d = docs.get("lm-6h")
if d:
    check("6 h: no 5-hour LOINC code", by_code(d, "74899-6") is None and by_code(d, "lm_ratio") is not None)
d = docs.get("censored")
if d:
    lac = by_code(d, "lactulose_recovery")
    ratio = by_code(d, "74899-6")
    check("censored recovery <0.01 %", lac and lac["valueQuantity"].get("comparator") == "<" and lac["valueQuantity"]["value"] == 0.01)
    check("censored ratio <0.001", ratio and ratio["valueQuantity"].get("comparator") == "<" and ratio["valueQuantity"]["value"] == 0.001)
d = docs.get("lr-multi-sugar")
if d:
    lr = by_code(d, "lr_ratio")
    check("L:R 0.04, band label in text, no code", lr and lr["valueQuantity"]["value"] == 0.04
          and "coding" not in lr["interpretation"][0] and lr["interpretation"][0]["text"].endswith("not_named_by_source"))
d = docs.get("vitamin-d-d3")
if d:
    check("25(OH)D3 nmol/L: LOINC 14635-7", by_code(d, "14635-7") is not None)

d = docs.get("below-limit")
if d:
    v = by_code(d, "vitamin_d")
    # A stated limit is the value with comparator "<" (10 nmol/L: nmol/L is the unit lmr reports).
    check("vitamin D below a stated limit: <10 nmol/L, flag kept",
          v is not None and v.get("valueQuantity", {}).get("comparator") == "<"
          and v["valueQuantity"]["value"] == 10 and "dataAbsentReason" not in v
          and any(n["text"].startswith("flag below_detection_limit") for n in d["entry"][0]["resource"].get("note", [])))
d = docs.get("below-limit-nd")
if d:
    v = by_code(d, "vitamin_d")
    check("vitamin D below an unstated limit (ND): dataAbsentReason",
          v is not None and "valueQuantity" not in v and "dataAbsentReason" in v)

# Batch: good, censored and bad rows; rows in = rows out.
csv = (
    "id,urine_lactulose [mg/L],urine_mannitol [mg/L],urine_volume [mL],lactulose_dose [g],mannitol_dose [g],collection [h],vitamin_d [nmol/L],zonulin [ng/mL],zonulin_matrix\n"
    "good,30,200,1000,5,2,5,60,46,serum\n"
    "censored,<0.5,200,1000,5,2,5,,,\n"
    "bad,20,150,-40,5,1,5,,,\n"
    "vitd,,,,,,,75,,\n"
    "partial,30,200,1000,5,2,5,abc,,\n"
)
with tempfile.TemporaryDirectory() as t:
    path = os.path.join(t, "in.csv")
    with open(path, "w") as f:
        f.write(csv)
    p = lmr("batch", path, "--format", "fhir-ndjson", "--no-progress")
    check("batch exit 3 (a row has an error)", p.returncode == 3, p.stderr)
    lines = p.stdout.splitlines()
    check("batch: rows in = rows out (5)", len(lines) == 5, str(len(lines)))
    for i, line in enumerate(lines, 1):
        doc = json.loads(line)
        validate(f"batch row {i}", doc)
        check(f"batch row {i}: identifier", doc.get("identifier", {}).get("value") == str(i))
    if len(lines) == 5:
        part = json.loads(lines[4])
        kinds = [e["resource"]["resourceType"] for e in part["entry"]]
        issues = [e["resource"] for e in part["entry"] if e["resource"]["resourceType"] == "OperationOutcome"]
        check("partial row: its results and an OperationOutcome for the rejected cell",
              by_code(part, "74899-6") is not None and len(issues) == 1
              and '"abc"' in issues[0]["issue"][0]["details"]["text"], str(kinds))
        bad = [e["resource"] for e in json.loads(lines[2])["entry"]
               if e["resource"]["resourceType"] == "OperationOutcome"]
        issue = bad[0]["issue"][0] if bad else {"details": {"text": ""}}
        check("bad row: OperationOutcome naming field and value",
              '"urine_volume [mL]"' in issue.get("details", {}).get("text", "") and '"-40"' in issue["details"]["text"],
              json.dumps(bad))
        cens = json.loads(lines[1])
        lac = by_code(cens, "lactulose_recovery")
        check("censored row carries its comparator", lac and lac["valueQuantity"].get("comparator") == "<")

# The shipped examples, each row validated: rows in = rows out.
EXAMPLES = os.path.join(HERE, "..", "..", "examples")
for name, extra in [
    ("cohort.csv", []),
    ("multi-sugar.csv", ["--subtract-baseline", "--lr-range", "lutgens-lr-secondary"]),
    ("fractions-long.csv", ["--sample-id", "sample_id"]),
    ("fractions-wide.csv", []),
]:
    path = os.path.join(EXAMPLES, name)
    p = lmr("batch", path, *extra, "--format", "fhir-ndjson", "--no-progress")
    with open(path) as f:
        rows = sum(1 for _ in f) - 1
    lines = p.stdout.splitlines()
    check(f"examples/{name}: rows in = rows out ({rows})", len(lines) == rows, p.stderr[-300:])
    for i, line in enumerate(lines, 1):
        validate(f"examples/{name} row {i}", json.loads(line))

# The validator itself rejects what it should (so a pass means something).
bad_doc = json.loads(json.dumps(docs.get("lm-5h-dutch-sat", {})))
if bad_doc:
    bad_doc["entry"][1]["resource"]["valueQuantity"]["value"] = "not a number"
    try:
        Bundle.model_validate(bad_doc)
        check("validator rejects a malformed value", False)
    except Exception:
        check("validator rejects a malformed value", True)

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
