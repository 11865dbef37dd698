"""deploy/grafana/arbox.json cannot drift from the code: every ``arbox_*`` series its PromQL
names is one that worker/metrics.py or review/state_metrics.py defines (with the suffixes
Prometheus gives counters and histograms), every series defined is on the dashboard, and every
panel reads the dashboard's Prometheus datasource variable (issue 20)."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from prometheus_client import CollectorRegistry

from ledger.session import make_engine, make_sessionmaker
from review.state_metrics import StateCollector
from worker.metrics import REGISTRY

REPO = Path(__file__).resolve().parents[2]
DASHBOARD = REPO / "deploy" / "grafana" / "arbox.json"
SERIES = re.compile(r"\barbox_[A-Za-z0-9_]+")
#: The series a metric family is exposed as, by its type (prometheus_client's text format).
SUFFIXES = {
    "counter": ("_total", "_created"),
    "histogram": ("_bucket", "_count", "_sum", "_created"),
    "gauge": ("",),
}


class _QuietRedis:
    """Enough of redis-py for core.queues.queue_stats: every queue empty."""

    def pipeline(self, *, transaction: bool) -> _QuietRedis:
        return self

    def __enter__(self) -> _QuietRedis:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def llen(self, key: str) -> None:
        return None  # queued in the pipeline; execute() answers

    def lindex(self, key: str, index: int) -> None:
        return None

    def execute(self) -> list[Any]:
        return [0, 0, None]

    def close(self) -> None:
        return None


def families(registry: CollectorRegistry) -> dict[str, str]:
    """Metric family name → type, as a scrape of ``registry`` sees them."""
    return {metric.name: metric.type for metric in registry.collect()}


@pytest.fixture(scope="module")
def defined(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> dict[str, str]:
    """Every family the code defines: this process's counters, and the state gauges of a scrape
    of a migrated (empty) database and an empty Redis, both readable."""
    path = tmp_path_factory.mktemp("grafana") / "ledger.db"
    shutil.copyfile(sqlite_template, path)
    engine = make_engine(f"sqlite:///{path}")
    try:
        state = CollectorRegistry(auto_describe=False)
        state.register(StateCollector(make_sessionmaker(engine), redis_client=_QuietRedis))
        read = families(state)
        up = {s.labels["source"]: s.value for m in state.collect() for s in m.samples
              if s.name == "arbox_state_up"}  # fmt: skip
    finally:
        engine.dispose()
    assert up == {"database": 1, "redis": 1}, "the scrape read both sources, so every family"
    return families(REGISTRY) | read


@pytest.fixture(scope="module")
def series(defined: dict[str, str]) -> set[str]:
    return {name + suffix for name, kind in defined.items() for suffix in SUFFIXES[kind]}


@pytest.fixture(scope="module")
def dashboard() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(DASHBOARD.read_text())
    return loaded


def panels(dashboard: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every panel, the ones inside (collapsed) rows too."""
    for panel in dashboard["panels"]:
        yield panel
        yield from panel.get("panels", [])


def expressions(dashboard: dict[str, Any]) -> list[str]:
    """Every PromQL expression: the panels' targets and the query variables."""
    exprs = [t["expr"] for p in panels(dashboard) for t in p.get("targets", [])]
    exprs += [
        v["query"] if isinstance(v["query"], str) else v["query"].get("query", "")
        for v in dashboard.get("templating", {}).get("list", [])
        if v.get("type") == "query"
    ]
    return exprs


def test_every_series_the_dashboard_names_is_defined(
    dashboard: dict[str, Any], series: set[str]
) -> None:
    exprs = expressions(dashboard)
    assert exprs, "the dashboard has queries"
    for expr in exprs:
        assert SERIES.search(expr), f"no arbox_ series in {expr!r}"
        unknown = set(SERIES.findall(expr)) - series
        assert not unknown, f"{expr!r} names series the code does not define: {unknown}"


def test_every_series_defined_is_on_the_dashboard(
    dashboard: dict[str, Any], defined: dict[str, str]
) -> None:
    named = {s for expr in expressions(dashboard) for s in SERIES.findall(expr)}
    missing = {
        name for name, kind in defined.items() if not any(name + s in named for s in SUFFIXES[kind])
    }
    assert not missing, f"defined but on no panel of deploy/grafana/arbox.json: {missing}"


def test_histograms_are_read_as_quantiles_of_their_buckets(dashboard: dict[str, Any]) -> None:
    exprs = expressions(dashboard)
    for name in ("arbox_parse_seconds", "arbox_decide_seconds", "arbox_process_seconds"):
        quantiles = [e for e in exprs if f"{name}_bucket" in e]
        assert {re.search(r"histogram_quantile\((0\.\d+)", e)[1] for e in quantiles} >= {  # type: ignore[index]
            "0.5",
            "0.95",
        }, name
        assert all("by (le)" in e for e in quantiles), quantiles


def test_every_panel_reads_the_prometheus_datasource_variable(dashboard: dict[str, Any]) -> None:
    variables = dashboard["templating"]["list"]
    source = [v for v in variables if v["type"] == "datasource"]
    assert [(v["name"], v["query"]) for v in source] == [("datasource", "prometheus")]
    for panel in panels(dashboard):
        if panel["type"] == "row":
            continue
        assert panel["datasource"] == {"type": "prometheus", "uid": "${datasource}"}, panel["title"]
        for target in panel["targets"]:
            assert target["datasource"]["uid"] == "${datasource}", panel["title"]
    ids = [p["id"] for p in panels(dashboard)]
    assert len(ids) == len(set(ids)), "panel ids are unique"
