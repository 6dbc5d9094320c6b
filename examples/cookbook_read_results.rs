//! Read results back: numbers (possibly censored), classes, flags, caveats, JSON.
//!
//! `cargo run --example cookbook_read_results` (also a doctest in `lmr::cookbook`).

use lmr::interpretation::{Interpretation, Interpreter, Options};
use lmr::reference::Registry;
use lmr::sample::from_fields;
use lmr::sugar::Sugar;
use lmr::Censored;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let registry = Registry::builtin()?;
    let interpreter = Interpreter::new(&registry, &Options::default())?;
    let sample = from_fields(
        [
            ("protocol", "dutch-sat-hyperosmolar"),
            ("lactulose", "<2 mg/L"), // below the detection limit
            ("mannitol", "200 mg/L"),
            ("volume", "1 L"),
        ],
        &registry,
    )?;
    let mut result = Interpretation::default();
    interpreter.interpret(&sample, &mut result)?;

    // A value below a detection limit stays an upper bound all the way through:
    // lactulose < 2 mg of 5000 mg = < 0.04 %; ratio < 0.04 / 10 = < 0.004
    // A recovery is a percentage (`Censored<Percent>`), a ratio says what it is a ratio of.
    let lactulose = result.recoveries.get(Sugar::Lactulose).copied();
    let Some(Censored::LessThan(bound)) = lactulose else {
        return Err("expected a censored lactulose recovery".into());
    };
    approx::assert_relative_eq!(bound.value(), 0.04, max_relative = 1e-12);
    let ratio = result.lm_ratio.ok_or("no ratio")?;
    assert_eq!(ratio.denominator(), Sugar::Mannitol);
    assert_eq!(ratio.exact(), None); // not an exact number…
    approx::assert_relative_eq!(ratio.value().number(), 0.004, max_relative = 1e-12); // …but its bound
    assert_eq!(result.lm_class(), Some("within")); // every value < 0.004 is ≤ 0.089

    // The range that classified, with its source; flags and caveats by code.
    let lm = result.lm.as_ref().ok_or("no range")?;
    println!("{} ({})", lm.range.id, lm.range.source.citation);
    for code in result.flag_codes().chain(result.caveat_codes()) {
        println!("{code}");
    }

    // The same result as the JSON object `lmr check --format json` prints.
    let json = lmr::report::to_json(&interpreter, &sample, &result);
    assert_eq!(json["lm_class"], "within");
    println!("{json:#}");
    Ok(())
}
