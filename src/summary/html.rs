//! Figures of a [`Summary`]: one self-contained HTML page ([`html`]) or standalone SVG files
//! ([`svg_figures`]).
//!
//! The figures are drawn with `plotters` and its SVG backend, with no font feature: text is
//! written as SVG `<text>` elements and laid out by the browser, so no system fonts are needed
//! to build or run. The page loads nothing (no scripts, styles, fonts or images from elsewhere).
//!
//! - **L:M ratio** per group: a histogram on a log axis (the ratio is right-skewed), with each
//!   bound of every L:M range that classified a row of the group, and of an explicitly chosen
//!   range, drawn as a vertical line labelled with the range id.
//! - **Recoveries**: lactulose (y) against mannitol (x) recovery, log–log, with the flag regions
//!   shaded: above the diagonal `lactulose_exceeds_mannitol`; left and right of the mannitol
//!   plausibility band (bounds read from the loaded range `mannitol-recovery-healthy-adults-oral`)
//!   `low_mannitol_recovery` and `high_mannitol_recovery`. At most
//!   [`HtmlOptions::max_scatter_points`] points are drawn (an even, deterministic subsample,
//!   stated in the caption).
//! - **25(OH)D** per group: a histogram with the bands of the chosen scheme shaded and labelled.
//! - The caveats carried by the rows, with their texts, under the figures.

use std::fmt::Write as _;

use plotters::coord::combinators::BindKeyPoints;
use plotters::prelude::*;

use super::output::{measure_rows, significant};
use super::plot::{
    above_diagonal, extent, histogram, log_bin_edges, log_limits, log_ticks, subsample_indices,
    tick_label, LogValues,
};
use super::{Summary, CENSORED_METHOD, QUANTILE_METHOD};
use crate::files::{FileError, OutputFile};
use crate::reference::ReferenceRange;

type DrawResult = Result<(), Box<dyn std::error::Error>>;

/// The default page title: it names the measurements, never a condition.
///
/// ```
/// assert!(!lmr::summary::html::DEFAULT_TITLE.to_lowercase().contains("leaky gut"));
/// ```
pub const DEFAULT_TITLE: &str =
    "Lactulose–mannitol test results, 25(OH)D and zonulin: cohort summary";

/// Choices for the figures.
///
/// ```
/// use lmr::summary::HtmlOptions;
///
/// let options = HtmlOptions { subtitle: Some("cohort.csv".into()), ..HtmlOptions::default() };
/// assert_eq!((options.bins, options.max_scatter_points), (40, 1500));
/// assert_eq!(options.title, lmr::summary::html::DEFAULT_TITLE);
/// ```
#[derive(Clone, Debug)]
pub struct HtmlOptions {
    /// Page title (default [`DEFAULT_TITLE`]).
    pub title: String,
    /// A line under the title, such as the input file's name (HTML-escaped when written).
    pub subtitle: Option<String>,
    /// Most points drawn in the recovery scatter (default 1500), to keep the file small.
    pub max_scatter_points: usize,
    /// The vitamin D scheme whose bands are drawn (default: the first chosen scheme).
    pub vitamin_d_scheme: Option<String>,
    /// Bins of each histogram (default 40).
    pub bins: usize,
}

impl Default for HtmlOptions {
    fn default() -> Self {
        HtmlOptions {
            title: DEFAULT_TITLE.to_string(),
            subtitle: None,
            max_scatter_points: 1500,
            vitamin_d_scheme: None,
            bins: 40,
        }
    }
}

/// One figure: a file name for `--svg-dir`, a heading, the SVG and a caption (plain text).
///
/// ```
/// # let registry = lmr::Registry::builtin()?;
/// # let interpreter = lmr::Interpreter::new(&registry, &Default::default())?;
/// # let mut summary = lmr::summary::Summary::new(&[], &interpreter, &registry);
/// # let mut out = lmr::Interpretation::default();
/// interpreter.interpret(&lmr::sample::from_fields([("vitamin_d", "45 nmol/L")], &registry)?, &mut out)?;
/// summary.add(&[], Some(&out), false);
/// let figure = &lmr::summary::svg_figures(&summary, &Default::default())[0];
/// assert_eq!(figure.file_name, "vitamin-d.svg");
/// assert!(figure.svg.contains("<svg"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct Figure {
    /// File name (`lm-ratio.svg`).
    pub file_name: &'static str,
    /// Heading.
    pub heading: String,
    /// A standalone SVG document.
    pub svg: String,
    /// What the figure shows, what was left out, and why.
    pub caption: String,
}

