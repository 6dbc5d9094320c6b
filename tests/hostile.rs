//! Hostile inputs and outputs (issue 13): every case here was once a lost file, an abort, a
//! hang or an altered field. Large inputs are generated on the fly and streamed, memory is
//! capped in the child (`ulimit -v`, i.e. RLIMIT_AS), and every wait has a deadline.
#![cfg(unix)]

use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const LMR: &str = env!("CARGO_BIN_EXE_lmr");

const HEADER: &str = "sample_id,note,urine_lactulose [mg/L],urine_mannitol [mg/L],urine_volume [mL],lactulose_dose [g],mannitol_dose [g],collection [h],age [y],sex";

/// A small good cohort: `n` rows, sample ids `S1…`, the note `note`.
fn cohort(n: usize, note: impl Fn(usize) -> String) -> String {
    let mut s = format!("{HEADER}\n");
    for i in 1..=n {
        s.push_str(&format!("S{i},{},20,150,1200,5,1,5,35,F\n", note(i)));
    }
    s
}

fn lmr(args: &[&str]) -> Output {
    Command::new(LMR).args(args).output().expect("lmr runs")
}

fn path(p: &Path) -> &str {
    p.to_str().expect("UTF-8 temp path")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Runs lmr under an address-space cap (KiB) with `input` streamed to its stdin by a thread;
/// the writer stops when lmr stops reading. Returns (exit code, stderr).
fn capped_with_stdin(
    cap_kib: u64,
    args: &[&str],
    input: impl FnOnce(&mut dyn Write) + Send + 'static,
) -> (Option<i32>, String) {
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -v {cap_kib}; exec \"$0\" \"$@\""))
        .arg(LMR)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("sh runs");
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || input(&mut stdin));
    let out = child.wait_with_output().expect("lmr ends");
    let _ = writer.join();
    (out.status.code(), stderr(&out))
}

/// Writes `total` bytes of `byte` in chunks, stopping quietly when the reader has gone.
fn flood(w: &mut dyn Write, head: &[u8], byte: u8, total: usize) {
    if w.write_all(head).is_err() {
        return;
    }
    let chunk = vec![byte; 1 << 20];
    let mut sent = 0;
    while sent < total {
        if w.write_all(&chunk).is_err() {
            return;
        }
        sent += chunk.len();
    }
}

/// 768 MiB of address space: far more than lmr needs, far less than the old 2 GB for a 1 GB
/// record.
const CAP_KIB: u64 = 768 * 1024;

// ---- 1. Inputs are sacred -----------------------------------------------------------------

/// Every command that writes a file refuses the input as its output, directly, through a
/// symbolic link and through a hard link; the input is unchanged and both paths are named.
#[test]
fn an_output_that_is_the_input_is_refused_by_every_writing_command() {
    let dir = tempfile::tempdir().unwrap();
    let x = dir.path().join("x.csv");
    let text = cohort(40, |_| "n".into());
    std::fs::write(&x, &text).unwrap();
    let link = dir.path().join("link.csv");
    std::os::unix::fs::symlink(&x, &link).unwrap();
    let hard = dir.path().join("hard.csv");
    std::fs::hard_link(&x, &hard).unwrap();
    for out in [&x, &link, &hard] {
        let o = path(out);
        let xs = path(&x);
        let cases: [Vec<&str>; 4] = [
            vec!["batch", xs, "-o", o],
            vec!["summary", xs, "--html", o],
            vec![
                "reference-interval",
                xs,
                "--analyte",
                "lm_ratio",
                "--write-range",
                o,
            ],
            vec![
                "zscore-reference",
                xs,
                "--analyte",
                "lm_ratio",
                "--age-bands",
                "0-100",
                "-o",
                o,
            ],
        ];
        for args in cases {
            let r = lmr(&args);
            let err = stderr(&r);
            assert_eq!(r.status.code(), Some(1), "{args:?}: {err}");
            assert!(
                err.contains(&format!("output {o} is the same file as the input {xs}")),
                "{args:?}: {err}"
            );
            assert_eq!(std::fs::read_to_string(&x).unwrap(), text, "{args:?}");
        }
    }
    // Standard input as the input, and standard output appended onto the input.
    let r = Command::new(LMR)
        .args(["batch", "-", "-o", path(&x)])
        .stdin(std::fs::File::open(&x).unwrap())
        .output()
        .unwrap();
    assert_eq!(r.status.code(), Some(1));
    assert!(stderr(&r).contains("is the same file as the input standard input"));
    let append = std::fs::OpenOptions::new().append(true).open(&x).unwrap();
    let r = Command::new(LMR)
        .args(["batch", path(&x)])
        .stdout(append)
        .output()
        .unwrap();
    assert_eq!(r.status.code(), Some(1), "{}", stderr(&r));
    assert!(stderr(&r).contains("output standard output is the same file as the input"));
    assert_eq!(std::fs::read_to_string(&x).unwrap(), text);
}

