//! The JSON API: `POST /api/check`, `GET /api/ranges`, `GET /api/caveats`, and the error
//! body every API route answers with.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Map, Value};

use super::check::{self, Rejected, REPEATABLE};
use super::Shared;
use crate::report;

/// `{"error": …, "field": …, "value": …}` with `status`.
pub(super) fn error(
    status: StatusCode,
    message: &str,
    field: Option<&str>,
    value: Option<&str>,
) -> Response {
    let body = json!({"error": message, "field": field, "value": value});
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        format!("{body}\n"),
    )
        .into_response()
}

/// Rejected inputs as a 422 answer: the first as `error`/`field`/`value`, every one under
/// `errors`.
pub(super) fn rejected(list: &[Rejected]) -> Response {
    let all: Vec<Value> = list
        .iter()
        .map(|r| json!({"error": r.message, "field": r.field, "value": r.value}))
        .collect();
    let first = all
        .first()
        .cloned()
        .unwrap_or_else(|| json!({"error": "rejected"}));
    let body = json!({"error": first["error"], "field": first["field"], "value": first["value"], "errors": all});
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        [(header::CONTENT_TYPE, "application/json")],
        format!("{body}\n"),
    )
        .into_response()
}

/// A body the extractor refused (too large: 413; unreadable: 400).
pub(super) fn body_rejection(e: &BytesRejection, limit: usize) -> Response {
    let status = e.status();
    let message = if status == StatusCode::PAYLOAD_TOO_LARGE {
        format!("the request body is larger than the limit of {limit} bytes")
    } else {
        format!("the request body cannot be read: {e}")
    };
    error(status, &message, None, None)
}

/// Whether the request says its body is of `mime` (parameters such as `charset` allowed).
pub(super) fn content_type_is(headers: &HeaderMap, mime: &str) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case(mime))
}

/// `POST /api/check`: a JSON object of fields → the `lmr check --format json` document.
pub(super) async fn check(
    State(state): State<Shared>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    if !content_type_is(&headers, "application/json") {
        return error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "send the inputs as a JSON object with Content-Type: application/json",
            None,
            None,
        );
    }
    let body = match body {
        Ok(b) => b,
        Err(e) => return body_rejection(&e, state.limits.form_bytes),
    };
    let object: Map<String, Value> = match serde_json::from_slice(&body) {
        Ok(Value::Object(o)) => o,
        Ok(_) => {
            return error(
                StatusCode::BAD_REQUEST,
                "expected a JSON object such as {\"lactulose\": \"9.21 mg/L\", …}",
                None,
                None,
            )
        }
        Err(e) => {
            return error(
                StatusCode::BAD_REQUEST,
                &format!("the body is not valid JSON: {e}"),
                None,
                None,
            )
        }
    };
    let pairs = match pairs(&object) {
        Ok(p) => p,
        Err(r) => return rejected(&[r]),
    };
    match check::document(&state.registry, &pairs) {
        Ok(text) => ([(header::CONTENT_TYPE, "application/json")], text).into_response(),
        Err(list) => rejected(&list),
    }
}

/// The JSON object as (field, text) pairs: strings as given, numbers as written, booleans as
/// `true`/`false`, `null` as absent, lists (for repeatable fields) as one pair per item.
fn pairs(object: &Map<String, Value>) -> Result<Vec<(String, String)>, Rejected> {
    let mut out = Vec::with_capacity(object.len());
    for (key, value) in object {
        let scalar = |v: &Value| match v {
            Value::String(s) => Ok(Some(s.clone())),
            Value::Number(n) => Ok(Some(n.to_string())),
            Value::Bool(b) => Ok(Some(b.to_string())),
            Value::Null => Ok(None),
            other => Err(Rejected {
                field: Some(key.clone()),
                value: Some(other.to_string()),
                message: format!(
                    "--{} {other}: expected a string, a number or a boolean{}",
                    key.replace('_', "-"),
                    if REPEATABLE.contains(&key.as_str()) {
                        ", or a list of them"
                    } else {
                        ""
                    }
                ),
            }),
        };
        match value {
            Value::Array(items) if REPEATABLE.contains(&key.as_str()) => {
                for item in items {
                    if let Some(text) = scalar(item)? {
                        out.push((key.clone(), text));
                    }
                }
            }
            v => {
                if let Some(text) = scalar(v)? {
                    out.push((key.clone(), text));
                }
            }
        }
    }
    Ok(out)
}

/// `GET /api/ranges`: every range (with its bands' numeric bounds) and protocol loaded, each in
/// its one JSON shape ([`crate::report::range_json`], [`crate::report::protocol_json`]).
pub(super) async fn ranges(State(state): State<Shared>) -> Response {
    let registry = &state.registry;
    let body = json!({
        "ranges": registry.ranges().iter().map(report::range_json).collect::<Vec<_>>(),
        "protocols": registry.protocols().iter().map(report::protocol_json).collect::<Vec<_>>(),
    });
    json_response(&body)
}

/// `GET /api/caveats`: every caveat and flag code with its text and source (as `lmr caveats
/// --format json`).
pub(super) async fn caveats() -> Response {
    json_response(&report::codes_json())
}

fn json_response(body: &Value) -> Response {
    let mut text = serde_json::to_string_pretty(body).unwrap_or_default();
    text.push('\n');
    ([(header::CONTENT_TYPE, "application/json")], text).into_response()
}
