#!/usr/bin/env bash
# Runs the browser end-to-end tests from any working directory: installs the npm packages of
# ui/ and tests/e2e/ when their lock files changed, builds the web UI, then `node --test`.
# Needs: node >= 20, /usr/bin/chromium (or CHROMIUM_BIN), and the cashline binary
# (CASHLINE_BIN, else target/debug/cashline of this checkout).
set -euo pipefail

e2e_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$e2e_dir/../.." && pwd)"

# `npm ci` only when node_modules is missing or was installed from another package-lock.json;
# the lock's hash is remembered inside node_modules so a later run skips the install.
ensure_npm_deps() {
  local dir="$1" stamp lock_hash
  stamp="$dir/node_modules/.cashline-lock-sha256"
  lock_hash="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)"
  if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$lock_hash" ]]; then
    echo "run.sh: installing npm packages in ${dir#"$repo_root"/}" >&2
    npm --prefix "$dir" ci --no-audit --no-fund --prefer-offline >&2
    echo "$lock_hash" > "$stamp"
  fi
}

ensure_npm_deps "$repo_root/ui"
ensure_npm_deps "$e2e_dir"

# The server serves ui/dist; build it so the test sees the UI of this checkout.
if [[ "${CASHLINE_E2E_SKIP_UI_BUILD:-0}" != "1" ]]; then
  npm --prefix "$repo_root/ui" run build >&2
fi

chromium_bin="${CHROMIUM_BIN:-/usr/bin/chromium}"
if [[ ! -x "$chromium_bin" ]]; then
  echo "run.sh: no Chromium at $chromium_bin (apt-get install -y chromium, or set CHROMIUM_BIN)" >&2
  exit 1
fi

export CASHLINE_BIN="$(realpath -m "${CASHLINE_BIN:-$repo_root/target/debug/cashline}")"
mkdir -p "$e2e_dir/artifacts"
cd "$e2e_dir"
exec node --test --test-reporter=spec ./*.test.mjs