/// A range file loaded with --ranges (here from a directory) is an input too.
#[test]
fn an_output_onto_a_loaded_range_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let x = dir.path().join("x.csv");
    std::fs::write(&x, cohort(3, |_| "n".into())).unwrap();
    let ranges = dir.path().join("ranges");
    std::fs::create_dir(&ranges).unwrap();
    let protocol = "schema = 1\n[[protocol]]\nid = \"p\"\ntitle = \"t\"\ncollection = \"5 h\"\n[protocol.doses]\nlactulose = \"5 g\"\nmannitol = \"1 g\"\n[protocol.source]\ncitation = \"local\"\nquote = \"q\"\nstatus = \"local\"\n";
    let r = ranges.join("p.toml");
    std::fs::write(&r, protocol).unwrap();
    let o = lmr(&["batch", path(&x), "--ranges", path(&ranges), "-o", path(&r)]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("is the same file as the input"));
    assert_eq!(std::fs::read_to_string(&r).unwrap(), protocol);
}

/// Replacing a 0600 output keeps 0600; a symbolic link is written through (the link stays);
/// a 254-character name works (the temporary name is short); nothing is left behind.
#[test]
fn outputs_keep_mode_follow_links_and_allow_long_names() {
    let dir = tempfile::tempdir().unwrap();
    let x = dir.path().join("x.csv");
    std::fs::write(&x, cohort(3, |_| "n".into())).unwrap();
    let out = dir.path().join("out.csv");
    std::fs::write(&out, "old").unwrap();
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o600)).unwrap();
    let r = lmr(&["batch", path(&x), "-o", path(&out)]);
    assert_eq!(r.status.code(), Some(0), "{}", stderr(&r));
    let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    assert!(std::fs::read_to_string(&out)
        .unwrap()
        .starts_with("sample_id,"));

    let link = dir.path().join("link.csv");
    std::os::unix::fs::symlink("out.csv", &link).unwrap();
    std::fs::write(&out, "old").unwrap();
    let r = lmr(&["batch", path(&x), "-o", path(&link)]);
    assert_eq!(r.status.code(), Some(0), "{}", stderr(&r));
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(std::fs::read_to_string(&out)
        .unwrap()
        .starts_with("sample_id,"));

    let long = dir.path().join("a".repeat(254));
    let r = lmr(&["batch", path(&x), "-o", path(&long)]);
    assert_eq!(r.status.code(), Some(0), "{}", stderr(&r));
    assert!(long.exists());
    assert_eq!(temp_files(dir.path()), Vec::<PathBuf>::new());
}

fn temp_files(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".tmp"))
        .collect()
}

