//! An `unclassified` L:M ratio whose doses and window match a named protocol says which L:M
//! ranges declare those doses and what keeps each from applying, instead of "differs: nothing".

mod common;

use common::batch::lmr;

const SAMPLE: [&str; 15] = [
    "check",
    "--lactulose",
    "20 mg/L",
    "--mannitol",
    "200 mg/L",
    "--volume",
    "1 L",
    "--lactulose-dose",
    "5 g",
    "--mannitol-dose",
    "2 g",
    "--collection",
    "5 h",
    "--age",
    "40",
];

#[test]
fn a_matching_protocol_names_the_ranges_for_its_doses_and_what_differs() {
    // 5 g lactulose + 2 g mannitol, 5 h: the doses and window of the Ann Clin Biochem 2000 and
    // Dutch SAT low-osmolar protocols. The one L:M range declaring 5 g/2 g is Catassi 1997
    // (children 11–15 y, Gut 1997;40(2):215, explicit selection), so an adult of 40 y is outside it.
    let out = lmr().args(SAMPLE).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("class: unclassified"), "{text}");
    assert!(!text.contains("differs: nothing\n"), "{text}");
    assert!(
        text.contains("catassi-1997-children: chosen only by name (--lm-range catassi-1997-children); but age 40 y (range: 11–15 y)"),
        "{text}"
    );

    let out = lmr()
        .args(SAMPLE)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let nearest = v["details"]["lm_nearest_protocols"].as_array().unwrap();
    assert!(!nearest.is_empty());
    for p in nearest {
        assert_eq!(p["differences"].as_array().unwrap().len(), 0);
        let ranges = p["ranges_for_these_doses"].as_array().unwrap();
        assert_eq!(ranges[0]["id"], "catassi-1997-children");
        assert_eq!(ranges[0]["selection"], "explicit");
    }
}
