"""A camt.053 reader on lxml (PyPI, 6.1.3), the fast Python XML parser: the peer the camt
benchmark (`cashline-bench parse`) measures Cashline against.

Usage: python bench_camt_lxml.py FILE RUNS

Reads every entry (Ntry) of the file with `lxml.etree.iterparse`, extracting what Cashline
extracts: the amount as a Decimal (money is never a float) with its currency, the credit/debit
indicator, status, booking and value dates, the bank's references, the end-to-end id, the
counterparty's name and IBAN and the remittance text. Each entry is cleared once read, so
memory stays flat, as a careful Python programmer would write it.

Times each run with `time.perf_counter` around the parse alone (the file is read into memory
first, as Cashline's benchmark does) and prints one JSON line:
{"peer": "lxml 6.1.3 iterparse", "entries": N, "seconds": [...]}.
"""

import io
import json
import re
import sys
import time
from datetime import date
from decimal import Decimal

from lxml import etree


def read(data, ns):
    n = "{%s}" % ns
    paths = {
        "status": f"{n}Sts",
        "status_code": f"{n}Sts/{n}Cd",
        "booked": f"{n}BookgDt/{n}Dt",
        "value": f"{n}ValDt/{n}Dt",
        "bank_ref": f"{n}AcctSvcrRef",
        "entry_ref": f"{n}NtryRef",
        "tx": f"{n}NtryDtls/{n}TxDtls",
        "e2e": f"{n}Refs/{n}EndToEndId",
        "parties": f"{n}RltdPties",
        "remittance": f"{n}RmtInf/{n}Ustrd",
    }
    entries = []
    for _, entry in etree.iterparse(io.BytesIO(data), events=("end",), tag=f"{n}Ntry"):
        amount = entry.find(f"{n}Amt")
        value = Decimal(amount.text)
        if entry.findtext(f"{n}CdtDbtInd") == "DBIT":
            value = -value
        status = entry.findtext(paths["status_code"]) or entry.findtext(paths["status"])
        booked = entry.findtext(paths["booked"])
        valued = entry.findtext(paths["value"])
        record = {
            "amount": value,
            "currency": amount.get("Ccy"),
            "status": status,
            "booking_date": date.fromisoformat(booked) if booked else None,
            "value_date": date.fromisoformat(valued) if valued else None,
            "bank_ref": entry.findtext(paths["bank_ref"]),
            "entry_ref": entry.findtext(paths["entry_ref"]),
        }
        tx = entry.find(paths["tx"])
        if tx is not None:
            record["end_to_end_id"] = tx.findtext(paths["e2e"])
            parties = tx.find(paths["parties"])
            if parties is not None:
                for party in parties:
                    name = party.findtext(f".//{n}Nm")
                    iban = party.findtext(f".//{n}IBAN")
                    if name is not None:
                        record["counterparty_name"] = name
                    if iban is not None:
                        record["counterparty_iban"] = iban
            record["remittance"] = tx.findtext(paths["remittance"])
        entries.append(record)
        # Free the entry and the siblings already read, so memory stays bounded.
        entry.clear()
        while entry.getprevious() is not None:
            del entry.getparent()[0]
    return entries


def main():
    path, runs = sys.argv[1], int(sys.argv[2])
    with open(path, "rb") as handle:
        data = handle.read()
    ns = re.search(rb'xmlns="([^"]+)"', data[:4096]).group(1).decode()
    seconds = []
    count = 0
    for _ in range(runs):
        start = time.perf_counter()
        entries = read(data, ns)
        seconds.append(time.perf_counter() - start)
        count = len(entries)
        del entries
    print(json.dumps({"peer": f"lxml {etree.__version__} iterparse", "entries": count, "seconds": seconds}))


if __name__ == "__main__":
    main()
