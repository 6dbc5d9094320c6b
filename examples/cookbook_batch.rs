//! Batch a file: every row in, the same row out with the results appended.
//!
//! `cargo run --example cookbook_batch` (this file is also a doctest in `lmr::cookbook`).

use lmr::batch::{self, ColumnMap};
use lmr::interpretation::{Interpreter, Options};
use lmr::reference::Registry;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let registry = Registry::builtin()?;
    let interpreter = Interpreter::new(&registry, &Options::default())?;
    let map = ColumnMap::default();
    let options = batch::Options::new(&map);

    // Any `Read` works: a file (`File::open`), standard input, or bytes as here.
    let input = "\
sample_id,urine_lactulose [mg/L],urine_mannitol [mg/L],urine_volume [L],lactulose_dose [g],mannitol_dose [g],collection [h]
A1,30,200,1,5,2,5
A2,12.5,oops,1,5,2,5
";
    let mut output = Vec::new();
    let stats = batch::run(
        input.as_bytes(),
        &mut output,
        &interpreter,
        &options,
        &mut |_| {},
    )?;

    // Nothing is dropped: a row that cannot be interpreted keeps its place and says why.
    assert_eq!((stats.rows, stats.interpreted, stats.errors), (2, 1, 1));
    let text = String::from_utf8(output)?;
    let mut lines = text.lines();
    let header = lines.next().unwrap_or_default();
    assert!(header.starts_with("sample_id,urine_lactulose [mg/L],"));
    assert!(header.contains(",lm_ratio,"));
    assert!(lines
        .next()
        .unwrap_or_default()
        .starts_with("A1,30,200,1,5,2,5,"));
    assert!(lines.next().unwrap_or_default().contains("oops"));
    println!("{text}");
    Ok(())
}
