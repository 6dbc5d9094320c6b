//! `lmr serve` against hostile requests, over real sockets: oversized bodies, malformed JSON,
//! wrong content types and methods, markup and unicode in every field, a foreign Host, 200
//! requests at once. After each, the server must still answer correctly. The answers are
//! compared with `lmr check --format json` and `lmr batch` run on the same inputs.
#![cfg(feature = "serve")]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::OnceLock;
use std::time::Duration;

use assert_cmd::Command;
use lmr::serve::{Config, Limits, Server};

/// Upload limit of the test server: small, so the oversized test sends little.
const UPLOAD_LIMIT: u64 = 256 * 1024;

/// One server for the whole file, on an ephemeral port.
fn server() -> SocketAddr {
    static ADDR: OnceLock<SocketAddr> = OnceLock::new();
    *ADDR.get_or_init(|| {
        let config = Config {
            port: 0,
            limits: Limits {
                upload_bytes: UPLOAD_LIMIT,
                ..Limits::default()
            },
            ..Config::default()
        };
        let server = Server::bind(&config).expect("bind an ephemeral port");
        let addr = server.local_addr();
        std::thread::spawn(move || server.run());
        addr
    })
}

struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }
}

/// Sends raw bytes, reads the whole answer (the request says `Connection: close`).
fn raw(request: &[u8]) -> Answer {
    let mut s = TcpStream::connect(server()).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(120))).unwrap();
    // The server may answer (413) and close before the whole body is sent.
    let _ = s.write_all(request);
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    parse(&out)
}

fn parse(bytes: &[u8]) -> Answer {
    let split = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no header end in {:?}", String::from_utf8_lossy(bytes)));
    let head = String::from_utf8_lossy(&bytes[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines.next().unwrap()[9..12].parse().unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let mut body = bytes[split + 4..].to_vec();
    let chunked = headers
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    if chunked {
        body = dechunk(&body);
    }
    Answer {
        status,
        headers,
        body,
    }
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let eol = b
            .windows(2)
            .position(|w| w == b"\r\n")
            .expect("chunk size line");
        let size =
            usize::from_str_radix(std::str::from_utf8(&b[..eol]).unwrap().trim(), 16).unwrap();
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&b[eol + 2..eol + 2 + size]);
        b = &b[eol + 2 + size + 2..];
    }
}

fn request(method: &str, path: &str, content_type: Option<&str>, body: &[u8]) -> Answer {
    let mut r = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\nContent-Length: {}\r\n",
        server().port(),
        body.len()
    );
    if let Some(t) = content_type {
        r.push_str(&format!("Content-Type: {t}\r\n"));
    }
    r.push_str("\r\n");
    let mut bytes = r.into_bytes();
    bytes.extend_from_slice(body);
    raw(&bytes)
}

fn check_api(body: &str) -> Answer {
    request(
        "POST",
        "/api/check",
        Some("application/json"),
        body.as_bytes(),
    )
}

/// What `lmr check` prints for these flags.
fn lmr(args: &[&str]) -> Vec<u8> {
    Command::cargo_bin("lmr")
        .unwrap()
        .args(args)
        .output()
        .unwrap()
        .stdout
}

