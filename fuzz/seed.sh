#!/usr/bin/env bash
# Writes the fuzzers' seed files (fuzz/seeds/<target>/) with the project's own writers, through
# `cashline-bench fuzz-seeds`: valid camt.053, MT940, BAI2, OFX, CSV and rate files that reach
# deep into each parser. Generated on every run, never committed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
cargo run --quiet -p cashline-bench -- fuzz-seeds --dir fuzz/seeds

# The request decoding (fuzz_targets/request.rs) starts from what the HTTP routes are sent: JSON
# bodies and query strings, valid and not.
requests=fuzz/seeds/request
mkdir -p "$requests"
seeds=(
  '{"as_of":"2026-11-20","entity":"DE01","reporting_currency":"EUR"}'
  'as_of=2026-11-20&entity=DE01&reporting_currency='
  'from=2026-11-01&to=2026-11-20&account=DE89370400440532013000&limit=50'
  '{"code":"DE01","name":"Contoso GmbH","country":"DE","reporting_currency":null}'
  '{"base":"EUR","quote":"USD","date":"2026-11-20","rate":"1.0842"}'
  '{"ids":["PAY-1","PAY-2"],"owner":"  anna "}'
  '{"ids":["1"],"state":"resolved","resolution":"booked by hand"}'
  'state=approved&run=1&overdue=true&needs_action=false&creditor=fabrikam&limit=10'
  '{"entries":["REF-1"],"items":["INV-1"],"payments":[],"difference_kind":"fee"}'
  '{"name":"amount_exact","position":2}'
  '{"folder":"/srv/backups","keep":30}'
  '{"name":"bank","psd2_url":"https://bank.example/xs2a","frequency_per_day":4,"valid_days":90}'
  '{"name":"erp","tryton_url":"http://127.0.0.1:8000","database":"db","user":"u","password":"p","cadence_minutes":60}'
  'days=10&entity=&chart=forecast&as_of=2026-13-45'
  '{"dry_run":true}'
  'kind=unmatched_entry&state=open&age=over-30'
)
for index in "${!seeds[@]}"; do
  printf '%s' "${seeds[$index]}" >"$requests/seed-$index"
done
