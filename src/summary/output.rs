//! Text, JSON and CSV forms of a [`Summary`].

use serde_json::{json, Map, Value};

use super::{Group, Measure, Summary, CENSORED_METHOD, QUANTILE_METHOD};

/// One row of the measures table: key, label with unit, unit, matrix, values.
pub(crate) struct MeasureRow<'a> {
    pub key: &'static str,
    pub label: String,
    pub unit: String,
    pub matrix: Option<&'static str>,
    pub measure: &'a Measure,
}

/// The measures of a group, in report order (zonulin per matrix and unit).
pub(crate) fn measure_rows(g: &Group) -> Vec<MeasureRow<'_>> {
    let mut rows = vec![
        MeasureRow {
            key: "lactulose_recovery_pct",
            label: "lactulose recovery (% of dose)".into(),
            unit: "%".into(),
            matrix: None,
            measure: &g.lactulose,
        },
        MeasureRow {
            key: "mannitol_recovery_pct",
            label: "mannitol recovery (% of dose)".into(),
            unit: "%".into(),
            matrix: None,
            measure: &g.mannitol,
        },
        MeasureRow {
            key: "lm_ratio",
            label: "L:M ratio (ratio of recoveries)".into(),
            unit: "ratio".into(),
            matrix: None,
            measure: &g.lm_ratio,
        },
        MeasureRow {
            key: "vitamin_d_nmol_l",
            label: "25(OH)D (nmol/L)".into(),
            unit: "nmol/L".into(),
            matrix: None,
            measure: &g.vitamin_d,
        },
    ];
    for z in &g.zonulin {
        rows.push(MeasureRow {
            key: "zonulin",
            label: format!("zonulin, {} ({})", z.matrix, z.unit),
            unit: z.unit.to_string(),
            matrix: Some(z.matrix.key()),
            measure: &z.values,
        });
    }
    rows
}

/// A number for people: [`crate::number`]'s rule at [`crate::number::TEXT_DIGITS`]
/// (`0.02527`, `13.54`, `1235`).
///
/// ```
/// use lmr::summary::significant;
/// assert_eq!(significant(2.0 / 3.0), "0.6667"); // 4 significant digits
/// assert_eq!(significant(1234.5), "1235");
/// assert_eq!(significant(0.5), "0.5"); // shortest text, no padding zeros
/// ```
pub fn significant(x: f64) -> String {
    crate::number::format(x, crate::number::TEXT_DIGITS)
}

fn full(x: f64) -> String {
    crate::number::format(x, crate::number::DIGITS)
}

/// Aligned columns: `right[i]` right-aligns column `i`.
fn table(out: &mut String, header: &[&str], rows: &[Vec<String>], right: &[bool], indent: &str) {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(c.chars().count());
            }
        }
    }
    let mut line = |cells: &mut dyn Iterator<Item = &str>| {
        let mut s = String::from(indent);
        for (i, c) in cells.enumerate() {
            let w = widths.get(i).copied().unwrap_or(0);
            let pad = w.saturating_sub(c.chars().count());
            if i > 0 {
                s.push_str("  ");
            }
            if right.get(i).copied().unwrap_or(false) {
                s.extend(std::iter::repeat_n(' ', pad));
                s.push_str(c);
            } else {
                s.push_str(c);
                s.extend(std::iter::repeat_n(' ', pad));
            }
        }
        out.push_str(s.trim_end());
        out.push('\n');
    };
    line(&mut header.iter().copied());
    for r in rows {
        line(&mut r.iter().map(String::as_str));
    }
}

