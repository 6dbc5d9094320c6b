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

#[cfg(feature = "serve")]
#[test]
fn a_port_in_use_says_why_once() {
    // Bind a port, then ask the server for the same one.
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let config = lmr::serve::Config {
        port: taken.local_addr().unwrap().port(),
        ..lmr::serve::Config::default()
    };
    let Err(e) = lmr::serve::Server::bind(&config) else {
        panic!("a taken port was bound again");
    };
    assert!(matches!(e, lmr::serve::ServeError::Bind { .. }), "{e:?}");
    assert!(
        e.to_string().starts_with("cannot listen on 127.0.0.1:"),
        "{e}"
    );
    assert!(e.source().is_none(), "the cause is in the message");
    each_cause_once(&e);
}

#[test]
fn a_field_that_is_not_utf8_is_named_by_position_and_byte() {
    // JSON Lines cannot carry 0xE9 (latin-1 é) unaltered: byte 4 of "caf\xE9".
    let registry = Registry::builtin().unwrap();
    let interpreter = Interpreter::new(&registry, &Options::default()).unwrap();
    let map = ColumnMap::default();
    let mut options = batch::Options::new(&map);
    options.format = batch::Format::Jsonl;
    let input = &b"sample_id,vitamin_d\ncaf\xE9,50 nmol/L\n"[..];
    let mut out = Vec::new();
    let e = batch::run(input, &mut out, &interpreter, &options, &mut |_| {}).unwrap_err();
    assert!(
        matches!(e, BatchError::NotUtf8 { line: 2, byte: 4, value: 0xE9, ref column } if column == "sample_id"),
        "{e:?}"
    );
    assert!(
        e.to_string()
            .starts_with("line 2, column \"sample_id\": byte 4 of the field (0xE9) is not UTF-8"),
        "{e}"
    );
}
