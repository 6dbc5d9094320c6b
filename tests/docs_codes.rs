//! The code reference in docs/columns-and-codes.md lists every flag and caveat the library has,
//! and its table of former caveat codes says exactly what the library does with each.

use lmr::caveat::Caveat;

fn doc() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/docs/columns-and-codes.md"
    ))
    .expect("docs present")
}

#[test]
fn the_former_codes_table_is_the_mapping_the_library_applies() {
    let doc = doc();
    for &c in Caveat::ALL {
        let row = doc
            .lines()
            .find(|l| l.starts_with(&format!("| `{}` |", c.code())));
        match c.merged_into() {
            Some(standing) => {
                let row = row.unwrap_or_else(|| panic!("{c}: no row in the former-codes table"));
                assert!(
                    row.contains(&format!("merged into `{}`", standing.code())),
                    "{c}: the table says {row:?}, the library merges it into {standing}"
                );
                // nothing lost: the standing code's text holds the part's text word for word
                assert!(standing.text().contains(c.text()), "{c}");
                assert!(standing.source().contains(c.source()), "{c}");
                assert!(!Caveat::CODES.contains(&c), "{c} is merged, never written");
            }
            None if c.parts().is_empty() => {
                let row = row.unwrap_or_else(|| panic!("{c}: no row in the former-codes table"));
                assert!(row.ends_with("| 1:1 |"), "{c}: {row:?}");
                assert!(Caveat::CODES.contains(&c), "{c} is written in rows");
            }
            None => {
                // a standing code: written in rows, documented among the standing codes
                assert!(Caveat::CODES.contains(&c), "{c}");
                assert!(doc.contains(&format!("- `{}`:", c.code())), "{c}");
            }
        }
    }
    // every code a row can hold is listed with its meaning
    for c in Caveat::CODES {
        assert!(
            doc.contains(&format!("- `{}`:", c.code())),
            "{c} not listed"
        );
    }
}

#[test]
fn every_code_is_documented() {
    let doc = doc();
    for f in lmr::flag::Flag::ALL {
        assert!(
            doc.contains(&format!("`{}`", f.code())),
            "flag {} undocumented",
            f.code()
        );
    }
    for c in lmr::caveat::Caveat::ALL {
        assert!(
            doc.contains(&format!("`{}`", c.code())),
            "caveat {} undocumented",
            c.code()
        );
    }
}

#[test]
fn no_text_names_a_syndrome_as_the_persons() {
    // Caveat and flag texts may name "leaky gut syndrome" only to say it is not a diagnosis.
    for c in lmr::caveat::Caveat::ALL {
        let t = c.text().to_lowercase();
        if t.contains("syndrome") {
            assert!(
                t.contains("not an accepted medical diagnosis"),
                "{}",
                c.code()
            );
        }
        assert!(
            !t.contains("you have") && !t.contains("patient has"),
            "{}",
            c.code()
        );
    }
    for f in lmr::flag::Flag::ALL {
        let t = f.explanation().to_lowercase();
        assert!(
            !t.contains("syndrome") && !t.contains("you have"),
            "{}",
            f.code()
        );
    }
}
