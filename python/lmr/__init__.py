"""lmr: lactulose–mannitol permeability tests, zonulin and vitamin D, in context.

The same Rust library as the ``lmr`` command line, for Python: one sample with
:func:`check`, a whole cohort's data frame with :func:`interpret`, the shipped reference
ranges with :func:`ranges` and every caveat and flag code with :func:`caveats`. Nothing is
re-implemented in Python: every cell is read and interpreted by the library, and frames
cross as Arrow columns.

Increased intestinal permeability is measurable; "leaky gut syndrome" is not an
established diagnosis. Results describe the measurement, compare it with a named
reference, and state the caveats.

>>> import lmr
>>> r = lmr.check(vitamin_d="20 ng/mL")
>>> round(r["vitamin_d_nmol_l"], 2)    # 20 ng/mL × 1000 / 400.64 g/mol
49.92
"""

from __future__ import annotations

import json
import os
import warnings
from typing import Any, Mapping, Optional, Sequence, Union

from . import _lmr

__version__: str = _lmr.__version__

__all__ = [
    "InputError",
    "RowErrorsWarning",
    "caveats",
    "check",
    "interpret",
    "ranges",
    "__version__",
]


class InputError(ValueError):
    """An input value was rejected: ``.field`` names it (as a keyword of :func:`check`),
    ``.value`` is the text given, and the message says what was expected.

    When several fields are rejected at once, ``.errors`` lists every one as
    ``(field, value, message)`` and ``.field`` / ``.value`` are the first.

    >>> import lmr
    >>> try:
    ...     lmr.check(vitamin_d="twenty ng/mL")
    ... except lmr.InputError as e:
    ...     print(e.field, repr(e.value))
    vitamin_d 'twenty ng/mL'
    """

    def __init__(
        self,
        message: str,
        field: Optional[str] = None,
        value: Optional[str] = None,
        errors: Sequence[tuple] = (),
    ) -> None:
        super().__init__(message)
        self.field = field
        self.value = value
        self.errors = list(errors) or [(field, value, message)]


class RowErrorsWarning(UserWarning):
    """Some rows of :func:`interpret` could not be interpreted; their ``error`` column says
    why (row, column, value, what was expected). The rows are kept, never dropped."""


_RANGE_OPTIONS = (
    "ranges",
    "lm_range",
    "vitamin_d_scheme",
    "zonulin_range",
    "lr_range",
    "subtract_baseline",
    "zscore_reference",
)

# The options of lmr.interpret besides the range options (lmr batch's reading flags).
_FRAME_OPTIONS = ("protocol", "sample_id", "decimal_comma")


def _paths(value: Any) -> list:
    """A path or a list of paths (or ids) as a list of strings."""
    if value is None:
        return []
    if isinstance(value, (str, os.PathLike)):
        return [os.fspath(value)]
    return [os.fspath(v) for v in value]


def _range_options(options: dict) -> dict:
    """Takes the range options out of ``options`` (as ``lmr check`` / ``lmr batch`` flags)."""
    return {
        "ranges": _paths(options.pop("ranges", None)),
        "lm_range": options.pop("lm_range", None),
        "vitamin_d_scheme": _paths(options.pop("vitamin_d_scheme", None)),
        "zonulin_range": options.pop("zonulin_range", None),
        "lr_range": options.pop("lr_range", None),
        "subtract_baseline": bool(options.pop("subtract_baseline", False)),
        "zscore_reference": _paths(options.pop("zscore_reference", None)),
    }