const WIDTH: u32 = 960;
const GROUP_COLOURS: [RGBColor; 8] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(23, 190, 207),
];
const RANGE_COLOURS: [RGBColor; 5] = [
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
    RGBColor(140, 86, 75),
];
const BAND_COLOURS: [RGBColor; 4] = [
    RGBColor(253, 174, 97),
    RGBColor(255, 255, 191),
    RGBColor(171, 221, 164),
    RGBColor(215, 48, 39),
];

fn font(size: u32) -> TextStyle<'static> {
    ("sans-serif", size).into_font().color(&BLACK)
}

/// The figures of `summary`, in page order: L:M ratio, recoveries, vitamin D. A figure with
/// nothing to draw is left out.
///
/// ```
/// # let registry = lmr::Registry::builtin()?;
/// # let interpreter = lmr::Interpreter::new(&registry, &Default::default())?;
/// # let mut summary = lmr::summary::Summary::new(&[], &interpreter, &registry);
/// # let mut out = lmr::Interpretation::default();
/// use lmr::summary::{svg_figures, HtmlOptions};
/// assert!(svg_figures(&summary, &HtmlOptions::default()).is_empty()); // nothing to draw yet
/// let fields = [("protocol", "dutch-sat-hyperosmolar"), ("lactulose", "30 mg/L"), ("mannitol", "200 mg/L"), ("volume", "1 L")];
/// interpreter.interpret(&lmr::sample::from_fields(fields, &registry)?, &mut out)?;
/// summary.add(&[], Some(&out), false);
/// let names: Vec<_> = svg_figures(&summary, &HtmlOptions::default()).iter().map(|f| f.file_name).collect();
/// assert_eq!(names, ["lm-ratio.svg", "recoveries.svg"]); // no vitamin D in this row
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn svg_figures(summary: &Summary, options: &HtmlOptions) -> Vec<Figure> {
    [lm_figure, scatter_figure, vitamin_d_figure]
        .into_iter()
        .filter_map(|f| f(summary, options))
        .collect()
}

/// Writes each of [`svg_figures`] to a file of its name in `dir` (created if missing), refusing
/// to replace one of `inputs` ([`OutputFile`]); gives how many were written.
///
/// # Errors
/// When `dir` cannot be created or a file cannot be written.
///
/// ```
/// use lmr::summary::{write_svg_figures, HtmlOptions, Summary};
/// let registry = lmr::Registry::builtin()?;
/// let interpreter = lmr::Interpreter::new(&registry, &Default::default())?;
/// let summary = Summary::new(&[], &interpreter, &registry); // no rows: no figures
/// let dir = tempfile::tempdir()?;
/// assert_eq!(write_svg_figures(&dir.path().join("figs"), &summary, &HtmlOptions::default(), &[])?, 0);
/// assert!(dir.path().join("figs").is_dir());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn write_svg_figures(
    dir: &std::path::Path,
    summary: &Summary,
    options: &HtmlOptions,
    inputs: &[&std::path::Path],
) -> Result<usize, FileError> {
    let create = std::fs::create_dir_all(dir);
    create.map_err(|source| FileError::Io {
        path: dir.to_path_buf(),
        action: "create",
        source,
    })?;
    let figures = svg_figures(summary, options);
    for figure in &figures {
        OutputFile::create(&dir.join(figure.file_name), inputs)?.write_text(&figure.svg)?;
    }
    Ok(figures.len())
}

