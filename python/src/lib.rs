//! The Python extension module `lmr._lmr`: thin glue between Python and the `lmr` library.
//! Data frames cross as Arrow (the Arrow PyCapsule interface, through `pyo3-arrow`); every
//! row is read and interpreted by the library's batch row reader and interpreter, and the
//! result columns are built as Arrow arrays. The Python package (`lmr/__init__.py`) only
//! converts frames and raises its own exception types.
#![forbid(unsafe_code)]

mod frames;
mod interpret;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use lmr::interpretation::{Interpreter, Options as RangeOptions};
use lmr::reference::Registry;
use lmr::zscore::ZscoreSelection;

/// Range choices shared by `check` and `interpret` (the range flags of `lmr check` / `lmr batch`).
#[derive(Clone, Debug, Default, FromPyObject)]
#[pyo3(from_item_all)]
pub(crate) struct Ranges {
    ranges: Vec<String>,
    lm_range: Option<String>,
    vitamin_d_scheme: Vec<String>,
    zonulin_range: Option<String>,
    lr_range: Option<String>,
    subtract_baseline: bool,
    zscore_reference: Vec<String>,
}

impl Ranges {
    /// The shipped ranges plus the user's range files (`ranges=`).
    fn registry(&self) -> PyResult<Registry> {
        let mut registry = Registry::builtin().map_err(value_error)?;
        for path in &self.ranges {
            registry
                .load_path(std::path::Path::new(path))
                .map_err(|e| PyValueError::new_err(format!("ranges={path:?}: {e}")))?;
        }
        Ok(registry)
    }

    /// The z-score tables named by `zscore_reference=`.
    fn zscores(&self, registry: &Registry) -> PyResult<ZscoreSelection> {
        let mut tables = Vec::new();
        for spec in &self.zscore_reference {
            let found = registry
                .zscore_reference(spec)
                .map_err(|e| PyValueError::new_err(format!("zscore_reference={spec:?}: {e}")))?;
            tables.extend(found);
        }
        ZscoreSelection::new(tables)
            .map_err(|e| PyValueError::new_err(format!("zscore_reference: {e}")))
    }

    fn options(&self) -> RangeOptions {
        RangeOptions {
            lm_range: self.lm_range.clone(),
            vitamin_d_schemes: self.vitamin_d_scheme.clone(),
            zonulin_range: self.zonulin_range.clone(),
            lr_range: self.lr_range.clone(),
            subtract_baseline: self.subtract_baseline,
        }
    }

    fn interpreter<'r>(
        &self,
        registry: &'r Registry,
        zscores: &'r ZscoreSelection,
    ) -> PyResult<Interpreter<'r>> {
        Ok(Interpreter::new(registry, &self.options())
            .map_err(value_error)?
            .with_zscores(zscores))
    }
}

/// A rejected field: `(field, value, message)`.
type Rejected = (String, String, String);

/// `lmr check --format json`'s document for `fields` (`(name, text)` pairs named like its
/// flags with underscores): `("ok", json)`, or `("errors", [(field, value, message), ...])`
/// naming every rejected field. An unusable option raises `ValueError`.
#[pyfunction]
fn check(
    py: Python<'_>,
    fields: Vec<(String, String)>,
    ranges: Ranges,
) -> PyResult<(&'static str, Py<PyAny>)> {
    use lmr::sample::{check_json, CheckError, CheckOptions};
    let registry = ranges.registry()?;
    let options = CheckOptions {
        ranges: ranges.options(),
        zscore_reference: ranges.zscore_reference.clone(),
    };
    let rejected = |list: Vec<Rejected>| -> PyResult<(&'static str, Py<PyAny>)> {
        Ok(("errors", list.into_pyobject(py)?.into_any().unbind()))
    };
    match check_json(fields, &registry, &options) {
        Ok(doc) => Ok(("ok", doc.into_pyobject(py)?.into_any().unbind())),
        Err(CheckError::Fields(errors)) => rejected(
            errors
                .iter()
                .map(|e| (e.field().to_string(), e.value().to_string(), e.to_string()))
                .collect(),
        ),
        // A range for the other matrix (or unit) names the option that chose it.
        Err(e @ CheckError::Interpret(lmr::interpretation::InterpretError::Zonulin(_))) => {
            match &ranges.zonulin_range {
                Some(id) => rejected(vec![(
                    "zonulin_range".into(),
                    id.clone(),
                    format!("zonulin_range {id:?}: {e}"),
                )]),
                None => Err(value_error(e)),
            }
        }
        Err(e) => Err(value_error(e)),
    }
}

pub(crate) fn value_error(e: impl std::fmt::Display) -> PyErr {
    PyValueError::new_err(e.to_string())
}

#[pymodule]
fn _lmr(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_function(wrap_pyfunction!(check, m)?)?;
    m.add_function(wrap_pyfunction!(interpret::interpret, m)?)?;
    m.add_function(wrap_pyfunction!(frames::ranges, m)?)?;
    m.add_function(wrap_pyfunction!(frames::caveats, m)?)?;
    Ok(())
}
