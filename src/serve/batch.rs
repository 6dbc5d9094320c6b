//! A file of samples: `POST /api/batch` (interpreted CSV or JSON Lines, streamed back) and
//! `POST /api/summary` (the `lmr summary` HTML page of it).
//!
//! The upload is a CSV body (`Content-Type: text/csv`) or a `multipart/form-data` form with a
//! `file` part, an optional `columns` part (a column map) and option parts. It is streamed to
//! an anonymous temporary file (never named on disk; the system removes it when the request
//! ends), counting bytes against the limit; then the library reads it as `lmr batch` would and
//! the answer streams back in chunks, so memory does not grow with the file.

use std::fs::File;
use std::io::{Seek, Write};

use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, Multipart, Query, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use tokio::io::AsyncWriteExt;
use tokio::sync::mpsc;

use super::api::{content_type_is, error};
use super::Shared;
use crate::batch::{BatchError, ColumnMap, Format, Options as BatchOptions, Scan};
use crate::cohort::{self, CohortError, Grouping};
use crate::files::Encoding;
use crate::interpretation::{Interpreter, Options};
use crate::reference::Registry;
use crate::summary::{self, HtmlOptions};
use crate::zscore::ZscoreSelection;

/// Options a request may give (query string or form parts), each once unless repeatable.
const OPTIONS: &[&str] = &[
    "format",
    "delimiter",
    "protocol",
    "lm_range",
    "vitamin_d_scheme",
    "zonulin_range",
    "lr_range",
    "subtract_baseline",
    "zscore_reference",
    "sample_id",
    "encoding",
    "by",
];

/// An answer that is not the streamed result: status and JSON error.
struct Refusal(Box<Response>);

impl Refusal {
    fn new(status: StatusCode, message: impl AsRef<str>) -> Refusal {
        Refusal(Box::new(error(status, message.as_ref(), None, None)))
    }

    fn field(field: &str, value: &str, message: impl std::fmt::Display) -> Refusal {
        let text = format!("--{} {value:?}: {message}", field.replace('_', "-"));
        Refusal(Box::new(error(
            StatusCode::UNPROCESSABLE_ENTITY,
            &text,
            Some(field),
            Some(value),
        )))
    }
}

/// What was uploaded: the file (rewound), the column map's text, the options.
struct Upload {
    file: File,
    columns: Option<String>,
    options: Vec<(String, String)>,
}

impl Upload {
    fn get(&self, name: &str) -> Option<&str> {
        self.options
            .iter()
            .rev()
            .find(|(k, v)| k == name && !v.trim().is_empty())
            .map(|(_, v)| v.trim())
    }

    fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> {
        self.options
            .iter()
            .filter(move |(k, v)| k == name && !v.trim().is_empty())
            .map(|(_, v)| v.trim())
    }
}

fn too_large(limit: u64) -> Refusal {
    Refusal::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        format!(
            "the file is larger than the limit of {} MB ({limit} bytes); split it, or run `lmr batch` on it from the command line (no size limit)",
            limit / (1024 * 1024)
        ),
    )
}

fn io_refusal(e: std::io::Error) -> Refusal {
    Refusal::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        format!("cannot use a temporary file: {e}"),
    )
}

/// Streams `chunks` into `file`, refusing more than `limit` bytes in all (`written` so far).
async fn spool<S, E>(
    file: &mut tokio::fs::File,
    mut chunks: S,
    limit: u64,
    written: &mut u64,
) -> Result<(), Refusal>
where
    S: futures_util::Stream<Item = Result<Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    while let Some(chunk) = chunks.next().await {
        let chunk = chunk.map_err(|e| {
            Refusal::new(
                StatusCode::BAD_REQUEST,
                format!("the upload could not be read: {e}"),
            )
        })?;
        *written += chunk.len() as u64;
        if *written > limit {
            return Err(too_large(limit));
        }
        file.write_all(&chunk).await.map_err(io_refusal)?;
    }
    Ok(())
}

