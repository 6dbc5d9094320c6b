//! The batch mutation generator and its oracle (see `tests/mutation.rs`).
//!
//! A file is built from valid rows of the canonical columns of docs/batch.md; some rows get one
//! mutation (a cell, or the row's shape), some files a file-level one. The generator records,
//! for every data record it writes, where the record starts (the physical line) and what `lmr`
//! must say about it; [`check_file`] runs the file and compares.

use std::collections::BTreeMap;
use std::fmt;
use std::panic::{catch_unwind, AssertUnwindSafe};

use csv::ByteRecord;
use lmr::batch::{run, BatchError, ColumnMap, Format, Options, Stats};
use lmr::interpretation::{Interpreter, Options as RangeOptions};
use lmr::reference::Registry;

/// A small deterministic PRNG (SplitMix64): no dependency, the same sequence on every platform.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a fixed seed.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// True with probability `percent` / 100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }

    /// One of `xs`.
    pub fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len())]
    }

    /// `n` random bytes.
    pub fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next_u64() as u8).collect()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Id,
    Conc,
    Volume,
    Mass,
    Duration,
    Age,
    Sex,
    Zonulin,
    Matrix,
    Hp,
    VitD,
    VitDForm,
    Note,
}

impl Kind {
    fn numeric(self) -> bool {
        matches!(
            self,
            Kind::Conc
                | Kind::Volume
                | Kind::Mass
                | Kind::Duration
                | Kind::Age
                | Kind::Zonulin
                | Kind::VitD
        )
    }

    fn passthrough(self) -> bool {
        matches!(self, Kind::Id | Kind::Note)
    }
}

/// The canonical columns (docs/batch.md), with the units used for bare numbers.
const COLUMNS: &[(&str, Kind)] = &[
    ("id", Kind::Id),
    ("urine_lactulose [mg/L]", Kind::Conc),
    ("urine_mannitol [mg/L]", Kind::Conc),
    ("urine_volume [mL]", Kind::Volume),
    ("lactulose_dose [g]", Kind::Mass),
    ("mannitol_dose [g]", Kind::Mass),
    ("sucrose_dose [g]", Kind::Mass),
    ("collection [h]", Kind::Duration),
    ("age", Kind::Age),
    ("sex", Kind::Sex),
    ("zonulin [ng/mL]", Kind::Zonulin),
    ("zonulin_matrix", Kind::Matrix),
    ("hp_genotype", Kind::Hp),
    ("vitamin_d [nmol/L]", Kind::VitD),
    ("vitamin_d_form", Kind::VitDForm),
    ("note", Kind::Note),
];
const LAC: usize = 1;
const MAN: usize = 2;
const VOL: usize = 3;
const LDOSE: usize = 4;
const MDOSE: usize = 5;
const ZON: usize = 10;
const MAT: usize = 11;
const VD: usize = 13;

/// Every mutation the generator applies, by name (cell, row and file level).
pub const KINDS: &[&str] = &[
    "garbage_number",
    "unknown_unit",
    "wrong_unit",
    "negative",
    "zero",
    "nan_inf",
    "huge_exponent_1e999",
    "tiny_exponent_1e-999",
    "huge_value_overflow",
    "decimal_comma",
    "stray_quote",
    "embedded_newline",
    "invalid_utf8",
    "empty_cell",
    "missing_matrix",
    "missing_fields",
    "extra_fields",
    "repeated_header_line",
    "blank_line",
    "bom",
    "crlf",
    "mixed_line_ends",
    "semicolon_delimiter",
    "tab_delimiter",
    "unterminated_quote",
    "header_only",
    "empty_file",
    "duplicate_field_header",
    "duplicate_passthrough_header",
    "permuted_columns",
    "upper_case_header",
    "no_final_newline",
];

/// What `lmr` must write in a record's `error` column.
#[derive(Clone, Debug)]
enum Expect {
    /// No error. With plain numbers, the exact lactulose recovery (%) and 25(OH)D (nmol/L).
    Good {
        recovery: Option<f64>,
        vitamin_d: Option<f64>,
    },
    /// An error naming `column` and quoting `value`, whose problem contains `problem`.
    Cell {
        column: String,
        value: String,
        problem: &'static str,
    },
    /// A ragged record: exactly this text after `row R (line L): `.
    Ragged(String),
}

/// One generated file and what must come out of it.
#[derive(Clone, Debug)]
pub struct File {
    /// The bytes.
    pub bytes: Vec<u8>,
    /// The delimiter.
    pub delimiter: u8,
    /// Whether the header is unusable (`run` must fail and write nothing).
    pub fatal: bool,
    /// Header fields (as written).
    width: usize,
    /// Per data record: the line it starts on and the expectation.
    records: Vec<(u64, Expect)>,
    bom: bool,
    crlf_header: bool,
    /// The mutations applied (for the tally).
    kinds: Vec<&'static str>,
}