/// SIGINT, SIGTERM and SIGHUP in the middle of a run to a file leave no temporary file and no
/// output; the process ends by the signal.
#[test]
fn a_signal_mid_run_leaves_no_temporary_file() {
    use std::os::unix::process::ExitStatusExt;
    for (signal, number) in [("INT", 2), ("TERM", 15), ("HUP", 1)] {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out.csv");
        let mut child = Command::new(LMR)
            .args(["batch", "-", "-o", path(&out)])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        // Rows are sent, the input is left open: lmr is mid-run, its temporary file exists.
        stdin
            .write_all(cohort(2000, |_| "n".into()).as_bytes())
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(20);
        while temp_files(dir.path()).is_empty() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        assert_eq!(
            temp_files(dir.path()).len(),
            1,
            "SIG{signal}: no temp file seen"
        );
        let killed = Command::new("kill")
            .args([&format!("-{signal}"), &child.id().to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        let status = child.wait().unwrap();
        drop(stdin);
        assert_eq!(status.signal(), Some(number), "SIG{signal}: {status:?}");
        assert_eq!(temp_files(dir.path()), Vec::<PathBuf>::new(), "SIG{signal}");
        assert!(!out.exists(), "SIG{signal}");
    }
}

/// `>&-`: writes would vanish, so `batch`, `check` and `caveats` fail (exit 1).
#[test]
fn a_closed_stdout_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let x = dir.path().join("x.csv");
    std::fs::write(&x, cohort(3, |_| "n".into())).unwrap();
    for cmd in [
        format!("\"$0\" batch {}", path(&x)),
        "\"$0\" check --vitamin-d '20 ng/mL'".into(),
        "\"$0\" caveats".into(),
    ] {
        let o = Command::new("sh")
            .arg("-c")
            .arg(format!("exec {cmd} >&-"))
            .arg(LMR)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(1), "{cmd}: {}", stderr(&o));
        assert!(stderr(&o).contains("standard output: is closed"), "{cmd}");
    }
    // …while `> /dev/null` is a choice, and works.
    let o = Command::new("sh")
        .arg("-c")
        .arg("exec \"$0\" caveats > /dev/null")
        .arg(LMR)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
}

// ---- 2. Bounded memory ----------------------------------------------------------------------

/// A 1 GB unterminated quote (streamed; lmr stops reading after the limit) fails with exit 1
/// naming its line, under a 768 MiB address-space cap: no abort, no growth.
#[test]
fn a_1gb_unterminated_quote_is_a_located_error_in_bounded_memory() {
    let head = format!("{HEADER}\nS1,n,20,150,1200,5,1,5,35,F\nS2,\"open");
    let (code, err) = capped_with_stdin(CAP_KIB, &["batch", "-"], move |w| {
        flood(w, head.as_bytes(), b'x', 1 << 30)
    });
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("line 3: a record longer than 1048576 bytes (--max-record-size)"),
        "{err}"
    );
}

/// `/dev/zero` (no line end, ever) stops at the limit, exit 1, line 1.
#[test]
fn dev_zero_is_a_located_error_in_bounded_memory() {
    let o = Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -v {CAP_KIB}; exec \"$0\" batch /dev/zero"))
        .arg(LMR)
        .stdout(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("line 1: a record longer than 1048576 bytes"));
}

