"""Type stubs for lmr (see the docstrings in lmr/__init__.py)."""

import os
from typing import Any, List, Literal, Mapping, Optional, Sequence, Tuple, TypeVar, Union

__version__: str

_Frame = TypeVar("_Frame")
_Paths = Union[str, os.PathLike, Sequence[Union[str, os.PathLike]], None]
_FrameKind = Literal["pandas", "polars", "pyarrow"]

class InputError(ValueError):
    field: Optional[str]
    value: Optional[str]
    errors: List[Tuple[Optional[str], Optional[str], str]]
    def __init__(
        self,
        message: str,
        field: Optional[str] = ...,
        value: Optional[str] = ...,
        errors: Sequence[tuple] = ...,
    ) -> None: ...

class RowErrorsWarning(UserWarning): ...

def check(
    *,
    ranges: _Paths = ...,
    lm_range: Optional[str] = ...,
    vitamin_d_scheme: Union[str, Sequence[str], None] = ...,
    zonulin_range: Optional[str] = ...,
    lr_range: Optional[str] = ...,
    subtract_baseline: bool = ...,
    zscore_reference: Union[str, Sequence[str], None] = ...,
    **fields: Union[str, int, float, Sequence[str], None],
) -> dict[str, Any]: ...
def interpret(
    frame: _Frame,
    columns: Union[None, str, os.PathLike, Mapping[str, Any]] = ...,
    *,
    protocol: Optional[str] = ...,
    sample_id: Optional[str] = ...,
    decimal_comma: bool = ...,
    ranges: _Paths = ...,
    lm_range: Optional[str] = ...,
    vitamin_d_scheme: Union[str, Sequence[str], None] = ...,
    zonulin_range: Optional[str] = ...,
    lr_range: Optional[str] = ...,
    subtract_baseline: bool = ...,
    zscore_reference: Union[str, Sequence[str], None] = ...,
) -> _Frame: ...
def ranges(ranges: _Paths = ..., *, frame: _FrameKind = ...) -> Any: ...
def caveats(*, frame: _FrameKind = ...) -> Any: ...
