"""Chinook queries written once in a neutral naming (the PascalCase of the SQLite and MySQL copies)
and translated for PostgreSQL's snake_case copy; answers compared in one normal form.

Every query with a limit, an offset or an order has a total order (ties broken by primary key),
so its answer is deterministic on every server. Orderings are by numbers, never by text: the
servers' text collations differ (SQLite binary, MariaDB case-insensitive, PostgreSQL by locale),
and that is not the gateway's to hide.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from graphql import FieldNode, OperationDefinitionNode, parse

_TOKEN = re.compile(r'"""(?:.|\n)*?"""|"(?:[^"\\]|\\.)*"|#[^\n]*|[_A-Za-z][_0-9A-Za-z]*')
_BUILT_IN_NAMES = frozenset({"Int", "Float", "String", "Boolean", "ID"})
_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def snake(name: str) -> str:
    """``InvoiceLines_aggregate`` -> ``invoice_lines_aggregate``, ``AlbumId`` -> ``album_id``."""
    return _CAMEL_BOUNDARY.sub("_", name).lower()


def translate(query: str, naming: str) -> str:
    """The query for a source's naming (``pascal`` unchanged, ``snake`` for PostgreSQL): every
    name is translated except GraphQL's built-in scalars; strings and comments are left alone."""
    if naming == "pascal":
        return query

    def name(match: re.Match[str]) -> str:
        token = match.group(0)
        if token[0] in '"#' or token in _BUILT_IN_NAMES:
            return token
        return snake(token)

    return _TOKEN.sub(name, query)


def root_response_keys(query: str) -> list[str]:
    """The response keys of the (single) operation's root fields, aliases applied."""
    document = parse(query)
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    fields = [s for s in operation.selection_set.selections if isinstance(s, FieldNode)]
    assert len(fields) == len(operation.selection_set.selections), "no root fragments here"
    return [f.alias.value if f.alias else f.name.value for f in fields]


def root_field_count(query: str) -> int:
    """Root fields of the operation: the statements the gateway sends, one each."""
    return len(root_response_keys(query))


# --- normal form -------------------------------------------------------------------------------

_NUMERIC_TEXT = re.compile(r"^-?\d+(\.\d+)?$")
_NUMERIC_PLACES = Decimal("0.000001")
_DATETIME_TEXT = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(\.0+)?$")
FLOAT_TOLERANCE = 1e-9


def normalise(value: Any) -> Any:
    """One normal form for every server's answer, stated in one place:

    * object keys in snake_case (PostgreSQL's naming), so the same field compares equal;
    * exact numbers as decimals rounded to 6 places: numeric and bigint come as JSON strings (the
      gateway's rule), other integers as JSON numbers, so ``"0.99"`` == ``"0.990"``, ``"34"`` ==
      ``34``, and SQLite's REAL sums (``"2328.5999999"``) equal the servers' exact ``"2328.60"``;
      a different value stays different;
    * floats (``avg``) stay floats, compared with a relative tolerance by :func:`same`;
    * timestamps without a zone as ``YYYY-MM-DDTHH:MM:SS`` (a ``T`` or a space, zero fractions):
      SQLite keeps text, the servers keep typed values.
    """
    if isinstance(value, dict):
        return {snake(key): normalise(item) for key, item in value.items()}
    if isinstance(value, list):
        return [normalise(item) for item in value]
    if isinstance(value, str):
        return _normal_text(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value).quantize(_NUMERIC_PLACES)
    return value


def _normal_text(text: str) -> Any:
    if _NUMERIC_TEXT.match(text):
        try:
            return Decimal(text).quantize(_NUMERIC_PLACES)
        except InvalidOperation:
            return text
    stamp = _DATETIME_TEXT.match(text)
    if stamp:
        return f"{stamp.group(1)}T{stamp.group(2)}"
    return text


def same(left: Any, right: Any) -> bool:
    """Equal normal forms; a float equals a number within :data:`FLOAT_TOLERANCE` (relative)."""
    if isinstance(left, float) or isinstance(right, float):
        numbers = (float, Decimal)
        if not isinstance(left, numbers) or not isinstance(right, numbers):
            return False
        low, high = float(left), float(right)
        return abs(low - high) <= FLOAT_TOLERANCE * max(abs(low), abs(high), 1.0)
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(same(left[k], right[k]) for k in left)
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(map(same, left, right))
    return bool(left == right) and type(left) is type(right)


# --- the queries -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Case:
    name: str
    query: str
    variables: dict[str, Any] = field(default_factory=dict)
    broken_on: dict[str, str] = field(default_factory=dict)
    """Source kind -> why its answer is known to differ (the case is a strict xfail there)."""


