//! A reference interval: a lab's own limits from its healthy volunteers (CLSI EP28-A3c), written
//! as a range file that loads back.
//!
//! `cargo run --example cookbook_reference_interval` (also a doctest in `lmr::cookbook`).

use lmr::reference::{Analyte, Matrix, Registry};
use lmr::reference_interval::{establish, range_file_toml, Options, RangeFileSpec};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // 150 healthy volunteers' L:M ratios (made up, evenly spread: 0.0052, 0.0054, … 0.035)
    let values: Vec<f64> = (1..=150).map(|i| 0.005 + 0.0002 * f64::from(i)).collect();
    let interval = establish(&values, &Options::default())?;
    let estimate = interval.recommended().ok_or("n = 150 is enough")?;
    // rank r = 0.975 × 151 = 147.225: x(147) + 0.225 × 0.0002 = 0.0344 + 0.000045
    approx::assert_relative_eq!(estimate.upper.value, 0.034445, max_relative = 1e-9);

    let mut spec = RangeFileSpec::new(
        "my-lab-lm",
        Analyte::LmRatio,
        "ratio",
        Matrix::Urine,
        "volunteers.csv",
        "2024-06-01",
    );
    spec.doses = vec![
        ("lactulose".into(), "5 g".into()),
        ("mannitol".into(), "2 g".into()),
    ];
    spec.collection = Some("5 h".into());
    let toml = range_file_toml(&interval, estimate, &spec)?;

    // The file loads like any other range file.
    let mut registry = Registry::builtin()?;
    registry.add_text("my-lab-lm.toml", &toml, true)?;
    let range = registry.range("my-lab-lm").ok_or("loaded")?;
    assert_eq!(range.band_label(range.classify(0.02)), "within");
    println!("{toml}");
    Ok(())
}
