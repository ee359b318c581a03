"""The Python peer `mt-940` (PyPI, 5.1.1) reading MT940/MT942 files, printed as JSON.

Usage: python mt940_peer.py FILE...

Prints one JSON object per file and line, in order:
{"file": "…", "statements": [{"opening": "…", "closing": "…", "entries": N, "amounts": ["…"]}]}
per statement block (the peer's `parse_statements`, which splits on `:20:`), or
{"file": "…", "error": "…"} when the peer cannot read the file. Amounts are signed decimal
strings as the peer computes them (with its defaults: an RC entry counts as money in);
balances are those of `:60F:`/`:60M:` and `:62F:`/`:62M:`, or null.
"""

import json
import logging
import sys

import mt940


def balance(data, *keys):
    for key in keys:
        value = data.get(key)
        if value is not None:
            return str(value.amount.amount)
    return None


def read(path):
    try:
        blocks = mt940.parse_statements(path)
    except Exception as error:  # the peer raises many kinds; each means "cannot read"
        return {"file": path, "error": f"{type(error).__name__}: {error}"}
    statements = []
    for block in blocks:
        data = block.data
        amounts = [str(t.data["amount"].amount) for t in block if "amount" in t.data]
        statements.append(
            {
                "opening": balance(data, "final_opening_balance", "intermediate_opening_balance"),
                "closing": balance(data, "final_closing_balance", "intermediate_closing_balance"),
                "entries": len(amounts),
                "amounts": amounts,
            }
        )
    return {"file": path, "statements": statements}


if __name__ == "__main__":
    # The peer logs every regex it fails to match; only its answers matter here.
    logging.disable(logging.CRITICAL)
    for path in sys.argv[1:]:
        print(json.dumps(read(path)), flush=True)