/// The server still answers a good request with the right document.
fn still_answers() {
    let a = check_api(r#"{"vitamin_d": "20 ng/mL"}"#);
    assert_eq!(a.status, 200, "{}", a.text());
    // 20 ng/mL × 1000 / 400.64 g/mol = 49.9201278 nmol/L (lmr writes 10 significant digits)
    let v = a.json()["vitamin_d_nmol_l"].as_f64().unwrap();
    assert!((v - 49.920_127_8).abs() < 1e-9, "{v}");
}

#[test]
fn api_check_answers_exactly_what_lmr_check_prints() {
    let a = check_api(
        r#"{"protocol": "dutch-sat-hyperosmolar", "lactulose": "30 mg/L", "mannitol": "200 mg/L",
            "volume": "1 L", "vitamin_d": "20 ng/mL", "vitamin_d_scheme": ["all"],
            "zonulin": "52 ng/mL", "zonulin_matrix": "serum", "zonulin_range": "enterosan-serum",
            "age": 35, "sex": "F"}"#,
    );
    assert_eq!(a.status, 200, "{}", a.text());
    assert_eq!(a.header("content-type"), Some("application/json"));
    let cli = lmr(&[
        "check",
        "--protocol",
        "dutch-sat-hyperosmolar",
        "--lactulose",
        "30 mg/L",
        "--mannitol",
        "200 mg/L",
        "--volume",
        "1 L",
        "--vitamin-d",
        "20 ng/mL",
        "--vitamin-d-scheme",
        "all",
        "--zonulin",
        "52 ng/mL",
        "--zonulin-matrix",
        "serum",
        "--zonulin-range",
        "enterosan-serum",
        "--age",
        "35",
        "--sex",
        "F",
        "--format",
        "json",
    ]);
    assert_eq!(a.text(), String::from_utf8(cli).unwrap());
    // And by hand: 30 mg of 5 g = 0.6 %; 200 mg of 2 g = 10 %; 0.6 / 10 = 0.06
    assert!((a.json()["lm_ratio"].as_f64().unwrap() - 0.06).abs() < 1e-12);
}

