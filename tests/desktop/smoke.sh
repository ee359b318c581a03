#!/usr/bin/env bash
# Desktop smoke test: imports the demo camt.053 with the `cashline` CLI, opens the real
# `cashline-desktop` window under Xvfb through tauri-driver + WebKitWebDriver, and checks that the
# positions screen shows the imported closing balance (tests/desktop/smoke.test.mjs).
#
# Needs: Xvfb, WebKitWebDriver (Debian package webkit2gtk-driver) and node >= 20. Builds the
# two binaries with cargo unless given by env (or CASHLINE_SMOKE_BUILD=0), and installs
# tauri-driver with cargo when it is missing.
#
# Env: CASHLINE_DESKTOP_BIN, CASHLINE_BIN (binaries; default target/debug/...),
#      CASHLINE_SMOKE_BUILD=0 (use the binaries as they are),
#      TAURI_DRIVER_PORT (default: the first free port from 4444), WEBKIT_WEBDRIVER.
# Leaves a screenshot in tests/desktop/artifacts/desktop.png.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

DESKTOP_BIN="$(realpath -m "${CASHLINE_DESKTOP_BIN:-target/debug/cashline-desktop}")"
CLI_BIN="$(realpath -m "${CASHLINE_BIN:-target/debug/cashline}")"
FIXTURE="$ROOT/tests/fixtures/camt053/demo-single.xml"
NATIVE_DRIVER="${WEBKIT_WEBDRIVER:-/usr/bin/WebKitWebDriver}"

fail() {
  echo "desktop smoke: $*" >&2
  exit 1
}

# A default binary is built first (a no-op when up to date), so the test never runs a window
# that embeds an older ui/dist; a binary given by env is used as it is.
if [[ "${CASHLINE_SMOKE_BUILD:-1}" != 0 ]]; then
  packages=()
  [[ -n "${CASHLINE_DESKTOP_BIN:-}" ]] || packages+=(-p cashline-desktop)
  [[ -n "${CASHLINE_BIN:-}" ]] || packages+=(-p cashline)
  if [[ ${#packages[@]} -gt 0 ]]; then
    cargo build --quiet "${packages[@]}"
  fi
fi
for bin in "$DESKTOP_BIN" "$CLI_BIN"; do
  [[ -x "$bin" ]] || fail "$bin is missing: run \`cargo build -p cashline -p cashline-desktop\` first"
done
[[ -f "$FIXTURE" ]] || fail "the fixture $FIXTURE is missing"
[[ -x "$NATIVE_DRIVER" ]] || fail "$NATIVE_DRIVER is missing: apt-get install -y webkit2gtk-driver"
command -v Xvfb >/dev/null || fail "Xvfb is missing: apt-get install -y xvfb"
command -v node >/dev/null || fail "node is missing"

# tauri-driver: the WebDriver front that launches the app; installed once into cargo's bin folder.
CARGO_BIN_DIR="${CARGO_HOME:-$HOME/.cargo}/bin"
export PATH="$CARGO_BIN_DIR:$PATH"
if ! command -v tauri-driver >/dev/null; then
  echo "desktop smoke: installing tauri-driver" >&2
  cargo install tauri-driver --locked
fi

TMP="$(mktemp -d -t cashline-desktop-smoke.XXXXXX)"
PIDS=()
cleanup() {
  local status=$?
  # Each helper runs in its own process group (setsid): killing the group also ends the
  # WebKitWebDriver and app processes that tauri-driver started.
  for pid in "${PIDS[@]}"; do
    kill -TERM -- "-$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 50); do
      kill -0 -- "-$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL -- "-$pid" 2>/dev/null || true
  done
  if [[ $status -ne 0 ]]; then
    for log in "$TMP"/*.log; do
      [[ -s "$log" ]] || continue
      echo "----- $(basename "$log") (last lines)" >&2
      tail -n 40 "$log" >&2
    done
  fi
  rm -rf "$TMP"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port_free() {
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}
free_port() {
  local port=$1
  while ! port_free "$port"; do
    port=$((port + 1))
    [[ $port -lt $(($1 + 200)) ]] || fail "no free port from $1"
  done
  echo "$port"
}

# 1. The ledger, through the real CLI. Its key goes to a keystore file of the test's own,
# chosen explicitly (CLI.md); the window, started by tauri-driver from this environment,
# reads it there.
export CASHLINE_KEYSTORE="file:$TMP/keystore.json"
DB="$TMP/ledger.sqlite"
"$CLI_BIN" --db "$DB" import "$FIXTURE" --json >"$TMP/import.json" 2>"$TMP/import.log" ||
  fail "cashline import failed: $(cat "$TMP/import.json" "$TMP/import.log")"
echo "desktop smoke: imported $(basename "$FIXTURE")" >&2

# 2. A display of our own: Xvfb picks a free number and writes it to fd 3.
setsid Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$TMP/display" >"$TMP/xvfb.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do
  [[ -s "$TMP/display" ]] && break
  sleep 0.1
done
[[ -s "$TMP/display" ]] || fail "Xvfb did not start"
export DISPLAY=":$(head -n1 "$TMP/display")"
unset WAYLAND_DISPLAY

# Keep WebKit's and the app's own files out of the user's folders.
export XDG_DATA_HOME="$TMP/xdg/data" XDG_CONFIG_HOME="$TMP/xdg/config" XDG_CACHE_HOME="$TMP/xdg/cache"
export CASHLINE_LOG="${CASHLINE_LOG:-info}"

# 3. tauri-driver in front of WebKitWebDriver.
PORT="${TAURI_DRIVER_PORT:-$(free_port 4444)}"
NATIVE_PORT="$(free_port $((PORT + 1)))"
setsid tauri-driver --port "$PORT" --native-port "$NATIVE_PORT" --native-driver "$NATIVE_DRIVER" \
  >"$TMP/tauri-driver.log" 2>&1 &
PIDS+=($!)

# 4. The test itself; it waits for the driver to answer.
mkdir -p "$ROOT/tests/desktop/artifacts"
rm -f "$ROOT/tests/desktop/artifacts/desktop.png" "$ROOT/tests/desktop/artifacts/desktop-failure.png"
CASHLINE_DESKTOP_BIN="$DESKTOP_BIN" \
  CASHLINE_TEST_DB="$DB" \
  CASHLINE_FIXTURE="$FIXTURE" \
  WEBDRIVER_URL="http://127.0.0.1:$PORT" \
  SCREENSHOT="$ROOT/tests/desktop/artifacts/desktop.png" \
  node --test-reporter=spec "$ROOT/tests/desktop/smoke.test.mjs"
