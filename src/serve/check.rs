//! One sample: named text fields (the keys of `lmr.check`, the flags of `lmr check` with
//! underscores) in, the document `lmr check --format json` prints out, through the same library
//! call as `lmr check` ([`crate::sample::check_json`]).

use crate::interpretation::{ConfigError, InterpretError, Options};
use crate::reference::Registry;
use crate::sample::{check_json, CheckError, CheckOptions, FieldError};

/// The range options among the fields (the rest describe the sample).
pub(crate) const OPTIONS: &[&str] = &[
    "lm_range",
    "vitamin_d_scheme",
    "zonulin_range",
    "lr_range",
    "subtract_baseline",
    "zscore_reference",
];

/// Fields that may be given more than once (a JSON list, or a form field repeated).
pub(crate) const REPEATABLE: &[&str] = &[
    "sugar",
    "dose",
    "baseline",
    "vitamin_d_scheme",
    "zscore_reference",
];

/// A rejected input: the field (canonical name), the text given and what is wrong, in the
/// words `lmr check` uses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Rejected {
    /// Canonical field name (`lactulose_dose`); `None` when no single field is to blame.
    pub field: Option<String>,
    /// The text given.
    pub value: Option<String>,
    /// The message, as `lmr check` prints it.
    pub message: String,
}

impl Rejected {
    fn option(field: &str, value: &str, message: impl std::fmt::Display) -> Rejected {
        Rejected {
            field: Some(field.to_string()),
            value: Some(value.to_string()),
            message: format!("{} {value:?}: {message}", crate::sample::flag(field)),
        }
    }

    fn sample(message: impl std::fmt::Display) -> Rejected {
        Rejected {
            field: None,
            value: None,
            message: message.to_string(),
        }
    }
}

fn get<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .rev()
        .find(|(k, v)| k == name && !v.trim().is_empty())
        .map(|(_, v)| v.trim())
}

fn all<'a>(pairs: &'a [(String, String)], name: &'a str) -> impl Iterator<Item = &'a str> {
    pairs
        .iter()
        .filter(move |(k, v)| k == name && !v.trim().is_empty())
        .map(|(_, v)| v.trim())
}

/// The range options of `pairs`.
fn options(registry: &Registry, pairs: &[(String, String)]) -> Result<CheckOptions, Rejected> {
    let subtract_baseline = match get(pairs, "subtract_baseline") {
        None | Some("false" | "off" | "no" | "0") => false,
        Some("true" | "on" | "yes" | "1") => true,
        Some(t) => {
            return Err(Rejected::option(
                "subtract_baseline",
                t,
                "expected true or false",
            ))
        }
    };
    let mut zscore_reference = Vec::new();
    for id in all(pairs, "zscore_reference") {
        // Only tables already loaded: a file name sent over the network is never opened.
        if registry.zscore_table(id).is_none() {
            return Err(Rejected::option(
                "zscore_reference",
                id,
                "no such z-score table (the server's tables come from its --ranges)",
            ));
        }
        zscore_reference.push(id.to_string());
    }
    Ok(CheckOptions {
        ranges: Options {
            lm_range: get(pairs, "lm_range").map(str::to_string),
            vitamin_d_schemes: all(pairs, "vitamin_d_scheme").map(str::to_string).collect(),
            zonulin_range: get(pairs, "zonulin_range").map(str::to_string),
            lr_range: get(pairs, "lr_range").map(str::to_string),
            subtract_baseline,
        },
        zscore_reference,
    })
}

/// Interprets one sample from its fields: the exact document `lmr check --format json` prints
/// for the same inputs (pretty JSON and a final line end), or every rejected input.
pub(crate) fn document(
    registry: &Registry,
    pairs: &[(String, String)],
) -> Result<String, Vec<Rejected>> {
    let options = options(registry, pairs).map_err(|r| vec![r])?;
    let fields = pairs
        .iter()
        .filter(|(k, _)| !OPTIONS.contains(&k.as_str()))
        .map(|(k, v)| (k.as_str(), v.as_str()));
    check_json(fields, registry, &options).map_err(|e| rejected(e, &options))
}

/// The check's errors, each naming its field where one is to blame.
fn rejected(e: CheckError, options: &CheckOptions) -> Vec<Rejected> {
    match e {
        CheckError::Fields(errors) => errors
            .iter()
            .map(|e| Rejected {
                field: Some(e.field().to_string()),
                value: Some(e.value().to_string()),
                message: FieldError::in_flags(e),
            })
            .collect(),
        CheckError::Range(
            ref c @ (ConfigError::UnknownRange { option, ref id }
            | ConfigError::WrongAnalyte { option, ref id, .. }),
        ) => vec![Rejected {
            field: Some(option.trim_start_matches("--").replace('-', "_")),
            value: Some(id.clone()),
            message: c.to_string(),
        }],
        CheckError::Zscore { spec, source } => {
            vec![Rejected::option("zscore_reference", &spec, source)]
        }
        CheckError::ZscoreSelection(e) => {
            vec![Rejected::sample(format!("--zscore-reference: {e}"))]
        }
        CheckError::Interpret(e @ InterpretError::Zonulin(_)) => {
            match &options.ranges.zonulin_range {
                Some(id) => vec![Rejected::option("zonulin_range", id, e)],
                None => vec![Rejected::sample(e)],
            }
        }
        CheckError::Nothing => vec![Rejected::sample(
            "nothing to interpret: give urine sugars (--lactulose, --mannitol with --volume and doses), --vitamin-d or --zonulin",
        )],
        e => vec![Rejected::sample(e)],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn every_rejected_field_is_named_in_flags() {
        let registry = Registry::builtin().unwrap();
        let errors = document(
            &registry,
            &pairs(&[("lactulose", "abc"), ("volume", "-5 mL")]),
        )
        .unwrap_err();
        let fields: Vec<_> = errors.iter().map(|r| r.field.as_deref()).collect();
        assert_eq!(fields, [Some("lactulose"), Some("volume")]);
        assert!(errors[0].message.starts_with("--lactulose \"abc\": "));
    }

    #[test]
    fn a_range_option_error_names_its_field() {
        let registry = Registry::builtin().unwrap();
        let errors = document(
            &registry,
            &pairs(&[("vitamin_d", "20 ng/mL"), ("lm_range", "nope")]),
        )
        .unwrap_err();
        assert_eq!(errors[0].field.as_deref(), Some("lm_range"));
        assert_eq!(errors[0].value.as_deref(), Some("nope"));
    }

    #[test]
    fn a_zscore_file_name_is_never_opened() {
        let registry = Registry::builtin().unwrap();
        let errors = document(
            &registry,
            &pairs(&[
                ("vitamin_d", "20 ng/mL"),
                ("zscore_reference", "/etc/passwd"),
            ]),
        )
        .unwrap_err();
        assert_eq!(errors[0].field.as_deref(), Some("zscore_reference"));
    }
}
