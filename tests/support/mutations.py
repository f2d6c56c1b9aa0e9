"""Hypothesis strategies shared by the property tests: any JSON value, and real documents with fields
deleted or replaced by any JSON value."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from hypothesis import strategies as st

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12,
)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(node, dict):
        return [p for k, v in node.items() for p in [(*prefix, k), *_paths(v, (*prefix, k))]]
    if isinstance(node, list):
        return [p for i, v in enumerate(node) for p in [(*prefix, i), *_paths(v, (*prefix, i))]]
    return []


def mutated(load: Callable[[str], dict[str, Any]], names: Sequence[str]) -> st.SearchStrategy[Any]:
    """One of the named documents (a fresh copy from load) with 1-3 fields deleted or replaced."""

    @st.composite
    def strategy(draw: st.DrawFn) -> Any:
        document = load(draw(st.sampled_from(list(names))))
        for _ in range(draw(st.integers(min_value=1, max_value=3))):
            paths = _paths(document)
            if not paths:
                break
            *parents, last = draw(st.sampled_from(paths))
            node: Any = document
            for key in parents:
                node = node[key]
            if draw(st.booleans()) and isinstance(node, dict):
                del node[last]
            else:
                node[last] = draw(json_values)
        return document

    return strategy()