/// One self-contained HTML page: title, a table of medians, the figures as inline SVG with
/// their captions, the rows per class and per flag, and the caveats. Nothing is loaded from elsewhere and no script runs.
///
/// ```
/// use lmr::interpretation::{Interpreter, Options};
/// use lmr::reference::Registry;
/// use lmr::summary::{html, HtmlOptions, Summary};
/// let registry = Registry::builtin()?;
/// let interpreter = Interpreter::new(&registry, &Options::default())?;
/// let summary = Summary::new(&[], &interpreter, &registry);
/// let page = html(&summary, &HtmlOptions::default());
/// assert!(page.starts_with("<!DOCTYPE html>"));
/// assert!(!page.contains("<script"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn html(summary: &Summary, options: &HtmlOptions) -> String {
    let mut s = String::new();
    let title = escape(&options.title);
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>{title}</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n<h1>{title}</h1>\n"
    );
    if let Some(sub) = &options.subtitle {
        let _ = writeln!(s, "<p class=\"sub\">{}</p>", escape(sub));
    }
    let by = if summary.by().is_empty() {
        String::new()
    } else {
        format!(", grouped by {}", escape(&summary.by().join(", ")))
    };
    let _ = writeln!(
        s,
        "<p>{} row(s) in {} group(s){by}. These figures describe measurements and compare them \
         with named reference ranges; they do not diagnose anything.</p>",
        summary.rows(),
        summary.groups.len()
    );
    table_html(&mut s, summary);
    for f in svg_figures(summary, options) {
        let _ = write!(
            s,
            "<figure>\n<h2>{}</h2>\n{}\n<figcaption>{}</figcaption>\n</figure>\n",
            escape(&f.heading),
            inline_svg(&f.svg),
            escape(&f.caption)
        );
    }
    counts_html(&mut s, summary);
    s.push_str("<h2>Caveats</h2>\n<dl class=\"caveats\">\n");
    let mut any = false;
    for c in summary.caveats() {
        any = true;
        let _ = write!(s, "<dt><code>{}</code></dt>", c.code());
        if c.parts().is_empty() {
            let _ = writeln!(s, "<dd>{}</dd>", escape(c.text()));
        } else {
            // A standing code: every text it gathers, each under its former code.
            s.push_str("<dd><ul>");
            for p in c.parts() {
                let _ = write!(s, "<li>{}</li>", escape(p.text()));
            }
            s.push_str("</ul></dd>\n");
        }
    }
    if !any {
        s.push_str("<dd>No row carried a caveat.</dd>\n");
    }
    s.push_str("</dl>\n");
    let _ = write!(
        s,
        "<p class=\"method\">Quantiles: {}. Censored values: {}.</p>\n</body>\n</html>\n",
        escape(QUANTILE_METHOD),
        escape(CENSORED_METHOD)
    );
    s
}

const CSS: &str = "body{font-family:sans-serif;max-width:1000px;margin:1em auto;color:#222}\n\
h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.6em}\n\
table{border-collapse:collapse;font-size:.85em}td,th{border:1px solid #ccc;padding:2px 6px}\n\
td.n{text-align:right}figure{margin:0}figcaption{font-size:.85em;color:#444;margin-top:.3em}\n\
dl.caveats dt{margin-top:.5em}dl.caveats dd{margin-left:1.5em;font-size:.9em}\n\
.sub,.method{color:#555;font-size:.85em}\n";

fn table_html(s: &mut String, summary: &Summary) {
    s.push_str(
        "<h2>Medians</h2>\n<table>\n<tr><th>group</th><th>rows</th><th>with errors</th>\
         <th>measure (unit)</th><th>n exact</th><th>n &lt;limit</th><th>n &gt;limit</th>\
         <th>median</th><th>Q1–Q3</th></tr>\n",
    );
    for (key, g) in summary.groups() {
        let rows: Vec<_> = measure_rows(g)
            .into_iter()
            .filter(|m| !m.measure.is_empty())
            .collect();
        let span = rows.len().max(1);
        let _ = write!(
            s,
            "<tr><td rowspan=\"{span}\">{}</td><td class=\"n\" rowspan=\"{span}\">{}</td>\
             <td class=\"n\" rowspan=\"{span}\">{}</td>",
            escape(&summary.group_label(key)),
            g.rows(),
            g.rows_with_error()
        );
        if rows.is_empty() {
            s.push_str("<td colspan=\"6\">no values</td></tr>\n");
        }
        for (i, m) in rows.iter().enumerate() {
            if i > 0 {
                s.push_str("<tr>");
            }
            let q = m.measure.quartiles();
            let _ = writeln!(
                s,
                "<td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
                 <td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
                escape(&m.label),
                m.measure.n_exact(),
                m.measure.n_below_limit(),
                m.measure.n_above_limit(),
                q.map_or("–".into(), |q| significant(q.median)),
                q.map_or("–".into(), |q| format!(
                    "{}–{}",
                    significant(q.q1),
                    significant(q.q3)
                )),
            );
        }
    }
    s.push_str("</table>\n");
}

