"""A cohort's declared sources, read and checked once per provider process.

One ``pulumi up`` hands the provider the same sources three times: to check, to diff and
to update. At 100,000 samples, unpacking them takes 0.7 s, checking them 3.5 s and
signing them (:attr:`~omics_resources.core.cohort.state.Declared.signatures`) 1.3 s, each
time. Packed sources (:mod:`~omics_resources.core.cohort.packing`) are one string, so the
string is the key of what was found for it: the second and third calls find it done. The
results are pure functions of the inputs, so a hit can never be stale; a few are kept
(a stack may hold several cohorts), and sources given as a list are read every time.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from typing import Any, Final, Generic, TypeVar

from omics_resources.core.cohort.packing import unpack
from omics_resources.core.cohort.state import Declared
from omics_resources.core.resource import SCOPE_PROPERTY
from omics_resources.core.validation import Problem

__all__ = ["declared_sources", "problems_of"]

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
#: How many declarations are remembered (each holds its sources: ~100 MB at 100,000).
_KEPT: Final = 2


class _Recent(Generic[K, V]):
    """The last few results by key; engine calls run in threads of their own."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._lock = threading.Lock()
        self._found: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K, make: Callable[[], V]) -> V:
        """The result for ``key``, made by ``make`` unless it was already."""
        with self._lock:
            if key in self._found:
                self._found.move_to_end(key)
                return self._found[key]
        value = make()  # outside the lock: two threads may both make it, never wait
        with self._lock:
            self._found[key] = value
            while len(self._found) > self._size:
                self._found.popitem(last=False)
        return value


_SOURCES: _Recent[str, Any] = _Recent(_KEPT)
_DECLARED: _Recent[str, Declared | None] = _Recent(_KEPT)
_PROBLEMS: _Recent[tuple[str, str], tuple[Problem, ...]] = _Recent(_KEPT)


def _unpacked(text: str) -> Any:
    # Shared by every caller: nothing here or in check changes a source in place.
    return _SOURCES.get(text, lambda: unpack(text))


def _declared(sources: Any) -> Declared | None:
    return Declared.of(sources) if isinstance(sources, list) else None


def declared_sources(value: Any) -> Declared | None:
    """The declared sources of a ``sources`` input (a list, or packed), or None while a key
    cannot be known yet or it is not a list (check says why). Raises ValueError on a
    repeated key (check reports those first)."""
    if isinstance(value, str):
        return _DECLARED.get(value, lambda: _declared(_unpacked(value)))
    return _declared(value)


def problems_of(
    props: Mapping[str, Any], check: Callable[[Mapping[str, Any]], list[Problem]]
) -> list[Problem]:
    """``check(props)`` with the sources unpacked: every problem of the inputs."""
    sources = props.get("sources")
    if not isinstance(sources, str):
        return check(props)
    # Everything else check reads, in a form that tells any two apart (the scope only
    # names the resource: it changes no rule).
    others = json.dumps(
        {k: v for k, v in props.items() if k not in ("sources", SCOPE_PROPERTY)},
        sort_keys=True,
        default=repr,
    )
    return list(
        _PROBLEMS.get(
            (sources, others), lambda: tuple(check({**props, "sources": _unpacked(sources)}))
        )
    )
