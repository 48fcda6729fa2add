"""Field descriptions from attribute docstrings, read with one parse per module.

pydantic's `use_attribute_docstrings` finds each model class's source again
(from the calling frame, tokenizing the class block, parsing it): about a
millisecond per class, paid by every program that imports pressmon's models.
`describe_fields` applies the same rule (a string right under an
annotated name in the class body describes that field) from one parse of the
module's source, cached; models call it from `__pydantic_init_subclass__`
and are built on first use (`defer_build`), so the descriptions are in place
when pydantic builds their schemas. `tests/test_schema.py` checks that the
published JSON Schema keeps every description.
"""

from __future__ import annotations

import ast
import inspect
import sys
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pydantic import BaseModel

__all__ = ["attribute_docstrings", "describe_fields"]


def _class_docstrings(node: ast.ClassDef) -> dict[str, str]:
    # pydantic's rule (DocstringVisitor): a string statement right after an annotated
    # assignment to a name, in the class body itself.
    docs: dict[str, str] = {}
    target: str | None = None
    previous: type[ast.AST] | None = None
    for statement in node.body:
        if isinstance(statement, ast.AnnAssign):
            if isinstance(statement.target, ast.Name):
                target = statement.target.id
        elif (
            isinstance(statement, ast.Expr)
            and isinstance(statement.value, ast.Constant)
            and isinstance(statement.value.value, str)
            and previous is ast.AnnAssign
        ):
            if target:
                docs[target] = inspect.cleandoc(statement.value.value)
            target = None
        previous = type(statement)
    return docs


def _collect(statements: list[ast.stmt], prefix: str, out: dict[str, dict[str, str]]) -> None:
    for statement in statements:
        if isinstance(statement, ast.ClassDef):
            qualname = f"{prefix}{statement.name}"
            out[qualname] = _class_docstrings(statement)
            _collect(statement.body, f"{qualname}.", out)
        elif isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            _collect(statement.body, f"{prefix}{statement.name}.<locals>.", out)
        else:
            for field in ("body", "orelse", "finalbody"):
                nested = getattr(statement, field, None)
                if isinstance(nested, list):
                    _collect(nested, prefix, out)
            for handler in getattr(statement, "handlers", ()):
                _collect(handler.body, prefix, out)


@cache
def _module_docstrings(module_name: str) -> dict[str, dict[str, str]]:
    module = sys.modules.get(module_name)
    try:
        source = inspect.getsource(module)  # type: ignore[arg-type]  # None raises TypeError
    except (OSError, TypeError):
        return {}  # no source (a frozen or compiled-only module): no descriptions, as pydantic
    out: dict[str, dict[str, str]] = {}
    _collect(ast.parse(source).body, "", out)
    return out


def attribute_docstrings(cls: type) -> dict[str, str]:
    """The docstrings under the annotated names of `cls`'s own body, by name."""
    return _module_docstrings(cls.__module__).get(cls.__qualname__, {})


def describe_fields(cls: type[BaseModel]) -> None:
    """Give each field of `cls` without a description the docstring written under it."""
    docs = attribute_docstrings(cls)
    changed = False
    for name, field in cls.model_fields.items():
        if field.description is None and name in docs:
            field.description = docs[name]
            changed = True
    if changed and cls.__pydantic_complete__:
        # Built already (defer_build off or overridden): build again with the descriptions.
        cls.model_rebuild(force=True)
