//! The code reference in docs/columns-and-codes.md lists every flag and caveat the library has.

#[test]
fn every_code_is_documented() {
    let doc = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/docs/columns-and-codes.md"
    ))
    .expect("docs present");
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
