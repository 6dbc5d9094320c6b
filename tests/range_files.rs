//! A corpus of broken range files (tests/data/broken-ranges/), each refused with the file and the
//! key in the message. Each file's first line says what the message must contain:
//! `# expect: <text>`.

use std::path::Path;

use lmr::reference::Registry;

#[test]
fn every_broken_range_file_is_refused_with_file_and_key() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/broken-ranges");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("corpus present")
        .map(|e| e.expect("readable").path())
        .collect();
    files.sort();
    assert!(files.len() >= 15, "corpus has {} files", files.len());
    for path in files {
        let text = std::fs::read_to_string(&path).expect("readable");
        let expect = text
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("# expect: "))
            .unwrap_or_else(|| panic!("{}: first line must be `# expect: …`", path.display()));
        let mut registry = Registry::builtin().expect("shipped ranges load");
        let err = match registry.load_path(&path) {
            Ok(_) => panic!("{} was accepted", path.display()),
            Err(e) => e.to_string(),
        };
        assert!(
            err.starts_with(&format!("{}: ", path.display())),
            "{}: message does not start with the file: {err}",
            path.display()
        );
        assert!(
            err.contains(expect),
            "{}:\n  got: {err}\n want: {expect}",
            path.display()
        );
    }
}

#[test]
fn a_directory_with_a_broken_file_is_refused() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/broken-ranges");
    let mut registry = Registry::builtin().expect("shipped ranges load");
    assert!(registry.load_path(&dir).is_err());
}

#[test]
fn two_user_files_with_the_same_id_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let body = |title: &str| {
        format!(
            "[[range]]\nid = \"mine\"\nanalyte = \"lm_ratio\"\nunit = \"ratio\"\ntitle = \"{title}\"\nselection = \"explicit\"\n\
             [range.source]\ncitation = \"c\"\nurl = \"https://example.org\"\nquote = \"q\"\nstatus = \"verified\"\n\
             [range.applies_to]\nmatrix = \"urine\"\n[[range.band]]\nlabel = \"all\"\n"
        )
    };
    std::fs::write(dir.path().join("a.toml"), body("a")).expect("write");
    std::fs::write(dir.path().join("b.toml"), body("b")).expect("write");
    let mut registry = Registry::builtin().expect("shipped ranges load");
    let err = registry
        .load_path(dir.path())
        .expect_err("duplicate refused")
        .to_string();
    assert!(err.contains("duplicate id \"mine\""), "{err}");
    assert!(err.contains("a.toml"), "{err}");
}

#[test]
fn a_missing_path_is_an_io_error_naming_it() {
    let mut registry = Registry::builtin().expect("shipped ranges load");
    let err = registry
        .load_path(Path::new("/no/such/ranges.toml"))
        .expect_err("missing")
        .to_string();
    assert!(
        err.starts_with("/no/such/ranges.toml: cannot read:"),
        "{err}"
    );
}