/// --max-record-size is honoured: a 100-byte limit refuses a 200-byte row and names its line.
#[test]
fn max_record_size_names_the_line() {
    let text = format!("{HEADER}\nS1,{},20,150,1200,5,1,5,35,F\n", "n".repeat(200));
    let dir = tempfile::tempdir().unwrap();
    let x = dir.path().join("x.csv");
    std::fs::write(&x, text).unwrap();
    let o = lmr(&["batch", path(&x), "--max-record-size", "200"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("line 2: a record longer than 200 bytes"),
        "{}",
        stderr(&o)
    );
}

/// A 900 kB value is quoted by its first 64 characters and its length, in the error cell and
/// on stderr.
#[test]
fn error_cells_and_messages_quote_a_bounded_prefix() {
    let value = "9".repeat(900_000);
    let text = format!("{HEADER}\nS1,n,{value}x,150,1200,5,1,5,35,F\n");
    let dir = tempfile::tempdir().unwrap();
    let x = dir.path().join("x.csv");
    std::fs::write(&x, text).unwrap();
    let o = lmr(&["batch", path(&x)]);
    assert_eq!(o.status.code(), Some(3));
    let quoted = format!("value \"{}…\" (900001 bytes)", "9".repeat(64));
    assert!(stderr(&o).contains(&quoted), "{}", stderr(&o));
    assert!(o.stderr.len() < 2_000, "{} bytes on stderr", o.stderr.len());
    // The output row: the input field whole (passthrough), the error cell short.
    let out = String::from_utf8(o.stdout).unwrap();
    let row = out.lines().nth(1).unwrap();
    assert!(row.contains(&format!("{value}x")));
    assert!(row.len() < 900_001 + 1_000, "{} bytes", row.len());
}

/// Grouping by a column with a distinct value per row stops at --max-groups, naming the row,
/// for `summary` and `reference-interval`.
#[test]
fn cohort_commands_are_bounded_in_groups() {
    let dir = tempfile::tempdir().unwrap();
    let x = dir.path().join("x.csv");
    std::fs::write(&x, cohort(300, |_| "n".into())).unwrap();
    let xs = path(&x);
    for args in [
        vec!["summary", xs, "--by", "sample_id", "--max-groups", "100"],
        vec![
            "reference-interval",
            xs,
            "--analyte",
            "lm_ratio",
            "--by",
            "sample_id",
            "--max-groups",
            "100",
        ],
    ] {
        let o = lmr(&args);
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        assert!(
            stderr(&o).contains(
                "row 101 (line 102): --by sample_id has more than 100 distinct values (--max-groups)"
            ),
            "{}",
            stderr(&o)
        );
    }
    // At the limit is fine.
    let o = lmr(&["summary", xs, "--by", "sample_id", "--max-groups", "300"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

/// Range files: at most 1 MiB, at most 64 bands per range; an empty file and a directory
/// with nothing to load are errors.
#[test]
fn range_files_are_bounded_and_never_empty() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.toml");
    std::fs::write(&big, format!("# {}\nschema = 1\n", "x".repeat(1 << 20))).unwrap();
    let o = lmr(&["ranges", "list", "--ranges", path(&big)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("more than the limit of 1048576 bytes for a range file"),
        "{}",
        stderr(&o)
    );

    let mut bands = String::from("schema = 1\n[[range]]\nid = \"many\"\nanalyte = \"vitamin_d_25oh\"\nunit = \"nmol/L\"\ntitle = \"t\"\nselection = \"explicit\"\n[range.source]\ncitation = \"local\"\nquote = \"q\"\nstatus = \"local\"\n[range.applies_to]\nmatrix = \"serum\"\n");
    for i in 0..65 {
        bands.push_str(&format!(
            "[[range.band]]\nlabel = \"b{i}\"\nupper = {{ value = {}, inclusive = false }}\n",
            i + 1
        ));
    }
    let many = dir.path().join("many.toml");
    std::fs::write(&many, bands).unwrap();
    let o = lmr(&["ranges", "list", "--ranges", path(&many)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("65 bands, more than the limit of 64 per range"),
        "{}",
        stderr(&o)
    );

    let empty = dir.path().join("empty.toml");
    std::fs::write(&empty, "").unwrap();
    let o = lmr(&["ranges", "list", "--ranges", path(&empty)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("defines no range, protocol or zscore_table"));

    let none = dir.path().join("none");
    std::fs::create_dir(&none).unwrap();
    std::fs::write(none.join("readme.txt"), "not a range file").unwrap();
    let o = lmr(&["ranges", "list", "--ranges", path(&none)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("no *.toml range file in this directory"));
}

// ---- 3. Nothing hangs -----------------------------------------------------------------------

/// A FIFO named `*.toml` in a --ranges directory (and a FIFO as the column map) is refused
/// before it is opened: the run ends at once.
#[test]
fn a_fifo_in_a_ranges_directory_is_refused_without_blocking() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("trap.toml");
    assert!(Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    for args in [
        vec!["ranges", "list", "--ranges", path(dir.path())],
        vec!["check", "--vitamin-d", "20 ng/mL", "--ranges", path(&fifo)],
    ] {
        let mut child = Command::new(LMR)
            .args(&args)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(20);
        let status = loop {
            if let Some(s) = child.try_wait().unwrap() {
                break s;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                panic!("{args:?} hung on a FIFO");
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let err = child.wait_with_output().unwrap();
        assert_eq!(status.code(), Some(1));
        assert!(stderr(&err).contains("is a named pipe (FIFO), not a regular file"));
    }
}

// ---- 4. JSONL never alters a field --------------------------------------------------------------

#[test]
fn jsonl_refuses_non_utf8_or_transcodes_declared_latin1() {
    let dir = tempfile::tempdir().unwrap();
    let x = dir.path().join("latin1.csv");
    let mut bytes = format!("{HEADER}\nS1,").into_bytes();
    bytes.extend_from_slice(b"Jos\xE9,20,150,1200,5,1,5,35,F\n");
    std::fs::write(&x, bytes).unwrap();
    let o = lmr(&["batch", path(&x), "--format", "jsonl"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("line 2, column \"note\": byte 4 of the field (0xE9) is not UTF-8"),
        "{}",
        stderr(&o)
    );
    let o = lmr(&[
        "batch",
        path(&x),
        "--format",
        "jsonl",
        "--encoding",
        "latin1",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let line: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(line["note"], "José");
    // CSV output keeps the byte as it was (passthrough).
    let o = lmr(&["batch", path(&x)]);
    assert!(o.stdout.windows(4).any(|w| w == b"Jos\xE9"));
}

/// Two BOMs: the first is the file's (stripped and written back), the second is data and
/// comes back as it was, in CSV and in JSON Lines.
#[test]
fn a_second_bom_comes_back() {
    let dir = tempfile::tempdir().unwrap();
    let x = dir.path().join("bom.csv");
    let bom = "\u{feff}";
    std::fs::write(&x, format!("{bom}{bom}{}", cohort(1, |_| "n".into()))).unwrap();
    let o = lmr(&["batch", path(&x)]);
    assert!(
        o.stdout
            .starts_with(format!("{bom}{bom}sample_id,").as_bytes()),
        "{}",
        stderr(&o)
    );
    let o = lmr(&["batch", path(&x), "--format", "jsonl"]);
    assert!(o
        .stdout
        .starts_with(format!("{{\"{bom}sample_id\":").as_bytes()));
}

// ---- 5. Spreadsheet safety ----------------------------------------------------------------------

/// Group values that a spreadsheet would run are written with a leading `'` by
/// `summary --format csv`; `batch` passes the same fields through byte for byte.
#[test]
fn summary_csv_cells_are_never_formulas_and_batch_passthrough_is_exact() {
    let notes = ["=HYPERLINK(\"http://x\")", "@SUM(1)", "+1+2", "-1.5", "\tx"];
    let dir = tempfile::tempdir().unwrap();
    let x = dir.path().join("x.csv");
    // Quoted only where CSV needs it, as batch writes it, so lines compare byte for byte.
    let text = cohort(5, |i| {
        let n = notes[i - 1];
        if n.contains('"') {
            format!("\"{}\"", n.replace('"', "\"\""))
        } else {
            n.to_string()
        }
    });
    std::fs::write(&x, &text).unwrap();
    let o = lmr(&["summary", path(&x), "--by", "note", "--format", "csv"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = String::from_utf8(o.stdout).unwrap();
    let firsts: std::collections::BTreeSet<&str> = out
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    let expected: std::collections::BTreeSet<&str> = [
        "\"'=HYPERLINK(\"\"http://x\"\")\"",
        "'@SUM(1)",
        "'+1+2",
        "-1.5",
        "'\tx",
    ]
    .into_iter()
    .collect();
    assert_eq!(firsts, expected);

    let o = lmr(&["batch", path(&x)]);
    let out = String::from_utf8(o.stdout).unwrap();
    for (line_in, line_out) in text.lines().skip(1).zip(out.lines().skip(1)) {
        assert!(line_out.starts_with(line_in), "{line_out}");
    }
}
