//! Summarises a synthetic cohort and writes the HTML page (the one in docs/summary-example.png).
//!
//! ```sh
//! # the rows of ../shared/bench/gen_cohort.py (2000 rows, seed 20261124):
//! python3 gen_cohort.py 2000 > /tmp/cohort.csv
//! cargo run --example summary_html -- --csv /tmp/cohort.csv --out /tmp/summary.html
//! # or rows generated here, with the same distributions (no Python needed):
//! cargo run --example summary_html -- --rows 2000 --out /tmp/summary.html --svg-dir /tmp/svg
//! ```
//!
//! Nothing here is clinical data. To show a page with ranges drawn, the rows are dealt to three
//! synthetic sites by row number (`i mod 3`):
//! - **A**: the file's protocol (5 g lactulose / 1 g mannitol, 5 h, adults): no verified L:M
//!   range applies, so the ratio stays unclassified;
//! - **B**: the Dutch SAT hyperosmolar protocol (5 g / 2 g + 40 g sucrose, 5 h; mannitol
//!   concentration doubled to keep its recovery), classified by `dutch-sat-hyperosmolar-5h`;
//! - **C**: children 11–15 y under the Catassi 1997 protocol (5 g / 2 g), classified by
//!   `catassi-1997-children` (named, as `--lm-range` does; it is never matched automatically),
//!   with zonulin reported in stool (ng/g) instead of serum.
//!
//! Every 40th row has its lactulose below the detection limit (`<0.5 mg/L`), and every 499th
//! row a zero mannitol dose, which cannot be interpreted (an error row).

use std::error::Error;
use std::path::PathBuf;

use lmr::interpretation::{Interpretation, Interpreter, Options, Sample};
use lmr::recovery::UrineResult;
use lmr::reference::{Matrix, Registry};
use lmr::sugar::Sugar;
use lmr::summary::{html, svg_figures, HtmlOptions, Summary};
use lmr::units::{Age, AgeUnit, Concentration, ConcentrationUnit};
use lmr::vitamin_d::{VitaminD, VitaminDForm};
use lmr::zonulin::{Zonulin, ZonulinUnit};

/// One generated or read row, in the units of gen_cohort.py.
struct Row {
    lactulose_mg_l: f64,
    mannitol_mg_l: f64,
    volume_ml: f64,
    age: f64,
    sex: String,
    zonulin: f64,
    vitamin_d_nmol_l: f64,
}

/// xorshift64*: a small deterministic generator, so the example needs no extra crate.
struct Rng(u64);

impl Rng {
    fn uniform(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
    }

    fn gauss(&mut self, mean: f64, sd: f64) -> f64 {
        let (u, v) = (self.uniform().max(1e-300), self.uniform());
        mean + sd * (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }
}

/// The distributions of gen_cohort.py (lognormal recoveries and values).
fn generate(n: usize) -> Vec<Row> {
    let mut rng = Rng(20261124);
    (0..n)
        .map(|_| {
            let vol = (250.0 + 1950.0 * rng.uniform()).round();
            let l_rec = rng.gauss(0.35f64.ln(), 0.6).exp();
            let m_rec = rng.gauss(14.0f64.ln(), 0.45).exp();
            Row {
                lactulose_mg_l: l_rec / 100.0 * 5000.0 / (vol / 1000.0),
                mannitol_mg_l: m_rec / 100.0 * 1000.0 / (vol / 1000.0),
                volume_ml: vol,
                age: (18.0 + 67.0 * rng.uniform()).floor(),
                sex: if rng.uniform() < 0.5 { "F" } else { "M" }.into(),
                zonulin: (rng.gauss(40f64.ln(), 0.4).exp() * 10.0).round() / 10.0,
                vitamin_d_nmol_l: (rng.gauss(55f64.ln(), 0.5).exp() * 10.0).round() / 10.0,
            }
        })
        .collect()
}

/// Reads gen_cohort.py's CSV (columns by header name).
fn read(path: &PathBuf) -> Result<Vec<Row>, Box<dyn Error>> {
    let mut reader = csv::Reader::from_path(path)?;
    let headers = reader.headers()?.clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h.starts_with(name))
            .ok_or_else(|| format!("{}: no column {name:?}", path.display()))
    };
    let cols = [
        col("urine_lactulose")?,
        col("urine_mannitol")?,
        col("urine_volume")?,
        col("age")?,
        col("sex")?,
        col("zonulin")?,
        col("vitamin_d")?,
    ];
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record?;
        let f = |c: usize| -> Result<f64, Box<dyn Error>> {
            let text = record.get(cols[c]).unwrap_or("");
            text.trim()
                .parse::<f64>()
                .map_err(|e| format!("row {}: {:?}: {e}", i + 1, text).into())
        };
        rows.push(Row {
            lactulose_mg_l: f(0)?,
            mannitol_mg_l: f(1)?,
            volume_ml: f(2)?,
            age: f(3)?,
            sex: record.get(cols[4]).unwrap_or("").to_string(),
            zonulin: f(5)?,
            vitamin_d_nmol_l: f(6)?,
        });
    }
    Ok(rows)
}

