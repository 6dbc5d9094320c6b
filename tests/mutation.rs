//! Mutation corpus for `lmr batch` (issue 7): a seeded, deterministic generator takes valid rows
//! of the canonical columns (docs/batch.md) and breaks them in the ways lab exports break —
//! garbage numbers, wrong and unknown units, negative and zero values, NaN/inf, huge exponents,
//! empty cells, missing and extra fields, stray quotes, embedded newlines, invalid UTF-8, a BOM,
//! mixed line ends, a repeated header line, blank lines, an unterminated quote, other delimiters —
//! then runs every file through [`lmr::batch::run`] and checks, for every file and every row:
//!
//! - no panic, and `Stats` as documented (rows = records in; interpreted + errors = rows);
//! - rows out = rows in (records counted with the `csv` crate, so quoted newlines count right);
//! - every input field is byte-identical in the output's leading fields (short rows padded with
//!   empty fields, long rows cut to the header's width);
//! - each bad row's `error` names its row, line, column and quotes the value, with the expected
//!   problem; each good row has no error (and, where the inputs are plain, the exact recovery).
//!
//! The generator and its oracle are shared with the soak test (`tests/soak.rs`), which runs more
//! files and prints the counts in docs/reliability.md.

mod common;

use common::mutation::{check_file, generate_file, Rng, Tally};

/// Total generated data rows run through the library in the normal suite, in two halves with
/// their own seeds (two tests, so they run on two cores).
const LIBRARY_ROWS: u64 = 100_000;

fn library_corpus(seed: u64) -> Tally {
    let mut rng = Rng::new(seed);
    let mut tally = Tally::default();
    while tally.rows < LIBRARY_ROWS / 2 {
        let file = generate_file(&mut rng);
        check_file(&file, &mut tally);
    }
    eprintln!("{tally}");
    assert!(tally.rows >= LIBRARY_ROWS / 2);
    assert_eq!(
        (tally.panics, tally.rows_lost, tally.fields_changed),
        (0, 0, 0)
    );
    // the corpus really exercises both outcomes, and every mutation kind
    assert!(tally.error_rows > tally.rows / 10, "{tally}");
    assert!(tally.good_rows > tally.rows / 4, "{tally}");
    assert!(
        tally.fatal_files > 0 && tally.header_only_files > 0,
        "{tally}"
    );
    for (kind, n) in tally.kinds() {
        assert!(n > 0, "mutation {kind} never generated");
    }
    tally
}

#[test]
fn mutation_corpus_through_the_library_keeps_every_row_first_half() {
    library_corpus(0x5eed_1a7e);
}

#[test]
fn mutation_corpus_through_the_library_keeps_every_row_second_half() {
    library_corpus(0x5eed_2b8f);
}

#[test]
fn mutation_corpus_through_the_binary_matches_the_library() {
    // Fewer files: each one starts a process. The binary's output must be byte-identical to the
    // library's, and its exit code the documented one (0, 3 with row errors, 1 fatal).
    let mut rng = Rng::new(0xb1_0a_27);
    let mut tally = Tally::default();
    for _ in 0..40 {
        let file = generate_file(&mut rng);
        check_file(&file, &mut tally);
        common::mutation::check_binary(&file);
    }
    assert_eq!(tally.rows_lost, 0);
}

#[test]
fn error_lines_are_exact_after_blank_lines_mixed_line_ends_and_quoted_breaks() {
    // line 1 header (CRLF); 2 good; 3 blank; 4 bad; 5-6 a quoted break; 7 bad (LF); 8 blank (CRLF);
    // 9 bad, then an unterminated quote from line 10 to the end
    let input =
        b"id,vitamin_d [nmol/L]\r\na,50\r\n\r\nb,-1\n\"c\nc\",60\r\nd,x\n\r\ne,nan\r\nf,\"7\n8\n";
    let (result, out) = common::mutation::run_library(input, b',');
    let stats = result.expect("runs");
    assert_eq!((stats.rows, stats.errors), (6, 4));
    let errors: Vec<String> = common::mutation::records(&out, b',')
        .iter()
        .skip(1)
        .map(|r| String::from_utf8_lossy(r.get(r.len() - 1).unwrap_or_default()).into_owned())
        .filter(|e| !e.is_empty())
        .map(|e| e.split(':').next().unwrap_or_default().to_string())
        .collect();
    assert_eq!(
        errors,
        [
            "row 2 (line 4), column \"vitamin_d [nmol/L]\", value \"-1\"",
            "row 4 (line 7), column \"vitamin_d [nmol/L]\", value \"x\"",
            "row 5 (line 9), column \"vitamin_d [nmol/L]\", value \"nan\"",
            "row 6 (line 10), column \"vitamin_d [nmol/L]\", value \"7\\n8\"",
        ]
    );
}
