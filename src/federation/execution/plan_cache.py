"""The plan cache: compiled plans per document, operation, schema version and variable shape,
reused across the values of bound variables (:mod:`federation.planner.parametric`).

    cache = PlanCache(2048, compile_plan_for, annotate)
    compiled, note = cache.get(digest, parsed, operation, variables)

``compile`` plans and compiles with the variables it is given (coerced, possibly tagged);
``annotate`` computes once what callers keep beside a plan (the cache policy of its fields).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, Generic, TypeVar

import orjson
from cachetools import LRUCache
from graphql import OperationDefinitionNode
from graphql.execution.values import VariableValues

from federation.execution.executor import CompiledPlan, CompiledRoot
from federation.execution.operation import ParsedDocument
from federation.planner.build import IntrospectionField
from federation.planner.parametric import (
    StatementTemplate,
    bound_candidates,
    plan_key,
    reached,
    substitute,
    tagged,
    tagged_variables,
    template_of,
)
from federation.planner.plan import TypenameField

Note = TypeVar("Note")
Coerce = Callable[[OperationDefinitionNode, dict[str, Any] | None], VariableValues]
Compile = Callable[[ParsedDocument, OperationDefinitionNode, VariableValues], CompiledPlan]
OperationKey = tuple[str, str | None]
"""(document digest, operation name)."""


@dataclass(frozen=True, slots=True)
class _Cached(Generic[Note]):
    compiled: CompiledPlan
    templates: tuple[StatementTemplate | None, ...] | None
    """Per entry of ``compiled``: how to fill its statement; None when the plan holds values
    and is only valid for the exact variables of its key."""
    note: Note
    rewrite: bool = False
    """The plan's nodes carry the values (native connectors, cross-source joins): each
    request gets a copy with its own values in place of the tagged ones."""

    @property
    def reusable(self) -> bool:
        return self.templates is not None or self.rewrite


class PlanCache(Generic[Note]):
    def __init__(
        self,
        size: int,
        coerce: Coerce,
        compile: Compile,
        annotate: Callable[[CompiledPlan], Note],
    ) -> None:
        self.coerce = coerce
        self.compile = compile
        self.annotate = annotate
        self.plans: LRUCache[tuple[Any, ...], _Cached[Note]] = LRUCache(size)
        self.bound: LRUCache[OperationKey, frozenset[str]] = LRUCache(size)
        """Per operation: the variables whose values are slotted into kept plans."""
        self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self.plans)

    def get(
        self,
        schema_version: str,
        parsed: ParsedDocument,
        operation: OperationDefinitionNode,
        variables: dict[str, Any] | None,
        variables_json: bytes,
    ) -> tuple[CompiledPlan, Note]:
        """The compiled plan for these variables and its note. ``variables_json`` is the
        variables as canonical JSON (sorted keys), which the caller has already made. Raises
        what ``coerce`` and ``compile`` raise (variable coercion errors, query errors)."""
        operation_key = (parsed.digest, operation.name.value if operation.name else None)
        bound = self.bound.get(operation_key)
        if bound is None:
            bound = self.bound[operation_key] = bound_candidates(operation, parsed.fragments)
        bound_now = {n for n in bound if _bindable((variables or {}).get(n))}
        cached = self.plans.get(
            _key(operation_key, schema_version, variables, bound_now, variables_json)
        )
        if operation.variable_definitions or variables:
            coerced = self.coerce(operation, variables)
        else:  # nothing to coerce: most documents of GraphiQL and of persisted queries
            coerced = _NO_VARIABLES
        if cached is not None:
            self.hits += 1
            return _instantiate(cached, coerced), cached.note
        self.misses += 1
        cached = self._plan(parsed, operation, coerced, bound_now, operation_key)
        kept_for = bound_now if cached.reusable else set()
        self.plans[_key(operation_key, schema_version, variables, kept_for, variables_json)] = (
            cached
        )
        return _instantiate(cached, coerced), cached.note

    def _plan(
        self,
        parsed: ParsedDocument,
        operation: OperationDefinitionNode,
        coerced: VariableValues,
        bound_now: set[str],
        operation_key: OperationKey,
    ) -> _Cached[Note]:
        tagged_values = dict(coerced.coerced)
        for name in bound_now:
            value = tagged(tagged_values.get(name), name)
            if value is not None:
                tagged_values[name] = value
        compiled = self.compile(parsed, operation, coerced._replace(coerced=tagged_values))
        templates = _templates(compiled)
        if templates is not None:
            usable = reached(t for t in templates if t is not None)
        elif compiled.plan.operation_type == "query":
            usable = _rewritable(compiled)
        else:
            usable = set()
        if missing := bound_now - usable:
            # a value was derived or decided the plan: it joins the key from now on
            self.bound[operation_key] = self.bound[operation_key] - missing
            compiled = self.compile(parsed, operation, coerced)  # no tagged value may stay
            return _Cached(compiled, None, self.annotate(compiled))
        rewrite = templates is None and bool(bound_now)
        return _Cached(compiled, templates, self.annotate(compiled), rewrite)


def _key(
    operation_key: OperationKey,
    schema_version: str,
    variables: dict[str, Any] | None,
    bound: set[str],
    variables_json: bytes,
) -> tuple[Any, ...]:
    if not bound:  # the variables themselves are the key
        return (*operation_key, schema_version, variables_json)
    shape = plan_key(variables, bound)
    return (*operation_key, schema_version, orjson.dumps(shape, option=orjson.OPT_SORT_KEYS))


_NO_VARIABLES = VariableValues(sources={}, coerced={})


def _bindable(value: Any) -> bool:
    return isinstance(value, str | int | float) and not isinstance(value, bool)


def _templates(compiled: CompiledPlan) -> tuple[StatementTemplate | None, ...] | None:
    """Templates for a plan whose every root is one SQL statement; None for other plans
    (mutations, native connectors, cross-source joins: their plan nodes carry values)."""
    if compiled.plan.operation_type != "query":
        return None
    templates: list[StatementTemplate | None] = []
    for entry in compiled.entries:
        if isinstance(entry, CompiledRoot):
            if entry.statement is None or entry.stitched is not None:
                return None
            templates.append(template_of(entry.statement))
        elif isinstance(entry, TypenameField | IntrospectionField):
            templates.append(None)
        else:
            return None
    return tuple(templates)


def _rewritable(compiled: CompiledPlan) -> set[str]:
    """The variables a plan of native or stitched roots can take new values of by copying
    its nodes: those whose tagged values are in its nodes, less any that a statement compiled
    with the plan did not take as they are."""
    found: set[str] = set()
    unsafe: set[str] = set()
    for entry in compiled.entries:
        if isinstance(entry, CompiledRoot):
            in_field = tagged_variables(entry.field)
            found |= in_field | tagged_variables(entry.stitched)
            if entry.statement is not None:
                unsafe |= in_field - reached([template_of(entry.statement)])
    return found - unsafe


def _instantiate(cached: _Cached[Any], coerced: VariableValues) -> CompiledPlan:
    if cached.rewrite:
        rewritten: CompiledPlan = substitute(cached.compiled, coerced.coerced)
        return rewritten
    templates = cached.templates
    if templates is None or not any(t.fillable for t in templates if t is not None):
        return cached.compiled  # nothing to fill: the kept plan is used as it is
    values = coerced.coerced
    entries = tuple(
        replace(entry, statement=template.instantiate(values))
        if template is not None and isinstance(entry, CompiledRoot)
        else entry
        for entry, template in zip(cached.compiled.entries, templates, strict=True)
    )
    return replace(cached.compiled, entries=entries)