/// Receives the upload into a temporary file.
async fn receive(
    state: &Shared,
    query: Vec<(String, String)>,
    request: Request,
) -> Result<Upload, Refusal> {
    let limit = state.limits.upload_bytes;
    let headers = request.headers().clone();
    let file = tempfile::tempfile().map_err(io_refusal)?;
    let mut out = tokio::fs::File::from_std(file.try_clone().map_err(io_refusal)?);
    let mut options = query;
    let mut columns = None;
    let mut written = 0;
    let mut got_file = false;
    if content_type_is(&headers, "multipart/form-data") {
        let mut form = Multipart::from_request(request, &())
            .await
            .map_err(|e| Refusal::new(e.status(), e.body_text()))?;
        loop {
            let field = match form.next_field().await {
                Ok(Some(f)) => f,
                Ok(None) => break,
                Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                    return Err(too_large(limit))
                }
                Err(e) => return Err(Refusal::new(e.status(), e.body_text())),
            };
            let name = field.name().unwrap_or_default().to_string();
            match name.as_str() {
                "file" => {
                    got_file = true;
                    spool(&mut out, field, limit, &mut written).await?;
                }
                "columns" => {
                    let text = small_part(field, state.limits.column_map_bytes).await?;
                    if !text.trim().is_empty() {
                        columns = Some(text);
                    }
                }
                n if OPTIONS.contains(&n) => {
                    let text = small_part(field, 4096).await?;
                    options.push((name, text));
                }
                _ => {
                    return Err(Refusal::field(
                        "form",
                        &name,
                        format!(
                            "unknown part (parts: file, columns, {})",
                            OPTIONS.join(", ")
                        ),
                    ))
                }
            }
        }
    } else if ["text/csv", "text/plain", "text/tab-separated-values"]
        .iter()
        .any(|m| content_type_is(&headers, m))
    {
        got_file = true;
        let body = request.into_body().into_data_stream();
        spool(&mut out, body, limit, &mut written).await?;
    } else {
        return Err(Refusal::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "send the CSV as the body with Content-Type: text/csv, or as the `file` part of a multipart/form-data form",
        ));
    }
    if !got_file || written == 0 {
        return Err(Refusal::new(
            StatusCode::BAD_REQUEST,
            "no file was sent (the CSV is the body, or the `file` part of the form)",
        ));
    }
    out.flush().await.map_err(io_refusal)?;
    drop(out);
    let mut file = file;
    file.rewind().map_err(io_refusal)?;
    Ok(Upload {
        file,
        columns,
        options,
    })
}

/// A short text part (a column map, an option), refused beyond `limit` bytes.
async fn small_part(
    mut field: axum::extract::multipart::Field<'_>,
    limit: usize,
) -> Result<String, Refusal> {
    let name = field.name().unwrap_or_default().to_string();
    let mut buf = Vec::new();
    while let Some(chunk) = field
        .chunk()
        .await
        .map_err(|e| Refusal::new(e.status(), e.body_text()))?
    {
        if buf.len() + chunk.len() > limit {
            return Err(Refusal::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("the `{name}` part is larger than the limit of {limit} bytes"),
            ));
        }
        buf.extend_from_slice(&chunk);
    }
    String::from_utf8(buf).map_err(|_| Refusal::field(&name, "(bytes)", "not UTF-8 text"))
}

/// Everything the library needs for a run, checked before any row is read.
struct Setup {
    columns: ColumnMap,
    delimiter: u8,
    format: Format,
    options: Options,
    tables: Vec<crate::zscore::ZscoreTable>,
    protocol: Option<String>,
    encoding: Encoding,
}

impl Setup {
    /// The library's batch options for this setup.
    fn batch_options<'a>(&'a self, registry: &'a Registry, format: Format) -> BatchOptions<'a> {
        BatchOptions {
            format,
            delimiter: self.delimiter,
            protocol: self
                .protocol
                .as_deref()
                .and_then(|id| registry.protocol(id)),
            encoding: self.encoding,
            ..BatchOptions::new(&self.columns)
        }
    }
}

