//! One sample: fields in (named like `lmr check`'s flags), an interpretation out.
//!
//! `cargo run --example cookbook_one_sample` (also a doctest in `lmr::cookbook`).

use lmr::interpretation::{Interpretation, Interpreter, Options};
use lmr::reference::Registry;
use lmr::sample::from_fields;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let registry = Registry::builtin()?;
    let interpreter = Interpreter::new(&registry, &Options::default())?;

    // The Dutch sugar absorption test (5 g lactulose, 2 g mannitol, 40 g sucrose; 5 h urine).
    let sample = from_fields(
        [
            ("protocol", "dutch-sat-hyperosmolar"),
            ("lactulose", "30 mg/L"),
            ("mannitol", "200 mg/L"),
            ("volume", "1 L"),
            ("vitamin_d", "20 ng/mL"),
        ],
        &registry,
    )?;
    let mut result = Interpretation::default();
    interpreter.interpret(&sample, &mut result)?;

    // 30 mg of 5000 mg = 0.6 %; 200 mg of 2000 mg = 10 %; 0.6 / 10 = 0.06 ≤ 0.089 (Uil 1996)
    assert_eq!(result.lm_class(), Some("within"));
    println!("{}", lmr::report::to_text(&sample, &result));
    Ok(())
}