fn counts_html(s: &mut String, summary: &Summary) {
    s.push_str(
        "<h2>Rows per class and per flag</h2>\n<table>\n<tr><th>group</th><th>column</th>\
         <th>range</th><th>class or flag</th><th>rows</th></tr>\n",
    );
    for (key, g) in summary.groups() {
        let label = escape(&summary.group_label(key));
        for (k, n) in g.classes() {
            let _ = writeln!(
                s,
                "<tr><td>{label}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{n}</td></tr>",
                escape(&k.column),
                k.range.as_deref().map_or("(no range applied)".into(), escape),
                escape(&k.class)
            );
        }
        for (f, n) in g.flags() {
            let _ = writeln!(
                s,
                "<tr><td>{label}</td><td>flags</td><td></td><td><code>{}</code></td>\
                 <td class=\"n\">{n}</td></tr>",
                f.code()
            );
        }
    }
    s.push_str("</table>\n");
}

/// Escapes `&`, `<`, `>` and `"` for HTML text and attributes.
///
/// ```
/// use lmr::summary::html::escape;
///
/// assert_eq!(escape(r#"L:M < 0.03 & "site A""#), "L:M &lt; 0.03 &amp; &quot;site A&quot;");
/// ```
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

/// An SVG document for inlining in HTML: no XML declaration, and no `xmlns` (HTML puts `<svg>`
/// in the SVG namespace itself), so the page holds no address at all.
fn inline_svg(svg: &str) -> String {
    strip_xml_declaration(svg).replacen(" xmlns=\"http://www.w3.org/2000/svg\"", "", 1)
}

fn strip_xml_declaration(svg: &str) -> &str {
    match svg.strip_prefix("<?xml") {
        Some(rest) => rest.find("?>").map_or(svg, |i| rest[i + 2..].trim_start()),
        None => svg,
    }
}

/// Inner boundaries of a range (between two bands), each once, ascending.
fn inner_bounds(range: &ReferenceRange) -> Vec<f64> {
    let mut out: Vec<f64> = range
        .bands
        .iter()
        .take(range.bands.len().saturating_sub(1))
        .filter_map(|b| b.upper.map(|u| u.value))
        .collect();
    out.dedup();
    out
}

