"""Helpers shared by the moto extensions in this directory (``*_ext.py``); not an extension itself, so ``server.py``
doesn't load it.

- :func:`once`: makes an extension's ``apply()`` idempotent and thread-safe.
- :func:`install`: copies the methods of an extension class onto moto's class, keeping the ones it replaces.
- :func:`record_operations`: fills an extension's ``ADDED_OPERATIONS`` / ``FIXED_OPERATIONS`` (what ``server.py``
  prints) from the handler names :func:`install` added and replaced.
- :class:`CodedError`: base for an extension's error class, ``Error(code, message)``.
- :func:`attached`: extension state kept as an attribute of one of moto's objects.
- :func:`json_body`: a JSON-object request body.
- :func:`page`: index-based ``NextToken`` paging.
"""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


def camel(snake: str) -> str:
    """A handler name as the operation name: ``update_maintenance_window`` -> ``UpdateMaintenanceWindow``."""
    return "".join(part.capitalize() for part in snake.split("_"))


def once(apply: Callable[[], None]) -> Callable[[], None]:
    """Decorator for an extension's ``apply()``: the first call patches moto, later calls do nothing. A call that
    raises doesn't count, so the next call tries again."""
    lock = threading.Lock()
    applied = False

    @functools.wraps(apply)
    def wrapper() -> None:
        nonlocal applied
        with lock:
            if not applied:
                apply()
                applied = True

    return wrapper


def install(
    target: type, source: type, prefix: str, original: dict[str, Callable[..., Any]]
) -> tuple[list[str], list[str]]:
    """Set every method of ``source`` (functions and static methods, not dunders) on ``target``.

    A method ``target`` defines itself is replaced and kept in ``original`` under ``"<prefix>.<name>"``, so the
    extension can call moto's own. Returns the names added and the names replaced, in ``source`` order.
    """
    added, replaced = [], []
    for name, fn in vars(source).items():
        if name.startswith("__") or not (callable(fn) or isinstance(fn, staticmethod)):
            continue
        if name in vars(target):
            original[f"{prefix}.{name}"] = vars(target)[name]
            replaced.append(name)
        else:
            added.append(name)
        setattr(target, name, fn)
    return added, replaced


def record_operations(
    added_operations: list[str], fixed_operations: list[str], added: list[str], replaced: list[str]
) -> None:
    """Fill an extension's ``ADDED_OPERATIONS`` and ``FIXED_OPERATIONS`` in place, sorted, from the response
    handler names :func:`install` added and replaced; ``_helpers`` are no operations."""
    added_operations[:] = sorted(camel(n) for n in added if not n.startswith("_"))
    fixed_operations[:] = sorted(camel(n) for n in replaced if not n.startswith("_"))


class CodedError:
    """Mixin before one of moto's exception classes: ``Error(code, message)``, ``code`` an error shape name of the
    service's model, ``message`` free text. moto serializes it in the service's AWS error shape."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(code, message)  # type: ignore[call-arg]


_ATTACH_LOCK = threading.Lock()


def attached(obj: Any, attr: str, factory: Callable[[], T]) -> T:
    """The extension state ``obj.<attr>``, created by ``factory`` on first use. Kept on moto's own object (a
    backend, a budget), it goes with that object: scoped like it, and cleared by ``POST /moto-api/reset``."""
    state = obj.__dict__.get(attr)
    if state is None:
        with _ATTACH_LOCK:
            state = obj.__dict__.setdefault(attr, factory())
    return state  # type: ignore[no-any-return]


def json_body(body: Any, error: Callable[[str], Exception]) -> dict[str, Any]:
    """A request body (``bytes`` or ``str``) that must be a JSON object; empty is ``{}``. Otherwise raises
    ``error(message)``."""
    if isinstance(body, bytes):
        body = body.decode("utf-8")
    if not body:
        return {}
    try:
        parsed = json.loads(body)
    except ValueError:
        raise error("The request body is not valid JSON.")
    if not isinstance(parsed, dict):
        raise error("The request body must be a JSON object.")
    return parsed


def page(
    items: list[Any], limit: int, next_token: Any, invalid_token: Callable[[], Exception]
) -> tuple[list[Any], str | None]:
    """The ``limit`` items from ``next_token`` on, and the token of the next page (None after the last one).

    A token is the index of the page's first item, as a string; a falsy ``next_token`` is the first page. One that
    isn't an index into ``items`` raises ``invalid_token()``. Checking ``limit`` is the caller's (the bounds and the
    error differ per operation and service).
    """
    start = 0
    if next_token:
        try:
            start = int(next_token)
        except (TypeError, ValueError):
            start = -1
        if not 0 <= start <= len(items):
            raise invalid_token()
    end = start + limit
    return items[start:end], (str(end) if end < len(items) else None)
