//! # Cookbook: the common tasks, each a complete program
//!
//! Each recipe below is a doctest and also a runnable program in `examples/` (the same file,
//! included here, so the two cannot drift): `cargo run --example cookbook_batch`, and so on.
//! Every number a recipe asserts is worked by hand in its comments.
//!
//! | Task | Recipe | Main types |
//! |---|---|---|
//! | Interpret a cohort file | [batch a file](#batch-a-file) | [`batch::run`](crate::batch::run) |
//! | Interpret one sample | [one sample](#one-sample) | [`sample::from_fields`](crate::sample::from_fields), [`Interpreter`](crate::Interpreter) |
//! | Read numbers, classes, flags, JSON | [read results](#read-results) | [`Interpretation`](crate::Interpretation), [`Censored`](crate::Censored) |
//! | Use your own cut-offs | [a range file](#a-range-file) | [`Registry`](crate::Registry), [`RangeProblem`](crate::reference::RangeProblem) |
//! | Read a lab's export as it is | [a column map](#a-column-map) | [`ColumnMap`](crate::ColumnMap) |
//! | Age- and sex-specific z-scores | [z-scores](#z-scores) | [`ZscoreTable`](crate::ZscoreTable), [`ZscoreSelection`](crate::ZscoreSelection) |
//! | Your lab's own interval | [a reference interval](#a-reference-interval) | [`reference_interval::establish`](crate::reference_interval::establish) |
//!
//! ## Batch a file
//!
//! Rows in, the same rows out (every input field byte-identical) with the results appended; a
//! row that cannot be interpreted keeps its place with an `error`.
//!
#![doc = concat!("```\n", include_str!("../examples/cookbook_batch.rs"), "```")]
//!
//! ## One sample
//!
//! Fields named like `lmr check`'s flags; every rejected field is reported at once.
//!
#![doc = concat!("```\n", include_str!("../examples/cookbook_one_sample.rs"), "```")]
//!
//! ## Read results
//!
//! A number below a detection limit stays a bound ([`Censored`](crate::Censored)); the class
//! comes with the range that gave it and its source.
//!
#![doc = concat!("```\n", include_str!("../examples/cookbook_read_results.rs"), "```")]
//!
//! ## A range file
//!
//! Your own cut-offs in the range format (`docs/range-format.md`); a broken file is refused
//! naming the file, the key and the problem.
//!
#![doc = concat!("```\n", include_str!("../examples/cookbook_range_file.rs"), "```")]
//!
//! ## A column map
//!
//! A lab export read with its own column names and units, and the values every row shares.
//!
#![doc = concat!("```\n", include_str!("../examples/cookbook_column_map.rs"), "```")]
//!
//! ## Z-scores
//!
//! Against a table of your own (none ships: the published MAL-ED reference values were not
//! available), directly or inside an interpretation.
//!
#![doc = concat!("```\n", include_str!("../examples/cookbook_zscores.rs"), "```")]
//!
//! ## A reference interval
//!
//! CLSI EP28-A3c limits from a lab's healthy volunteers, written as a range file that loads
//! back.
//!
#![doc = concat!("```\n", include_str!("../examples/cookbook_reference_interval.rs"), "```")]