fn lm_figure(summary: &Summary, options: &HtmlOptions) -> Option<Figure> {
    struct Panel<'a> {
        label: String,
        values: LogValues,
        censored: u64,
        ranges: Vec<&'a ReferenceRange>,
    }
    let explicit = summary.lm_explicit();
    let panels: Vec<Panel<'_>> = summary
        .groups()
        .filter(|(_, g)| !g.lm_ratio().is_empty())
        .map(|(key, g)| {
            let mut ranges: Vec<&ReferenceRange> = g
                .lm_ranges()
                .iter()
                .filter_map(|id| summary.range(id))
                .collect();
            if let Some(e) = explicit {
                if !ranges.iter().any(|r| r.id == e.id) {
                    ranges.push(e);
                }
            }
            Panel {
                label: summary.group_label(key),
                values: LogValues::from_values(g.lm_ratio().values().iter().copied()),
                censored: g.lm_ratio().n_below_limit() + g.lm_ratio().n_above_limit(),
                ranges,
            }
        })
        .collect();
    if panels.is_empty() {
        return None;
    }
    let all = panels.iter().flat_map(|p| {
        p.values.values.iter().copied().chain(
            p.ranges
                .iter()
                .flat_map(|r| inner_bounds(r))
                .filter(|b| *b > 0.0),
        )
    });
    let (lo, hi) = extent(all).and_then(|(a, b)| log_limits(a, b))?;
    let edges = log_bin_edges(lo, hi, options.bins.max(1));
    let panel_h = 230u32;
    let height = panel_h * panels.len() as u32;
    let mut svg = String::new();
    let drawn: DrawResult = (|| {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE)?;
        let areas = root.split_evenly((panels.len(), 1));
        for (i, (p, area)) in panels.iter().zip(areas.iter()).enumerate() {
            let counts = histogram(&p.values.values, &edges);
            let ymax = (counts.iter().copied().max().unwrap_or(0).max(1) as f64) * 1.25;
            let colour = GROUP_COLOURS[i % GROUP_COLOURS.len()];
            let mut chart = ChartBuilder::on(area)
                .caption(
                    format!(
                        "{}: {} ratios drawn{}{}",
                        p.label,
                        p.values.values.len(),
                        if p.censored > 0 {
                            format!(", {} censored not drawn", p.censored)
                        } else {
                            String::new()
                        },
                        if p.values.skipped > 0 {
                            format!(", {} ≤ 0 not drawn", p.values.skipped)
                        } else {
                            String::new()
                        }
                    ),
                    font(16),
                )
                .margin(8)
                .x_label_area_size(34)
                .y_label_area_size(48)
                .build_cartesian_2d(
                    (lo..hi).log_scale().with_key_points(log_ticks(lo, hi)),
                    0.0..ymax,
                )?;
            chart
                .configure_mesh()
                .disable_x_mesh()
                .x_desc("L:M ratio (lactulose % ÷ mannitol %), log scale")
                .y_desc("rows")
                .y_labels(5)
                .light_line_style(WHITE.mix(0.0))
                .x_label_formatter(&|x| tick_label(*x))
                .y_label_formatter(&|y| format!("{y:.0}"))
                .label_style(font(13))
                .axis_desc_style(font(14))
                .draw()?;
            chart.draw_series(counts.iter().enumerate().filter(|&(_, &c)| c > 0).map(
                |(j, &c)| {
                    Rectangle::new(
                        [(edges[j], 0.0), (edges[j + 1], c as f64)],
                        colour.mix(0.7).filled(),
                    )
                },
            ))?;
            if p.ranges.is_empty() {
                chart.draw_series(std::iter::once(Text::new(
                    "no L:M range applied to these rows (caveat no_matching_range): no bound drawn",
                    (lo * 1.05, ymax * 0.96),
                    font(14),
                )))?;
            }
            for (k, r) in p.ranges.iter().enumerate() {
                let rc = RANGE_COLOURS[k % RANGE_COLOURS.len()];
                let chosen = explicit.is_some_and(|e| e.id == r.id);
                for b in inner_bounds(r).into_iter().filter(|b| *b > 0.0) {
                    chart.draw_series(std::iter::once(PathElement::new(
                        vec![(b, 0.0), (b, ymax * 0.93)],
                        rc.stroke_width(2),
                    )))?;
                    let text = format!(
                        "{}{} = {}",
                        r.id,
                        if chosen { " (chosen)" } else { "" },
                        tick_label(b)
                    );
                    chart.draw_series(std::iter::once(Text::new(
                        text,
                        (b * 1.02, ymax * (0.9 - 0.1 * k as f64)),
                        font(14).color(&rc),
                    )))?;
                }
            }
        }
        root.present()?;
        Ok(())
    })();
    let mut caption = format!(
        "Histogram of the L:M ratio per group on a log axis ({} log-spaced bins from {} to {}). \
         Vertical lines: the bounds between bands of each L:M range that classified a row of the \
         group{}, labelled by range id; a range applies only to the protocol and population it \
         was established in. Censored ratios and ratios ≤ 0 cannot be placed on the axis and are \
         counted in each panel's title.",
        options.bins.max(1),
        tick_label(lo),
        tick_label(hi),
        if explicit.is_some() {
            " and of the range chosen explicitly"
        } else {
            ""
        }
    );
    if let Err(e) = drawn {
        let _ = write!(caption, " The figure could not be drawn: {e}.");
    }
    Some(Figure {
        file_name: "lm-ratio.svg",
        heading: "L:M ratio per group".into(),
        svg,
        caption,
    })
}