CASES: tuple[Case, ...] = (
    # --- nesting ---------------------------------------------------------------------------
    Case(
        "nested_artists_albums_tracks",
        """{ Artist(where: {ArtistId: {_lte: 6}}, order_by: {ArtistId: asc}) {
              ArtistId Name
              Albums(order_by: {AlbumId: asc}) { AlbumId Title
                Tracks(order_by: {TrackId: asc}) {
                  TrackId Name Milliseconds Bytes UnitPrice } } } }""",
    ),
    Case(
        "nested_object_chain_four_levels",
        """{ InvoiceLine(order_by: {InvoiceLineId: asc}, limit: 25) {
              InvoiceLineId Quantity
              Track { Name Album { Title Artist { ArtistId Name } } } } }""",
    ),
    Case(
        "nested_customers_invoices_lines",
        """{ Customer(where: {Country: {_eq: "Brazil"}}, order_by: {CustomerId: asc}) {
              CustomerId FirstName SupportRep { EmployeeId LastName }
              Invoices(order_by: {InvoiceId: asc}, limit: 2) { InvoiceId Total
                InvoiceLines(order_by: {InvoiceLineId: asc}) {
                  TrackId Quantity UnitPrice } } } }""",
    ),
    Case(
        "nested_self_relationship",
        """{ Employee(order_by: {EmployeeId: asc}) {
              EmployeeId LastName Employee { EmployeeId }
              Employees(order_by: {EmployeeId: asc}) { EmployeeId Customers_aggregate {
                aggregate { count } } } } }""",
    ),
    Case(
        "nested_array_with_where_limit_offset",
        """{ Artist(where: {ArtistId: {_in: [22, 50, 58, 90]}}, order_by: {ArtistId: asc}) {
              ArtistId
              Albums(where: {Title: {_ilike: "%live%"}}, order_by: {AlbumId: desc}, limit: 2,
                     offset: 1) { AlbumId Title } } }""",
    ),
    Case(
        "aliases_and_fragments",
        """query { first: Album_by_pk(AlbumId: 1) { ...album }
                   second: Album_by_pk(AlbumId: 2) { ...album heading: Title } }
           fragment album on Album { AlbumId Title Artist { Name } }""",
    ),
    # --- filters -----------------------------------------------------------------------------
    Case(
        "filter_in_with_variable",
        """query ($ids: [Int!]!) { Track(where: {TrackId: {_in: $ids}}, order_by: {TrackId: asc}) {
              TrackId Name Composer } }""",
        {"ids": [1, 7, 99, 3503, 100000]},
    ),
    Case(
        "filter_in_and_nin_text",
        """{ Genre(where: {_and: [{Name: {_in: ["Rock", "Jazz", "Blues", "Opera", "rock"]}},
                                 {Name: {_nin: ["Opera"]}}]},
                  order_by: {GenreId: asc}) { GenreId Name } }""",
    ),
    Case(
        "filter_like_case_sensitive",
        """{ Track(where: {Name: {_like: "%Love%"}}, order_by: {TrackId: asc}) {
              TrackId Name } }""",
    ),
    Case(
        "filter_like_lowercase_pattern",
        """{ Track(where: {Name: {_like: "love%"}}, order_by: {TrackId: asc}) { TrackId Name } }""",
    ),
    Case(
        "filter_ilike_and_nlike",
        """{ Artist(where: {Name: {_ilike: "%the%"}, _not: {Name: {_nlike: "The %"}}},
                   order_by: {ArtistId: asc}) { ArtistId Name } }""",
    ),
    Case(
        "filter_is_null",
        """{ Track(where: {Composer: {_is_null: true}, GenreId: {_eq: 1}},
                  order_by: {TrackId: asc}, limit: 30) { TrackId Composer } }""",
    ),
    Case(
        "filter_or_not_numeric",
        """{ Track(where: {_or: [{Milliseconds: {_gt: 2000000}}, {Bytes: {_lt: 100000}}],
                          _not: {MediaTypeId: {_eq: 3}}},
                  order_by: {TrackId: asc}) { TrackId Milliseconds Bytes MediaTypeId } }""",
    ),
    Case(
        "filter_numeric_and_timestamp",
        """{ Invoice(where: {Total: {_gte: "17.91"}, InvoiceDate: {_gte: "2011-01-01"}},
                    order_by: {InvoiceId: asc}) { InvoiceId InvoiceDate Total } }""",
    ),
    Case(
        "filter_through_object_relationship",
        """{ Album(where: {Artist: {Name: {_eq: "AC/DC"}}}, order_by: {AlbumId: asc}) {
              AlbumId Title } }""",
    ),
    Case(
        "filter_through_two_object_relationships",
        """{ Track(where: {Album: {Artist: {Name: {_eq: "Queen"}}}}, order_by: {TrackId: asc}) {
              TrackId Name } }""",
    ),
    Case(
        "filter_through_array_relationship",
        """{ Artist(where: {Albums: {Tracks: {Milliseconds: {_gt: 1500000}}}},
                   order_by: {ArtistId: asc}) { ArtistId Name } }""",
    ),
    Case(
        "filter_no_related_rows",
        """{ Artist_aggregate(where: {_not: {Albums: {}}}) { aggregate { count } } }""",
    ),
    Case(
        "filter_apostrophe_and_unicode",
        """{ Artist(where: {_or: [{Name: {_eq: "Guns N' Roses"}}, {Name: {_like: "%ô%"}}]},
                   order_by: {ArtistId: asc}) { ArtistId Name } }""",
    ),
    # --- ordering and pagination -------------------------------------------------------------
    Case(
        "order_through_object_relationship",
        """{ InvoiceLine(order_by: [{Invoice: {Total: desc}}, {InvoiceLineId: asc}], limit: 15) {
              InvoiceLineId Invoice { InvoiceId Total } } }""",
    ),
    Case(
        "order_through_two_object_relationships",
        """{ Invoice(order_by: [{Customer: {SupportRep: {EmployeeId: desc}}}, {Total: asc},
                               {InvoiceId: asc}], limit: 12) {
              InvoiceId Total Customer { SupportRepId } } }""",
    ),
    Case(
        "order_by_relationship_count",
        """{ Artist(order_by: [{Albums_aggregate: {count: desc}}, {ArtistId: asc}], limit: 10) {
              ArtistId Albums_aggregate { aggregate { count } } } }""",
    ),
    Case(
        "order_by_relationship_aggregate_sum",
        """{ Album(order_by: [{Tracks_aggregate: {sum: {Milliseconds: desc}}}, {AlbumId: asc}],
                  limit: 8) {
              AlbumId Tracks_aggregate { aggregate { sum { Milliseconds } } } } }""",
    ),
    Case(
        "order_nulls_first_and_last",
        """{ a: Track(order_by: [{Bytes: desc_nulls_last}, {TrackId: asc}], limit: 5) { TrackId }
             b: Customer(order_by: [{SupportRepId: asc_nulls_first}, {CustomerId: desc}],
                         limit: 5) { CustomerId SupportRepId } }""",
    ),
    Case(
        "paginate_offset",
        """{ Track(order_by: [{Milliseconds: asc}, {TrackId: asc}], limit: 10, offset: 500) {
              TrackId Milliseconds } }""",
    ),
    Case(
        "distinct_on",
        """{ Invoice(distinct_on: [CustomerId], order_by: [{CustomerId: asc}, {Total: desc},
                    {InvoiceId: asc}], limit: 12) { CustomerId InvoiceId Total } }""",
    ),
    # --- by primary key ----------------------------------------------------------------------
    Case(
        "by_pk_found_missing_and_composite",
        """{ Track_by_pk(TrackId: 3) { TrackId Name Album { Title } Genre { Name } }
             missing: Album_by_pk(AlbumId: 100000) { AlbumId }
             PlaylistTrack_by_pk(PlaylistId: 1, TrackId: 3402) { PlaylistId TrackId } }""",
    ),
    # --- aggregates ----------------------------------------------------------------------------
    Case(
        "aggregate_all_functions",
        """{ Invoice_aggregate { aggregate { count sum { Total } avg { Total }
              min { Total InvoiceDate } max { Total InvoiceDate } } } }""",
    ),
    Case(
        "aggregate_where_count_distinct_nodes",
        """{ Track_aggregate(where: {AlbumId: {_lte: 3}}, order_by: {TrackId: asc}) {
              aggregate { count distinct: count(columns: [Composer], distinct: true)
                          sum { Milliseconds Bytes } avg { Milliseconds } max { Name } }
              nodes { TrackId Composer } } }""",
    ),
    Case(
        "aggregate_limited_rows",
        """{ InvoiceLine_aggregate(order_by: {InvoiceLineId: desc}, limit: 100) {
              aggregate { count sum { UnitPrice Quantity } min { UnitPrice } } } }""",
    ),
    Case(
        "relationship_aggregate",
        """{ Album(where: {ArtistId: {_in: [1, 90, 150]}}, order_by: {AlbumId: asc}) {
              AlbumId Tracks_aggregate(where: {Milliseconds: {_gt: 200000}}) {
                aggregate { count sum { Milliseconds } avg { Milliseconds }
                            max { UnitPrice } } } } }""",
    ),
    Case(
        "group_by_one_column",
        """{ Invoice_group_by(by: [CustomerId], order_by: [{CustomerId: asc}], limit: 10) {
              keys { CustomerId } aggregate { count sum { Total } max { Total } } } }""",
    ),
    Case(
        "group_by_having_order_by_count",
        """{ Track_group_by(by: [GenreId], having: {count: {_gt: 100}},
                          order_by: [{count: desc}, {GenreId: asc}]) {
              keys { GenreId } aggregate { count avg { Milliseconds } } } }""",
    ),
    Case(
        "group_by_two_columns_with_where",
        """{ Track_group_by(by: [MediaTypeId, GenreId], where: {AlbumId: {_lte: 50}},
                          order_by: [{MediaTypeId: asc}, {GenreId: asc}]) {
              keys { MediaTypeId GenreId }
              aggregate { count sum { Bytes } min { UnitPrice } } } }""",
    ),
    Case(
        "many_root_fields",
        """{ Genre_aggregate { aggregate { count } }
             MediaType(order_by: {MediaTypeId: asc}) { MediaTypeId Name }
             Playlist(where: {PlaylistId: {_lte: 3}}, order_by: {PlaylistId: asc}) {
               PlaylistId PlaylistTracks_aggregate { aggregate { count } } } }""",
    ),
    # --- edges that differ between databases unless the compiler pins them down --------------
    Case(
        "filter_eq_exact_case_and_trailing_space",
        """{ Artist(where: {_or: [{Name: {_eq: "ac/dc"}}, {Name: {_eq: "AC/DC "}},
                                 {Name: {_in: ["aerosmith", "Aerosmith"]}}]},
                   order_by: {ArtistId: asc}) { ArtistId Name } }""",
    ),
    Case(
        "filter_text_range_is_binary",
        """{ Artist_aggregate(where: {Name: {_gte: "a", _lt: "b"}}) { aggregate { count } }
             Genre(where: {Name: {_gt: "R"}}, order_by: {GenreId: asc}) { GenreId } }""",
    ),
    Case(
        "filter_like_ilike_accents_are_letters",
        """{ like: Track(where: {Name: {_like: "%a%"}, TrackId: {_in: [1, 2, 212, 292, 583, 857]}},
                        order_by: {TrackId: asc}) { TrackId Name }
             ilike: Track(where: {Name: {_ilike: "%A%"}, TrackId: {_in: [1, 2, 212, 292, 857]}},
                          order_by: {TrackId: asc}) { TrackId Name } }""",
    ),
    Case(
        "filter_like_single_char_wildcard",
        """{ Track(where: {Name: {_like: "_ove %"}}, order_by: {TrackId: asc}) {
              TrackId Name } }""",
    ),
    Case(
        "filter_ilike_unicode",
        """{ Artist(where: {Name: {_ilike: "%ANTÔNIO%"}}, order_by: {ArtistId: asc}) {
              ArtistId Name } }""",
    ),
    Case(
        "nested_distinct_on",
        """{ Artist(where: {ArtistId: {_in: [1, 8, 22]}}, order_by: {ArtistId: asc}) {
              Albums(order_by: {AlbumId: asc}) {
                Tracks(distinct_on: [MediaTypeId],
                       order_by: [{MediaTypeId: asc}, {TrackId: desc}]) {
                  MediaTypeId TrackId } } } }""",
    ),
    Case(
        "nested_aggregate_nodes",
        """{ Artist(where: {ArtistId: {_in: [1, 8, 22]}}, order_by: {ArtistId: asc}) {
              ArtistId Albums_aggregate(order_by: {AlbumId: desc}) {
                aggregate { count max { AlbumId } } nodes { AlbumId Title } } } }""",
    ),
    Case(
        "nested_aggregate_limited",
        """{ Artist(where: {ArtistId: {_in: [1, 8, 22]}}, order_by: {ArtistId: asc}) {
              ArtistId Albums_aggregate(order_by: {AlbumId: desc}, limit: 2) {
                aggregate { count } nodes { AlbumId Title } } } }""",
    ),
    Case(
        "aggregate_empty_set_and_count_columns",
        """{ none: Invoice_aggregate(where: {Total: {_lt: "0"}}) {
               aggregate { count sum { Total } avg { Total } max { Total } } }
             columns: Track_aggregate(where: {AlbumId: {_lte: 10}}) {
               aggregate { count(columns: [Composer]) all: count } }
             zero: Track(limit: 0) { TrackId } }""",
    ),
    Case(
        "group_by_having_on_sum_order_by_sum",
        """{ Invoice_group_by(by: [BillingCountry], having: {sum: {Total: {_gt: 100}}},
                            order_by: [{sum: {Total: desc}}, {BillingCountry: asc}]) {
              keys { BillingCountry } aggregate { count sum { Total } avg { Total } } } }""",
    ),
    Case(
        "filter_timestamp_variable",
        """query ($from: timestamp!, $to: timestamp!) {
             Invoice(where: {InvoiceDate: {_gte: $from, _lt: $to}}, order_by: {InvoiceId: asc}) {
               InvoiceId InvoiceDate CustomerId } }""",
        {"from": "2021-03-01T00:00:00", "to": "2021-04-01T00:00:00"},
    ),
)