#[test]
fn a_rejected_field_is_422_with_field_and_value() {
    let a = check_api(r#"{"lactulose": "12,5 mg/L", "volume": "1 L", "lactulose_dose": "5 g"}"#);
    assert_eq!(a.status, 422);
    let v = a.json();
    assert_eq!(v["field"], "lactulose");
    assert_eq!(v["value"], "12,5 mg/L");
    assert!(v["error"]
        .as_str()
        .unwrap()
        .starts_with("--lactulose \"12,5 mg/L\": "));
    let a = check_api(r#"{"vitamin_d": "20 ng/mL", "lm_range": "no-such-range"}"#);
    assert_eq!(a.status, 422);
    assert_eq!(a.json()["field"], "lm_range");
    let a = check_api(r#"{"vitamin_d": {"value": 20}}"#);
    assert_eq!(a.status, 422);
    assert_eq!(a.json()["field"], "vitamin_d");
}

#[test]
fn malformed_json_is_400() {
    for body in [
        "{",
        "not json",
        "[1, 2]",
        "\"text\"",
        "{\"a\": }",
        "\u{feff}{}x",
    ] {
        let a = check_api(body);
        assert_eq!(a.status, 400, "{body:?}: {}", a.text());
        assert!(a.json()["error"].is_string());
    }
    still_answers();
}

#[test]
fn wrong_content_types_are_415() {
    let a = request(
        "POST",
        "/api/check",
        Some("text/plain"),
        b"{\"vitamin_d\": \"20 ng/mL\"}",
    );
    assert_eq!(a.status, 415);
    let a = request("POST", "/api/check", None, b"{}");
    assert_eq!(a.status, 415);
    let a = request("POST", "/api/batch", Some("application/json"), b"{}");
    assert_eq!(a.status, 415);
    let a = request("POST", "/", Some("application/json"), b"{}");
    assert_eq!(a.status, 415);
    still_answers();
}

#[test]
fn unknown_paths_are_404_and_wrong_methods_405() {
    assert_eq!(request("GET", "/nope", None, b"").status, 404);
    let a = request("GET", "/api/nope", None, b"");
    assert_eq!(a.status, 404);
    assert!(a.json()["error"].is_string());
    assert_eq!(
        request("GET", "/static/../../etc/passwd", None, b"").status,
        404
    );
    assert_eq!(request("GET", "/api/check", None, b"").status, 405);
    assert_eq!(request("DELETE", "/", None, b"").status, 405);
    assert_eq!(request("PUT", "/api/batch", None, b"").status, 405);
    assert_eq!(request("POST", "/api/ranges", None, b"").status, 405);
}

#[test]
fn oversized_bodies_are_413_with_a_clear_message() {
    // One-sample bodies: limit 64 KiB.
    let big = format!("{{\"lactulose\": \"{}\"}}", "9".repeat(100 * 1024));
    let a = check_api(&big);
    assert_eq!(a.status, 413, "{}", a.text());
    assert!(a.json()["error"].as_str().unwrap().contains("limit"));
    // Uploads: the test server's limit is 256 KiB; send 300 KiB of CSV.
    let mut csv = b"sample_id,urine_lactulose\n".to_vec();
    while csv.len() < 300 * 1024 {
        csv.extend_from_slice(b"S1,20 mg/L\n");
    }
    let a = request("POST", "/api/batch", Some("text/csv"), &csv);
    assert_eq!(a.status, 413, "{}", a.text());
    assert!(
        a.json()["error"].as_str().unwrap().contains("0 MB"),
        "{}",
        a.text()
    );
    let form = multipart(&[("file", Some("big.csv"), &csv)]);
    let a = request("POST", "/api/batch", Some(MULTIPART), &form);
    assert_eq!(a.status, 413, "{}", a.text());
    still_answers();
}

const MULTIPART: &str = "multipart/form-data; boundary=XyZlmrBoundary";

fn multipart(parts: &[(&str, Option<&str>, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    for (name, file, data) in parts {
        out.extend_from_slice(b"--XyZlmrBoundary\r\n");
        let disposition = match file {
            Some(f) => format!("Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: text/csv\r\n\r\n"),
            None => format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n"),
        };
        out.extend_from_slice(disposition.as_bytes());
        out.extend_from_slice(data);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"--XyZlmrBoundary--\r\n");
    out
}

#[test]
fn api_batch_answers_exactly_what_lmr_batch_writes() {
    let input = std::fs::read("examples/cohort.csv").unwrap();
    let cli_csv = lmr(&["batch", "examples/cohort.csv", "--no-progress"]);
    let cli_jsonl = lmr(&[
        "batch",
        "examples/cohort.csv",
        "--no-progress",
        "--format",
        "jsonl",
    ]);
    let a = request("POST", "/api/batch", Some("text/csv"), &input);
    assert_eq!(a.status, 200, "{}", a.text());
    assert_eq!(a.body, cli_csv);
    let a = request("POST", "/api/batch?format=jsonl", Some("text/csv"), &input);
    assert_eq!(a.body, cli_jsonl);
    let form = multipart(&[
        ("file", Some("cohort.csv"), &input),
        ("format", None, b"jsonl"),
    ]);
    let a = request("POST", "/api/batch", Some(MULTIPART), &form);
    assert_eq!(a.status, 200, "{}", a.text());
    assert_eq!(a.body, cli_jsonl);
    // The column map part, as `--columns`.
    let lab = std::fs::read("examples/lab-lis-export.csv").unwrap();
    let map = std::fs::read("examples/columns-lab-lis.toml").unwrap();
    let cli = lmr(&[
        "batch",
        "examples/lab-lis-export.csv",
        "--columns",
        "examples/columns-lab-lis.toml",
        "--delimiter",
        ";",
        "--no-progress",
    ]);
    let form = multipart(&[
        ("file", Some("lab.csv"), &lab),
        ("columns", Some("map.toml"), &map),
        ("delimiter", None, b";"),
    ]);
    let a = request("POST", "/api/batch", Some(MULTIPART), &form);
    assert_eq!(a.status, 200, "{}", a.text());
    assert_eq!(a.body, cli);
}

#[test]
fn api_batch_refuses_bad_options_and_headers_before_answering() {
    let a = request(
        "POST",
        "/api/batch?format=xml",
        Some("text/csv"),
        b"a,b\n1,2\n",
    );
    assert_eq!(a.status, 422);
    assert_eq!(a.json()["field"], "format");
    let a = request("POST", "/api/batch?evil=1", Some("text/csv"), b"a,b\n1,2\n");
    assert_eq!(a.status, 422);
    let a = request("POST", "/api/batch", Some("text/csv"), b"");
    assert_eq!(a.status, 400);
    let form = multipart(&[
        ("file", Some("a.csv"), b"a\n1\n"),
        ("columns", Some("m.toml"), b"[[["),
    ]);
    let a = request("POST", "/api/batch", Some(MULTIPART), &form);
    assert_eq!(a.status, 422, "{}", a.text());
    assert_eq!(a.json()["field"], "columns");
}

#[test]
fn api_summary_is_the_summary_page_without_scripts() {
    let input = std::fs::read("examples/cohort.csv").unwrap();
    let a = request("POST", "/api/summary", Some("text/csv"), &input);
    assert_eq!(a.status, 200, "{}", a.text());
    let page = a.text();
    assert!(page.contains("cohort summary"));
    assert!(!page.contains("<script"));
    assert!(a
        .header("content-security-policy")
        .unwrap()
        .contains("default-src 'none'"));
}

/// Grouped by `by`, the page is the one `lmr summary --by sex --html` writes for the same file
/// (only the subtitle differs: the server names no file).
#[test]
fn api_summary_by_a_column_is_lmr_summarys_page() {
    let input = std::fs::read("examples/cohort.csv").unwrap();
    let a = request("POST", "/api/summary?by=sex", Some("text/csv"), &input);
    assert_eq!(a.status, 200, "{}", a.text());
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("summary.html");
    let out = out.to_str().unwrap();
    let args = [
        "summary",
        "examples/cohort.csv",
        "--by",
        "sex",
        "--html",
        out,
    ];
    lmr(&args);
    let cli = std::fs::read_to_string(out).unwrap().replace(
        "<p class=\"sub\">examples/cohort.csv</p>",
        "<p class=\"sub\">uploaded file</p>",
    );
    assert!(cli.contains(", grouped by sex."), "{cli}");
    assert_eq!(a.text(), cli);
}

/// A `by` column the file lacks is the field's error, naming the columns there are.
#[test]
fn api_summary_by_an_unknown_column_is_a_422_naming_it() {
    let a = request(
        "POST",
        "/api/summary?by=site",
        Some("text/csv"),
        b"sex,age\nF,30\n",
    );
    assert_eq!(a.status, 422, "{}", a.text());
    let e = a.json();
    assert_eq!(
        (e["field"].as_str(), e["value"].as_str()),
        (Some("by"), Some("site"))
    );
    assert_eq!(
        e["error"],
        "--by \"site\": no such column in the input (columns: sex, age)"
    );
}

/// Grouped by a column of unique values, the summary stops at the row that would open group
/// 10 001 (the default limit, as `lmr summary --max-groups`), so memory does not grow with the
/// upload.
#[test]
fn api_summary_with_more_groups_than_the_limit_is_a_422_naming_the_row() {
    let max = lmr::cohort::DEFAULT_MAX_GROUPS;
    assert_eq!(max, 10_000);
    let mut input = String::from("sample_id,vitamin_d [nmol/L]\n");
    for i in 0..=max {
        input.push_str(&format!("s{i},50\n"));
    }
    let a = request(
        "POST",
        "/api/summary?by=sample_id",
        Some("text/csv"),
        input.as_bytes(),
    );
    assert_eq!(a.status, 422, "{}", a.text());
    let e = a.json();
    assert_eq!(e["field"], "by");
    // row 10 001 is line 10 002 (the header is line 1)
    let error = e["error"].as_str().unwrap();
    assert!(
        error.starts_with(
            "row 10001 (line 10002): --by sample_id has more than 10000 distinct values"
        ),
        "{error}"
    );
    // one group fewer is answered
    let cut = input.trim_end().rfind('\n').unwrap() + 1;
    let a = request(
        "POST",
        "/api/summary?by=sample_id",
        Some("text/csv"),
        &input.as_bytes()[..cut],
    );
    assert_eq!(a.status, 200, "{}", a.text());
    assert!(a.text().contains("10000 row(s) in 10000 group(s)"));
    still_answers();
}

/// Markup and unicode in every field: JSON answers carry it as data, pages escape it.
#[test]
fn script_and_unicode_in_every_field_is_escaped() {
    let hostile = "<script>alert(1)</script>\"'&é😀\u{202e}";
    let index = request("GET", "/", None, b"").text();
    let mut names: Vec<String> = index
        .split("name=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(str::to_string)
        .collect();
    names.sort();
    names.dedup();
    assert!(names.len() > 30, "{names:?}");
    for name in &names {
        let body = serde_json::json!({ name.as_str(): hostile }).to_string();
        let a = check_api(&body);
        // Rejected (422) where the field reads a value; fields that only pick among options
        // may ignore it: either way it is only data.
        assert!(
            matches!(a.status, 200 | 422),
            "{name}: {} {}",
            a.status,
            a.text()
        );
        assert_eq!(a.header("content-type"), Some("application/json"));
        let form = format!("{}={}", name, percent(hostile));
        let a = request(
            "POST",
            "/",
            Some("application/x-www-form-urlencoded"),
            form.as_bytes(),
        );
        assert!(matches!(a.status, 200 | 422), "{name}");
        let page = a.text();
        assert!(!page.contains("<script>alert"), "{name}: unescaped");
        assert!(!page.contains("\"'&é"), "{name}: unescaped quote");
    }
    // All of them at once, in one form.
    let form: Vec<String> = names
        .iter()
        .map(|n| format!("{n}={}", percent(hostile)))
        .collect();
    let a = request(
        "POST",
        "/",
        Some("application/x-www-form-urlencoded"),
        form.join("&").as_bytes(),
    );
    assert_eq!(a.status, 422);
    assert!(!a.text().contains("<script>alert"));
    still_answers();
}

fn percent(s: &str) -> String {
    s.bytes().map(|b| format!("%{b:02X}")).collect()
}

#[test]
fn every_answer_carries_the_security_headers() {
    for path in [
        "/",
        "/batch",
        "/api/ranges",
        "/api/caveats",
        "/static/style.css",
        "/nope",
    ] {
        let a = request("GET", path, None, b"");
        let csp = a.header("content-security-policy").unwrap_or_default();
        assert!(
            csp.contains("script-src 'self'") && csp.contains("style-src 'self'"),
            "{path}"
        );
        assert_eq!(
            a.header("x-content-type-options"),
            Some("nosniff"),
            "{path}"
        );
    }
}

#[test]
fn a_foreign_host_is_refused() {
    let a = raw(b"GET / HTTP/1.1\r\nHost: evil.example:8457\r\nConnection: close\r\n\r\n");
    assert_eq!(a.status, 400);
    let a = raw(b"GET / HTTP/1.1\r\nConnection: close\r\n\r\n");
    assert_eq!(a.status, 400);
}

#[test]
fn garbage_and_abandoned_connections_do_not_stop_it() {
    let _ = raw(b"\x00\x01\x02 not http at all\r\n\r\n");
    let _ = raw(b"GET / HTTP/9.9\r\n\r\n");
    // A body promised but never sent: the client goes away.
    {
        let mut s = TcpStream::connect(server()).unwrap();
        let _ = s.write_all(
            format!("POST /api/batch HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Type: text/csv\r\nContent-Length: 100000\r\n\r\nsample_id\n", server().port()).as_bytes(),
        );
    }
    still_answers();
}

#[test]
fn two_hundred_requests_at_once() {
    let expected = lmr(&["check", "--vitamin-d", "75 nmol/L", "--format", "json"]);
    let threads: Vec<_> = (0..200)
        .map(|i| {
            std::thread::spawn(move || {
                if i % 4 == 3 {
                    request("GET", "/", None, b"").status
                } else {
                    let a = check_api(r#"{"vitamin_d": "75 nmol/L"}"#);
                    assert_eq!(a.status, 200);
                    assert_eq!(a.body, lmr_cached());
                    a.status
                }
            })
        })
        .collect();
    let _ = expected;
    for t in threads {
        assert_eq!(t.join().unwrap(), 200);
    }
    still_answers();
}

fn lmr_cached() -> Vec<u8> {
    static DOC: OnceLock<Vec<u8>> = OnceLock::new();
    DOC.get_or_init(|| lmr(&["check", "--vitamin-d", "75 nmol/L", "--format", "json"]))
        .clone()
}
