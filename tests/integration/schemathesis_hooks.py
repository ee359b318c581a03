"""Schemathesis hooks for tests/integration/schemathesis.rs.

Two operations take a folder on the server's machine from the browser: the watched inbox
(PUT /api/settings) and the daily backup (PUT /api/db/auto-backup). The server then reads,
moves and writes files there on its own schedule. Fuzzed, such a folder could be any folder of
the machine running the test (`/`, `/tmp`, the repository), so every absolute folder the
fuzzer sends is replaced by one inside the test's own workspace (CASHLINE_FUZZ_FOLDER), just
before the request goes out. Relative and blank folders go as generated: the server refuses
the first and turns the setting off for the second, touching no file either way.
"""

import os

import schemathesis

CONFINED = os.environ["CASHLINE_FUZZ_FOLDER"]
FOLDER_FIELDS = {
    ("PUT", "/api/settings"): "inbox_folder",
    ("PUT", "/api/db/auto-backup"): "folder",
}


@schemathesis.hook
def before_call(context, case, **kwargs):
    field = FOLDER_FIELDS.get((case.operation.method.upper(), case.path))
    if field is None or not isinstance(case.body, dict):
        return
    value = case.body.get(field)
    if isinstance(value, str) and value.strip() and not is_relative(value.strip()):
        case.body[field] = CONFINED


def is_relative(folder):
    return not os.path.isabs(folder)