fn scatter_figure(summary: &Summary, options: &HtmlOptions) -> Option<Figure> {
    // (group index, mannitol %, lactulose %), both > 0
    let mut points: Vec<(usize, f64, f64)> = Vec::new();
    let mut skipped = 0usize;
    let mut labels = Vec::new();
    for (i, (key, g)) in summary.groups().enumerate() {
        labels.push(summary.group_label(key));
        for &(l, m) in g.recovery_pairs() {
            if l > 0.0 && m > 0.0 && l.is_finite() && m.is_finite() {
                points.push((i, m, l));
            } else {
                skipped += 1;
            }
        }
    }
    if points.is_empty() {
        return None;
    }
    let band = summary.mannitol_band();
    let (band_lo, band_hi) = band.map_or((None, None), |r| {
        (
            r.bands.first().and_then(|b| b.upper).map(|b| b.value),
            r.bands.last().and_then(|b| b.lower).map(|b| b.value),
        )
    });
    let (x0, x1) = extent(points.iter().map(|p| p.1).chain(band_lo).chain(band_hi))
        .and_then(|(a, b)| log_limits(a, b))?;
    let (y0, y1) = extent(points.iter().map(|p| p.2)).and_then(|(a, b)| log_limits(a, b))?;
    let keep = subsample_indices(points.len(), options.max_scatter_points);
    let mut svg = String::new();
    let drawn: DrawResult = (|| {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, 640)).into_drawing_area();
        root.fill(&WHITE)?;
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(56)
            .build_cartesian_2d(
                (x0..x1).log_scale().with_key_points(log_ticks(x0, x1)),
                (y0..y1).log_scale().with_key_points(log_ticks(y0, y1)),
            )?;
        chart
            .configure_mesh()
            .x_desc("mannitol recovery (% of dose), log scale")
            .y_desc("lactulose recovery (% of dose), log scale")
            .x_label_formatter(&|x| tick_label(*x))
            .y_label_formatter(&|y| tick_label(*y))
            .label_style(font(13))
            .axis_desc_style(font(14))
            .light_line_style(WHITE.mix(0.0))
            .draw()?;
        let red = RGBColor(214, 39, 40);
        let above = above_diagonal(x0, x1, y0, y1);
        if !above.is_empty() {
            chart.draw_series(std::iter::once(Polygon::new(above, red.mix(0.12).filled())))?;
            let (d0, d1) = (x0.max(y0), x1.min(y1));
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(d0, d0), (d1, d1)],
                red.stroke_width(1),
            )))?;
            chart.draw_series(std::iter::once(Text::new(
                "lactulose > mannitol (above the line y = x): lactulose_exceeds_mannitol",
                (x0 * 1.08, y1 / 1.35),
                font(14).color(&RGBColor(170, 20, 20)),
            )))?;
        }
        let mband = RGBColor(255, 127, 14);
        let id = band.map_or("", |r| r.id.as_str());
        if let Some(b) = band_lo {
            chart.draw_series(std::iter::once(Rectangle::new(
                [(x0, y0), (b, y1)],
                mband.mix(0.15).filled(),
            )))?;
            chart.draw_series(std::iter::once(Text::new(
                format!("< {} %: low_mannitol_recovery", tick_label(b)),
                (x0 * 1.08, y0 * 1.9),
                font(14).color(&RGBColor(160, 80, 0)),
            )))?;
        }
        if let Some(b) = band_hi {
            chart.draw_series(std::iter::once(Rectangle::new(
                [(b, y0), (x1, y1)],
                mband.mix(0.15).filled(),
            )))?;
            chart.draw_series(std::iter::once(Text::new(
                format!("> {} %: high_mannitol_recovery", tick_label(b)),
                (b * 1.04, y0 * 1.9),
                font(14).color(&RGBColor(160, 80, 0)),
            )))?;
        }
        if band_lo.is_some() || band_hi.is_some() {
            chart.draw_series(std::iter::once(Text::new(
                format!("mannitol band: {id} (applied to adults)"),
                (x0 * 1.08, y0 * 1.35),
                font(13).color(&RGBColor(160, 80, 0)),
            )))?;
        }
        for (gi, label) in labels.iter().enumerate() {
            let colour = GROUP_COLOURS[gi % GROUP_COLOURS.len()];
            let n = keep.iter().filter(|&&k| points[k].0 == gi).count();
            if n == 0 {
                continue;
            }
            chart
                .draw_series(
                    keep.iter()
                        .map(|&k| points[k])
                        .filter(|p| p.0 == gi)
                        .map(|(_, m, l)| Circle::new((m, l), 2, colour.mix(0.6).filled())),
                )?
                .label(format!("{label} ({n} drawn)"))
                .legend(move |(x, y)| Circle::new((x, y), 4, colour.filled()));
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK.mix(0.3))
            .label_font(font(14))
            .draw()?;
        root.present()?;
        Ok(())
    })();
    let mut caption = format!(
        "Lactulose against mannitol recovery (% of each oral dose), log–log, one point per row \
         where both recoveries are exact. Shaded: the regions that raise a flag: above the \
         diagonal, lactulose recovery exceeds mannitol recovery (lactulose_exceeds_mannitol); \
         mannitol recovery outside {} (range {}, applied to adults only) gives \
         low_mannitol_recovery or high_mannitol_recovery.",
        match (band_lo, band_hi) {
            (Some(a), Some(b)) => format!("{}–{} %", tick_label(a), tick_label(b)),
            _ => "the plausibility band (not loaded)".into(),
        },
        band.map_or("none loaded", |r| r.id.as_str()),
    );
    if keep.len() < points.len() {
        let _ = write!(
            caption,
            " Drawn: {} of {} points, an even deterministic subsample (every {:.2}th row in \
             group order), to keep the file small.",
            keep.len(),
            points.len(),
            points.len() as f64 / keep.len().max(1) as f64
        );
    } else {
        let _ = write!(caption, " All {} points drawn.", points.len());
    }
    if skipped > 0 {
        let _ = write!(caption, " {skipped} pair(s) with a recovery ≤ 0 not drawn.");
    }
    if let Err(e) = drawn {
        let _ = write!(caption, " The figure could not be drawn: {e}.");
    }
    Some(Figure {
        file_name: "recoveries.svg",
        heading: "Lactulose and mannitol recovery".into(),
        svg,
        caption,
    })
}