fn setup(registry: &Registry, up: &Upload) -> Result<Setup, Refusal> {
    let mut columns = match &up.columns {
        Some(text) => ColumnMap::from_toml_str(text, "the column map").map_err(|e| {
            Refusal(Box::new(error(
                StatusCode::UNPROCESSABLE_ENTITY,
                &format!("column map {e}"),
                Some("columns"),
                None,
            )))
        })?,
        None => ColumnMap::default(),
    };
    if let Some(id) = up.get("sample_id") {
        columns.set_sample_id(id);
    }
    let text = up.get("delimiter").unwrap_or(",");
    let delimiter =
        crate::files::parse_delimiter(text).map_err(|e| Refusal::field("delimiter", text, e))?;
    let format = match up.get("format").unwrap_or("csv") {
        "csv" => Format::Csv,
        "jsonl" => Format::Jsonl,
        "fhir-ndjson" => Format::FhirNdjson,
        t => {
            return Err(Refusal::field(
                "format",
                t,
                "expected csv, jsonl or fhir-ndjson",
            ))
        }
    };
    let subtract_baseline = match up.get("subtract_baseline") {
        None | Some("false" | "off" | "no" | "0") => false,
        Some("true" | "on" | "yes" | "1") => true,
        Some(t) => {
            return Err(Refusal::field(
                "subtract_baseline",
                t,
                "expected true or false",
            ))
        }
    };
    let encoding = match up.get("encoding") {
        None => Encoding::default(),
        Some(t) => t.parse().map_err(|e| Refusal::field("encoding", t, e))?,
    };
    let protocol = up.get("protocol").map(str::to_string);
    if let Some(id) = &protocol {
        if registry.protocol(id).is_none() {
            return Err(Refusal::field(
                "protocol",
                id,
                "no such protocol (see `lmr ranges list`)",
            ));
        }
    }
    let mut tables = Vec::new();
    for id in up.all("zscore_reference") {
        let t = registry
            .zscore_table(id)
            .ok_or_else(|| Refusal::field("zscore_reference", id, "no such z-score table"))?;
        tables.push(t.clone());
    }
    let options = Options {
        lm_range: up.get("lm_range").map(str::to_string),
        vitamin_d_schemes: up.all("vitamin_d_scheme").map(str::to_string).collect(),
        zonulin_range: up.get("zonulin_range").map(str::to_string),
        lr_range: up.get("lr_range").map(str::to_string),
        subtract_baseline,
    };
    // The range ids are checked here, before the answer starts.
    Interpreter::new(registry, &options)
        .map_err(|e| Refusal::new(StatusCode::UNPROCESSABLE_ENTITY, e.to_string()))?;
    Ok(Setup {
        columns,
        delimiter,
        format,
        options,
        tables,
        protocol,
        encoding,
    })
}

/// What the blocking run sends to the answer.
enum Message {
    Data(Bytes),
    Failed(BatchError),
}

/// A writer that hands its bytes to the answer in 64 KiB chunks; a closed answer (the client
/// went away) stops the run.
struct ChannelWriter {
    tx: mpsc::Sender<Message>,
    buf: Vec<u8>,
}

const CHUNK: usize = 64 * 1024;

impl ChannelWriter {
    fn send(&mut self) -> std::io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let data = Bytes::from(std::mem::replace(&mut self.buf, Vec::with_capacity(CHUNK)));
        self.tx.blocking_send(Message::Data(data)).map_err(|_| {
            std::io::Error::new(std::io::ErrorKind::BrokenPipe, "the client went away")
        })
    }
}

impl Write for ChannelWriter {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= CHUNK {
            self.send()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.send()
    }
}

