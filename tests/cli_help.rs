//! Every command, argument and flag of `lmr` has its help: the text comes from docs/cli.md
//! (read at build time), so a flag added without an entry there would show with none.

use assert_cmd::Command;

/// Every command, as it is called.
const COMMANDS: &[&[&str]] = &[
    &[],
    &["check"],
    &["batch"],
    &["ranges"],
    &["ranges", "list"],
    &["ranges", "show"],
    &["ranges", "validate"],
    &["caveats"],
    &["summary"],
    &["reference-interval"],
    &["zscore-reference"],
    &["serve"],
];

/// The lines of `lmr COMMAND --help` that name an argument or a flag (`  <ID>`,
/// `  -o, --output <OUT|->`, `      --format <FORMAT>`) under `Arguments:` and `Options:`, each
/// with the line after it.
fn entries(help: &str) -> Vec<(&str, &str)> {
    let lines: Vec<&str> = help.lines().collect();
    let mut in_list = false;
    let mut found = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let text = line.trim_start();
        let indent = line.len() - text.len();
        if indent == 0 && !text.is_empty() {
            in_list = matches!(text, "Arguments:" | "Options:");
        } else if in_list
            && (2..=6).contains(&indent)
            && (text.starts_with('-') || text.starts_with('<'))
        {
            found.push((*line, lines.get(i + 1).copied().unwrap_or_default()));
        }
    }
    found
}

#[test]
fn every_command_and_flag_has_help() {
    for command in COMMANDS {
        let out = Command::cargo_bin("lmr")
            .expect("binary built")
            .args(*command)
            .arg("--help")
            .output()
            .expect("runs");
        let help = String::from_utf8(out.stdout).expect("UTF-8");
        assert!(out.status.success(), "lmr {command:?} --help failed");
        let summary = help.lines().next().unwrap_or_default();
        assert!(!summary.trim().is_empty(), "lmr {command:?}: no summary");
        let entries = entries(&help);
        // Each command has at least `-h, --help`.
        assert!(
            !entries.is_empty(),
            "lmr {command:?}: no flags found in\n{help}"
        );
        for (flag, next) in entries {
            // The help is on the next line, indented under the flag (10 spaces), or (when no
            // flag of the command has a long help) on the same line after two spaces.
            let below = next.starts_with("          ") && !next.trim().is_empty();
            let beside = flag
                .trim()
                .split_once("  ")
                .is_some_and(|(_, h)| !h.trim().is_empty());
            assert!(below || beside, "lmr {command:?}: {flag:?} has no help");
        }
    }
}

#[test]
fn check_lists_every_sample_flag_with_its_value() {
    let out = Command::cargo_bin("lmr")
        .expect("binary built")
        .args(["check", "--help"])
        .output()
        .expect("runs");
    let help = String::from_utf8(out.stdout).expect("UTF-8");
    // A few of the 25, with the value each takes, as docs/cli.md describes them.
    for flag in [
        "--lactulose <CONC>",
        "--volume <VOLUME>",
        "--age <YEARS>",
        "--egfr <mL/min/1.73 m²>",
        "--solution <SUGAR=STRENGTH>",
    ] {
        assert!(help.contains(flag), "{flag} missing from lmr check --help");
    }
    let sample_flags = lmr::sample::check::FIELDS.len();
    assert_eq!(sample_flags, 25);
    let listed = entries(&help).len();
    // The 25 sample flags, then `--sample`, `--format`, the range flags and `-h`.
    assert!(listed > sample_flags + 2, "{listed} flags listed");
}
