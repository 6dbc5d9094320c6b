//! A range file written by `lmr::reference_interval` is accepted by the `lmr` binary.

use assert_cmd::Command;
use lmr::reference::{Analyte, Matrix};
use lmr::reference_interval::{establish, write_range_file, Options, RangeFileSpec};

#[test]
fn written_range_file_validates_and_shows_as_local() {
    let values: Vec<f64> = (1..=130).map(|i| 0.005 + 0.0003 * f64::from(i)).collect();
    let ri = establish(&values, &Options::default()).unwrap();
    let estimate = ri.recommended().unwrap();
    let mut spec = RangeFileSpec::new(
        "local-lm-test",
        Analyte::LmRatio,
        "ratio",
        Matrix::Urine,
        "controls.csv",
        "2026-11-25",
    );
    spec.doses = vec![
        ("lactulose".into(), "5 g".into()),
        ("mannitol".into(), "2 g".into()),
    ];
    spec.collection = Some("5 h".into());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("local.toml");
    write_range_file(&path, &ri, estimate, &spec).unwrap();

    Command::cargo_bin("lmr")
        .unwrap()
        .args(["ranges", "validate"])
        .arg(&path)
        .assert()
        .success();
    let out = Command::cargo_bin("lmr")
        .unwrap()
        .args(["ranges", "show", "local-lm-test", "--ranges"])
        .arg(&path)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains("Source [local]"), "{text}");
    assert!(text.contains("controls.csv"), "{text}");
    assert!(text.contains("0.0059825 ≤ x ≤ 0.0433175"), "{text}");
}