/// A cell: its bytes, and whether to write them raw (a stray quote) rather than CSV-encoded.
#[derive(Clone, Debug)]
struct Cell {
    bytes: Vec<u8>,
    raw: bool,
}

impl Cell {
    fn text(t: &str) -> Cell {
        Cell {
            bytes: t.as_bytes().to_vec(),
            raw: false,
        }
    }
}

/// A valid row: cells in canonical order, and the plain values the oracle can check exactly.
struct Row {
    cells: Vec<Cell>,
    lac_mg_l: Option<f64>,
    vol_ml: Option<f64>,
    ldose_g: Option<f64>,
    vd_nmol: Option<f64>,
}

fn number(rng: &mut Rng, max_tenths: usize) -> f64 {
    (rng.below(max_tenths) + 1) as f64 / 10.0
}

fn valid_row(rng: &mut Rng, n: usize) -> Row {
    let mut plain = [None::<f64>; 4];
    let mut cells = Vec::with_capacity(COLUMNS.len());
    for (i, &(_, kind)) in COLUMNS.iter().enumerate() {
        let c = match kind {
            Kind::Id => match rng.below(12) {
                0 => Cell::text(&format!("r{n}, with comma")),
                1 => Cell::text(&format!("r{n} said \"hi\"")),
                2 => Cell::text(&format!("r{n}\nsecond line")),
                3 => Cell {
                    bytes: [b"r".as_slice(), &n.to_string().into_bytes(), b"\xff\xfe"].concat(),
                    raw: false,
                },
                4 => Cell::text(&format!("  r{n}  ")),
                5 => Cell::text(&format!("=r{n}+1")),
                _ => Cell::text(&format!("r{n}")),
            },
            Kind::Note => match rng.below(8) {
                0 => Cell::text("free text; with, delimiters\ttab"),
                1 => Cell::text("µ ü 𝛼"),
                2 => Cell::text("line\r\nbreak"),
                3 => Cell {
                    bytes: b"\xc3\x28".to_vec(),
                    raw: false,
                },
                _ => Cell::text(""),
            },
            Kind::Conc => match rng.below(12) {
                0 => Cell::text("<0.25"),
                1 => Cell::text(rng.pick(&["ND", "BLQ", "< LOD", "n.d."])),
                2 => Cell::text(rng.pick(&["", "NA", "N/A"])),
                3 => Cell::text(&format!("{} mg/dL", number(rng, 500))),
                4 => Cell::text(&format!("{} mmol/L", number(rng, 10) / 10.0)),
                _ => {
                    let v = number(rng, 5000);
                    if i == LAC {
                        plain[0] = Some(v);
                    }
                    Cell::text(&format!("{v}"))
                }
            },
            Kind::Volume => match rng.below(10) {
                0 => Cell::text(""),
                1 => Cell::text(&format!("{} L", number(rng, 30))),
                2 => Cell::text(&format!(" {} ", rng.below(3000) + 50)),
                _ => {
                    let v = (rng.below(3000) + 50) as f64;
                    plain[1] = Some(v);
                    Cell::text(&format!("{v}"))
                }
            },
            Kind::Mass if i == LDOSE => match rng.below(6) {
                0 => Cell::text("250 mg"),
                1 => Cell::text(""),
                _ => {
                    let v = rng.pick(&[5.0, 0.25, 10.0, 7.5]);
                    plain[2] = Some(v);
                    Cell::text(&format!("{v}"))
                }
            },
            Kind::Mass if i == MDOSE => Cell::text(rng.pick(&["1", "0.05", "50 mg", "2", ""])),
            Kind::Mass => Cell::text(rng.pick(&["", "", "", "40"])),
            Kind::Duration => Cell::text(rng.pick(&["5", "2", "300 min", "6 h", "", "5.5"])),
            Kind::Age => match rng.below(6) {
                0 => Cell::text("18 months"),
                1 => Cell::text(""),
                _ => Cell::text(&format!("{}", number(rng, 900))),
            },
            Kind::Sex => Cell::text(rng.pick(&["F", "M", "female", "male", "f", ""])),
            Kind::Zonulin => Cell::text(""), // set with the matrix below
            Kind::Matrix => Cell::text(""),
            Kind::Hp => Cell::text(rng.pick(&["1-1", "2-1", "2-2", ""])),
            Kind::VitD => match rng.below(8) {
                0 => Cell::text("20 ng/mL"),
                1 => Cell::text(rng.pick(&["<10", "ND"])),
                2 => Cell::text(""),
                _ => {
                    let v = (rng.below(250) + 1) as f64;
                    plain[3] = Some(v);
                    Cell::text(&format!("{v}"))
                }
            },
            Kind::VitDForm => Cell::text(rng.pick(&["total", "d3", "d2", ""])),
        };
        cells.push(c);
    }
    let (z, m) = match rng.below(6) {
        0 => (format!("{}", number(rng, 1000)), "serum"),
        1 => ("61 ng/g".to_string(), "stool"),
        2 => (String::new(), "serum"),
        3 => ("<10".to_string(), ""),
        _ => (String::new(), ""),
    };
    cells[ZON] = Cell::text(&z);
    cells[MAT] = Cell::text(m);
    Row {
        cells,
        lac_mg_l: plain[0],
        vol_ml: plain[1],
        ldose_g: plain[2],
        vd_nmol: plain[3],
    }
}

