//! A column map: read a lab's export with its own column names, units and fixed values.
//!
//! `cargo run --example cookbook_column_map` (also a doctest in `lmr::cookbook`).

use lmr::batch::{self, ColumnMap};
use lmr::interpretation::{Interpreter, Options};
use lmr::reference::Registry;

/// The lab's names → lmr's fields; `[values]` holds what every row shares (docs/batch.md).
const MAP: &str = r#"
[columns]
"LACT_U"   = { field = "urine_lactulose", unit = "mg/L" }
"MANN_U"   = { field = "urine_mannitol", unit = "mg/L" }
"U_VOL_ML" = { field = "urine_volume", unit = "mL" }

[values]
lactulose_dose = "5 g"
mannitol_dose  = "2 g"
sucrose_dose   = "40 g"
collection     = "5 h"
"#;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let map = ColumnMap::from_toml_str(MAP, "lis.toml")?; // or ColumnMap::from_path
    let registry = Registry::builtin()?;
    let interpreter = Interpreter::new(&registry, &Options::default())?;
    let mut options = batch::Options::new(&map);
    options.delimiter = b';';

    let input = "ORDER_NO;LACT_U;MANN_U;U_VOL_ML\nL1;30;200;1000\n";
    let mut output = Vec::new();
    let stats = batch::run(
        input.as_bytes(),
        &mut output,
        &interpreter,
        &options,
        &mut |_| {},
    )?;
    assert_eq!(stats.interpreted, 1);
    let text = String::from_utf8(output)?;
    // the lab's columns come back unchanged, lmr's results after them
    assert!(text.starts_with("ORDER_NO;LACT_U;MANN_U;U_VOL_ML;"));
    // 30 mg of 5000 mg = 0.6 %; 200 mg of 2000 mg = 10 %; ratio 0.06, Dutch SAT: within
    assert!(text.contains(";within;"), "{text}");
    println!("{text}");
    Ok(())
}
