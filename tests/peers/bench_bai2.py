"""The Python `bai2` parser (PyPI, 0.15.0) timed on one BAI2 file: the peer of the BAI2
benchmark (`cashline-bench parse`).

Usage: python bench_bai2.py FILE RUNS

Times `bai2.parse_from_string` over the file's text (read into memory first, as Cashline's
benchmark does; decoding is inside the timing, as Cashline's parser starts from bytes) with
`time.perf_counter`, and prints one JSON line:
{"peer": "bai2 0.15.0", "entries": N, "seconds": [...]}.
"""

import json
import sys
import time
from importlib.metadata import version

from bai2 import bai2


def main():
    path, runs = sys.argv[1], int(sys.argv[2])
    with open(path, "rb") as handle:
        data = handle.read()
    seconds = []
    count = 0
    for _ in range(runs):
        start = time.perf_counter()
        parsed = bai2.parse_from_string(data.decode("latin-1"))
        seconds.append(time.perf_counter() - start)
        count = sum(len(account.children) for group in parsed.children for account in group.children)
        del parsed
    print(json.dumps({"peer": f"bai2 {version('bai2')}", "entries": count, "seconds": seconds}))


if __name__ == "__main__":
    main()
