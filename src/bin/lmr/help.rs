//! The help of every command and flag comes from docs/cli.md (read at build time into
//! `CLI_HELP`, see build.rs), so the page users read there is what `--help` prints. A flag's
//! entry is looked up in its command's section, then under "Options shared by several commands".

use clap::Command;

include!(concat!(env!("OUT_DIR"), "/cli_help.rs"));

/// The help text and long help of `entry` in `section`.
fn entry(section: &str, entry: &str) -> Option<(&'static str, Option<&'static str>)> {
    let found = CLI_HELP.iter().find(|e| e.0 == section && e.1 == entry);
    found.map(|e| (e.2, e.3))
}

/// `cmd` (`path` is how it is called, e.g. `lmr ranges list`) with its help, its arguments' and
/// its subcommands' from the page.
pub fn document(cmd: Command, path: &str) -> Command {
    let own = format!("`{path}`");
    let text = |key| entry(&own, key).map(|(text, _)| text);
    let about = text("").unwrap_or_default();
    // clap shows a subcommand's summary without its final period, the top level's as written.
    let about = if path.contains(' ') {
        about.to_string()
    } else {
        format!("{about}.")
    };
    let cmd = cmd.about(about).long_about(text("About"));
    let cmd = cmd
        .after_long_help(text("Examples"))
        .after_help(text("Exit codes"));
    cmd.mut_args(|arg| {
        let key = match (
            arg.get_long(),
            arg.get_value_names().and_then(|v| v.first()),
        ) {
            (Some(long), _) => format!("`--{long}`"),
            (None, Some(name)) => format!("`<{name}>`"),
            (None, None) => format!("`<{}>`", arg.get_id().as_str().to_uppercase()),
        };
        let shared = || entry("Options shared by several commands", &key);
        match entry(&own, &key).or_else(shared) {
            Some((help, long)) => arg.help(help).long_help(long),
            None => arg,
        }
    })
    .mut_subcommands(|sub| {
        let path = format!("{path} {}", sub.get_name());
        document(sub, &path)
    })
}
