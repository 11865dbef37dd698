"""``bench/matching.py`` on a tiny ledger, so the benchmark cannot rot: the lines it times are
decided the way its classes say (exact numbers and OCR typos applied to the right invoice, by a
contact or an unknown sender; unknown numbers to review), and a wrong decision is reported."""

from __future__ import annotations

import contextlib
import dataclasses
import importlib.util
import io
import sys
from pathlib import Path
from types import ModuleType

import pytest

from core.types import Outcome

BENCH = Path(__file__).resolve().parents[2] / "bench" / "matching.py"
ROWS = 600  # 3 customers of ~200 open invoices each


def load_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_matching", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    return load_bench()


@pytest.fixture(scope="module")
def ledger_url(bench: ModuleType, tmp_path_factory: pytest.TempPathFactory) -> str:
    db = tmp_path_factory.mktemp("bench") / "ledger.db"
    figures = bench.build_ledger(db, rows=ROWS)
    assert figures["seconds"] > 0
    return f"sqlite:///{db}"


def test_each_timed_line_is_decided_as_its_class_expects(bench, ledger_url):
    # Given the benchmark's lines on a ledger of 600 open invoices
    svc = bench.services(ledger_url)
    with svc.sessions() as session:
        cases = bench.make_cases(session, rows=ROWS, lines=40)
        # When each is decided on the worker's path
        decided = [(case, bench.decide(session, case, svc).lines[0]) for case in cases]
        session.rollback()
    svc.engine.dispose()

    # Then exact numbers and OCR typos are applied to their invoice, from a contact or from
    # a bank the invoice's number identifies, and a number no invoice has goes to review
    assert {case.kind for case, _ in decided} == set(bench.CLASSES)
    for case, line in decided:
        if case.kind == "unknown ref":
            assert line.outcome is Outcome.REVIEW, line.reason
            assert line.invoice is None
        else:
            assert line.outcome is Outcome.AUTO, (case.kind, line.reason)
            assert line.invoice is not None
            assert line.invoice.number == case.expected_invoice
        if case.kind == "typo":
            assert case.remittance.lines[0].invoice_ref != case.expected_invoice
            assert "near form" in line.reason


def test_matching_run_reports_every_class_and_no_wrong_decision(bench, ledger_url):
    results = bench.run_matching({ROWS: ledger_url}, lines=20, repeats=1)

    (result,) = results
    assert result.wrong == []
    assert set(result.seconds) == {"all", *bench.CLASSES}
    assert len(result.seconds["all"]) == 20
    assert all(seconds > 0 for seconds in result.seconds["all"])


def test_a_decision_other_than_the_expected_one_is_reported_as_wrong(bench, ledger_url):
    # Given an exact line whose expectation is (wrongly) review
    svc = bench.services(ledger_url)
    with svc.sessions() as session:
        exact = next(c for c in bench.make_cases(session, rows=ROWS, lines=4) if c.kind == "exact")
        wrongly = dataclasses.replace(exact, expected=Outcome.REVIEW, expected_invoice=None)
        decision = bench.decide(session, wrongly, svc)
        session.rollback()
    svc.engine.dispose()

    # Then the benchmark says so, naming what was decided
    problem = bench.wrong_decisions(wrongly, decision)
    assert problem is not None
    assert f"auto {exact.expected_invoice}" in problem


def test_combination_search_timing_counts_complete_and_unique_searches(bench):
    figures = bench.time_combinations(30, payments=5)

    assert 0 < figures["p50_ms"] <= figures["p99_ms"] <= figures["max_ms"]
    assert 0 <= figures["unique"] <= figures["complete"] <= 1


def test_the_comparison_reads_both_sides_figures_from_the_benchmarks_report(bench):
    # Given the report of two runs of bench/matching.py (one size, the classes in its format)
    spec = importlib.util.spec_from_file_location(
        "bench_compare", BENCH.with_name("compare_matching.py")
    )
    assert spec is not None and spec.loader is not None
    compare = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(compare)
    results = [
        bench.SizeResult(
            rows=1_000_000,
            seconds={kind: [0.001 * n, 0.002 * n] for kind in ("all", *bench.CLASSES)},
            cpu={kind: [0.0005 * n, 0.001 * n] for kind in ("all", *bench.CLASSES)},
            wrong=[],
        )
        for n in (1, 3)
    ]
    runs: dict = {}  # type: ignore[type-arg]
    for result in results:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            bench.report([result])
        compare.parse(out.getvalue(), runs)

    # Then every class of that size has each run's wall and CPU p50 / p99, in ms
    assert set(runs) == {(1_000_000, kind) for kind in ("all", *bench.CLASSES)}
    assert runs[(1_000_000, "unknown sender")] == {
        "w50": [1.0, 3.0],
        "w99": [2.0, 6.0],
        "c50": [0.5, 1.5],
        "c99": [1.0, 3.0],
    }
