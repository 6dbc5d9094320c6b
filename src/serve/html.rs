//! HTML building blocks: one escaping function every value goes through, and the page frame.

use std::fmt::Write;

/// Escapes text for HTML element content and quoted attribute values.
///
/// ```ignore
/// assert_eq!(esc("<b a=\"1\">&'"), "&lt;b a=&quot;1&quot;&gt;&amp;&#39;");
/// ```
pub(super) fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A whole page: `title` (plain text) and `body` (HTML, already escaped).
pub(super) fn page(title: &str, active: &str, body: &str) -> String {
    let mut out = String::with_capacity(body.len() + 1024);
    let nav = |href: &str, label: &str| {
        let current = if href == active {
            " aria-current=\"page\""
        } else {
            ""
        };
        format!("<a href=\"{href}\"{current}>{label}</a>")
    };
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title} · lmr</title>\n\
         <link rel=\"stylesheet\" href=\"/static/style.css\">\n\
         <link rel=\"icon\" href=\"/static/icon.svg\" type=\"image/svg+xml\">\n\
         </head>\n<body>\n<a class=\"skip\" href=\"#main\">Skip to the form</a>\n\
         <header><p class=\"brand\">lmr</p><nav aria-label=\"Pages\">{one} {file}</nav></header>\n\
         <main id=\"main\">\n{body}\n</main>\n\
         <footer><p>Runs on this computer: nothing you enter leaves it. \
         Increased intestinal permeability is measurable; “leaky gut syndrome” is not an established \
         diagnosis. lmr describes the measurement, compares it with a named reference and states the \
         caveats; it does not tell anyone they have a syndrome or a disease.</p></footer>\n\
         </body>\n</html>\n",
        title = esc(title),
        one = nav("/", "One sample"),
        file = nav("/batch", "A file of samples"),
    );
    out
}