/// Whether a valid cell is missing (empty, NA) in lmr's sense.
fn missing(c: &Cell) -> bool {
    let t = String::from_utf8_lossy(&c.bytes);
    let t = t.trim();
    t.is_empty() || t.eq_ignore_ascii_case("na") || t.eq_ignore_ascii_case("n/a")
}

/// Applies one cell mutation to `row` at column `i`; returns the mutation's name and the
/// problem lmr must report (`None`: the row stays good).
fn mutate_cell(
    rng: &mut Rng,
    row: &mut Row,
    i: usize,
) -> (&'static str, Option<(usize, &'static str)>) {
    let kind = COLUMNS[i].1;
    let numeric = kind.numeric();
    let text_error = match kind {
        Kind::Sex => "expected F, M, female or male",
        Kind::Matrix => "expected serum or stool",
        Kind::Hp => "expected 1-1, 2-1 or 2-2",
        Kind::VitDForm => "expected total, d3 or d2",
        _ => "",
    };
    if kind == Kind::Zonulin {
        // a zonulin value is read with its matrix: give it one, so the cell alone decides
        row.cells[MAT] = Cell::text("serum");
    }
    let mut set = |t: &[u8], raw: bool| {
        row.cells[i] = Cell {
            bytes: t.to_vec(),
            raw,
        }
    };
    let choice = rng.below(15);
    let (name, problem): (&'static str, Option<&'static str>) = match choice {
        0 => {
            if numeric {
                set(
                    rng.pick(&["abc", "1.2.3", ".", "e5", "--3", "+-1", "x12"])
                        .as_bytes(),
                    false,
                );
                ("garbage_number", Some("not a number"))
            } else if kind.passthrough() {
                set(b"garbage 1.2.3", false);
                ("garbage_number", None)
            } else {
                set(rng.pick(&["x", "abc", "urine", "3-3"]).as_bytes(), false);
                ("garbage_number", Some(text_error))
            }
        }
        1 if numeric => {
            set(b"12 furlongs", false);
            ("unknown_unit", Some("unknown unit \"furlongs\""))
        }
        2 if numeric => {
            let (t, p) = match kind {
                Kind::Conc => ("12 mL", "\"mL\" is a volume, expected a concentration"),
                Kind::Volume => ("12 mg", "\"mg\" is a mass, expected a volume"),
                Kind::Mass => ("5 mL", "\"mL\" is a volume, expected a mass"),
                Kind::Duration => ("5 mg", "\"mg\" is a mass, expected a duration"),
                Kind::Age => ("35 mg", "unknown unit \"mg\""),
                Kind::Zonulin => ("46 mL", "unknown unit \"mL\""),
                _ => ("60 mg/L", "25(OH)D is reported in nmol/L, ng/mL or µg/L"),
            };
            set(t.as_bytes(), false);
            ("wrong_unit", Some(p))
        }
        3 if numeric => {
            set(rng.pick(&["-3", "-0.5", "-1e3"]).as_bytes(), false);
            ("negative", Some("must not be negative"))
        }
        4 if numeric => {
            set(rng.pick(&["0", "0.0", "0e0"]).as_bytes(), false);
            let p = (kind == Kind::Mass).then_some("a dose must be greater than zero");
            ("zero", p)
        }
        5 if numeric => {
            set(
                rng.pick(&["NaN", "nan", "inf", "Infinity", "+inf", "-inf", "INF"])
                    .as_bytes(),
                false,
            );
            ("nan_inf", Some("not a finite number"))
        }
        6 if numeric => {
            set(rng.pick(&["1e999", "-1e999", "1E400"]).as_bytes(), false);
            ("huge_exponent_1e999", Some("not a finite number"))
        }
        7 if numeric => {
            set(b"1e-999", false);
            // read as 0 it would pass as a zero result: refused wherever a number is read
            (
                "tiny_exponent_1e-999",
                Some("below 2.2250738585072014e-308"),
            )
        }
        8 if numeric => match kind {
            Kind::Conc => {
                set(b"1e308 g/L", false);
                // a recovery overflows only when it is computed: volume and dose are present
                // (or, without a volume, the ratio from the dose ratio: both sugars and doses)
                let (dose, other, other_dose) = if i == LAC {
                    (LDOSE, MAN, MDOSE)
                } else {
                    (MDOSE, LAC, LDOSE)
                };
                let ratio = !missing(&row.cells[other]) && !missing(&row.cells[other_dose]);
                let computed = !missing(&row.cells[dose]) && (!missing(&row.cells[VOL]) || ratio);
                let p = computed.then_some("recovery is too large to compute");
                ("huge_value_overflow", p)
            }
            Kind::VitD => {
                set(b"1e308 ng/mL", false);
                (
                    "huge_value_overflow",
                    Some("too large to convert to nmol/L"),
                )
            }
            _ => {
                set(b"1e300", false);
                ("huge_value_overflow", None)
            }
        },
        9 if numeric => {
            set(b"12,5", false);
            ("decimal_comma", Some("decimal comma (write \"12.5\""))
        }
        10 => {
            if numeric {
                set(b"12\"5", true);
                ("stray_quote", Some("unknown unit \"\\\"5\""))
            } else if kind.passthrough() {
                set(b"a\"b", true);
                ("stray_quote", None)
            } else {
                set(b"F\"", true);
                ("stray_quote", Some(text_error))
            }
        }
        11 => {
            let nl: &[u8] = rng.pick(&[b"\n".as_slice(), b"\r\n"]);
            if numeric {
                set(&[b"12".as_slice(), nl, b"5"].concat(), false);
                ("embedded_newline", Some("unknown unit \"5\""))
            } else if kind.passthrough() {
                set(&[b"a".as_slice(), nl, b"b"].concat(), false);
                ("embedded_newline", None)
            } else {
                set(&[b"F".as_slice(), nl, b"M"].concat(), false);
                ("embedded_newline", Some(text_error))
            }
        }
        12 => {
            set(b"12\xff", false);
            let p = (!kind.passthrough()).then_some("not valid UTF-8");
            ("invalid_utf8", p)
        }
        _ if kind == Kind::Matrix => {
            set(rng.pick(&["", "NA", "   "]).as_bytes(), false);
            // the zonulin value then has no matrix: an error on the zonulin column
            let z = String::from_utf8_lossy(&row.cells[ZON].bytes).into_owned();
            if !z.is_empty() && !z.starts_with('<') {
                return ("missing_matrix", Some((ZON, "zonulin needs its matrix")));
            }
            ("missing_matrix", None)
        }
        _ => {
            set(rng.pick(&["", "NA", "n/a", "   "]).as_bytes(), false);
            ("empty_cell", None)
        }
    };
    (name, problem.map(|p| (i, p)))
}

