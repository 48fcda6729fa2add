"""The public surface: what ``pressmon`` exports is the contract, so it is guarded here."""

from __future__ import annotations

import inspect
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import pressmon


def test_all_is_sorted_and_unique() -> None:
    """``__all__`` is one sorted list without duplicates, so additions show up in review."""
    assert pressmon.__all__ == sorted(set(pressmon.__all__))


def test_every_exported_name_resolves() -> None:
    """Every name in ``__all__`` can be read from the package (lazy imports included)."""
    for name in pressmon.__all__:
        assert getattr(pressmon, name) is not None, name


def test_every_public_name_has_a_docstring() -> None:
    """Each public class and function documents itself (the API reference is built from these)."""
    missing = [
        name
        for name in pressmon.__all__
        if name != "__version__" and not inspect.getdoc(getattr(pressmon, name))
    ]
    assert missing == []


def _public_callables() -> list[tuple[str, Any]]:
    """Public functions, and the public methods pressmon defines on public classes."""
    found: list[tuple[str, Any]] = []
    for name in pressmon.__all__:
        obj = getattr(pressmon, name)
        if inspect.isfunction(obj):
            found.append((name, obj))
        elif inspect.isclass(obj) and obj.__module__.startswith("pressmon"):
            for attr, member in list(vars(obj).items()):
                function = getattr(member, "__func__", member)
                if not attr.startswith("_") and inspect.isfunction(function):
                    found.append((f"{name}.{attr}", function))
    return found


def _google_section(doc: str, title: str) -> str | None:
    """The body of a Google-style section (``Args:``...) of a docstring, or None."""
    match = re.search(rf"^{title}:\n((?:[ \t]+.*\n?|\n)*)", doc, re.M)
    return match.group(1) if match else None


def test_public_callables_have_google_style_sections() -> None:
    """Every parameter of a public function or method is described under ``Args:``, and what
    it returns under ``Returns:`` (unless the summary starts with "Return", as Google allows)."""
    problems = []
    for name, function in _public_callables():
        doc = inspect.getdoc(function) or ""
        signature = inspect.signature(function)
        parameters = [p for p in signature.parameters if p not in ("self", "cls")]
        args = _google_section(doc, "Args") or ""
        described = set(re.findall(r"^ {4}\**(\w+)(?: \([^)]*\))?:", args, re.M))
        problems += [
            f"{name}: parameter {p!r} not under Args:" for p in parameters if p not in described
        ]
        problems += [
            f"{name}: Args: names {p!r}, not a parameter" for p in described - set(parameters)
        ]
        returns_something = signature.return_annotation not in (
            None,
            "None",
            inspect.Signature.empty,
        )
        if (
            returns_something
            and not doc.startswith("Return")
            and _google_section(doc, "Returns") is None
        ):
            problems.append(f"{name}: no Returns: section")
    assert problems == []


def test_the_docstring_check_reads_google_sections() -> None:
    """The section reader finds an indented ``Args:`` body and stops at the next section."""
    doc = "Summary.\n\nArgs:\n    url: a URL.\n        More.\n\nReturns:\n    A page.\n"
    assert _google_section(doc, "Args") == "    url: a URL.\n        More.\n\n"
    assert _google_section(doc, "Returns") == "    A page.\n"
    assert _google_section(doc, "Raises") is None


def test_contract_functions_are_exported() -> None:
    """The functions other parts and users rely on are part of the public API."""
    for name in ("parse_feed", "detect", "read_path", "scan", "extract_article"):
        assert callable(getattr(pressmon, name)), name


def test_exceptions_share_one_root() -> None:
    """Every exception pressmon exports derives from PressmonError."""
    errors = [
        getattr(pressmon, name)
        for name in pressmon.__all__
        if isinstance(getattr(pressmon, name), type)
        and issubclass(getattr(pressmon, name), BaseException)
    ]
    assert len(errors) >= 10
    assert all(issubclass(error, pressmon.PressmonError) for error in errors)


def test_import_is_lazy() -> None:
    """``import pressmon`` loads none of the heavy dependencies; they come on first use."""
    code = (
        "import sys, pressmon\n"
        "heavy = {'pydantic', 'feedparser', 'bs4', 'lxml', 'httpx', 'psycopg'} & set(sys.modules)\n"
        "print(sorted(heavy))\n"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert output.strip() == "[]"


def test_unknown_attribute_raises_attribute_error() -> None:
    """A typo in an attribute name fails loudly, as for any module."""
    with pytest.raises(AttributeError, match="no_such_thing"):
        pressmon.no_such_thing  # noqa: B018 - the access itself is what is tested


def test_exported_functions_stay_functions_whatever_was_imported_first() -> None:
    """No subpackage shadows an exported function: `pressmon.detect` is the function even
    after the engine's modules were imported by another call."""
    code = (
        "import inspect, pressmon\n"
        "pressmon.scan(['seeds/000_bbe417a4b73ce4ce.txt'])\n"
        "names = [n for n in pressmon.__all__ if n[0].islower() and n != '__version__']\n"
        "print([n for n in names if not inspect.isfunction(getattr(pressmon, n))])\n"
    )
    root = Path(__file__).resolve().parents[1]
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root
    ).stdout
    assert output.strip() == "[]"


def test_every_module_can_be_imported_first() -> None:
    """No import cycle hides behind the usual import order: each module of the package,
    imported first in a clean state, loads (a cycle shows only for some orders)."""
    script = """
import importlib, pkgutil, sys, traceback
import pressmon
names = sorted(
    m.name
    for m in pkgutil.walk_packages(pressmon.__path__, "pressmon.")
    if not m.name.endswith("__main__")  # runs the CLI when imported
)
failed = []
for name in names:
    for loaded in [m for m in sys.modules if m == "pressmon" or m.startswith("pressmon.")]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except Exception:
        failed.append(name + ": " + traceback.format_exc(limit=1).splitlines()[-1])
print(len(names))
print("\\n".join(failed))
"""
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    count, *failed = result.stdout.splitlines()
    assert int(count) > 40
    assert [line for line in failed if line] == []
