"""The compiled part of lmr (private: use the functions of the lmr package)."""

from typing import Any, List, Optional, Tuple

__version__: str

def check(fields: List[Tuple[str, str]], ranges: dict) -> Tuple[str, Any]: ...
def interpret(
    data: Any,
    ranges: dict,
    reading: dict,
    columns_toml: Optional[str] = ...,
    columns_path: Optional[str] = ...,
    views: bool = ...,
) -> Tuple[Any, Tuple[int, int, int, int]]: ...
def ranges(ranges: List[str]) -> Any: ...
def caveats() -> Any: ...
