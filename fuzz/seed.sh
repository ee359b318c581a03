#!/usr/bin/env bash
# Writes the fuzzers' seed files (fuzz/seeds/<target>/) with the project's own writers, through
# `cashline-bench fuzz-seeds`: valid camt.053, MT940, BAI2, OFX, CSV and rate files that reach
# deep into each parser. Generated on every run, never committed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
cargo run --quiet -p cashline-bench -- fuzz-seeds --dir fuzz/seeds