impl Summary {
    /// The summary as aligned text tables (one block per group), with the quantile definition
    /// and the handling of censored values stated at the top.
    ///
    /// ```
    /// # let registry = lmr::Registry::builtin()?;
    /// # let interpreter = lmr::Interpreter::new(&registry, &Default::default())?;
    /// let mut summary = lmr::summary::Summary::new(&["site"], &interpreter, &registry);
    /// summary.add(&["A"], None, true);
    /// let text = summary.to_text();
    /// assert!(text.starts_with("Summary of 1 row(s) in 1 group(s) by site\n"));
    /// assert!(text.contains("site=A: 1 row(s), 1 with errors"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let by = if self.by.is_empty() {
            String::new()
        } else {
            format!(" by {}", self.by.join(", "))
        };
        out.push_str(&format!(
            "Summary of {} row(s) in {} group(s){by}\n",
            self.rows(),
            self.groups.len()
        ));
        out.push_str(&format!("Quantiles: {QUANTILE_METHOD}\n"));
        out.push_str(&format!("Censored values: {CENSORED_METHOD}\n"));
        for (key, g) in self.groups() {
            out.push('\n');
            out.push_str(&format!(
                "{}: {} row(s), {} with errors\n",
                self.group_label(key),
                g.rows,
                g.errors
            ));
            let rows: Vec<Vec<String>> = measure_rows(g)
                .into_iter()
                .map(|m| {
                    let q = m.measure.quartiles();
                    let f = |v: Option<f64>| v.map_or_else(|| "-".to_string(), significant);
                    vec![
                        m.label,
                        m.measure.n_exact().to_string(),
                        m.measure.n_below_limit().to_string(),
                        m.measure.n_above_limit().to_string(),
                        m.measure.n_rejected().to_string(),
                        f(q.map(|q| q.median)),
                        f(q.map(|q| q.q1)),
                        f(q.map(|q| q.q3)),
                        f(q.map(|q| q.iqr())),
                    ]
                })
                .collect();
            table(
                &mut out,
                &[
                    "measure (unit)",
                    "n exact",
                    "n <limit",
                    "n >limit",
                    "n rejected",
                    "median",
                    "Q1",
                    "Q3",
                    "IQR",
                ],
                &rows,
                &[false, true, true, true, true, true, true, true, true],
                "  ",
            );
            if g.zonulin_rejected > 0 {
                out.push_str(&format!(
                    "  zonulin: {} row(s) left out for a rejected input\n",
                    g.zonulin_rejected
                ));
            }
            let classes: Vec<Vec<String>> = g
                .classes()
                .map(|(k, n)| {
                    vec![
                        k.column.clone(),
                        k.range
                            .clone()
                            .unwrap_or_else(|| "(no range applied)".into()),
                        k.class.clone(),
                        n.to_string(),
                    ]
                })
                .collect();
            if !classes.is_empty() {
                out.push('\n');
                table(
                    &mut out,
                    &["class column", "range", "class", "rows"],
                    &classes,
                    &[false, false, false, true],
                    "  ",
                );
            }
            let flags: Vec<Vec<String>> = g
                .flags()
                .map(|(f, n)| vec![f.code().to_string(), n.to_string()])
                .collect();
            out.push('\n');
            if flags.is_empty() {
                out.push_str("  flags: none raised\n");
            } else {
                table(&mut out, &["flag", "rows"], &flags, &[false, true], "  ");
            }
        }
        out
    }

    /// The summary as one JSON object (pretty-printed): `by`, `quantile_method`,
    /// `censored_values`, and `groups`, each with `key`, `rows`, `rows_with_error`, `measures`,
    /// `classes` and `flags`. Numbers are written at full precision; a median without exact
    /// values is `null`.
    ///
    /// ```
    /// # let registry = lmr::Registry::builtin()?;
    /// # let interpreter = lmr::Interpreter::new(&registry, &Default::default())?;
    /// let mut summary = lmr::summary::Summary::new(&["site"], &interpreter, &registry);
    /// summary.add(&["A"], None, true);
    /// let v: serde_json::Value = serde_json::from_str(&summary.to_json())?;
    /// assert_eq!(v["groups"][0]["key"]["site"], "A");
    /// assert_eq!(v["groups"][0]["rows_with_error"], 1);
    /// assert_eq!(v["groups"][0]["measures"][0]["median"], serde_json::Value::Null); // no exact value
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn to_json(&self) -> String {
        let num = |x: Option<f64>| {
            x.filter(|x| x.is_finite())
                .map_or(Value::Null, |x| json!(x))
        };
        let groups: Vec<Value> = self
            .groups()
            .map(|(key, g)| {
                let mut k = Map::new();
                for (i, v) in key.iter().enumerate() {
                    let col = self.by.get(i).cloned().unwrap_or_else(|| format!("by{i}"));
                    k.insert(col, json!(v));
                }
                let measures: Vec<Value> = measure_rows(g)
                    .into_iter()
                    .map(|m| {
                        let q = m.measure.quartiles();
                        let mut o = Map::new();
                        o.insert("measure".into(), json!(m.key));
                        if let Some(matrix) = m.matrix {
                            o.insert("matrix".into(), json!(matrix));
                        }
                        o.insert("unit".into(), json!(m.unit));
                        o.insert("n".into(), json!(m.measure.n_exact()));
                        o.insert("n_below_limit".into(), json!(m.measure.n_below_limit()));
                        o.insert("n_above_limit".into(), json!(m.measure.n_above_limit()));
                        o.insert("n_rejected".into(), json!(m.measure.n_rejected()));
                        o.insert("median".into(), num(q.map(|q| q.median)));
                        o.insert("q1".into(), num(q.map(|q| q.q1)));
                        o.insert("q3".into(), num(q.map(|q| q.q3)));
                        Value::Object(o)
                    })
                    .collect();
                let classes: Vec<Value> = g
                    .classes()
                    .map(|(k, n)| {
                        json!({"column": k.column, "range": k.range, "class": k.class, "rows": n})
                    })
                    .collect();
                let flags: Vec<Value> = g
                    .flags()
                    .map(|(f, n)| json!({"flag": f.code(), "rows": n}))
                    .collect();
                json!({
                    "key": Value::Object(k),
                    "rows": g.rows,
                    "rows_with_error": g.errors,
                    "zonulin_rejected": g.zonulin_rejected,
                    "measures": measures,
                    "classes": classes,
                    "flags": flags,
                })
            })
            .collect();
        let v = json!({
            "by": self.by,
            "quantile_method": QUANTILE_METHOD,
            "censored_values": CENSORED_METHOD,
            "groups": groups,
        });
        let mut s = serde_json::to_string_pretty(&v).unwrap_or_default();
        s.push('\n');
        s
    }

    /// The summary as long CSV: one row per statistic, with the grouping columns first, then
    /// `kind, variable, matrix, range, class, unit, n, n_below_limit, n_above_limit, median, q1,
    /// q3`. `kind` is `rows` (variables `rows`, `rows_with_error`), `measure` (quartiles of the
    /// exact values, `n` exact values), `left_out` (`n` rows whose value of the measure was
    /// left out because a cell it needed was rejected; `class` is `rejected_input`; written when
    /// not zero), `class` (`n` rows in the class) or `flag` (`n` rows with the flag, `class`
    /// holds the code).
    ///
    /// ```
    /// # let registry = lmr::Registry::builtin()?;
    /// # let interpreter = lmr::Interpreter::new(&registry, &Default::default())?;
    /// let mut summary = lmr::summary::Summary::new(&["site"], &interpreter, &registry);
    /// summary.add(&["A"], None, true);
    /// let csv = summary.to_csv();
    /// let mut lines = csv.lines();
    /// assert_eq!(lines.next(), Some("site,kind,variable,matrix,range,class,unit,n,n_below_limit,n_above_limit,median,q1,q3"));
    /// assert_eq!(lines.next(), Some("A,rows,rows,,,,,1,,,,,"));
    /// assert_eq!(lines.next(), Some("A,rows,rows_with_error,,,,,1,,,,,"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn to_csv(&self) -> String {
        let mut out = String::new();
        let mut header: Vec<String> = self.by.clone();
        for h in [
            "kind",
            "variable",
            "matrix",
            "range",
            "class",
            "unit",
            "n",
            "n_below_limit",
            "n_above_limit",
            "median",
            "q1",
            "q3",
        ] {
            header.push(h.into());
        }
        csv_line(&mut out, header.iter().map(String::as_str));
        for (key, g) in self.groups() {
            let mut line = |cells: [&str; 12]| {
                csv_line(
                    &mut out,
                    key.iter().map(String::as_str).chain(cells.iter().copied()),
                );
            };
            let rows = g.rows.to_string();
            let errors = g.errors.to_string();
            line(["rows", "rows", "", "", "", "", &rows, "", "", "", "", ""]);
            line([
                "rows",
                "rows_with_error",
                "",
                "",
                "",
                "",
                &errors,
                "",
                "",
                "",
                "",
                "",
            ]);
            for m in measure_rows(g) {
                let q = m.measure.quartiles();
                let f = |v: Option<f64>| v.map_or_else(String::new, full);
                let (n, lo, hi) = (
                    m.measure.n_exact().to_string(),
                    m.measure.n_below_limit().to_string(),
                    m.measure.n_above_limit().to_string(),
                );
                let (med, q1, q3) = (
                    f(q.map(|q| q.median)),
                    f(q.map(|q| q.q1)),
                    f(q.map(|q| q.q3)),
                );
                line([
                    "measure",
                    m.key,
                    m.matrix.unwrap_or(""),
                    "",
                    "",
                    &m.unit,
                    &n,
                    &lo,
                    &hi,
                    &med,
                    &q1,
                    &q3,
                ]);
            }
            let rejected = measure_rows(g)
                .into_iter()
                .filter(|m| m.matrix.is_none())
                .map(|m| (m.key, m.measure.n_rejected()))
                .chain([("zonulin", g.zonulin_rejected)]);
            for (variable, n) in rejected.filter(|(_, n)| *n > 0) {
                let n = n.to_string();
                let cells = ["left_out", variable, "", "", "rejected_input", "", &n];
                line(std::array::from_fn(|i| cells.get(i).copied().unwrap_or("")));
            }
            for (k, n) in g.classes() {
                let n = n.to_string();
                line([
                    "class",
                    &k.column,
                    "",
                    k.range.as_deref().unwrap_or(""),
                    &k.class,
                    "",
                    &n,
                    "",
                    "",
                    "",
                    "",
                    "",
                ]);
            }
            for (f, n) in g.flags() {
                let n = n.to_string();
                line([
                    "flag",
                    "flags",
                    "",
                    "",
                    f.code(),
                    "",
                    &n,
                    "",
                    "",
                    "",
                    "",
                    "",
                ]);
            }
        }
        out
    }
}

/// Writes one CSV record, quoting fields that need it (RFC 4180), no cell a formula
/// ([`crate::files::formula_safe`]).
fn csv_line<'a>(out: &mut String, cells: impl Iterator<Item = &'a str>) {
    for (i, c) in cells.enumerate() {
        if i > 0 {
            out.push(',');
        }
        // Group values come from the user's data: never a formula in a spreadsheet.
        let c = crate::files::formula_safe(c);
        if c.contains([',', '"', '\n', '\r']) {
            out.push('"');
            out.push_str(&c.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(&c);
        }
    }
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn significant_digits() {
        assert_eq!(significant(0.025271), "0.02527");
        assert_eq!(significant(13.5432), "13.54");
        assert_eq!(significant(1234.6), "1235");
        assert_eq!(significant(0.0), "0");
        assert_eq!(significant(f64::NAN), "");
    }

    #[test]
    fn csv_quotes_what_needs_it() {
        let mut s = String::new();
        csv_line(&mut s, ["a", "b,c", "say \"x\""].into_iter());
        assert_eq!(s, "a,\"b,c\",\"say \"\"x\"\"\"\n");
    }
}
