//! Embeds every file under `reference-ranges/` in the library at build time, and reads the help
//! of `lmr`'s commands and flags out of docs/cli.md (so the program does not parse the page at
//! every start).
use std::{env, fs, io, path::Path};

fn collect(dir: &Path, out: &mut Vec<std::path::PathBuf>) -> io::Result<()> {
    let mut entries: Vec<_> = fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.path());
    for e in entries {
        let p = e.path();
        if p.is_dir() {
            collect(&p, out)?;
        } else if p.extension().is_some_and(|x| x == "toml") {
            out.push(p);
        }
    }
    Ok(())
}

fn main() -> io::Result<()> {
    let out = Path::new(&env::var("OUT_DIR").map_err(io::Error::other)?).to_path_buf();
    cli_help(&out)?;
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("reference-ranges");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut files = Vec::new();
    collect(&root, &mut files)?;
    let mut code = String::from("/// Every shipped range file: (path under reference-ranges/, contents).\npub(crate) static BUILTIN_FILES: &[(&str, &str)] = &[\n");
    for f in &files {
        let rel = f
            .strip_prefix(&root)
            .unwrap_or(f)
            .to_string_lossy()
            .replace('\\', "/");
        code.push_str(&format!(
            "    ({rel:?}, include_str!({:?})),\n",
            f.display().to_string()
        ));
    }
    code.push_str("];\n");
    fs::write(out.join("builtin_ranges.rs"), code)
}

/// Writes `cli_help.rs`: `CLI_HELP`, one `(section, entry, help, long help)` per entry of
/// docs/cli.md. A command is a `` ## `lmr …` `` section; its entry `""` is its summary (the first
/// paragraph), `About`, `Examples` and `Exit codes` are printed as written (inside the fence),
/// and each `` ### `--flag` `` or `` ### `<NAME>` `` entry is that flag's help: paragraphs as clap
/// reads doc comments (lines joined with spaces), the help the first without its final period,
/// the long help all of them when there are more.
fn cli_help(out: &Path) -> io::Result<()> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/cli.md");
    println!("cargo:rerun-if-changed={}", path.display());
    let page = fs::read_to_string(&path)?;
    let mut code = String::from("/// `(section, entry, help, long help)` of docs/cli.md (see build.rs).\npub static CLI_HELP: &[(&str, &str, &str, Option<&str>)] = &[\n");
    for section in page.split("\n## ").skip(1) {
        let (title, body) = section.split_once('\n').unwrap_or((section, ""));
        let mut entries = body.split("\n### ");
        let summary = entries.next().unwrap_or_default();
        let summary = prose(summary.split_once('\n').map_or("", |(_, s)| s)).0;
        code.push_str(&format!("    ({title:?}, \"\", {summary:?}, None),\n"));
        for entry in entries {
            let (key, text) = entry.split_once('\n').unwrap_or((entry, ""));
            let (help, long) = match key {
                "About" | "Examples" | "Exit codes" => (verbatim(text).to_string(), None),
                _ => prose(text),
            };
            code.push_str(&format!("    ({title:?}, {key:?}, {help:?}, {long:?}),\n"));
        }
    }
    code.push_str("];\n");
    fs::write(out.join("cli_help.rs"), code)
}

/// A fenced block's text, as written.
fn verbatim(body: &str) -> &str {
    let body = body.trim();
    let inner = body
        .strip_prefix("```text\n")
        .and_then(|b| b.strip_suffix("\n```"));
    inner.unwrap_or(body)
}

/// The help (first paragraph, without its final period) and, when there is more than one
/// paragraph, the long help.
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