fn query_pairs(
    query: Result<Query<Vec<(String, String)>>, axum::extract::rejection::QueryRejection>,
) -> Result<Vec<(String, String)>, Refusal> {
    let Query(pairs) = query.map_err(|e| Refusal::new(StatusCode::BAD_REQUEST, e.body_text()))?;
    if let Some((k, v)) = pairs.iter().find(|(k, _)| !OPTIONS.contains(&k.as_str())) {
        return Err(Refusal::field(
            k,
            v,
            format!("unknown option (options: {})", OPTIONS.join(", ")),
        ));
    }
    Ok(pairs)
}

/// The download's name (the uploaded file's name is not echoed back: it is the user's text).
fn download_name(ext: &str) -> String {
    format!("lmr-interpreted.{ext}")
}

/// `POST /api/batch`.
pub(super) async fn interpret(
    State(state): State<Shared>,
    query: Result<Query<Vec<(String, String)>>, axum::extract::rejection::QueryRejection>,
    request: Request,
) -> Response {
    match interpret_inner(state, query, request).await {
        Ok(r) => r,
        Err(Refusal(r)) => *r,
    }
}

async fn interpret_inner(
    state: Shared,
    query: Result<Query<Vec<(String, String)>>, axum::extract::rejection::QueryRejection>,
    request: Request,
) -> Result<Response, Refusal> {
    let query = query_pairs(query)?;
    let upload = receive(&state, query, request).await?;
    let mut setup = setup(&state.registry, &upload)?;
    let (tx, mut rx) = mpsc::channel::<Message>(4);
    let format = setup.format;
    let run_state = state.clone();
    let file = upload.file;
    tokio::task::spawn_blocking(move || {
        let registry = &run_state.registry;
        let failed = |e| {
            let _ = tx.blocking_send(Message::Failed(e));
        };
        let Ok(selection) = ZscoreSelection::new(std::mem::take(&mut setup.tables)) else {
            return;
        };
        let Ok(interpreter) = Interpreter::new(registry, &setup.options) else {
            return;
        };
        let interpreter = interpreter.with_zscores(&selection);
        let options = setup.batch_options(registry, setup.format);
        let mut out = ChannelWriter {
            tx: tx.clone(),
            buf: Vec::with_capacity(CHUNK),
        };
        let result = crate::batch::run(file, &mut out, &interpreter, &options, &mut |_| {});
        match result.and_then(|_| out.flush().map_err(BatchError::Write)) {
            Ok(_) => {}
            Err(e) => failed(e),
        }
    });
    // The first message decides the status: a header the library refuses is a 422 before any
    // row is written; after that the rows stream.
    let first = match rx.recv().await {
        Some(Message::Data(d)) => d,
        Some(Message::Failed(e)) => return Err(batch_refusal(&e)),
        None => {
            return Err(Refusal::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "the run stopped without an answer",
            ))
        }
    };
    let rest = futures_util::stream::unfold(rx, |mut rx| async move {
        match rx.recv().await {
            Some(Message::Data(d)) => Some((Ok(d), rx)),
            Some(Message::Failed(e)) => Some((Err(std::io::Error::other(e.to_string())), rx)),
            None => None,
        }
    });
    let stream =
        futures_util::stream::once(async move { Ok::<_, std::io::Error>(first) }).chain(rest);
    let (kind, ext) = match format {
        Format::Csv => ("text/csv; charset=utf-8", "csv"),
        Format::Jsonl => ("application/x-ndjson", "jsonl"),
        Format::FhirNdjson => ("application/fhir+ndjson", "ndjson"),
    };
    let disposition = format!("attachment; filename=\"{}\"", download_name(ext));
    let mut headers = HeaderMap::new();
    headers.insert(header::CONTENT_TYPE, header::HeaderValue::from_static(kind));
    if let Ok(v) = header::HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok((headers, Body::from_stream(stream)).into_response())
}

fn batch_refusal(e: &BatchError) -> Refusal {
    match e {
        BatchError::Write(_) => Refusal::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
        _ => Refusal::new(StatusCode::UNPROCESSABLE_ENTITY, e.to_string()),
    }
}

