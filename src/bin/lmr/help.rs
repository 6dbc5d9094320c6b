//! The help of every command and flag comes from docs/cli.md, so the page users read there is
//! what `--help` prints. A command is a `## `lmr …`` section: its first paragraph is the
//! summary, `### About` and `### Examples` (fenced, printed as written) the long description and
//! what follows the options, `### Exit codes` what follows every help; each flag is a
//! ``### `--flag` `` (an argument ``### `<NAME>` ``) entry, looked up in the command's section and
//! then under "Options shared by several commands".

use clap::{Arg, Command};

const PAGE: &str = include_str!("../../../docs/cli.md");

/// `cmd` (`path` is how it is called, e.g. `lmr ranges list`) with its help, its arguments' and
/// its subcommands' from the page.
pub fn document(mut cmd: Command, path: &str) -> Command {
    let own = section(&format!("`{path}`"));
    let shared = section("Options shared by several commands");
    let summary = own.split("\n### ").next().unwrap_or_default();
    let (about, _) = prose(summary.split_once('\n').map_or("", |(_, s)| s));
    // clap shows a subcommand's summary without its final period, the top level's as written.
    cmd = match path.contains(' ') {
        true => cmd.about(about),
        false => cmd.about(format!("{about}.")),
    };
    cmd = cmd
        .long_about(entry(own, "About").map(verbatim))
        .after_long_help(entry(own, "Examples").map(verbatim))
        .after_help(entry(own, "Exit codes").map(verbatim));
    cmd.mut_args(|arg| {
        let key = match arg.get_long() {
            Some(long) => format!("`--{long}`"),
            None => match arg.get_value_names().and_then(|v| v.first()) {
                Some(name) => format!("`<{name}>`"),
                None => format!("`<{}>`", arg.get_id().as_str().to_uppercase()),
            },
        };
        match entry(own, &key).or_else(|| entry(shared, &key)) {
            Some(text) => with_help(arg, text),
            None => arg,
        }
    })
    .mut_subcommands(|sub| {
        let path = format!("{path} {}", sub.get_name());
        document(sub, &path)
    })
}

fn with_help(arg: Arg, text: &str) -> Arg {
    match prose(text) {
        (help, Some(long)) => arg.help(help).long_help(long),
        (help, None) => arg.help(help),
    }
}

/// The text of the `## {title}` section (empty if there is none).
fn section(title: &str) -> &'static str {
    let heading = format!("\n## {title}\n");
    PAGE.split_once(heading.as_str()).map_or("", |(_, rest)| {
        rest.split("\n## ").next().unwrap_or_default()
    })
}

/// The body of the `### {title}` entry of a section.
fn entry(section: &'static str, title: &str) -> Option<&'static str> {
    section
        .split("\n### ")
        .skip(1)
        .find_map(|e| e.strip_prefix(title)?.strip_prefix('\n'))
}

/// A fenced block's text, as written.
fn verbatim(body: &'static str) -> &'static str {
    let body = body.trim();
    let inner = body
        .strip_prefix("```text\n")
        .and_then(|b| b.strip_suffix("\n```"));
    inner.unwrap_or(body)
}

/// Paragraphs as clap reads doc comments: lines joined with spaces; the help is the first
/// paragraph without its final period, the long help (if there are more) all of them.
fn prose(text: &str) -> (String, Option<String>) {
    let paragraphs: Vec<String> = text
        .trim()
        .split("\n\n")
        .map(|p| p.lines().map(str::trim).collect::<Vec<_>>().join(" "))
        .collect();
    let first = &paragraphs[0];
    let help = first.strip_suffix('.').filter(|h| !h.ends_with('.'));
    let long = (paragraphs.len() > 1).then(|| paragraphs.join("\n\n"));
    (help.unwrap_or(first).to_string(), long)
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    /// Every command, argument and flag has its help on the page.
    #[test]
    fn every_flag_is_documented() {
        fn walk(cmd: &clap::Command, path: &str) {
            assert!(cmd.get_about().is_some(), "{path}: no summary");
            for arg in cmd.get_arguments() {
                assert!(arg.get_help().is_some(), "{path} {}: no help", arg.get_id());
            }
            for sub in cmd.get_subcommands() {
                walk(sub, &format!("{path} {}", sub.get_name()));
            }
        }
        walk(&super::document(crate::args::Args::command(), "lmr"), "lmr");
    }
}