def check(**fields: Any) -> dict:
    """Interprets one sample; returns the same keys and values as ``lmr check --format json``.

    Keywords are ``lmr check``'s flags with underscores: ``lactulose``, ``mannitol``,
    ``volume``, ``lactulose_dose``, ``mannitol_dose``, ``collection``, ``age``, ``sex``,
    ``vitamin_d``, ``vitamin_d_form``, ``zonulin``, ``zonulin_matrix``, ``hp_genotype``,
    ``protocol``, ... with values as text with units (``"9.21 mg/L"``, ``"1857 mL"``,
    ``"5 g"``, ``"5 h"``); numbers without a unit (``age=35``) are passed as their text.
    Range options as the flags: ``lm_range=``, ``vitamin_d_scheme=[...]``,
    ``zonulin_range=``, ``lr_range=``, ``ranges=`` (a range file or a list of them),
    ``subtract_baseline=``, ``zscore_reference=``.

    Raises :class:`InputError` naming the field and the value of every rejected input, and
    ``ValueError`` for an unusable option (an unknown range id, an unreadable range file).

    The adult 5 g / 1 g, 5 h test:

    >>> import lmr
    >>> r = lmr.check(lactulose="9.21 mg/L", mannitol="72.9 mg/L", volume="1857 mL",
    ...               lactulose_dose="5 g", mannitol_dose="1 g", collection="5 h")
    >>> # 9.21 mg/L × 1.857 L = 17.103 mg of 5000 mg = 0.3421 %
    >>> round(r["lactulose_recovery_pct"], 4)
    0.3421
    >>> # 72.9 mg/L × 1.857 L = 135.38 mg of 1000 mg = 13.538 %; 0.34206 / 13.538 = 0.02527
    >>> round(r["lm_ratio"], 5)
    0.02527
    >>> r["lm_class"]        # no verified range exists for this protocol
    'unclassified'
    """
    options = dict(fields)
    range_options = _range_options(options)
    sample = []
    for name, value in options.items():
        if value is None:
            continue
        values = value if isinstance(value, (list, tuple)) else [value]
        for v in values:
            sample.append((name, v if isinstance(v, str) else str(v)))
    outcome = _lmr.check(sample, range_options)
    if outcome[0] == "errors":
        errors = outcome[1]
        message = "; ".join(m for (_, _, m) in errors)
        field, value, _ = errors[0]
        raise InputError(message, field, value, errors)
    return json.loads(outcome[1])


def _kind(frame: Any) -> str:
    module = type(frame).__module__.split(".")[0]
    if module in ("pandas", "polars"):
        return module
    if hasattr(frame, "__arrow_c_stream__") or hasattr(frame, "__arrow_c_array__"):
        return "arrow"
    raise TypeError(
        "lmr.interpret reads a pandas or polars DataFrame, or an object with the Arrow "
        f"PyCapsule interface (__arrow_c_stream__, e.g. a pyarrow Table); got {type(frame)!r}"
    )


def _pandas_to_arrow(df: Any) -> Any:
    """A pandas frame as a pyarrow Table of the same columns (the index is not a column)."""
    try:
        import pyarrow as pa
    except ImportError as e:
        raise ImportError(
            "lmr.interpret hands a pandas frame over as Arrow columns, which needs pyarrow: "
            'pip install pyarrow (or install lmr with pip install "./python[pandas]")'
        ) from e

    names = [str(c) for c in df.columns]
    arrays = []
    for i in range(df.shape[1]):
        column = df.iloc[:, i]
        try:
            arrays.append(pa.array(column, from_pandas=True))
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            # A column of mixed Python objects: read as text, missing values as missing.
            arrays.append(pa.array(column.astype("string"), from_pandas=True))
    return pa.Table.from_arrays(arrays, names=names)


def _column_map(columns: Any) -> dict:
    if columns is None:
        return {}
    if isinstance(columns, Mapping):
        return {"columns_toml": _toml(columns)}
    return {"columns_path": os.fspath(columns)}