/// `POST /api/summary`: the `lmr summary` HTML page of the file (`by` columns group it).
pub(super) async fn summary(
    State(state): State<Shared>,
    query: Result<Query<Vec<(String, String)>>, axum::extract::rejection::QueryRejection>,
    request: Request,
) -> Response {
    let result = async {
        let query = query_pairs(query)?;
        let upload = receive(&state, query, request).await?;
        let setup = setup(&state.registry, &upload)?;
        let by: Vec<String> = upload.all("by").map(str::to_string).collect();
        let scheme = upload
            .all("vitamin_d_scheme")
            .find(|s| *s != "all")
            .map(str::to_string);
        let run_state = state.clone();
        let file = upload.file;
        tokio::task::spawn_blocking(move || {
            let max_groups = run_state.limits.summary_groups;
            summarise(&run_state.registry, setup, file, &by, max_groups, scheme)
        })
        .await
        .map_err(|e| Refusal::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?
    }
    .await;
    match result {
        Ok(html) => (
            [
                (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                // The summary page carries its own <style> and inline SVG; it runs no script.
                (
                    header::CONTENT_SECURITY_POLICY,
                    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
                ),
            ],
            html,
        )
            .into_response(),
        Err(Refusal(r)) => *r,
    }
}

/// The summary page of the file, grouped as `lmr summary --by` groups it
/// ([`cohort::summarise`]), with at most `max_groups` groups.
fn summarise(
    registry: &Registry,
    mut setup: Setup,
    file: File,
    by: &[String],
    max_groups: usize,
    scheme: Option<String>,
) -> Result<String, Refusal> {
    let selection = ZscoreSelection::new(std::mem::take(&mut setup.tables))
        .map_err(|e| Refusal::new(StatusCode::UNPROCESSABLE_ENTITY, e.to_string()))?;
    let interpreter = Interpreter::new(registry, &setup.options)
        .map_err(|e| Refusal::new(StatusCode::UNPROCESSABLE_ENTITY, e.to_string()))?
        .with_zscores(&selection);
    let options = setup.batch_options(registry, Format::Csv);
    let scan = Scan::new(std::io::BufReader::with_capacity(1 << 16, file), &options)
        .map_err(|e| batch_refusal(&e))?;
    let grouping = Grouping {
        option: "--by",
        by,
        max_groups,
    };
    let (sum, _) = cohort::summarise(scan, &interpreter, registry, &options, &grouping)
        .map_err(cohort_refusal)?;
    let html_options = HtmlOptions {
        subtitle: Some("uploaded file".to_string()),
        vitamin_d_scheme: scheme,
        ..HtmlOptions::default()
    };
    Ok(summary::html(&sum, &html_options))
}

/// A grouped read that stopped: a `by` column the file lacks, a group limit passed (advice for
/// a server, which has no `--max-groups`), or the batch reader's refusal.
fn cohort_refusal(e: CohortError) -> Refusal {
    let by = |message: String, value: Option<&str>| {
        Refusal(Box::new(error(
            StatusCode::UNPROCESSABLE_ENTITY,
            &message,
            Some("by"),
            value,
        )))
    };
    match e {
        CohortError::Batch(e) => batch_refusal(&e),
        CohortError::NoSuchColumn { column, header, .. } => Refusal::field(
            "by",
            &column,
            format_args!("no such column in the input (columns: {})", header.join(", ")),
        ),
        CohortError::TooManyGroups {
            pos, columns, max, ..
        } => by(
            format!(
                "{pos}: --by {} has more than {max} distinct values (the server's limit); group by a column with fewer values, or run `lmr summary --max-groups` on the file from the command line",
                columns.join(", ")
            ),
            None,
        ),
        CohortError::GroupValueTooLong { ref column, .. } => by(e.to_string(), Some(column)),
        // A file, column map, range or table error: not of a read from an upload's scan.
        e => {
            let message = e.to_string();
            Refusal(Box::new(error(StatusCode::UNPROCESSABLE_ENTITY, &message, None, None)))
        }
    }
}