fn main() -> Result<(), Box<dyn Error>> {
    let mut csv_path = None;
    let mut rows_n = 2000usize;
    let mut out = PathBuf::from("summary-example.html");
    let mut svg_dir = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || args.next().ok_or(format!("{a} needs a value"));
        match a.as_str() {
            "--csv" => csv_path = Some(PathBuf::from(value()?)),
            "--rows" => rows_n = value()?.parse()?,
            "--out" => out = PathBuf::from(value()?),
            "--svg-dir" => svg_dir = Some(PathBuf::from(value()?)),
            _ => return Err(format!("unknown argument {a:?}").into()),
        }
    }
    let rows = match &csv_path {
        Some(p) => read(p)?,
        None => generate(rows_n),
    };

    let registry = Registry::builtin()?;
    let interpreter = Interpreter::new(&registry, &Options::default())?;
    // Site C's children are compared with the Catassi 1997 range by name, as
    // `lmr batch --lm-range catassi-1997-children` would (that range is never matched
    // automatically: its source leaves the collection window unstated).
    let children = Interpreter::new(
        &registry,
        &Options {
            lm_range: Some("catassi-1997-children".into()),
            ..Options::default()
        },
    )?;
    let mut summary = Summary::new(&["site"], &interpreter, &registry);
    let dutch = registry
        .protocol("dutch-sat-hyperosmolar")
        .ok_or("no protocol dutch-sat-hyperosmolar")?;
    let catassi = registry
        .protocol("catassi-1997")
        .ok_or("no protocol catassi-1997")?;
    let mg_l = |x: f64| Concentration::new(x, ConcentrationUnit::MgPerL);
    let mut sample = Sample::default();
    let mut result = Interpretation::default();
    for (i, row) in rows.iter().enumerate() {
        let site = ["A", "B", "C"][i % 3];
        sample.clear();
        let mannitol_factor = if site == "A" { 1.0 } else { 2.0 };
        if i % 40 == 7 {
            sample.urine.set(
                Sugar::Lactulose,
                Some(UrineResult::BelowLimit(Some(mg_l(0.5)?))),
            );
        } else {
            sample.set_urine(Sugar::Lactulose, mg_l(row.lactulose_mg_l)?);
        }
        sample.set_urine(Sugar::Mannitol, mg_l(row.mannitol_mg_l * mannitol_factor)?);
        sample.urine_volume = Some(format!("{} mL", row.volume_ml).parse()?);
        sample.protocol.age = Some(Age::new(row.age, AgeUnit::Years)?);
        sample.protocol.sex = row.sex.parse().ok();
        match site {
            "A" => {
                sample.set_dose(Sugar::Lactulose, "5 g".parse()?);
                sample.set_dose(Sugar::Mannitol, "1 g".parse()?);
                sample.protocol.collection = Some("5 h".parse()?);
            }
            "B" => sample.protocol.fill_from(dutch),
            _ => {
                sample.protocol.fill_from(catassi);
                sample.protocol.age = Some(Age::new(11.0 + (i % 5) as f64, AgeUnit::Years)?);
            }
        }
        if i % 499 == 498 {
            sample.set_dose(Sugar::Mannitol, "0 g".parse()?);
        }
        sample.vitamin_d = Some(VitaminD::new(
            Concentration::new(row.vitamin_d_nmol_l, ConcentrationUnit::NmolPerL)?,
            VitaminDForm::Total,
        )?);
        sample.zonulin = Some(if site == "C" {
            Zonulin::new(row.zonulin * 2.5, ZonulinUnit::NgPerG, Matrix::Stool)?
        } else {
            Zonulin::new(row.zonulin, ZonulinUnit::NgPerMl, Matrix::Serum)?
        });
        let by = if site == "C" { &children } else { &interpreter };
        match by.interpret(&sample, &mut result) {
            Ok(()) => summary.add(&[site], Some(&result), false),
            Err(_) => summary.add(&[site], None, true),
        }
    }

    let options = HtmlOptions {
        subtitle: Some(format!(
            "Synthetic cohort ({} rows{}), dealt to three synthetic sites; not clinical data.",
            rows.len(),
            csv_path
                .as_ref()
                .map(|p| format!(" from {}", p.display()))
                .unwrap_or_default()
        )),
        ..HtmlOptions::default()
    };
    std::fs::write(&out, html(&summary, &options))?;
    if let Some(dir) = svg_dir {
        std::fs::create_dir_all(&dir)?;
        for f in svg_figures(&summary, &options) {
            std::fs::write(dir.join(f.file_name), &f.svg)?;
        }
    }
    print!("{}", summary.to_text());
    eprintln!("wrote {}", out.display());
    Ok(())
}
