//! The CSV copy floor for `lmr batch`'s own output size: like `../shared/bench/csvcopy`, reads every
//! record and writes it back with constant fields appended and no arithmetic, but the appended
//! fields are a typical `lmr batch` result (the same 16 columns, the same caveat codes), so the
//! output is as large as lmr's (≈ 264 MB for the 1M-row synthetic cohort instead of 138 MB).
//!
//! usage: cargo bench --bench floor_same_output -- IN.csv OUT.csv   (benches/batch.sh runs it)
use std::{env, fs::File, io::BufWriter};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = env::args().filter(|a| a != "--bench").collect();
    let (Some(input), Some(output)) = (args.get(1), args.get(2)) else {
        return Err("usage: floor_same_output IN.csv OUT.csv".into());
    };
    let mut rdr = csv::Reader::from_path(input)?;
    let mut wtr = csv::Writer::from_writer(BufWriter::new(File::create(output)?));
    let mut header = rdr.byte_headers()?.clone();
    for h in [
        "lactulose_recovery_pct",
        "lactulose_recovery_pct_bound",
        "mannitol_recovery_pct",
        "mannitol_recovery_pct_bound",
        "lm_ratio",
        "lm_ratio_bound",
        "lm_range",
        "lm_class",
        "vitamin_d_nmol_l",
        "vitamin_d_class_iom_2011",
        "zonulin_range",
        "zonulin_class",
        "flags",
        "caveats",
        "missing_inputs",
        "error",
    ] {
        header.push_field(h.as_bytes());
    }
    wtr.write_byte_record(&header)?;
    let extra: [&[u8]; 16] = [
        b"0.3420594",
        b"",
        b"13.53753",
        b"",
        b"0.02526748971",
        b"",
        b"",
        b"unclassified",
        b"71.3",
        b"sufficient",
        b"",
        b"unclassified",
        b"",
        b"sugar_test_general;vitamin_d_general;zonulin_general;no_matching_range;vitamin_d_total_converted_as_d3;zonulin_no_range_chosen",
        b"",
        b"",
    ];
    let mut rec = csv::ByteRecord::new();
    while rdr.read_byte_record(&mut rec)? {
        for e in extra {
            rec.push_field(e);
        }
        wtr.write_byte_record(&rec)?;
    }
    wtr.flush()?;
    Ok(())
}