fn vitamin_d_figure(summary: &Summary, options: &HtmlOptions) -> Option<Figure> {
    let schemes: Vec<&ReferenceRange> = summary.vitamin_d_schemes().collect();
    let index = match &options.vitamin_d_scheme {
        Some(id) => schemes.iter().position(|s| s.id == *id)?,
        None => 0,
    };
    let scheme = *schemes.get(index)?;
    let panels: Vec<(String, &[f64])> = summary
        .groups()
        .filter_map(|(key, g)| {
            let m = g.vitamin_d_in_scheme(index)?;
            (m.n_exact() > 0).then(|| (summary.group_label(key), m.values()))
        })
        .collect();
    if panels.is_empty() {
        return None;
    }
    let bounds = inner_bounds(scheme);
    // The axis ends past the scheme's last bound and the 99th percentile; values beyond it
    // are counted in each panel's title.
    let mut pooled: Vec<f64> = panels.iter().flat_map(|(_, v)| v.iter().copied()).collect();
    pooled.sort_by(f64::total_cmp);
    let p99 = super::quantile_type7(&pooled, 0.99).unwrap_or(1.0);
    let last_bound = bounds.last().copied().unwrap_or(0.0);
    let xmax = nice_up((p99 * 1.05).max(last_bound * 1.3));
    let bins = options.bins.max(1);
    let edges: Vec<f64> = (0..=bins).map(|i| xmax * i as f64 / bins as f64).collect();
    let unit = scheme.unit.to_string();
    let panel_h = 220u32;
    let mut svg = String::new();
    let drawn: DrawResult = (|| {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, panel_h * panels.len() as u32))
            .into_drawing_area();
        root.fill(&WHITE)?;
        let areas = root.split_evenly((panels.len(), 1));
        for (i, ((label, values), area)) in panels.iter().zip(areas.iter()).enumerate() {
            let counts = histogram(values, &edges);
            let beyond = values.iter().filter(|&&v| v > xmax).count();
            // Headroom above the tallest bar for the band labels.
            let ymax = (counts.iter().copied().max().unwrap_or(0).max(1) as f64) * 1.6;
            let title = if beyond > 0 {
                format!(
                    "{label}: {} values, {beyond} above {} {unit} not drawn",
                    values.len(),
                    tick_label(xmax)
                )
            } else {
                format!("{label}: {} values", values.len())
            };
            let mut chart = ChartBuilder::on(area)
                .caption(title, font(16))
                .margin(8)
                .margin_right(24)
                .x_label_area_size(34)
                .y_label_area_size(48)
                .build_cartesian_2d(0.0..xmax, 0.0..ymax)?;
            chart
                .configure_mesh()
                .disable_x_mesh()
                .x_desc(format!("25(OH)D ({unit})"))
                .y_desc("rows")
                .y_labels(5)
                .light_line_style(WHITE.mix(0.0))
                .x_label_formatter(&|x| tick_label(*x))
                .y_label_formatter(&|y| format!("{y:.0}"))
                .label_style(font(13))
                .axis_desc_style(font(14))
                .draw()?;
            let visible = |b: &crate::reference::Band| {
                let a = b.lower.map_or(0.0, |x| x.value).max(0.0);
                let z = b.upper.map_or(xmax, |x| x.value).min(xmax);
                (z > a).then_some((a, z))
            };
            for (k, b) in scheme.bands.iter().enumerate() {
                let Some((a, z)) = visible(b) else { continue };
                let c = BAND_COLOURS[k % BAND_COLOURS.len()];
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(a, 0.0), (z, ymax)],
                    c.mix(0.25).filled(),
                )))?;
            }
            let colour = GROUP_COLOURS[i % GROUP_COLOURS.len()];
            chart.draw_series(counts.iter().enumerate().filter(|&(_, &c)| c > 0).map(
                |(j, &c)| {
                    Rectangle::new(
                        [(edges[j], 0.0), (edges[j + 1], c as f64)],
                        colour.mix(0.75).filled(),
                    )
                },
            ))?;
            // Labels last, so that no bar hides them; staggered on three lines.
            for (k, b) in scheme.bands.iter().enumerate() {
                let Some((a, _)) = visible(b) else { continue };
                chart.draw_series(std::iter::once(Text::new(
                    b.label.clone(),
                    (a + xmax * 0.004, ymax * (0.97 - 0.08 * (k % 3) as f64)),
                    font(13),
                )))?;
            }
        }
        root.present()?;
        Ok(())
    })();
    let mut caption = format!(
        "Histogram of 25(OH)D per group in {unit} ({bins} bins of {} {unit}). Shaded and labelled: \
         the bands of the scheme {} ({}), as that scheme's source states them. Guidelines \
         disagree on these thresholds; other schemes draw other lines.",
        tick_label(xmax / bins as f64),
        scheme.id,
        scheme.title
    );
    if let Err(e) = drawn {
        let _ = write!(caption, " The figure could not be drawn: {e}.");
    }
    Some(Figure {
        file_name: "vitamin-d.svg",
        heading: format!("25(OH)D per group, bands of {}", scheme.id),
        svg,
        caption,
    })
}

/// The smallest 1, 2 or 5 × 10ⁿ at or above `x` (`x > 0`; else 1).
fn nice_up(x: f64) -> f64 {
    if !(x > 0.0 && x.is_finite()) {
        return 1.0;
    }
    let p = 10f64.powf(x.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|s| s * p)
        .find(|&t| t >= x * (1.0 - 1e-9))
        .unwrap_or(10.0 * p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_strips() {
        assert_eq!(escape("a<b & \"c\">"), "a&lt;b &amp; &quot;c&quot;&gt;");
        assert_eq!(
            strip_xml_declaration("<?xml version=\"1.0\"?>\n<svg/>"),
            "<svg/>"
        );
        assert_eq!(strip_xml_declaration("<svg/>"), "<svg/>");
        assert_eq!(nice_up(137.0), 200.0);
        assert_eq!(nice_up(0.0), 1.0);
    }
}
