//! Writing a z-score table as a range file (the format in `docs/zscores.md`).

use std::fmt::Write as _;

use super::ZscoreTable;

impl ZscoreTable {
    /// A complete range file holding this one table, which [`crate::reference::Registry`] loads
    /// back to the same table (numbers are written as the shortest text that reads back to the
    /// same double).
    pub fn to_toml(&self) -> String {
        let mut s = String::new();
        // Writing to a String cannot fail.
        let _ = self.write_toml(&mut s);
        s
    }

    fn write_toml(&self, s: &mut String) -> std::fmt::Result {
        writeln!(
            s,
            "# z-score reference table {:?}: {} on the {} scale. Written by lmr {}.",
            self.id(),
            self.analyte(),
            self.scale(),
            env!("CARGO_PKG_VERSION")
        )?;
        writeln!(
            s,
            "# Age bands are half-open: a cell holds the ages from <= age < below (years)."
        )?;
        writeln!(
            s,
            "# z = (transform(x) - mean) / sd; the format is described in docs/zscores.md."
        )?;
        writeln!(s, "schema = 1")?;
        writeln!(s)?;
        writeln!(s, "[[zscore_table]]")?;
        writeln!(s, "id = {}", string(self.id()))?;
        writeln!(s, "analyte = {}", string(self.analyte().key()))?;
        writeln!(s, "unit = {}", string(&self.unit().to_string()))?;
        writeln!(s, "scale = {}", string(self.scale().key()))?;
        writeln!(s, "title = {}", string(self.title()))?;
        if let Some(p) = self.population() {
            writeln!(s, "population = {}", string(p))?;
        }
        let src = self.source();
        writeln!(s)?;
        writeln!(s, "[zscore_table.source]")?;
        writeln!(s, "citation = {}", string(&src.citation))?;
        if let Some(doi) = &src.doi {
            writeln!(s, "doi = {}", string(doi))?;
        }
        if let Some(url) = &src.url {
            writeln!(s, "url = {}", string(url))?;
        }
        writeln!(s, "quote = {}", string(&src.quote))?;
        writeln!(s, "status = {}", string(src.status.key()))?;
        if let Some(notes) = &src.notes {
            writeln!(s, "notes = {}", string(notes))?;
        }
        for c in self.cells() {
            writeln!(s)?;
            writeln!(s, "[[zscore_table.cell]]")?;
            writeln!(s, "sex = {}", string(c.sex().key()))?;
            writeln!(
                s,
                "age_years = {{ from = {}, below = {} }}",
                float(c.age().from()),
                float(c.age().below())
            )?;
            writeln!(s, "n = {}", c.n())?;
            writeln!(s, "mean = {}", float(c.mean()))?;
            writeln!(s, "sd = {}", float(c.sd()))?;
        }
        Ok(())
    }
}

/// A TOML string, escaped by the `toml` crate (no hand-written escaper).
fn string(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

/// A finite float as TOML by [`crate::number`]'s rule (`3.0`, `-2.995732274`, `1e-20`): TOML
/// needs a point or an exponent to read a float, so a whole number gets `.0`.
fn float(x: f64) -> String {
    let mut s = crate::number::format(x, crate::number::DIGITS);
    if !s.contains(['.', 'e']) {
        s.push_str(".0");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_and_floats_read_back() {
        #[derive(serde::Deserialize)]
        struct Doc {
            s: String,
            f: Vec<f64>,
        }
        let text = "quote \"x\" \\ tab\t nl\n bell\u{7} del\u{7f} µ ≤";
        let fs = [3.0, -2.995732273553991, 1e-20, 1.5e300, -0.0, 0.1 + 0.2];
        let doc = format!(
            "s = {}\nf = [{}]\n",
            string(text),
            fs.iter().map(|&x| float(x)).collect::<Vec<_>>().join(", ")
        );
        let back: Doc = toml::from_str(&doc).unwrap();
        assert_eq!(back.s, text);
        for (a, b) in fs.iter().zip(&back.f) {
            // Written at 10 significant digits: -2.995732273553991 → -2.995732274, 0.1 + 0.2
            // (0.30000000000000004) → 0.3; the others have fewer digits and read back exactly.
            let written = crate::number::round(*a, crate::number::DIGITS);
            assert_eq!(written.to_bits(), b.to_bits(), "{a} vs {b}");
        }
    }
}
