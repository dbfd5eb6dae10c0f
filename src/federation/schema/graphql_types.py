"""The schema model -> a graphql-core ``GraphQLSchema`` following Hasura's conventions.

For a table type ``t``: ``t``, ``t_by_pk``, ``t_aggregate`` and ``t_group_by`` root fields;
``t_bool_exp``, ``t_order_by``, ``t_select_column``, ``t_aggregate_fields`` and friends. The
schema only validates and documents: requests are answered by the planner, never by resolvers.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from graphql import (
    GraphQLArgument,
    GraphQLBoolean,
    GraphQLEnumType,
    GraphQLEnumValue,
    GraphQLField,
    GraphQLFloat,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLInt,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLString,
)

from federation.catalog import Column, ScalarType
from federation.schema.model import SchemaModel, TableType
from federation.schema.mutation_types import build_mutation_root
from federation.schema.scalars import GRAPHQL_SCALARS

NUMERIC_FUNCTIONS = (
    "sum",
    "avg",
    "stddev",
    "stddev_pop",
    "stddev_samp",
    "var_pop",
    "var_samp",
    "variance",
)
ORDERED_FUNCTIONS = ("max", "min")
AGGREGATE_FUNCTIONS = NUMERIC_FUNCTIONS + ORDERED_FUNCTIONS

ORDER_BY = GraphQLEnumType(
    "order_by",
    {
        "asc": GraphQLEnumValue("asc", "ascending, nulls last"),
        "asc_nulls_first": GraphQLEnumValue("asc_nulls_first", "ascending, nulls first"),
        "asc_nulls_last": GraphQLEnumValue("asc_nulls_last", "ascending, nulls last"),
        "desc": GraphQLEnumValue("desc", "descending, nulls first"),
        "desc_nulls_first": GraphQLEnumValue("desc_nulls_first", "descending, nulls first"),
        "desc_nulls_last": GraphQLEnumValue("desc_nulls_last", "descending, nulls last"),
    },
    description="Column ordering options.",
)

STRING_OPERATORS = {
    "_like": "matches the LIKE pattern (`%` any text, `_` one character)",
    "_nlike": "does not match the LIKE pattern",
    "_ilike": "matches the LIKE pattern, ignoring case",
    "_nilike": "does not match the LIKE pattern, ignoring case",
    "_similar": "matches the SQL SIMILAR TO pattern (PostgreSQL)",
    "_nsimilar": "does not match the SIMILAR TO pattern (PostgreSQL)",
    "_regex": "matches the POSIX regular expression (PostgreSQL, MySQL)",
    "_nregex": "does not match the regular expression",
    "_iregex": "matches the regular expression, ignoring case",
    "_niregex": "does not match the regular expression, ignoring case",
}
JSON_OPERATORS = {
    "_contains": "the JSON value contains this JSON value",
    "_contained_in": "the JSON value is contained in this JSON value",
}
JSON_KEY_OPERATORS = {
    "_has_key": "the JSON object has this key",
    "_has_keys_any": "the JSON object has any of these keys",
    "_has_keys_all": "the JSON object has all of these keys",
}


_JSON_PATH_ARGS = {
    "path": GraphQLArgument(
        GraphQLString,
        description='JSON select path, e.g. "a.b[0]" or "$[\'a b\']" (null when nothing is there).',
    )
}


def build_graphql_schema(model: SchemaModel) -> GraphQLSchema:
    builder = _TypeBuilder(model)
    query_fields: dict[str, GraphQLField] = {}
    for table_type in model.types.values():
        query_fields.update(builder.root_fields(table_type))
    if not query_fields:
        query_fields["_empty"] = GraphQLField(
            GraphQLString, description="No source exposes a table yet; add one to federation.yaml."
        )
    query = GraphQLObjectType(
        "query_root", query_fields, description="Read data from every source."
    )
    mutation = build_mutation_root(model, builder.object_type, builder.bool_exp)
    return GraphQLSchema(query=query, mutation=mutation)


def _non_null_list(of: Any) -> GraphQLNonNull[GraphQLList[Any]]:
    return GraphQLNonNull(GraphQLList(GraphQLNonNull(of)))


class _TypeBuilder:
    """Builds and memoises the GraphQL types of every table type."""

    def __init__(self, model: SchemaModel) -> None:
        self.model = model
        self.object_type = cache(self._object_type)
        self.bool_exp = cache(self._bool_exp)
        self.order_by = cache(self._order_by)
        self.select_column = cache(self._select_column)
        self.aggregate = cache(self._aggregate)
        self.aggregate_fields = cache(self._aggregate_fields)
        self.aggregate_order_by = cache(self._aggregate_order_by)
        self.comparison = cache(self._comparison)
        self.function_fields = cache(self._function_fields)
        self.function_input = cache(self._function_input)

    # --- root fields --------------------------------------------------------------------

    def root_fields(self, t: TableType) -> dict[str, GraphQLField]:
        where = t.ref.table.qualified_name
        fields = {
            t.root_name: GraphQLField(
                _non_null_list(self.object_type(t.name)),
                args=self.list_args(t),
                description=f'Rows of "{where}" in source "{t.ref.source}".',
            ),
            f"{t.root_name}_aggregate": GraphQLField(
                GraphQLNonNull(self.aggregate(t.name)),
                args=self.list_args(t),
                description=f'Aggregates over the rows of "{where}".',
            ),
            f"{t.root_name}_group_by": GraphQLField(
                _non_null_list(self.group_type(t)),
                args=self.group_args(t),
                description=f'Rows of "{where}" grouped by columns, with aggregates per group.',
            ),
        }
        pk = t.primary_key
        if pk:
            fields[f"{t.root_name}_by_pk"] = GraphQLField(
                self.object_type(t.name),
                args={
                    name: GraphQLArgument(GraphQLNonNull(self.scalar(column)))
                    for name, column in pk
                },
                description=f'One row of "{where}" by its primary key, or null.',
            )
        return fields

    def list_args(self, t: TableType) -> dict[str, GraphQLArgument]:
        return {
            "distinct_on": GraphQLArgument(
                GraphQLList(GraphQLNonNull(self.select_column(t.name))),
                description="Keep one row per distinct value of these columns "
                "(they must lead order_by).",
            ),
            "limit": GraphQLArgument(GraphQLInt, description="Return at most this many rows."),
            "offset": GraphQLArgument(GraphQLInt, description="Skip this many rows first."),
            "order_by": GraphQLArgument(
                GraphQLList(GraphQLNonNull(self.order_by(t.name))), description="Sort the rows."
            ),
            "where": GraphQLArgument(self.bool_exp(t.name), description="Filter the rows."),
        }

    # --- object types ------------------------------------------------------------------

    def scalar(self, column: Column) -> GraphQLScalarType:
        return GRAPHQL_SCALARS[column.type]

    def _object_type(self, name: str) -> GraphQLObjectType:
        t = self.model.types[name]
        return GraphQLObjectType(
            name, lambda: self.object_fields(t), description=t.description or self.default_doc(t)
        )

    def default_doc(self, t: TableType) -> str:
        kind = "view" if t.ref.table.is_view else "table"
        return f'The {kind} "{t.ref.table.qualified_name}" of source "{t.ref.source}".'

    def object_fields(self, t: TableType) -> dict[str, GraphQLField]:
        fields: dict[str, GraphQLField] = {}
        for name, column in t.columns.items():
            scalar = self.scalar(column)
            out: GraphQLOutputType = scalar if column.nullable else GraphQLNonNull(scalar)
            declared = column.source_type or column.type.value
            fields[name] = GraphQLField(
                out,
                args=_JSON_PATH_ARGS if column.type is ScalarType.JSON else None,
                description=t.column_descriptions.get(name)
                or f'Column "{column.name}" ({declared}).',
            )
        for name, rel in t.relationships.items():
            target = self.model.type_of(rel.target)
            doc = t.relationship_descriptions.get(name)
            if rel.kind == "object":
                fields[name] = GraphQLField(
                    self.object_type(target.name),
                    description=doc or f"The related {target.name} row.",
                )
                continue
            if rel.target.source != t.ref.source:
                # joined by the gateway: a failing source nulls this field, not the parent
                fields[name] = GraphQLField(
                    GraphQLList(GraphQLNonNull(self.object_type(target.name))),
                    args=self.list_args(target),
                    description=doc
                    or f'The related {target.name} rows (from source "{rel.target.source}").',
                )
                continue
            fields[name] = GraphQLField(
                _non_null_list(self.object_type(target.name)),
                args=self.list_args(target),
                description=doc or f"The related {target.name} rows.",
            )
            fields[f"{name}_aggregate"] = GraphQLField(
                GraphQLNonNull(self.aggregate(target.name)),
                args=self.list_args(target),
                description=f"Aggregates over the related {target.name} rows.",
            )
        return fields

    # --- filters -----------------------------------------------------------------------

    def _bool_exp(self, name: str) -> GraphQLInputObjectType:
        t = self.model.types[name]

        def fields() -> dict[str, GraphQLInputField]:
            me = self.bool_exp(name)
            result = {
                "_and": GraphQLInputField(
                    GraphQLList(GraphQLNonNull(me)), description="All must hold."
                ),
                "_or": GraphQLInputField(
                    GraphQLList(GraphQLNonNull(me)), description="Any must hold."
                ),
                "_not": GraphQLInputField(me, description="Must not hold."),
            }
            for field_name, column in t.columns.items():
                result[field_name] = GraphQLInputField(self.comparison(column.type))
            for field_name, rel in t.relationships.items():
                target = self.model.type_of(rel.target)
                result[field_name] = GraphQLInputField(
                    self.bool_exp(target.name),
                    description=f"Filter by the related {target.name} rows "
                    "(true when one matches).",
                )
            return result

        return GraphQLInputObjectType(
            f"{name}_bool_exp",
            fields,
            description=f'Boolean expression to filter rows of "{name}". All fields must hold.',
        )

    def _comparison(self, scalar_type: ScalarType) -> GraphQLInputObjectType:
        scalar = GRAPHQL_SCALARS[scalar_type]
        value: GraphQLInputType = scalar
        fields: dict[str, GraphQLInputField] = {
            "_eq": GraphQLInputField(value, description="equal to"),
            "_neq": GraphQLInputField(value, description="not equal to"),
            "_in": GraphQLInputField(GraphQLList(GraphQLNonNull(value)), description="one of"),
            "_nin": GraphQLInputField(GraphQLList(GraphQLNonNull(value)), description="none of"),
            "_is_null": GraphQLInputField(
                GraphQLBoolean, description="is (true) or is not (false) null"
            ),
        }
        if scalar_type.is_ordered or scalar_type is ScalarType.BOOLEAN:
            for op, doc in (
                ("_gt", "greater than"),
                ("_gte", "greater than or equal to"),
                ("_lt", "less than"),
                ("_lte", "less than or equal to"),
            ):
                fields[op] = GraphQLInputField(value, description=doc)
        if scalar_type is ScalarType.STRING:
            for op, doc in STRING_OPERATORS.items():
                fields[op] = GraphQLInputField(value, description=doc)
        if scalar_type is ScalarType.JSON:
            for op, doc in JSON_OPERATORS.items():
                fields[op] = GraphQLInputField(value, description=doc)
            fields["_has_key"] = GraphQLInputField(
                GraphQLString, description=JSON_KEY_OPERATORS["_has_key"]
            )
            for op in ("_has_keys_any", "_has_keys_all"):
                fields[op] = GraphQLInputField(
                    GraphQLList(GraphQLNonNull(GraphQLString)), description=JSON_KEY_OPERATORS[op]
                )
        # On every type, String too: a column whose source type has no GraphQL scalar of its
        # own (money, char, enums) is a String here but not text in the source.
        fields["_cast"] = GraphQLInputField(
            GraphQLInputObjectType(
                f"{scalar.name}_cast_exp",
                lambda: {"String": GraphQLInputField(self.comparison(ScalarType.STRING))},
                description=f"Compare {scalar.name} values as text.",
            ),
            description="compare the value cast to another type",
        )
        return GraphQLInputObjectType(
            f"{scalar.name}_comparison_exp",
            fields,
            description=f"Comparisons of {scalar.name} values. All given operators must hold.",
        )

    # --- ordering ------------------------------------------------------------------------

    def _order_by(self, name: str) -> GraphQLInputObjectType:
        t = self.model.types[name]

        def fields() -> dict[str, GraphQLInputField]:
            result = {n: GraphQLInputField(ORDER_BY) for n in t.columns}
            for field_name, rel in t.relationships.items():
                if rel.target.source != t.ref.source:
                    continue  # ordering by another source's rows is not supported
                target = self.model.type_of(rel.target)
                if rel.kind == "object":
                    result[field_name] = GraphQLInputField(self.order_by(target.name))
                else:
                    result[f"{field_name}_aggregate"] = GraphQLInputField(
                        self.aggregate_order_by(target.name)
                    )
            return result

        return GraphQLInputObjectType(
            f"{name}_order_by", fields, description=f'Ordering options for "{name}" rows.'
        )

    def _aggregate_order_by(self, name: str) -> GraphQLInputObjectType:
        t = self.model.types[name]

        def fields() -> dict[str, GraphQLInputField]:
            result = {"count": GraphQLInputField(ORDER_BY)}
            for function in AGGREGATE_FUNCTIONS:
                columns = self.function_columns(t, function)
                if columns:
                    result[function] = GraphQLInputField(
                        self.function_input(name, function, "order_by")
                    )
            return result

        return GraphQLInputObjectType(
            f"{name}_aggregate_order_by", fields, description=f'Order by aggregates of "{name}".'
        )

    def _select_column(self, name: str) -> GraphQLEnumType:
        t = self.model.types[name]
        return GraphQLEnumType(
            f"{name}_select_column",
            {
                n: GraphQLEnumValue(n, description=f'column "{c.name}"')
                for n, c in t.columns.items()
            },
            description=f'Columns of "{name}".',
        )

    # --- aggregates ----------------------------------------------------------------------

    def _aggregate(self, name: str) -> GraphQLObjectType:
        return GraphQLObjectType(
            f"{name}_aggregate",
            lambda: {
                "aggregate": GraphQLField(self.aggregate_fields(name)),
                "nodes": GraphQLField(_non_null_list(self.object_type(name))),
            },
            description=f'Aggregates over "{name}" rows, and the rows themselves.',
        )

    def _aggregate_fields(self, name: str) -> GraphQLObjectType:
        t = self.model.types[name]

        def fields() -> dict[str, GraphQLField]:
            result = {
                "count": GraphQLField(
                    GraphQLNonNull(GraphQLInt),
                    args={
                        "columns": GraphQLArgument(
                            GraphQLList(GraphQLNonNull(self.select_column(name)))
                        ),
                        "distinct": GraphQLArgument(GraphQLBoolean),
                    },
                    description="Number of rows (with columns: rows where they are not null).",
                )
            }
            for function in AGGREGATE_FUNCTIONS:
                if self.function_columns(t, function):
                    result[function] = GraphQLField(self.function_fields(name, function))
            return result

        return GraphQLObjectType(
            f"{name}_aggregate_fields", fields, description=f'Aggregate functions over "{name}".'
        )

    def function_columns(self, t: TableType, function: str) -> dict[str, Column]:
        wanted: Callable[[Column], bool] = (
            (lambda c: c.type.is_numeric)
            if function in NUMERIC_FUNCTIONS
            else (lambda c: c.type.is_ordered)
        )
        return {n: c for n, c in t.columns.items() if wanted(c)}

    def _function_fields(self, name: str, function: str) -> GraphQLObjectType:
        t = self.model.types[name]
        columns = self.function_columns(t, function)
        return GraphQLObjectType(
            f"{name}_{function}_fields",
            {n: GraphQLField(self.function_type(function, c)) for n, c in columns.items()},
            description=f'{function} of the columns of "{name}".',
        )

    def function_type(self, function: str, column: Column) -> GraphQLScalarType:
        """min/max/sum keep the column's type (a sum of numeric stays exact, like Hasura);
        avg and the statistics are Float."""
        if function in (*ORDERED_FUNCTIONS, "sum"):
            return self.scalar(column)
        return GraphQLFloat

    def _function_input(self, name: str, function: str, purpose: str) -> GraphQLInputObjectType:
        t = self.model.types[name]
        columns = self.function_columns(t, function)
        if purpose == "order_by":
            fields = {n: GraphQLInputField(ORDER_BY) for n in columns}
        else:
            fields = {
                n: GraphQLInputField(
                    self.comparison(c.type if function in ORDERED_FUNCTIONS else ScalarType.FLOAT)
                )
                for n, c in columns.items()
            }
        return GraphQLInputObjectType(
            f"{name}_{function}_{purpose}", fields, description=f'{function} of "{name}" columns.'
        )

    # --- grouped aggregates ---------------------------------------------------------------

    def group_type(self, t: TableType) -> GraphQLObjectType:
        keys = GraphQLObjectType(
            f"{t.name}_group_keys",
            {n: GraphQLField(self.scalar(c)) for n, c in t.columns.items()},
            description="The values of the grouped columns (others are null).",
        )
        return GraphQLObjectType(
            f"{t.name}_group",
            {
                "keys": GraphQLField(GraphQLNonNull(keys)),
                "aggregate": GraphQLField(GraphQLNonNull(self.aggregate_fields(t.name))),
            },
            description=f'One group of "{t.name}" rows.',
        )

    def group_args(self, t: TableType) -> dict[str, GraphQLArgument]:
        having = self.having(t)
        order = GraphQLInputObjectType(
            f"{t.name}_group_order_by",
            lambda: {
                **{n: GraphQLInputField(ORDER_BY) for n in t.columns},
                **self.aggregate_order_by(t.name).fields,
            },
            description="Order groups by grouped columns or aggregates.",
        )
        return {
            "by": GraphQLArgument(
                _non_null_list(self.select_column(t.name)),
                description="Group by these columns.",
            ),
            "where": GraphQLArgument(
                self.bool_exp(t.name), description="Filter rows before grouping."
            ),
            "having": GraphQLArgument(having, description="Filter groups by their aggregates."),
            "order_by": GraphQLArgument(
                GraphQLList(GraphQLNonNull(order)), description="Sort the groups."
            ),
            "limit": GraphQLArgument(GraphQLInt, description="Return at most this many groups."),
            "offset": GraphQLArgument(GraphQLInt, description="Skip this many groups first."),
        }

    def having(self, t: TableType) -> GraphQLInputObjectType:
        name = f"{t.name}_group_having"

        def fields() -> dict[str, GraphQLInputField]:
            me = holder[0]
            result = {
                "_and": GraphQLInputField(GraphQLList(GraphQLNonNull(me))),
                "_or": GraphQLInputField(GraphQLList(GraphQLNonNull(me))),
                "_not": GraphQLInputField(me),
                "count": GraphQLInputField(self.comparison(ScalarType.INT)),
            }
            for function in AGGREGATE_FUNCTIONS:
                if self.function_columns(t, function):
                    result[function] = GraphQLInputField(
                        self.function_input(t.name, function, "having")
                    )
            return result

        holder = [
            GraphQLInputObjectType(
                name, fields, description="Boolean expression over a group's aggregates."
            )
        ]
        return holder[0]
