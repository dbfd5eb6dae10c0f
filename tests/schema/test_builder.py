"""The schema model and GraphQL schema generated from catalogs and overlays."""

from __future__ import annotations

import pytest
from graphql import GraphQLObjectType, print_schema

from federation.catalog import Column, ForeignKey, ScalarType, SourceCatalog, Table
from federation.errors import ConfigError
from federation.schema.builder import build_model
from federation.schema.graphql_types import build_graphql_schema
from federation.schema.overlay import parse_overlay

AUTHOR = Table(
    "author",
    (
        Column("id", ScalarType.INT, False),
        Column("name", ScalarType.STRING),
        Column("secret", ScalarType.STRING),
    ),
    ("id",),
)
ARTICLE = Table(
    "article",
    (
        Column("id", ScalarType.INT, False),
        Column("title", ScalarType.STRING),
        Column("author_id", ScalarType.INT),
        Column("editor_id", ScalarType.INT),
        Column("price", ScalarType.NUMERIC),
    ),
    ("id",),
    (
        ForeignKey(("author_id",), "author", ("id",)),
        ForeignKey(("editor_id",), "author", ("id",)),
    ),
)
CATALOG = SourceCatalog("db", (AUTHOR, ARTICLE))


def test_generates_hasura_root_fields_and_relationships() -> None:
    model = build_model([CATALOG])
    assert set(model.roots) == {
        "author",
        "author_by_pk",
        "author_aggregate",
        "author_group_by",
        "article",
        "article_by_pk",
        "article_aggregate",
        "article_group_by",
    }
    article = model.types["article"]
    assert set(article.relationships) == {"author", "editor"}
    # two foreign keys into author: the second array relationship gets a distinct name
    author = model.types["author"]
    assert set(author.relationships) == {"articles", "articles_by_editor_id"}
    assert author.relationships["articles"].mapping == (("id", "author_id"),)


def test_graphql_schema_has_typed_arguments_and_descriptions() -> None:
    schema = build_graphql_schema(build_model([CATALOG]))
    query = schema.query_type
    assert query is not None
    field = query.fields["article"]
    assert set(field.args) == {"where", "order_by", "limit", "offset", "distinct_on"}
    assert str(field.type) == "[article!]!"
    assert str(query.fields["article_by_pk"].args["id"].type) == "Int!"
    article = schema.get_type("article")
    assert isinstance(article, GraphQLObjectType)
    assert str(article.fields["price"].type) == "numeric"
    assert article.description and "article" in article.description
    sdl = print_schema(schema)
    assert "input article_bool_exp" in sdl and "enum order_by" in sdl


def test_overlay_renames_hides_and_describes() -> None:
    overlay = parse_overlay(
        '''
        """People who write."""
        type Writer @table(source: "db", name: "author", rootField: "writers") {
          """Full name."""
          fullName: String @column(name: "name")
          secret: String @hide
        }
        '''
    )
    model = build_model([CATALOG], overlay)
    writer = model.types["Writer"]
    assert "fullName" in writer.columns and "secret" not in writer.columns
    assert writer.description == "People who write."
    assert writer.column_descriptions["fullName"] == "Full name."
    assert "writers_by_pk" in model.roots and "author" not in model.roots
    # the relationship from article now points at the renamed type
    assert model.type_of(model.types["article"].relationships["author"].target) is writer


def test_overlay_relationship_without_foreign_key() -> None:
    overlay = parse_overlay(
        "type author { same_title: [article!]! "
        '@relationship(fields: ["name"], references: ["title"]) }'
    )
    model = build_model([CATALOG], overlay)
    rel = model.types["author"].relationships["same_title"]
    assert rel.kind == "array" and rel.mapping == (("name", "title"),)


def test_hidden_table_and_its_relationships_disappear() -> None:
    model = build_model([CATALOG], parse_overlay("type author @hide"))
    assert "author" not in model.types
    assert model.types["article"].relationships == {}


def test_every_overlay_problem_is_reported_with_its_place() -> None:
    overlay = parse_overlay(
        """
        type nope @table(source: "db", name: "missing") { x: Int }
        type article {
          ghost: String
          author2: author @relationship(fields: ["zzz"], references: ["id"]) }
        """,
        "schema/demo.graphql",
    )
    with pytest.raises(ConfigError) as raised:
        build_model([CATALOG], overlay)
    problems = raised.value.problems
    assert any("schema/demo.graphql:2" in p and "missing" in p for p in problems)
    assert any("article.ghost matches no column" in p for p in problems)
    assert any("unknown column article.zzz" in p for p in problems)


def test_overlay_syntax_error_names_the_file() -> None:
    with pytest.raises(ConfigError) as raised:
        parse_overlay("type {", "schema/bad.graphql")
    assert raised.value.problems[0].startswith("schema/bad.graphql: ")


def test_same_table_name_in_two_sources_is_prefixed() -> None:
    other = SourceCatalog("crm", (AUTHOR,))
    model = build_model([CATALOG, other])
    assert {"db_author", "crm_author", "article"} <= set(model.types)


def test_declared_relationship_replaces_the_generated_one_over_the_same_join() -> None:
    overlay = parse_overlay(
        'type article { writer: author @relationship(fields: ["author_id"], references: ["id"]) }'
    )
    model = build_model([CATALOG], overlay)
    assert "writer" in model.types["article"].relationships
    assert "author" not in model.types["article"].relationships
    assert "editor" in model.types["article"].relationships
