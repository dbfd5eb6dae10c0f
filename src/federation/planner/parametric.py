"""Plans reused across variable values.

Planning and compiling a query costs several times more than running it on a warm source, and
partner systems send the same operation with different variables all day. So a plan is kept per
operation and *shape* of its variables, and the values of "bound" variables are slotted into
its statements' parameters at each request.

A variable is bound when every use of it in the operation is the operand of a comparison
operator (``{id: {_eq: $id}}``, ``_gt``, ``_like``...) and its value is a string or a number:
such a value can only reach the SQL as a parameter. Everything else (limits, lists, booleans,
enums, whole input objects, nulls) stays in the cache key, because it can change the SQL text.

The planner does not know about any of this. The first request plans with its bound values
*tagged* (subclasses of ``int``/``str``/... that carry the variable's name and compare like the
value); every parameter that is a tagged object becomes a slot. If a dialect derived a new value
from a bound one (SQLite turns a ``_like`` pattern into a GLOB pattern), that variable's tagged
object never reaches the parameters, and it is demoted to the key for that operation: a template
is only kept when every bound variable reached the parameters unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields, is_dataclass, replace
from decimal import Decimal
from functools import cache
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    ListTypeNode,
    ListValueNode,
    NamedTypeNode,
    NonNullTypeNode,
    ObjectValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    TypeNode,
    ValueNode,
    VariableNode,
)

from federation.catalog import Column, Table
from federation.planner.plan import Relationship, TableRef
from federation.planner.sql.statement import CompiledStatement

BIND_OPERATORS = frozenset(
    {
        *("_eq", "_neq", "_gt", "_lt", "_gte", "_lte"),
        *("_like", "_nlike", "_ilike", "_nilike", "_similar", "_nsimilar"),
        *("_regex", "_nregex", "_iregex", "_niregex"),
    }
)
BOUND = "\x00bound"
"""Stands for a bound variable's value in a plan key."""


# --- tagged values ---------------------------------------------------------------------------


class Tagged:
    """Mixin of a value that remembers which variable it came from."""

    variable: str


class TaggedInt(int, Tagged):
    pass


class TaggedFloat(float, Tagged):
    pass


class TaggedStr(str, Tagged):
    pass


class TaggedDecimal(Decimal, Tagged):
    pass


_TAGS: tuple[tuple[type[Any], type[Any]], ...] = (
    (str, TaggedStr),
    (float, TaggedFloat),
    (Decimal, TaggedDecimal),
    (int, TaggedInt),
)


def tagged(value: Any, variable: str) -> Any | None:
    """``value`` as a tagged object, or None when its type cannot be tagged (bool, dates...)."""
    if isinstance(value, bool):
        return None
    for base, tag_type in _TAGS:
        if type(value) is base:
            result = tag_type(value)
            result.variable = variable
            return result
    return None


# --- which variables are bound ---------------------------------------------------------------


def bound_candidates(
    operation: OperationDefinitionNode, fragments: Mapping[str, FragmentDefinitionNode]
) -> frozenset[str]:
    """Variables of a scalar type whose every use is a comparison operator's operand."""
    scalar = {
        d.variable.name.value
        for d in operation.variable_definitions or ()
        if _is_named_type(d.type)
    }
    uses: dict[str, bool] = {}
    _walk_selections(operation.selection_set, fragments, uses, set())
    for directive in operation.directives or ():
        for argument in directive.arguments or ():
            _walk_value(argument.value, None, uses)
    return frozenset(name for name, ok in uses.items() if ok and name in scalar)


def _is_named_type(node: TypeNode) -> bool:
    if isinstance(node, NonNullTypeNode):
        node = node.type
    return isinstance(node, NamedTypeNode) and not isinstance(node, ListTypeNode)


def _walk_selections(
    selection_set: SelectionSetNode | None,
    fragments: Mapping[str, FragmentDefinitionNode],
    uses: dict[str, bool],
    seen_fragments: set[str],
) -> None:
    if selection_set is None:
        return
    for selection in selection_set.selections:
        for directive in selection.directives or ():
            for argument in directive.arguments or ():
                _walk_value(argument.value, None, uses)
        if isinstance(selection, FieldNode):
            for argument in selection.arguments or ():
                _walk_value(argument.value, None, uses)
            _walk_selections(selection.selection_set, fragments, uses, seen_fragments)
        elif isinstance(selection, InlineFragmentNode):
            _walk_selections(selection.selection_set, fragments, uses, seen_fragments)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            if name not in seen_fragments and name in fragments:
                seen_fragments.add(name)
                _walk_selections(fragments[name].selection_set, fragments, uses, seen_fragments)