/// What lmr quotes as a cell's value: the text trimmed (lossy when not UTF-8, then untrimmed).
fn quoted_value(c: &Cell) -> String {
    match std::str::from_utf8(&c.bytes) {
        Ok(t) => t.trim().to_string(),
        Err(_) => String::from_utf8_lossy(&c.bytes).into_owned(),
    }
}

fn needs_quotes(b: &[u8], d: u8) -> bool {
    b.iter()
        .any(|&x| x == d || x == b'"' || x == b'\n' || x == b'\r')
}

fn encode(out: &mut Vec<u8>, c: &Cell, d: u8) {
    if c.raw || !needs_quotes(&c.bytes, d) {
        out.extend_from_slice(&c.bytes);
        return;
    }
    out.push(b'"');
    for &b in &c.bytes {
        if b == b'"' {
            out.push(b'"');
        }
        out.push(b);
    }
    out.push(b'"');
}

/// Builds one file.
pub fn generate_file(rng: &mut Rng) -> File {
    let mut kinds = Vec::new();
    let delimiter = match rng.below(10) {
        0 => {
            kinds.push("semicolon_delimiter");
            b';'
        }
        1 => {
            kinds.push("tab_delimiter");
            b'\t'
        }
        _ => b',',
    };
    let bom = rng.chance(15);
    if bom {
        kinds.push("bom");
    }
    // empty file: nothing, a BOM only, or blank lines only
    if rng.chance(1) {
        kinds.push("empty_file");
        let bytes = match rng.below(3) {
            0 => Vec::new(),
            1 => b"\xEF\xBB\xBF".to_vec(),
            _ => b"\n\r\n\n".to_vec(),
        };
        return File {
            bytes,
            delimiter,
            fatal: true,
            width: 0,
            records: Vec::new(),
            bom: false,
            crlf_header: false,
            kinds,
        };
    }
    let ends = rng.below(10); // 0-4 LF, 5-7 CRLF, 8-9 mixed
    let end = |rng: &mut Rng| -> &'static [u8] {
        match ends {
            0..=4 => b"\n",
            5..=7 => b"\r\n",
            _ => rng.pick(&[b"\n".as_slice(), b"\r\n"]),
        }
    };
    match ends {
        5..=7 => kinds.push("crlf"),
        8..=9 => kinds.push("mixed_line_ends"),
        _ => {}
    }

    // header: canonical names, maybe upper case, maybe permuted, maybe one column twice
    let mut names: Vec<String> = COLUMNS.iter().map(|(n, _)| n.to_string()).collect();
    if rng.chance(10) {
        kinds.push("upper_case_header");
        for n in &mut names {
            if let Some((name, unit)) = n.split_once(' ') {
                *n = format!("{} {unit}", name.to_ascii_uppercase());
            } else {
                *n = n.to_ascii_uppercase();
            }
        }
    }
    let mut fatal = false;
    if rng.chance(3) {
        if rng.chance(50) {
            kinds.push("duplicate_field_header");
            names.push("urine_volume [L]".into());
            fatal = true;
        } else {
            kinds.push("duplicate_passthrough_header");
            names.push("note".into());
        }
    }
    let width = names.len();
    let mut order: Vec<usize> = (0..width).collect();
    if rng.chance(30) {
        kinds.push("permuted_columns");
        for k in (1..width).rev() {
            order.swap(k, rng.below(k + 1));
        }
    }
    let header_cells: Vec<Cell> = names.iter().map(|n| Cell::text(n)).collect();
    let write_row = |out: &mut Vec<u8>, cells: &[Cell], count: usize| {
        for (k, &col) in order.iter().take(count).enumerate() {
            if k > 0 {
                out.push(delimiter);
            }
            encode(out, &cells[col], delimiter);
        }
    };

    let mut bytes = Vec::new();
    if bom {
        bytes.extend_from_slice(b"\xEF\xBB\xBF");
    }
    write_row(&mut bytes, &header_cells, width);
    let header_end = end(rng);
    let mut crlf_header = header_end == b"\r\n";
    let rows = if rng.chance(3) {
        kinds.push("header_only");
        0
    } else {
        rng.below(600) + 1
    };
    let final_newline = (rows == 0 && rng.chance(50)) || (rows > 0 && !rng.chance(5));
    if rows > 0 || final_newline {
        bytes.extend_from_slice(header_end);
    } else {
        kinds.push("no_final_newline");
        crlf_header = false;
    }
    // the physical line where the next record starts: counted incrementally
    let (mut counted, mut lines) = (0usize, 1u64);
    let mut line_at = |bytes: &[u8]| {
        lines += bytes[counted..].iter().filter(|&&b| b == b'\n').count() as u64;
        counted = bytes.len();
        lines
    };
    let unterminated = rows > 0 && rng.chance(4);
    let mut records = Vec::with_capacity(rows);
    for n in 0..rows {
        let last = n + 1 == rows;
        let blank = rng.chance(1);
        if blank {
            kinds.push("blank_line");
            bytes.extend_from_slice(end(rng));
        }
        let mut row = valid_row(rng, n);
        if width > COLUMNS.len() {
            row.cells.push(Cell::text(rng.pick(&["", "second note"])));
        }
        let line = line_at(&bytes);
        if last && unterminated {
            // an unterminated quote in field p: the rest of the file is that field
            kinds.push("unterminated_quote");
            let p = rng.below(width - 1);
            let plain: Vec<Cell> = (0..width)
                .map(|k| Cell::text(if k == 0 { "x" } else { "1" }))
                .collect();
            write_row(&mut bytes, &plain, p);
            if p > 0 {
                bytes.push(delimiter);
            }
            bytes.push(b'"');
            let rest: Vec<Cell> = (0..width).map(|_| Cell::text("7")).collect();
            write_row(&mut bytes, &rest, width - p);
            bytes.extend_from_slice(end(rng));
            records.push((
                line,
                Expect::Ragged(format!(
                    "{} fields, but the header has {width} (the row is kept, padded with empty fields, and not interpreted)",
                    p + 1
                )),
            ));
            break;
        }
        let expect = match rng.below(100) {
            // a good row
            0..=44 => {
                write_row(&mut bytes, &row.cells, width);
                let recovery = match (row.lac_mg_l, row.vol_ml, row.ldose_g) {
                    (Some(c), Some(v), Some(d)) => Some(c * (v * 1e-3) / (d * 1000.0) * 100.0),
                    _ => None,
                };
                Expect::Good {
                    recovery,
                    vitamin_d: row.vd_nmol,
                }
            }
            // missing fields (at least two, so the line is never blank)
            45..=49 => {
                kinds.push("missing_fields");
                let k = rng.below(width - 2) + 2;
                write_row(&mut bytes, &row.cells, k);
                Expect::Ragged(format!("{k} fields, but the header has {width} (the row is kept, padded with empty fields, and not interpreted)"))
            }
            // extra fields
            50..=54 => {
                kinds.push("extra_fields");
                write_row(&mut bytes, &row.cells, width);
                let extra: Vec<Cell> = (0..rng.below(3) + 1)
                    .map(|j| match j {
                        1 => Cell::text("with \"quote\""),
                        2 => Cell {
                            bytes: b"\xff".to_vec(),
                            raw: false,
                        },
                        _ => Cell::text(""),
                    })
                    .collect();
                for c in &extra {
                    bytes.push(delimiter);
                    encode(&mut bytes, c, delimiter);
                }
                let surplus: Vec<String> = extra
                    .iter()
                    .map(|c| format!("{:?}", String::from_utf8_lossy(&c.bytes)))
                    .collect();
                Expect::Ragged(format!(
                    "{} fields, but the header has {width}; surplus fields, not written as columns: {}",
                    width + extra.len(),
                    surplus.join(", ")
                ))
            }
            // the header line again (two exports concatenated)
            55..=56 => {
                kinds.push("repeated_header_line");
                write_row(&mut bytes, &header_cells, width);
                Expect::Cell {
                    column: names[LAC].clone(),
                    value: names[LAC].clone(),
                    problem: "not a number",
                }
            }
            // one cell broken
            _ => {
                let i = rng.below(COLUMNS.len());
                let (name, problem) = mutate_cell(rng, &mut row, i);
                kinds.push(name);
                write_row(&mut bytes, &row.cells, width);
                match problem {
                    None => Expect::Good {
                        recovery: None,
                        vitamin_d: None,
                    },
                    Some((col, problem)) => Expect::Cell {
                        column: names[col].clone(),
                        value: quoted_value(&row.cells[col]),
                        problem,
                    },
                }
            }
        };
        records.push((line, expect));
        if !last || final_newline {
            bytes.extend_from_slice(end(rng));
        } else {
            kinds.push("no_final_newline");
        }
    }
    File {
        bytes,
        delimiter,
        fatal,
        width,
        records,
        bom,
        crlf_header,
        kinds,
    }
}

