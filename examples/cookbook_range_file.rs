//! A range file of your own: load it beside the shipped ranges and classify against it.
//!
//! `cargo run --example cookbook_range_file` (also a doctest in `lmr::cookbook`).

use lmr::interpretation::{Interpretation, Interpreter, Options};
use lmr::reference::{RangeFileError, RangeProblem, Registry};
use lmr::sample::from_fields;

/// A lab's own L:M cut-off (the numbers are illustrative; the format is docs/range-format.md).
const MY_RANGE: &str = r#"
schema = 1

[[range]]
id = "my-lab-lm"
analyte = "lm_ratio"
unit = "ratio"
title = "My lab's L:M cut-off (5 g / 2 g, 5 h)"
selection = "explicit"

[range.source]
citation = "Local reference interval, 2024 volunteers"
quote = "upper limit 0.05"
status = "local"

[range.applies_to]
matrix = "urine"

[range.applies_to.protocol]
doses = { lactulose = "5 g", mannitol = "2 g" }
collection = "5 h"

[[range.band]]
label = "within"
upper = { value = 0.05, inclusive = true }

[[range.band]]
label = "above"
lower = { value = 0.05, inclusive = false }
"#;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut registry = Registry::builtin()?;
    // From a file or directory: `registry.load_path(Path::new("my-ranges/"))?`
    registry.add_text("my-lab.toml", MY_RANGE, true)?;

    let options = Options {
        lm_range: Some("my-lab-lm".into()),
        ..Options::default()
    };
    let interpreter = Interpreter::new(&registry, &options)?;
    let sample = from_fields(
        [
            ("lactulose", "30 mg/L"),
            ("mannitol", "200 mg/L"),
            ("volume", "1 L"),
            ("lactulose_dose", "5 g"),
            ("mannitol_dose", "2 g"),
            ("collection", "5 h"),
        ],
        &registry,
    )?;
    let mut result = Interpretation::default();
    interpreter.interpret(&sample, &mut result)?;
    // 0.6 % / 10 % = 0.06 > 0.05
    assert_eq!(result.lm_class(), Some("above"));

    // A broken file is refused naming the file, the key and what is wrong, as a value.
    let broken = MY_RANGE.replace("lower = { value = 0.05", "lower = { value = 0.06");
    let e = Registry::default()
        .add_text("broken.toml", &broken, true)
        .unwrap_err();
    let RangeFileError::Invalid { key, problem, .. } = &e else {
        return Err(e.into());
    };
    assert_eq!(key, "range[my-lab-lm].band[1].lower");
    assert_eq!(
        **problem,
        RangeProblem::Gap {
            from: 0.05,
            to: 0.06
        }
    );
    println!("{e}");
    Ok(())
}
