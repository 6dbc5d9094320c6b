//! The CSV copy floor for `lmr batch`'s own output size: like `../shared/bench/csvcopy`, reads every
//! record and writes it back with constant fields appended and no arithmetic, but the appended
//! fields are a typical `lmr batch` result (the same 12 columns, the same caveat codes), so the
//! output is as large as lmr's (≈ 519 MB for the 1M-row synthetic cohort instead of 132 MB).
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
        "mannitol_recovery_pct",
        "lm_ratio",
        "lm_range",
        "lm_class",
        "vitamin_d_nmol_l",
        "vitamin_d_class_iom_2011",
        "zonulin_range",
        "zonulin_class",
        "flags",
        "caveats",
        "error",
    ] {
        header.push_field(h.as_bytes());
    }
    wtr.write_byte_record(&header)?;
    let extra: [&[u8]; 12] = [
        b"0.3500012345678901", b"14.000012345678901", b"0.025000123456789012", b"", b"unclassified",
        b"55.0", b"sufficient", b"", b"unclassified", b"",
        b"lm_ratio_not_diagnostic;ratio_of_fractional_excretions;no_matching_range;protocols_not_standardised;high_between_person_variation;vitamin_d_total_converted_as_d3;vitamin_d_assay_variation;vitamin_d_thresholds_disputed;vitamin_d_not_permeability;zonulin_assay_not_prehaptoglobin2;zonulin_no_agreement_with_sugar_tests;zonulin_not_standardised;zonulin_not_validated;zonulin_no_range_chosen",
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