/// Counts over many files.
#[derive(Clone, Debug, Default)]
pub struct Tally {
    /// Files run.
    pub files: u64,
    /// Input bytes run.
    pub bytes: u64,
    /// Data rows run.
    pub rows: u64,
    /// Rows written without an error.
    pub good_rows: u64,
    /// Rows written with an error.
    pub error_rows: u64,
    /// Rows in minus rows out, summed (must be 0).
    pub rows_lost: u64,
    /// Rows whose input fields were not written back byte for byte (must be 0).
    pub fields_changed: u64,
    /// Runs that panicked (must be 0).
    pub panics: u64,
    /// Files refused as documented (no header, a field twice in the header).
    pub fatal_files: u64,
    /// Files with a header and no rows.
    pub header_only_files: u64,
    kinds: BTreeMap<&'static str, u64>,
}

impl Tally {
    /// How often each mutation was applied (every name in [`KINDS`]).
    pub fn kinds(&self) -> Vec<(&'static str, u64)> {
        KINDS
            .iter()
            .map(|k| (*k, self.kinds.get(k).copied().unwrap_or(0)))
            .collect()
    }
}

impl fmt::Display for Tally {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "| files | bytes | rows | good rows | rows with error | rows lost | fields changed | panics | fatal files | header-only files |"
        )?;
        writeln!(f, "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")?;
        writeln!(
            f,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            self.files,
            self.bytes,
            self.rows,
            self.good_rows,
            self.error_rows,
            self.rows_lost,
            self.fields_changed,
            self.panics,
            self.fatal_files,
            self.header_only_files
        )?;
        writeln!(f)?;
        writeln!(f, "| mutation | times applied |")?;
        writeln!(f, "|---|---:|")?;
        for (k, n) in self.kinds() {
            writeln!(f, "| {k} | {n} |")?;
        }
        Ok(())
    }
}

