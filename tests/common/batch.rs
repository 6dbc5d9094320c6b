//! Running `lmr batch` and reading its output, shared by the batch end-to-end tests.

use assert_cmd::Command;

/// Relative tolerance for computed values (a few ulps of f64 arithmetic).
/// Written numbers carry 10 significant digits (`lmr::number::DIGITS`): a relative rounding of at
/// most 5e-10, so they are compared to 1e-9.
pub const REL: f64 = 1e-9;

pub struct Run {
    pub code: i32,
    pub stdout: Vec<u8>,
    pub stderr: String,
}

pub fn lmr() -> Command {
    match Command::cargo_bin("lmr") {
        Ok(c) => c,
        Err(e) => panic!("lmr binary: {e}"),
    }
}

/// Writes `input` to a temporary file and runs `lmr batch FILE ARGS --no-progress`.
pub fn batch(input: &[u8], args: &[&str]) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("in.csv");
    std::fs::write(&path, input).unwrap();
    let out = lmr()
        .arg("batch")
        .arg(&path)
        .args(args)
        .arg("--no-progress")
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: out.stdout,
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Parses CSV bytes (flexible) into records, the header first.
pub fn records(bytes: &[u8], delimiter: u8) -> Vec<csv::ByteRecord> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(bytes)
        .byte_records()
        .map(|r| r.unwrap())
        .collect()
}

/// A parsed output: the header and the rows, with cells looked up by column name.
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<csv::ByteRecord>,
}

impl Table {
    pub fn parse(bytes: &[u8], delimiter: u8) -> Table {
        let mut recs = records(bytes, delimiter);
        let header = recs
            .remove(0)
            .iter()
            .map(|f| String::from_utf8_lossy(f).into_owned())
            .collect();
        Table { header, rows: recs }
    }

    pub fn col(&self, name: &str) -> usize {
        self.header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name:?} in {:?}", self.header))
    }

    pub fn cell(&self, row: usize, name: &str) -> String {
        String::from_utf8_lossy(&self.rows[row][self.col(name)]).into_owned()
    }

    pub fn number(&self, row: usize, name: &str) -> f64 {
        let c = self.cell(row, name);
        c.trim_start_matches(['<', '>'])
            .parse()
            .unwrap_or_else(|_| panic!("row {row} {name}: {c:?} is not a number"))
    }
}

/// Asserts every input row is in the output, in order, with its fields byte-identical, and the
/// result columns appended.
pub fn assert_rows_kept(input: &[u8], output: &[u8], delimiter: u8) {
    let inp = records(
        input.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(input),
        delimiter,
    );
    let out = records(
        output.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(output),
        delimiter,
    );
    assert_eq!(inp.len(), out.len(), "rows in = rows out (header included)");
    let width = inp[0].len();
    for (i, (a, b)) in inp.iter().zip(&out).enumerate() {
        let n = a.len().min(width);
        for f in 0..n {
            assert_eq!(&a[f], &b[f], "record {i}, field {f}: input field changed");
        }
        for f in n..width {
            assert_eq!(
                &b[f], b"",
                "record {i}, field {f}: a short row is padded with empty fields"
            );
        }
        assert_eq!(
            b.len(),
            out[0].len(),
            "record {i}: every output row has the header's width"
        );
    }
}
