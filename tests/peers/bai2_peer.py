"""The Python peer `bai2` (PyPI, 0.15.0) reading BAI2 files, printed as JSON.

Usage: python bai2_peer.py FILE...

Prints one JSON object per file and line, in order:
{"file": "…", "accounts": [{"account": "…", "currency": "…", "as_of": "YYYY-MM-DD",
  "summaries": {"010": "…", …}, "transactions": N, "amounts": ["…"]}]}
per account record (03), or {"file": "…", "error": "…"} when the peer cannot read the file.
Amounts are decimal strings in major units with exactly the currency's minor units, computed
with Decimal from the integer minor units BAI2 writes. Summaries keep the first amount of each
type code; transaction amounts are negative when the peer's type code says debit.
"""

import json
import sys
from decimal import Decimal

from bai2 import bai2
from bai2.constants import TypeCodeTransaction

# ISO 4217 currencies whose minor units are not two; the corpus and the generated files use
# none of the others.
MINOR_UNITS = {
    "BHD": 3, "BIF": 0, "CLF": 4, "CLP": 0, "DJF": 0, "GNF": 0, "IQD": 3, "ISK": 0, "JOD": 3,
    "JPY": 0, "KMF": 0, "KRW": 0, "KWD": 3, "LYD": 3, "OMR": 3, "PYG": 0, "RWF": 0, "TND": 3,
    "UGX": 0, "UYI": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0,
}


def major(minor, currency):
    units = MINOR_UNITS.get(currency, 2)
    value = Decimal(minor).scaleb(-units)
    return str(value.quantize(Decimal(1).scaleb(-units)))


def read(path):
    try:
        with open(path, encoding="latin-1") as handle:
            parsed = bai2.parse_from_file(handle)
    except Exception as error:  # the peer raises many kinds; each means "cannot read"
        return {"file": path, "error": f"{type(error).__name__}: {error}"}
    accounts = []
    for group in parsed.children:
        group_currency = group.header.currency or "USD"
        for account in group.children:
            currency = account.header.currency or group_currency
            summaries = {}
            for summary in account.header.summary_items:
                if summary.type_code is None or summary.amount is None:
                    continue
                summaries.setdefault(summary.type_code.code, major(summary.amount, currency))
            amounts = []
            for detail in account.children:
                sign = -1 if detail.type_code.transaction == TypeCodeTransaction.debit else 1
                amounts.append(major(sign * (detail.amount or 0), currency))
            accounts.append(
                {
                    "account": account.header.customer_account_number,
                    "currency": currency,
                    "as_of": str(group.header.as_of_date),
                    "summaries": summaries,
                    "transactions": len(amounts),
                    "amounts": amounts,
                }
            )
    return {"file": path, "accounts": accounts}


if __name__ == "__main__":
    for path in sys.argv[1:]:
        print(json.dumps(read(path)), flush=True)