def _toml(mapping: Mapping) -> str:
    """A column map given as a dict (the shape of the TOML file) as TOML text.

    TOML accepts JSON's quoted strings, numbers and booleans as they are, so each value is
    written with ``json.dumps``; tables become ``[section]`` headers.
    """
    lines = []
    tables = []
    for key, value in mapping.items():
        if isinstance(value, Mapping):
            tables.append((key, value))
        else:
            lines.append(f"{json.dumps(str(key))} = {_toml_value(key, value)}")
    for name, table in tables:
        lines.append(f"[{json.dumps(str(name))}]")
        for key, value in table.items():
            if isinstance(value, Mapping):
                inner = ", ".join(
                    f"{json.dumps(str(k))} = {_toml_value(k, v)}" for k, v in value.items()
                )
                lines.append(f"{json.dumps(str(key))} = {{ {inner} }}")
            else:
                lines.append(f"{json.dumps(str(key))} = {_toml_value(key, value)}")
    return "\n".join(lines) + "\n"


def _toml_value(key: Any, value: Any) -> str:
    if isinstance(value, (str, bool, int, float)):
        return json.dumps(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(key, v) for v in value) + "]"
    raise TypeError(f"column map: {key!r} has a value of type {type(value).__name__}")


def interpret(frame: Any, columns: Union[None, str, os.PathLike, Mapping] = None, **options: Any) -> Any:
    """Interprets every row of a cohort's frame; returns the same kind of frame with the
    result columns of ``lmr batch`` appended.

    ``frame`` is a pandas or polars DataFrame, or any object with the Arrow PyCapsule
    interface (``__arrow_c_stream__``: a pyarrow Table or RecordBatchReader, ...). Its
    columns are named as for ``lmr batch`` (``urine_lactulose [mg/L]``, ``age [y]``, ...) or
    mapped with ``columns``: the path of a column map (TOML) or a dict of the same shape,
    e.g. ``{"columns": {"LAC": {"field": "urine_lactulose", "unit": "mg/L"}},
    "values": {"collection": "5 h"}}``.

    The result has every input column unchanged (same names, types, order and index), then
    the result columns with ``lmr batch``'s names, one row per input row in the same order:

    - quantities (recoveries, ratios, z-scores, ``vitamin_d_nmol_l``) are float64, empty
      (NaN / null) when not computable or censored; a censored one (from an input below a
      detection limit) is in its text companion ``<quantity>_bound`` (``"<0.12"``), as in
      ``lmr batch``;
    - ranges, classes and ``error`` are text, empty when absent;
    - ``flags`` and ``caveats`` are ``;``-separated code strings, exactly as ``lmr batch``
      writes them (``lmr.caveats()`` has each code's text and source); split them with
      ``str.split(";")`` where a list is wanted.

    A row that cannot be interpreted keeps its input, gets empty results, and its ``error``
    names the row (counted from 1), the column, the value and what was expected;
    a :class:`RowErrorsWarning` says how many rows have one.

    Options are ``lmr batch``'s flags with underscores: ``protocol=``, ``ranges=``,
    ``lm_range=``, ``vitamin_d_scheme=[...]``, ``zonulin_range=``, ``lr_range=``,
    ``subtract_baseline=``, ``zscore_reference=``, ``sample_id=``, ``decimal_comma=``
    (text cells written with a decimal comma, ``"9,21"``; numeric columns are numbers).

    The long layout (a ``fraction`` column, one row per timed urine fraction, a sample's rows
    consecutive, grouped by ``sample_id``) is read as ``lmr batch`` reads it: each row's own
    fraction in the ``<name>_fraction`` columns, the sample's whole collection (its fractions
    summed) in the unsuffixed columns of its last row, empty on its other rows.

    >>> import lmr
    >>> import pandas as pd
    >>> df = pd.DataFrame({"id": ["a", "b"], "vitamin_d [ng/mL]": ["30", "<4"]})
    >>> out = lmr.interpret(df)
    >>> # 30 ng/mL × 1000 / 400.64 g/mol = 74.880 nmol/L: IOM 2011 "sufficient" (50 to 125);
    >>> # <4 ng/mL = <9.984 nmol/L: no number, a bound, and every value below it is under 30
    >>> out[["id", "vitamin_d_nmol_l", "vitamin_d_class_iom_2011"]]
      id  vitamin_d_nmol_l vitamin_d_class_iom_2011
    0  a         74.880192               sufficient
    1  b               NaN    at_risk_of_deficiency
    >>> str(out["vitamin_d_nmol_l"].dtype), out.loc[1, "vitamin_d_nmol_l_bound"], out.loc[1, "flags"]
    ('float64', '<9.984025559', 'below_detection_limit')
    """
    kind = _kind(frame)
    range_options = _range_options(options)
    reading = {
        "protocol": options.pop("protocol", None),
        "sample_id": options.pop("sample_id", None),
        "decimal_comma": bool(options.pop("decimal_comma", False)),
    }
    if options:
        raise TypeError(
            f"lmr.interpret: unknown option(s) {', '.join(sorted(options))}; the options are "
            + ", ".join(_RANGE_OPTIONS + _FRAME_OPTIONS)
        )
    map_args = _column_map(columns)

    if kind == "pandas":
        data = _pandas_to_arrow(frame)
    elif kind == "polars":
        data = frame
    else:
        import pyarrow as pa

        frame = pa.table(frame)  # a stream is read once: keep it as the input table
        data = frame
    # polars takes text as Utf8View without a copy; pandas and pyarrow take Utf8.
    table, (rows, _interpreted, errors, _flagged) = _lmr.interpret(
        data, range_options, reading, **map_args, views=kind == "polars"
    )
    if errors:
        warnings.warn(
            f"lmr: {errors} of {rows} rows could not be interpreted; see their `error` column",
            RowErrorsWarning,
            stacklevel=2,
        )
    return _append(kind, frame, table)


