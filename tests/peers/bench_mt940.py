"""The Python `mt-940` parser (PyPI, 5.1.1) timed on one MT940 file: the peer of the MT940
benchmark (`cashline-bench parse`).

Usage: python bench_mt940.py FILE RUNS

Times `mt940.parse` over the file's bytes (read into memory first, as Cashline's benchmark
does) with `time.perf_counter`, and prints one JSON line:
{"peer": "mt-940 5.1.1", "entries": N, "seconds": [...]}.
"""

import json
import logging
import sys
import time

import mt940


def main():
    path, runs = sys.argv[1], int(sys.argv[2])
    # The peer logs every regex it fails to match; logging is not what is measured.
    logging.disable(logging.CRITICAL)
    with open(path, "rb") as handle:
        data = handle.read()
    seconds = []
    count = 0
    for _ in range(runs):
        start = time.perf_counter()
        transactions = mt940.parse(data)
        seconds.append(time.perf_counter() - start)
        count = len(transactions)
        del transactions
    print(json.dumps({"peer": f"mt-940 {mt940.__version__}", "entries": count, "seconds": seconds}))


if __name__ == "__main__":
    main()