def _walk_value(node: ValueNode, field_name: str | None, uses: dict[str, bool]) -> None:
    if isinstance(node, VariableNode):
        name = node.name.value
        uses[name] = uses.get(name, True) and field_name in BIND_OPERATORS
    elif isinstance(node, ObjectValueNode):
        for item in node.fields:
            _walk_value(item.value, item.name.value, uses)
    elif isinstance(node, ListValueNode):
        for value in node.values:
            _walk_value(value, None, uses)


# --- templates -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StatementTemplate:
    statement: CompiledStatement
    slots: tuple[tuple[int, str], ...]
    """(parameter index, variable name) for every parameter a bound variable fills."""
    json_form: StatementTemplate | None = None
    """The template of the statement's JSON form, when it has one."""

    @property
    def fillable(self) -> bool:
        """Whether a bound value goes anywhere (else the statement is used as it is)."""
        return bool(self.slots) or (self.json_form is not None and self.json_form.fillable)

    def instantiate(self, values: Mapping[str, Any]) -> CompiledStatement:
        if not self.fillable:
            return self.statement
        params = list(self.statement.params)
        for index, variable in self.slots:
            params[index] = values[variable]
        json_form = self.json_form.instantiate(values) if self.json_form is not None else None
        return replace(self.statement, params=tuple(params), json_form=json_form)


def template_of(statement: CompiledStatement) -> StatementTemplate:
    slots = tuple((i, p.variable) for i, p in enumerate(statement.params) if isinstance(p, Tagged))
    json_form = template_of(statement.json_form) if statement.json_form is not None else None
    return StatementTemplate(statement, slots, json_form)


def reached(templates: Iterable[StatementTemplate]) -> set[str]:
    """The variables that reached the parameters of every form of some statement unchanged."""
    found: set[str] = set()
    for template in templates:
        mine = {variable for _, variable in template.slots}
        if template.json_form is not None:
            mine &= reached([template.json_form])
        found |= mine
    return found


def plan_key(variables: Mapping[str, Any] | None, bound: Iterable[str]) -> dict[str, Any]:
    """The variables as a plan key: a bound variable's value replaced by a marker (null stays
    null: ``_eq: null`` plans differently)."""
    key = dict(variables or {})
    for name in bound:
        if key.get(name) is not None:
            key[name] = BOUND
    return key


# --- plans whose nodes carry values ------------------------------------------------------------

_LEAVES: tuple[type, ...] = (Column, Table, TableRef, Relationship, str, int, float, bool)
"""Types that never hold a tagged value (catalog objects, plain scalars): not walked."""


def substitute(node: Any, values: Mapping[str, Any]) -> Any:
    """``node`` with every tagged value replaced by ``values[its variable]``; subtrees without
    one come back as the same objects (so caches keyed by them keep working)."""
    if isinstance(node, Tagged):
        return values[node.variable]
    if node is None or isinstance(node, _LEAVES):
        return node
    if isinstance(node, tuple | list):
        items = [substitute(item, values) for item in node]
        if all(new is old for new, old in zip(items, node, strict=True)):
            return node
        return type(node)(items)
    if is_dataclass(node) and not isinstance(node, type):
        changes = {}
        for name in _field_names(type(node)):
            old = getattr(node, name)
            new = substitute(old, values)
            if new is not old:
                changes[name] = new
        return replace(node, **changes) if changes else node
    return node


def tagged_variables(node: Any) -> set[str]:
    """The variables whose tagged values appear anywhere in ``node``."""
    found: set[str] = set()
    _collect_tagged(node, found)
    return found


def _collect_tagged(node: Any, found: set[str]) -> None:
    if isinstance(node, Tagged):
        found.add(node.variable)
    elif node is None or isinstance(node, _LEAVES):
        return
    elif isinstance(node, tuple | list):
        for item in node:
            _collect_tagged(item, found)
    elif is_dataclass(node) and not isinstance(node, type):
        for name in _field_names(type(node)):
            _collect_tagged(getattr(node, name), found)


@cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls) if f.init)