def _append(kind: str, frame: Any, table: Any) -> Any:
    """The input frame with the result table's columns appended."""
    if kind == "pandas":
        import pandas as pd
        import pyarrow as pa

        results = pa.table(table).to_pandas()
        results.index = frame.index
        return pd.concat([frame, results], axis=1)
    if kind == "polars":
        import polars as pl

        results = pl.DataFrame(table)
        clash = [c for c in results.columns if c in frame.columns]
        if clash:
            raise ValueError(
                f"lmr.interpret: the input already has column(s) {clash} named like result "
                "columns; a polars frame cannot hold two columns of one name: rename them first"
            )
        return frame.hstack(results)
    import pyarrow as pa

    results = pa.table(table)
    for name in results.column_names:
        frame = frame.append_column(name, results[name])
    return frame


def _frame(table: Any, frame: str) -> Any:
    if frame == "pandas":
        import pyarrow as pa

        return pa.table(table).to_pandas()
    if frame == "polars":
        import polars as pl

        return pl.DataFrame(table)
    if frame == "pyarrow":
        import pyarrow as pa

        return pa.table(table)
    raise ValueError(f"frame={frame!r}: expected 'pandas', 'polars' or 'pyarrow'")


def ranges(ranges: Any = None, *, frame: str = "pandas") -> Any:
    """Every reference range lmr knows: the shipped ones, and those of ``ranges`` (a range
    file or directory, or a list of them), one row each with its id, analyte, unit, title,
    selection (``automatic`` or ``explicit``), verification status, whether it ships with
    lmr, origin, population and primary source (citation, DOI, URL).

    ``frame`` is ``"pandas"`` (default), ``"polars"`` or ``"pyarrow"``.

    >>> import lmr
    >>> r = lmr.ranges()
    >>> "iom-2011" in set(r["id"])
    True
    >>> bool(r["shipped"].all())
    True
    """
    return _frame(_lmr.ranges(_paths(ranges)), frame)


def caveats(*, frame: str = "pandas") -> Any:
    """Every caveat and flag code lmr writes, with its text and source: columns ``kind``
    (``caveat`` or ``flag``), ``code``, ``text``, ``source``.

    >>> import lmr
    >>> c = lmr.caveats()
    >>> sorted(set(c["kind"]))
    ['caveat', 'flag']
    >>> c["code"].is_unique
    True
    """
    return _frame(_lmr.caveats(), frame)
