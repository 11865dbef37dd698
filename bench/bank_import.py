"""Benchmark of ``arbox import bank``: a camt.053 of N credits into a SQLite ledger.

Usage: ``python bench/bank_import.py [--credits 5000] [--customers 2000]``. A ledger of one
invoice per credit is imported first; the statement's credits are a third naming their
invoice in the remittance text (applied from the bank text), a third paying an expected
payment of a remittance already posted (linked), a third with neither (left unmatched). Prints
the time of the import and of importing the same file again (everything known), with credits
per second, and how many were linked and applied.
"""

# ruff: noqa: E402 - the imports follow the sys.path fix below
from __future__ import annotations

import sys
from pathlib import Path

# bench/matching.py would shadow the matching package: run with the repository first.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent]
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import argparse
import dataclasses
import random
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from core.config import Settings
from core.logging import configure_logging
from ledger import models as m
from ledger.migrate import upgrade
from worker.bank.importing import import_bank_file
from worker.services import Services


def write_statement(credits: list[tuple[Decimal, str, str, date]]) -> bytes:
    total = sum((c[0] for c in credits), start=Decimal("0.00"))
    ntry = "".join(
        f'<Ntry><Amt Ccy="USD">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>'
        f"<ValDt><Dt>{day.isoformat()}</Dt></ValDt><NtryDtls><TxDtls><RltdPties><Dbtr><Nm>{payer}"
        f"</Nm></Dbtr></RltdPties><RmtInf><Ustrd>{text}</Ustrd></RmtInf></TxDtls></NtryDtls>"
        "</Ntry>"
        for amount, text, payer, day in credits
    )
    return (
        '<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">'
        "<BkToCstmrStmt><GrpHdr><MsgId>B</MsgId></GrpHdr><Stmt><Id>BENCH</Id><Acct><Id><IBAN>"
        "US00BENCH</IBAN></Id><Ccy>USD</Ccy></Acct>"
        '<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="USD">0.00</Amt>'
        "<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-11-01</Dt></Dt></Bal>"
        f'<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="USD">{total}</Amt>'
        "<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-11-30</Dt></Dt></Bal>"
        f"{ntry}</Stmt></BkToCstmrStmt></Document>"
    ).encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--credits", type=int, default=5000)
    parser.add_argument("--customers", type=int, default=2000)
    args = parser.parse_args()
    configure_logging("WARNING")
    rng = random.Random(8)
    now = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        upgrade(url)
        svc = Services.from_settings(
            Settings(database_url=url, max_attachment_bytes=200 * 1024 * 1024)
        )
        svc = dataclasses.replace(svc, clock=lambda: now)
        credits = []
        with svc.sessions.begin() as session:
            customers = [
                m.Customer(number=f"C{c:05d}", name=f"Customer {c} Holdings", created_at=now)
                for c in range(args.customers)
            ]
            session.add_all(customers)
            session.flush()
            for n in range(args.credits):
                customer = customers[n % len(customers)]
                amount = Decimal(rng.randrange(1000, 900_000)).scaleb(-2)
                invoice = m.Invoice(
                    number=f"INV-{n:07d}", ref_key=f"{n}", customer_id=customer.id,
                    issue_date=date(2026, 10, 1), due_date=date(2026, 10, 31), amount=amount,
                    balance=amount, currency="USD", status="open", created_at=now,
                    updated_at=now,
                )  # fmt: skip
                session.add(invoice)
                day = date(2026, 11, 1) + timedelta(days=n % 28)
                kind = n % 3
                if kind == 1:  # a remittance already posted expects this credit
                    inbound = m.InboundMessage(
                        message_id=f"<r{n}@bench>", sha256=f"{n:064d}", raw=b"", size=0,
                        source="file", status="applied", received_at=now,
                    )  # fmt: skip
                    session.add(inbound)
                    session.flush()
                    rem = m.Remittance(
                        inbound_id=inbound.id, customer_id=customer.id, source="body",
                        currency="USD", stated_total=amount, lines_total=amount,
                        payment_ref=f"PAY-{n}", payment_date=day, created_at=now,
                    )  # fmt: skip
                    session.add(rem)
                    session.flush()
                    session.add(
                        m.ExpectedPayment(
                            remittance_id=rem.id, customer_id=customer.id, amount=amount,
                            currency="USD", payment_ref=f"PAY-{n}", expected_on=day,
                            status="open", created_at=now,
                        )
                    )  # fmt: skip
                text = {0: f"INV-{n:07d}", 1: f"PAY-{n}", 2: "THANK YOU"}[kind]
                credits.append((amount, text, customer.name, day))
        data = write_statement(credits)
        timings = []
        for _ in range(2):
            started = time.perf_counter()
            with svc.sessions.begin() as session:
                result = import_bank_file(session, data, svc=svc)
            timings.append(time.perf_counter() - started)
            print(
                f"{len(data) / 1e6:.1f} MB, {args.credits} credits: {timings[-1]:.2f} s "
                f"({args.credits / timings[-1]:.0f} credits/s): {result.describe()}"
            )
        svc.engine.dispose()


if __name__ == "__main__":
    main()