/// The shipped ranges and the default interpreter (built once per thread).
fn with_interpreter<T>(f: impl FnOnce(&Interpreter<'_>) -> T) -> T {
    thread_local! {
        static REGISTRY: &'static Registry = Box::leak(Box::new(Registry::builtin().expect("shipped ranges load")));
    }
    let registry = REGISTRY.with(|r| *r);
    let interpreter =
        Interpreter::new(registry, &RangeOptions::default()).expect("default options are valid");
    f(&interpreter)
}

/// Runs `bytes` through [`lmr::batch::run`] (CSV out).
pub fn run_library(bytes: &[u8], delimiter: u8) -> (Result<Stats, BatchError>, Vec<u8>) {
    with_interpreter(|interpreter| {
        let map = ColumnMap::default();
        let mut options = Options::new(&map);
        options.delimiter = delimiter;
        options.format = Format::Csv;
        let mut out = Vec::new();
        let r = run(bytes, &mut out, interpreter, &options, &mut |_| {});
        (r, out)
    })
}

/// The result column names for the default options.
fn result_columns() -> Vec<String> {
    with_interpreter(lmr::report::result_columns)
}

/// CSV records of `bytes` as `lmr` reads them (no header handling, flexible).
pub fn records(bytes: &[u8], delimiter: u8) -> Vec<ByteRecord> {
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut out = Vec::new();
    let mut r = ByteRecord::new();
    while rdr
        .read_byte_record(&mut r)
        .expect("the csv crate reads it")
    {
        out.push(r.clone());
    }
    out
}

fn strip_bom(b: &[u8]) -> &[u8] {
    b.strip_prefix(b"\xEF\xBB\xBF".as_slice()).unwrap_or(b)
}

/// Runs one file through the library and checks every documented promise; adds to `tally`.
/// Panics (failing the test) on the first broken promise.
pub fn check_file(file: &File, tally: &mut Tally) {
    tally.files += 1;
    tally.bytes += file.bytes.len() as u64;
    for k in &file.kinds {
        *tally.kinds.entry(k).or_default() += 1;
    }
    let run = catch_unwind(AssertUnwindSafe(|| {
        run_library(&file.bytes, file.delimiter)
    }));
    let Ok((result, out)) = run else {
        tally.panics += 1;
        panic!(
            "lmr::batch::run panicked on:\n{:?}",
            String::from_utf8_lossy(&file.bytes)
        );
    };
    let context = || String::from_utf8_lossy(&file.bytes).into_owned();
    if file.fatal {
        assert!(
            matches!(result, Err(BatchError::Header(_))),
            "{result:?} for {:?}",
            context()
        );
        assert!(out.is_empty(), "a fatal run wrote output");
        tally.fatal_files += 1;
        return;
    }
    let stats = match result {
        Ok(s) => s,
        Err(e) => panic!("{e} for {:?}", context()),
    };
    if file.records.is_empty() {
        tally.header_only_files += 1;
    }

    // rows in = rows out, counted by the csv crate
    let input = records(strip_bom(&file.bytes), file.delimiter);
    assert_eq!(
        input.len(),
        file.records.len() + 1,
        "generator and csv disagree: {:?}",
        context()
    );
    assert_eq!(
        out.starts_with(b"\xEF\xBB\xBF"),
        file.bom,
        "BOM written back"
    );
    let output = records(strip_bom(&out), file.delimiter);
    tally.rows += file.records.len() as u64;
    tally.rows_lost += (input.len() as u64).saturating_sub(output.len() as u64);
    assert_eq!(output.len(), input.len(), "rows in ≠ rows out");
    assert_eq!(stats.rows, file.records.len() as u64);
    assert_eq!(stats.interpreted + stats.errors, stats.rows);

    // the header line: input fields, then the result columns; CRLF kept
    let results = result_columns();
    let w = file.width;
    let header: Vec<&[u8]> = output[0].iter().collect();
    assert_eq!(header[..w], input[0].iter().collect::<Vec<_>>()[..]);
    let names: Vec<&[u8]> = results.iter().map(|s| s.as_bytes()).collect();
    assert_eq!(header[w..], names[..]);
    let first_line_end = strip_bom(&out)
        .iter()
        .position(|&b| b == b'\n')
        .unwrap_or(0);
    assert_eq!(
        first_line_end > 0 && strip_bom(&out)[first_line_end - 1] == b'\r',
        file.crlf_header,
        "line ends follow the header's"
    );

    if let Ok(path) = std::env::var("LMR_MUTATION_DUMP") {
        std::fs::write(path, &file.bytes).expect("dump");
    }
    let err_col = w + results.len() - 1;
    let col = |name: &str| {
        w + results
            .iter()
            .position(|r| r == name)
            .expect("result column")
    };
    let mut errors = 0;
    for (k, ((line, expect), (inp, outp))) in file
        .records
        .iter()
        .zip(input.iter().skip(1).zip(output.iter().skip(1)))
        .enumerate()
    {
        let row = k + 1;
        assert_eq!(outp.len(), w + results.len(), "row {row}: output width");
        // the input fields, byte for byte (padded / cut to the header's width)
        let same = (0..w).all(|i| outp.get(i) == Some(inp.get(i).unwrap_or_default()));
        if !same {
            tally.fields_changed += 1;
            panic!("row {row}: input fields changed:\n in: {inp:?}\nout: {outp:?}");
        }
        let error = String::from_utf8_lossy(&outp[err_col]).into_owned();
        let results_empty = (w..err_col).all(|i| outp[i].is_empty());
        let at = format!("row {row} (line {line})");
        match expect {
            Expect::Good {
                recovery,
                vitamin_d,
            } => {
                assert_eq!(error, "", "row {row}: unexpected error; input {inp:?}");
                if let Some(r) = recovery {
                    let got: f64 = std::str::from_utf8(&outp[col("lactulose_recovery_pct")])
                        .unwrap()
                        .parse()
                        .unwrap_or_else(|_| panic!("row {row}: recovery in {outp:?}"));
                    // written at 10 significant digits (lmr::number::DIGITS)
                    assert!(
                        ((got - r) / r).abs() <= 1e-9,
                        "row {row}: recovery {got}, expected {r}"
                    );
                }
                if let Some(v) = vitamin_d {
                    // nmol/L in, nmol/L out: exactly the value given
                    assert_eq!(
                        std::str::from_utf8(&outp[col("vitamin_d_nmol_l")])
                            .unwrap()
                            .parse::<f64>()
                            .ok(),
                        Some(*v),
                        "row {row}"
                    );
                }
                tally.good_rows += 1;
            }
            Expect::Cell {
                column,
                value,
                problem,
            } => {
                let prefix = format!("{at}, column {column:?}, value {value:?}: ");
                assert!(
                    error.starts_with(&prefix) && error.contains(problem),
                    "row {row}:\n  got: {error}\n want: {prefix}…{problem}…\ninput {inp:?}\nfile {:?} {:?}",
                    file.kinds,
                    String::from_utf8_lossy(&file.bytes[..file.bytes.len().min(3000)])
                );
                // Each analyte stands alone: the rejected cell empties the results that need it.
                let needs = |c: &str| match c {
                    "lactulose_recovery_pct" => [LAC, VOL, LDOSE].as_slice(),
                    "vitamin_d_nmol_l" => [VD, VD + 1].as_slice(),
                    "zonulin_class" => [ZON, MAT].as_slice(),
                    _ => [].as_slice(),
                };
                for c in [
                    "lactulose_recovery_pct",
                    "vitamin_d_nmol_l",
                    "zonulin_class",
                ] {
                    if needs(c).iter().any(|&i| COLUMNS[i].0 == column.as_str()) {
                        assert!(
                            outp[col(c)].is_empty(),
                            "row {row}: {c} beside an error in {column}"
                        );
                    }
                }
                errors += 1;
                tally.error_rows += 1;
            }
            Expect::Ragged(text) => {
                assert_eq!(error, format!("{at}: {text}"), "row {row}");
                assert!(results_empty, "row {row}: results beside an error");
                errors += 1;
                tally.error_rows += 1;
            }
        }
    }
    assert_eq!(stats.errors, errors, "Stats.errors");
}

/// Runs one file through the `lmr` binary (to a temporary output file) and checks that the
/// output is byte-identical to the library's and the exit code is the documented one.
pub fn check_binary(file: &File) {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("in.csv");
    let output = dir.path().join("out.csv");
    std::fs::write(&input, &file.bytes).expect("write input");
    let delimiter = match file.delimiter {
        b'\t' => "tab".to_string(),
        d => (d as char).to_string(),
    };
    let o = assert_cmd::Command::cargo_bin("lmr")
        .expect("binary built")
        .args(["batch", "--no-progress", "--delimiter", &delimiter, "-o"])
        .arg(&output)
        .arg(&input)
        .output()
        .expect("runs");
    let (result, library) = run_library(&file.bytes, file.delimiter);
    let code = o.status.code();
    match result {
        Err(_) => {
            assert_eq!(code, Some(1), "{}", String::from_utf8_lossy(&o.stderr));
            assert!(!output.exists(), "a fatal run left an output file");
        }
        Ok(stats) => {
            let want = if stats.errors > 0 { 3 } else { 0 };
            assert_eq!(code, Some(want), "{}", String::from_utf8_lossy(&o.stderr));
            assert_eq!(std::fs::read(&output).expect("output written"), library);
            let summary = format!(
                "lmr: {} rows read, {} interpreted, {} with errors, {} with flags\n",
                stats.rows, stats.interpreted, stats.errors, stats.flagged
            );
            assert!(
                String::from_utf8_lossy(&o.stderr).starts_with(&summary),
                "{}",
                String::from_utf8_lossy(&o.stderr)
            );
        }
    }
    // only the input and the output: no temporary file left behind
    assert!(std::fs::read_dir(dir.path()).expect("dir").count() <= 2);
}
