"""Hand-written queries over the data of data.py, each compared with the reference.

``unordered`` marks a case with a list whose order is not fixed by ``order_by`` (Hasura leaves
it to the database): its lists are compared as multisets. Every case with ``limit``/``offset``
orders by a unique column last, so the rows it returns are fixed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Case:
    name: str
    query: str
    variables: dict[str, Any] | None = None
    operation_name: str | None = None
    unordered: bool = False
    xfail: str | None = None
    """Why the gateway is known to answer this case wrongly (reported to the lead)."""


CASES: list[Case] = [
    # --- selection: aliases, fragments, __typename, directives -------------------------------
    Case(
        "all_columns",
        "{ author(order_by: {id: asc}) { id name email active rating balance followers born } }",
    ),
    Case("unordered_list", "{ tag { id label } }", unordered=True),
    Case(
        "aliases",
        """{ a: author(order_by: {id: asc}) { key: id who: name } b: author(where: {id: {_eq:
            2}}) { name } }""",
    ),
    Case("same_field_twice_aliased", "{ author(order_by: {id: desc}) { x: id y: id name } }"),
    Case(
        "typename_everywhere",
        """{ __typename author(order_by: {id: asc}, limit: 2) { __typename id
             articles(order_by: {id: asc}) { __typename id author { __typename name } }
             articles_aggregate { __typename aggregate { __typename count
               sum { __typename score } max { __typename title } } nodes { __typename id } } } }""",
    ),
    Case(
        "named_fragments",
        """query Q { article(order_by: {id: asc}) { ...A author { ...Au } } }
           fragment A on article { id title }
           fragment Au on author { name active }""",
    ),
    Case(
        "inline_fragments",
        """{ article(order_by: {id: asc}) { ... on article { id } ... { title }
             author { ... on author { name } } } }""",
    ),
    Case(
        "fragment_merging",
        """{ author(order_by: {id: asc}) { id ...F name articles(order_by: {id: asc}) { id } } }
           fragment F on author { name articles(order_by: {id: asc}) { title } }""",
    ),
    Case(
        "skip_include_variables",
        """query ($withMail: Boolean!, $noName: Boolean = true) {
             author(order_by: {id: asc}) { id email @include(if: $withMail)
               name @skip(if: $noName) articles(order_by: {id: asc}) @include(if: $withMail) {
                   id } } }""",
        variables={"withMail": True},
    ),
    Case(
        "skip_include_false",
        """query ($withMail: Boolean!) { author(order_by: {id: asc}) {
             id email @include(if: $withMail) name @skip(if: false) born @include(if: true) } }""",
        variables={"withMail": False},
    ),
    Case(
        "skip_on_root_and_fragment",
        """query ($s: Boolean!) { tag(order_by: {id: asc}) @skip(if: $s) { id }
             author(order_by: {id: asc}) { ...F @skip(if: $s) id } }
           fragment F on author { name }""",
        variables={"s": True},
    ),
    Case(
        "variables_with_defaults",
        """query ($limit: Int = 3, $min: Float = 3.0, $name: String) {
             author(where: {rating: {_gte: $min}}, order_by: [{rating: desc}, {id: asc}],
                 limit: $limit) { id rating }
             x: author(where: {name: {_eq: $name}}) { id } }""",
        variables={"name": "bob"},
    ),
    Case(
        "operation_name_selects",
        """query A { tag(order_by: {id: asc}) { id } } query B { tag(order_by: {id: desc}) {
            label } }""",
        operation_name="B",
    ),
    Case(
        "variables_in_where_objects",
        """query ($w: article_bool_exp!, $o: [article_order_by!]) {
             article(where: $w, order_by: $o) { id title } }""",
        variables={
            "w": {"published": {"_eq": True}},
            "o": [{"score": "desc_nulls_last"}, {"id": "asc"}],
        },
    ),
    # --- nesting ----------------------------------------------------------------------------
    Case(
        "nested_three_levels",
        """{ author(order_by: {id: asc}) { name articles(order_by: {id: asc}) { title
             comments(order_by: {id: asc}) { content author { name articles(order_by: {id:
                 desc}, limit: 1) { id } } } } } }""",
    ),
    Case(
        "many_to_many_through_link",
        """{ tag(order_by: {id: asc}) { label article_tags(order_by: {article_id: asc}) {
            weight article { title author { name } } } } }""",
    ),
    Case("object_relationship_null", "{ article(order_by: {id: asc}) { id author { id name } } }"),
    Case(
        "array_relationship_args",
        """{ author(order_by: {id: asc}) { id articles(where: {published: {_eq: true}},
            order_by: {score: desc_nulls_last, id: asc}, limit: 1, offset: 1) { id score } } }""",
    ),
    Case(
        "array_relationship_unordered",
        "{ article(order_by: {id: asc}) { id comments { id likes } article_tags { tag_id } } }",
        unordered=True,
    ),
    Case(
        "nesting_six_levels",
        "{ author { articles { author { articles { author { articles { id } } } } } } }",
        unordered=True,
    ),
    # --- where --------------------------------------------------------------------------------
    Case(
        "eq_neq",
        """{ a: author(where: {active: {_eq: true}}, order_by: {id: asc}) { id } b:
            author(where: {rating: {_neq: 4.5}}, order_by: {id: asc}) { id } }""",
    ),
    Case(
        "gt_gte_lt_lte",
        """{ a: article(where: {score: {_gt: 7.25}}, order_by: {id: asc}) { id }
             b: article(where: {score: {_gte: 7.25, _lt: 9.5}}, order_by: {id: asc}) { id }
             c: article(where: {views: {_lte: "500"}}, order_by: {id: asc}) { id views }
             d: article(where: {published_on: {_gt: "1900-01-01"}}, order_by: {id: asc}) { id
                 published_on } }""",
    ),
    Case(
        "in_nin",
        """{ a: article(where: {id: {_in: [1, 3, 99]}}, order_by: {id: asc}) { id }
             b: article(where: {author_id: {_nin: [1, 2]}}, order_by: {id: asc}) { id author_id }
             c: article(where: {id: {_in: []}}) { id }
             d: article(where: {author_id: {_nin: []}}, order_by: {id: asc}) { id } }""",
    ),
    Case(
        "is_null",
        """{ a: article(where: {author_id: {_is_null: true}}) { id }
             b: author(where: {email: {_is_null: false}}, order_by: {id: asc}) { id } }""",
    ),
    Case(
        "like_nlike",
        """{ a: article(where: {title: {_like: "%the%"}}, order_by: {id: asc}) { id title }
             b: article(where: {title: {_nlike: "%e%"}}, order_by: {id: asc}) { id }
             c: article(where: {title: {_like: "G_rminal"}}) { id }
             d: article(where: {title: {_like: "%100\\\\%%"}}) { id } }""",
    ),
    Case(
        "ilike_ascii",
        """{ a: article(where: {title: {_ilike: "%THE%"}}, order_by: {id: asc}) { id }
             b: author(where: {name: {_nilike: "%a%"}}, order_by: {id: asc}) { id } }""",
    ),
    Case(
        "like_escapes_in_data",
        """{ a: article(where: {body: {_like: "\\\\%\\\\_%"}}) { id }
             b: article(where: {body: {_like: "%\\\\\\\\%"}}) { id } }""",
    ),
    Case(
        "like_unicode",
        """{ a: author(where: {name: {_like: "%Zo_%"}}, order_by: {id: asc}) { id name }
             b: article(where: {title: {_like: "%思"}}) { id } }""",
    ),
    Case("ilike_unicode_case", '{ author(where: {name: {_ilike: "émile%"}}) { id } }'),
    Case(
        "and_or_not",
        """{ article(where: {_or: [{score: {_gt: 8}}, {_and: [{published: {_eq: false}}, {_not:
            {views: {_eq: "15"}}}]}]}, order_by: {id: asc}) { id } }""",
    ),
    Case(
        "not_with_nulls_is_unknown",
        """{ a: article(where: {_not: {score: {_eq: 8}}}, order_by: {id: asc}) { id }
             b: article(where: {_not: {published: {_eq: true}}}, order_by: {id: asc}) { id } }""",
    ),
    Case(
        "empty_and_or",
        """{ a: tag(where: {_and: []}, order_by: {id: asc}) { id } b: tag(where: {_or: []}) { id }
             c: tag(where: {}, order_by: {id: asc}) { id } d: tag(where: {_not: {}}) { id } }""",
    ),
    Case(
        "relationship_filters",
        """{ a: author(where: {articles: {score: {_gte: 8}}}, order_by: {id: asc}) { id }
             b: article(where: {author: {active: {_eq: false}}}, order_by: {id: asc}) { id }
             c: author(where: {_not: {articles: {}}}, order_by: {id: asc}) { id }
             d: tag(where: {article_tags: {article: {comments: {likes: {_gt: 5}}}}}, order_by:
                 {id: asc}) { id } }""",
    ),
    Case(
        "bigint_and_numeric_values",
        """{ a: author(where: {followers: {_gt: "9007199254740992"}}) { id followers balance }
             b: author(where: {balance: {_lt: 50}}, order_by: {id: asc}) { id balance }
             c: article(where: {views: {_eq: 9007199254740993}}) { id views } }""",
    ),
    # --- order_by -----------------------------------------------------------------------------
    Case(
        "order_desc_nulls_first_default",
        "{ author(order_by: [{rating: desc}, {id: asc}]) { id rating } }",
    ),
    Case(
        "order_asc_nulls_last_default",
        "{ author(order_by: [{email: asc}, {id: desc}]) { id email } }",
    ),
    Case(
        "order_explicit_null_placement",
        """{ a: article(order_by: [{score: asc_nulls_first}, {id: asc}]) { id score }
             b: article(order_by: [{score: desc_nulls_last}, {id: desc}]) { id score }
             c: article(order_by: [{published: asc_nulls_last}, {id: asc}]) { id published }
             d: article(order_by: [{published: desc_nulls_first}, {id: asc}]) { id } }""",
    ),
    Case(
        "order_through_object_relationship",
        """{ article(order_by: [{author: {name: asc}}, {id: asc}]) { id author { name } }
             comment(order_by: [{article: {author: {rating: desc}}}, {id: desc}]) { id } }""",
    ),
    Case(
        "order_by_array_aggregate",
        """{ a: author(order_by: [{articles_aggregate: {count: desc}}, {id: asc}]) { id }
             b: article(order_by: [{comments_aggregate: {sum: {likes: desc_nulls_last}}}, {id:
                 asc}]) { id }
             c: author(order_by: [{articles_aggregate: {max: {score: asc}}}, {id: asc}]) { id }
                 }""",
    ),
    Case("order_unicode_text", "{ author(order_by: {name: asc}) { name } }"),
    # --- pagination ---------------------------------------------------------------------------
    Case(
        "limit_offset",
        """{ a: article(order_by: {id: asc}, limit: 3) { id } b: article(order_by: {id: asc},
            offset: 6) { id }
             c: article(order_by: {id: desc}, limit: 2, offset: 2) { id } d: article(limit: 0)
                 { id }
             e: article(order_by: {id: asc}, offset: 100) { id } }""",
    ),
    Case(
        "pagination_with_ties",
        "{ article(order_by: [{score: desc}, {id: asc}], limit: 3, offset: 1) { id score } }",
    ),
    Case("negative_limit_is_error", "{ article(limit: -1) { id } }"),
    Case(
        "distinct_on",
        """{ article(distinct_on: [score], order_by: [{score: asc}, {id: desc}]) { id score } }""",
    ),
    # --- by primary key -----------------------------------------------------------------------
    Case(
        "by_pk",
        """{ a: author_by_pk(id: 3) { id name articles { title } } missing: author_by_pk(id:
            999) { id }
             link: article_tag_by_pk(article_id: 1, tag_id: 2) { weight tag { label } } }""",
    ),
    Case(
        "by_pk_with_variables",
        "query ($id: Int!) { article_by_pk(id: $id) { title author { name } } }",
        variables={"id": 4},
    ),
    # --- aggregates ----------------------------------------------------------------------------
    Case(
        "aggregate_root",
        """{ article_aggregate { aggregate { count sum { score } avg { score views }
             min { score title published_on views } max { score title published_on views } } } }""",
    ),
    Case(
        "aggregate_count_columns_distinct",
        """{ article_aggregate { aggregate { all: count c: count(columns: [score])
             d: count(columns: [score], distinct: true) e: count(columns: [score, author_id],
                 distinct: true)
             f: count(distinct: true) } } }""",
    ),
    Case(
        "aggregate_with_args_and_nodes",
        """{ article_aggregate(where: {published: {_eq: true}}, order_by: {id: desc}, limit: 3) {
             aggregate { count max { id } } nodes { id title } } }""",
    ),
    Case(
        "aggregate_statistics",
        """{ comment_aggregate { aggregate { stddev { likes } stddev_pop { likes } stddev_samp
            { likes }
             variance { likes } var_pop { likes } var_samp { likes } } } }""",
    ),
    Case(
        "aggregate_empty",
        """{ article_aggregate(where: {id: {_gt: 100}}) { aggregate { count sum { score } avg {
            score }
             min { title } max { views } } nodes { id } } }""",
    ),
    Case(
        "relationship_aggregate",
        """{ author(order_by: {id: asc}) { id articles_aggregate(where: {score: {_is_null:
            false}}) {
             aggregate { count avg { score } max { published_on } } nodes { id } }
             comments_aggregate { aggregate { count(columns: [likes]) sum { likes } } } } }""",
        unordered=True,
    ),
    Case(
        "nested_aggregate_in_aggregate_nodes",
        """{ author_aggregate(order_by: {id: asc}, limit: 3) { aggregate { count min { born } }
             nodes { name articles_aggregate { aggregate { count } } } } }""",
    ),
    Case(
        "numeric_min_max_are_strings",
        """{ author_aggregate { aggregate { min { balance followers } max { balance followers }
            } } }""",
    ),
    Case("sum_of_bigint", "{ article_aggregate { aggregate { sum { views } } } }"),
    Case("sum_of_numeric", "{ author_aggregate { aggregate { sum { balance } } } }"),
    Case(
        "statistics_empty",
        "{ article_aggregate(where: {id: {_gt: 100}}) { aggregate { stddev { score } } } }",
    ),
    # --- errors -------------------------------------------------------------------------------
    Case("unknown_field_is_error", "{ author { id nope } }"),
    Case("null_comparison_is_error", "{ author(where: {name: {_eq: null}}) { id } }"),
    Case("cast_null_is_error", "{ author(where: {active: {_cast: null}}) { id } }"),
    Case(
        "cast_string_null_is_error",
        "{ author(where: {active: {_cast: {String: null}}}) { id } }",
    ),
    Case("missing_required_variable", "query ($id: Int!) { author_by_pk(id: $id) { id } }"),
]
