"""The demo data: deterministic, consistent, and served by the repository's demo config."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from typing import Any

import duckdb
import pytest

from federation import demo
from federation.catalog import ForeignKey, SourceCatalog
from federation.config import load_config
from federation.connector import load_connector_class
from federation.schema.builder import build_model
from federation.schema.overlay import load_overlays

REPO = Path(__file__).resolve().parent.parent
CRM_TABLES = ("regions", "customers", "products", "orders", "order_items", "returns")
ANALYTICS_TABLES = ("page_views", "daily_sales", "events")


def crm_contents(folder: Path) -> dict[str, list[Any]]:
    conn = sqlite3.connect(folder / demo.CRM_FILE)
    try:
        return {t: conn.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall() for t in CRM_TABLES}
    finally:
        conn.close()


def analytics_contents(folder: Path) -> dict[str, list[Any]]:
    conn = duckdb.connect(str(folder / demo.ANALYTICS_FILE), read_only=True)
    try:
        return {
            t: conn.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in ANALYTICS_TABLES
        }
    finally:
        conn.close()


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo")
    demo.generate(folder)
    return folder


def test_same_seed_gives_the_same_data(demo_dir: Path, tmp_path: Path) -> None:
    demo.generate(tmp_path)
    assert crm_contents(tmp_path) == crm_contents(demo_dir)
    assert analytics_contents(tmp_path) == analytics_contents(demo_dir)


def test_another_seed_gives_other_data(demo_dir: Path, tmp_path: Path) -> None:
    demo.generate(tmp_path, seed=8)
    assert crm_contents(tmp_path)["customers"] != crm_contents(demo_dir)["customers"]


def test_regenerating_in_place_replaces_the_files(demo_dir: Path, tmp_path: Path) -> None:
    demo.generate(tmp_path)
    (tmp_path / demo.CRM_FILE).write_bytes(b"damaged")
    demo.generate(tmp_path)
    assert crm_contents(tmp_path) == crm_contents(demo_dir)
    assert sorted(p.name for p in tmp_path.iterdir()) == [demo.ANALYTICS_FILE, demo.CRM_FILE]


def test_sizes_and_variety(demo_dir: Path) -> None:
    crm = crm_contents(demo_dir)
    assert len(crm["customers"]) >= 1000 and len(crm["order_items"]) >= 3000
    names = [row[1] for row in crm["customers"]]
    assert any(not name.isascii() for name in names)  # unicode names
    assert any(row[3] is None for row in crm["customers"])  # some NULL phones
    assert {row[5] for row in crm["customers"]} == {0, 1}  # booleans
    analytics = analytics_contents(demo_dir)
    assert all(len(analytics[t]) >= 2000 for t in ANALYTICS_TABLES)


def test_crm_foreign_keys_hold(demo_dir: Path) -> None:
    conn = sqlite3.connect(demo_dir / demo.CRM_FILE)
    try:
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        conn.close()


def test_analytics_ids_exist_in_the_crm(demo_dir: Path) -> None:
    crm = crm_contents(demo_dir)
    customers = {row[0] for row in crm["customers"]}
    products = {row[0] for row in crm["products"]}
    analytics = analytics_contents(demo_dir)
    assert {row[1] for row in analytics["page_views"]} - {None} <= customers
    assert {row[2] for row in analytics["page_views"]} - {None} <= products
    assert {row[1] for row in analytics["daily_sales"]} <= products
    assert {row[1] for row in analytics["events"]} <= customers


def test_daily_sales_agree_with_crm_orders(demo_dir: Path) -> None:
    conn = sqlite3.connect(demo_dir / demo.CRM_FILE)
    try:
        (units,) = conn.execute(
            "SELECT sum(quantity) FROM order_items JOIN orders ON orders.id = order_id "
            "WHERE status <> 'cancelled'"
        ).fetchone()
    finally:
        conn.close()
    assert sum(row[2] for row in analytics_contents(demo_dir)["daily_sales"]) == units


async def introspect(config_dir: Path) -> list[SourceCatalog]:
    config = load_config(config_dir / "federation.yaml")
    catalogs = []
    for source in config.sources:
        connector = load_connector_class(source.kind)(source)
        await connector.open()
        try:
            catalogs.append(await connector.introspect())
        finally:
            await connector.close()
    return catalogs


@pytest.fixture(scope="module")
def demo_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's federation.yaml and schema/ with freshly generated data beside them."""
    folder = tmp_path_factory.mktemp("project")
    shutil.copy(REPO / "federation.yaml", folder / "federation.yaml")
    shutil.copytree(REPO / "schema", folder / "schema")
    demo.generate(folder / "demo")
    return folder


async def test_demo_config_introspects_keys_and_views(demo_project: Path) -> None:
    crm, analytics = await introspect(demo_project)
    assert {t.name for t in crm.tables} == {*CRM_TABLES, "customer_order_totals"}
    assert crm.table("customer_order_totals").is_view
    assert crm.table("order_items").primary_key == ("order_id", "line_no")
    assert crm.table("returns").foreign_keys == (
        ForeignKey(("order_id", "line_no"), "order_items", ("order_id", "line_no")),
    )
    assert {t.name for t in analytics.tables} == set(ANALYTICS_TABLES)
    assert analytics.table("daily_sales").primary_key == ("day", "product_id")


async def test_demo_overlays_apply_to_the_demo_schema(demo_project: Path) -> None:
    catalogs = await introspect(demo_project)
    overlays = load_overlays(demo_project / "schema")
    model = build_model(catalogs, overlays)
    assert "Customer" in model.types and "customers" not in model.types
