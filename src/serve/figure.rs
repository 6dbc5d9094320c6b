//! A sample's value drawn on a range's bands, as inline SVG (presentation attributes only: the
//! Content-Security-Policy allows no inline styles).

use std::fmt::Write;

use super::html::esc;
use crate::reference::ReferenceRange;

const WIDTH: f64 = 640.0;
const LEFT: f64 = 16.0;
const RIGHT: f64 = 16.0;
const BAR_Y: f64 = 34.0;
const BAR_H: f64 = 34.0;

/// Band fills, light enough for dark text, told apart by label as well as colour.
const FILLS: &[&str] = &[
    "#cfe8d5", "#fde2b8", "#f6c1c1", "#d6def5", "#e6d5f2", "#f2ecc6",
];

/// The axis from 0 (or the lowest bound) to beyond the highest bound and the value.
fn axis(range: &ReferenceRange, value: f64) -> (f64, f64) {
    let bounds = range
        .bands
        .iter()
        .flat_map(|b| [b.lower, b.upper])
        .flatten()
        .map(|b| b.value)
        .filter(|v| v.is_finite());
    let (mut lo, mut hi) = (0.0_f64, 0.0_f64);
    for v in bounds.chain(std::iter::once(value).filter(|v| v.is_finite())) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if hi <= lo {
        hi = lo + 1.0;
    }
    (lo, hi + (hi - lo) * 0.25)
}

/// The figure: `id` makes element ids unique on the page; `value` is in the range's unit.
pub(super) fn bands(id: &str, range: &ReferenceRange, value: f64, value_text: &str) -> String {
    let (lo, hi) = axis(range, value);
    let x = |v: f64| LEFT + (v.clamp(lo, hi) - lo) / (hi - lo) * (WIDTH - LEFT - RIGHT);
    let unit = range.unit.to_string();
    let mut svg = String::new();
    let title = format!("{} on the bands of {}", value_text, range.id);
    let mut desc = format!("{}: ", range.title);
    for (i, b) in range.bands.iter().enumerate() {
        if i > 0 {
            desc.push_str("; ");
        }
        let _ = write!(desc, "{} {}", b.label, b.interval());
    }
    let _ = write!(
        svg,
        "<svg class=\"bands\" viewBox=\"0 0 {WIDTH} 112\" role=\"img\" \
         aria-labelledby=\"{id}-t {id}-d\" xmlns=\"http://www.w3.org/2000/svg\">\
         <title id=\"{id}-t\">{}</title><desc id=\"{id}-d\">{}</desc>",
        esc(&title),
        esc(&desc)
    );
    for (i, b) in range.bands.iter().enumerate() {
        let from = b.lower.map_or(lo, |l| l.value);
        let to = b.upper.map_or(hi, |u| u.value);
        let (x0, x1) = (x(from), x(to));
        let fill = FILLS[i % FILLS.len()];
        let _ = write!(
            svg,
            "<rect x=\"{x0:.1}\" y=\"{BAR_Y}\" width=\"{:.1}\" height=\"{BAR_H}\" fill=\"{fill}\" \
             stroke=\"#555\" stroke-width=\"0.5\"/>",
            (x1 - x0).max(0.0)
        );
        if x1 - x0 > 40.0 {
            let _ = write!(
                svg,
                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"11\" fill=\"#222\">{}</text>",
                (x0 + x1) / 2.0,
                BAR_Y + BAR_H / 2.0 + 4.0,
                esc(&short(&b.label, ((x1 - x0) / 6.5) as usize))
            );
        }
        for bound in [b.lower, b.upper].into_iter().flatten() {
            let bx = x(bound.value);
            let _ = write!(
                svg,
                "<text x=\"{bx:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"11\" fill=\"#222\">{}</text>",
                BAR_Y + BAR_H + 16.0,
                esc(&number(bound.value))
            );
        }
    }
    if value.is_finite() {
        let vx = x(value);
        let anchor = if vx > WIDTH * 0.75 { "end" } else { "start" };
        let tx = if anchor == "end" { vx - 4.0 } else { vx + 4.0 };
        let _ = write!(
            svg,
            "<line x1=\"{vx:.1}\" x2=\"{vx:.1}\" y1=\"{:.1}\" y2=\"{:.1}\" stroke=\"#000\" stroke-width=\"3\"/>\
             <text x=\"{tx:.1}\" y=\"20\" text-anchor=\"{anchor}\" font-size=\"13\" font-weight=\"bold\" fill=\"#000\">{}</text>",
            BAR_Y - 12.0,
            BAR_Y + BAR_H + 4.0,
            esc(&format!("this sample: {value_text}"))
        );
    }
    let _ = write!(
        svg,
        "<text x=\"{:.1}\" y=\"104\" text-anchor=\"end\" font-size=\"11\" fill=\"#444\">{}</text></svg>",
        WIDTH - RIGHT,
        esc(&unit)
    );
    svg
}

/// A band label cut to `max` characters (the full label is in the figure's description and
/// the table beside it).
fn short(label: &str, max: usize) -> String {
    let label = label.replace('_', " ");
    if label.chars().count() <= max.max(4) {
        return label;
    }
    let mut s: String = label.chars().take(max.max(4) - 1).collect();
    s.push('…');
    s
}

/// A bound as written in range files (no trailing zeros).
fn number(v: f64) -> String {
    crate::number::format(v, crate::number::DIGITS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_beyond_every_bound_widens_the_axis() {
        let registry = crate::reference::Registry::builtin().unwrap();
        let range = registry.range("dutch-sat-hyperosmolar-5h").unwrap();
        // The only bound is 0.089; a value of 0.2 sets the top: 0.2 + 0.25 × 0.2 = 0.25.
        assert_eq!(axis(range, 0.2), (0.0, 0.25));
        // Below the bound, the bound sets it: 0.089 × 1.25 = 0.11125.
        let (lo, hi) = axis(range, 0.06);
        assert_eq!(lo, 0.0);
        approx::assert_relative_eq!(hi, 0.11125, max_relative = 1e-12);
    }

    #[test]
    fn labels_are_escaped_and_cut() {
        assert_eq!(short("above_reason_for_concern", 10), "above rea…");
        assert_eq!(short("within", 10), "within");
    }
}
