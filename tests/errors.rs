//! Errors carry their facts and print each cause once: a cause is either in the message or the
//! error's `source()`, never both (a CLI that prints the chain would say it twice).

use std::error::Error;
use std::io::{self, Read};
use std::path::Path;

use lmr::batch::{self, BatchError, ColumnMap};
use lmr::interpretation::{Interpreter, Options};
use lmr::reference::{RangeFileError, RangeProblem, Registry, Word};

/// Asserts that no error in the chain repeats its cause's message.
fn each_cause_once(e: &dyn Error) {
    let mut outer = e;
    while let Some(inner) = outer.source() {
        let (o, i) = (outer.to_string(), inner.to_string());
        assert!(!o.contains(&i), "cause printed twice: {o:?} contains {i:?}");
        outer = inner;
    }
}

#[test]
fn an_unreadable_range_file_says_why_once() {
    let e = Registry::default()
        .load_path(Path::new("/no/such/ranges.toml"))
        .unwrap_err();
    assert!(matches!(e, RangeFileError::Io { ref path, .. } if path == "/no/such/ranges.toml"));
    assert!(
        e.to_string()
            .starts_with("/no/such/ranges.toml: cannot read: "),
        "{e}"
    );
    each_cause_once(&e);
}

#[test]
fn a_range_file_problem_is_a_value_not_a_string() {
    let text = "[[range]]\nid = \"x\"\nanalyte = \"calprotectin\"\n";
    let e = Registry::default()
        .add_text("mine.toml", text, true)
        .unwrap_err();
    let RangeFileError::Invalid { path, key, problem } = &e else {
        panic!("{e}")
    };
    assert_eq!(
        (path.as_str(), key.as_str()),
        ("mine.toml", "range[x].analyte")
    );
    assert_eq!(
        **problem,
        RangeProblem::Unknown {
            word: Word::Analyte,
            value: "calprotectin".into()
        }
    );
    assert!(e
        .to_string()
        .starts_with("mine.toml: key `range[x].analyte`: unknown analyte \"calprotectin\" (expected one of lm_ratio, "));
    each_cause_once(&e);
}

#[test]
fn an_unreadable_column_map_says_why_once() {
    let e = ColumnMap::from_path(Path::new("/no/such/map.toml")).unwrap_err();
    assert!(e.to_string().starts_with("/no/such/map.toml: "), "{e}");
    each_cause_once(&e);
}

/// A reader that fails after the header.
struct Failing(&'static [u8]);

impl Read for Failing {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.0.is_empty() {
            return Err(io::Error::other("disk on fire"));
        }
        let n = self.0.len().min(buf.len());
        buf[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        Ok(n)
    }
}

/// The error a batch over `input` stops with.
fn batch_error(input: impl Read + Send) -> BatchError {
    let registry = Registry::builtin().unwrap();
    let interpreter = Interpreter::new(&registry, &Options::default()).unwrap();
    let map = ColumnMap::default();
    let options = batch::Options::new(&map);
    let mut out = Vec::new();
    batch::run(input, &mut out, &interpreter, &options, &mut |_| {}).unwrap_err()
}

#[test]
fn a_read_failure_in_a_batch_says_why_once() {
    let e = batch_error(Failing(b"sample_id,vitamin_d\n"));
    assert!(matches!(e, BatchError::Read(_)), "{e:?}");
    assert_eq!(e.to_string(), "reading the input: disk on fire");
    each_cause_once(&e);
}

#[test]
fn a_bad_header_says_why_once() {
    let e = batch_error(&b"a,b\n1,2\n"[..]);
    assert!(matches!(e, BatchError::Header(_)), "{e:?}");
    assert!(e.to_string().starts_with("header: "), "{e}");
    each_cause_once(&e);
}
