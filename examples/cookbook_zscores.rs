//! Z-scores: a reference table (mean and SD per sex and age band) and a value's z against it.
//!
//! `cargo run --example cookbook_zscores` (also a doctest in `lmr::cookbook`).

use lmr::interpretation::{Interpretation, Interpreter, Options};
use lmr::protocol::Sex;
use lmr::reference::Registry;
use lmr::sample::from_fields;
use lmr::zscore::ZscoreSelection;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut registry = Registry::builtin()?;
    // The synthetic example table (examples/zscore-reference-example.toml; invented numbers).
    registry.add_text(
        "example.toml",
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/examples/zscore-reference-example.toml"
        )),
        true,
    )?;

    // Straight from a table:
    let table = registry
        .zscore_table("example-synthetic-lmz")
        .ok_or("loaded")?;
    // An age is a typed quantity: "2 y", "24 months" (the table's bands are in years).
    let z = table.z(0.05, Some(Sex::Female), Some("24 months".parse()?))?;
    // girls 0–4 y: mean −3.2, SD 0.5 on the ln scale; (ln 0.05 − (−3.2)) / 0.5
    // = (−2.995732 + 3.2) / 0.5 = 0.408535
    approx::assert_abs_diff_eq!(z.z, 0.408535, epsilon = 1e-6);
    println!("z = {:.3} against {}", z.z, table.title());

    // Or in an interpretation, beside the ratio (`lmr check --zscore-reference ID`):
    let selection = ZscoreSelection::new(registry.zscore_reference("example-synthetic-lmz")?)?;
    let interpreter = Interpreter::new(&registry, &Options::default())?.with_zscores(&selection);
    let sample = from_fields(
        [
            ("lactulose", "30 mg/L"),
            ("mannitol", "200 mg/L"),
            ("volume", "1 L"),
            ("lactulose_dose", "5 g"),
            ("mannitol_dose", "2 g"),
            ("age", "2"),
            ("sex", "F"),
        ],
        &registry,
    )?;
    let mut result = Interpretation::default();
    interpreter.interpret(&sample, &mut result)?;
    let scored = result.zscores.first().ok_or("one table selected")?;
    let outcome = scored.outcome.as_ref().ok_or("a ratio to score")?;
    let z = outcome.as_ref().map_err(|why| why.code())?;
    // ratio 0.6 % / 10 % = 0.06: (ln 0.06 + 3.2) / 0.5 = (−2.813411 + 3.2) / 0.5 = 0.773179
    approx::assert_abs_diff_eq!(z.z, 0.773179, epsilon = 1e-6);
    println!("lmz = {:.3}", z.z);
    Ok(())
}
