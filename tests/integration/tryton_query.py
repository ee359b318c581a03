"""What the ERP tests ask a running Tryton directly, over its JSON-RPC, independently of
Cashline's adapter: the state of records, and a payment made in Tryton itself.

    python tryton_query.py URL DATABASE states
        prints {"invoices": {number: state}, "payments": {id: state}, "statements":
        {name: state}, "notes": [message, …]}
    python tryton_query.py URL DATABASE pay INVOICE_NUMBER DATE
        posts a bank statement of DATE (YYYY-MM-DD) in Tryton paying that customer invoice in
        full, as a bookkeeper would.
"""

import base64
import datetime as dt
import json
import sys
import urllib.request


def main():
    url, database, command = sys.argv[1:4]
    endpoint = "%s/%s/rpc/" % (url.rstrip("/"), database)

    def call(method, params, auth=None):
        request = urllib.request.Request(
            endpoint, data=json.dumps({"method": method, "params": params, "id": 1}).encode(),
            headers={"Content-Type": "application/json"})
        if auth:
            request.add_header("Authorization", auth)
        with urllib.request.urlopen(request) as answer:
            out = json.loads(answer.read())
        if out.get("error"):
            raise SystemExit("%s: %s" % (method, out["error"]))
        return out["result"]

    user_id, session, _ = call("common.db.login", ["admin", {"password": "admin"}, "en"])
    auth = "Session " + base64.b64encode(
        ("admin:%s:%s" % (user_id, session)).encode()).decode()
    context = call("model.res.user.get_preferences", [True, {}], auth)

    def model(name, method, *args):
        return call("model.%s.%s" % (name, method), list(args) + [context], auth)

    if command == "states":
        invoices = model("account.invoice", "search_read", [], 0, None, None, ["number", "state"])
        payments = model("account.payment", "search_read", [], 0, None, None, ["id", "state"])
        statements = model("account.statement", "search_read", [], 0, None, None,
                           ["name", "state"])
        notes = model("ir.note", "search_read", [], 0, None, None, ["resource", "message"])
        print(json.dumps({
            "invoices": {i["number"]: i["state"] for i in invoices if i["number"]},
            "payments": {str(p["id"]): p["state"] for p in payments},
            "statements": {s["name"]: s["state"] for s in statements},
            "notes": [n["message"] for n in notes],
        }))
    elif command == "pay":
        number = sys.argv[4]
        invoice, = model("account.invoice", "search_read", [["number", "=", number]], 0, 1, None,
                         ["id", "party", "account", "amount_to_pay", "currency"])
        journal, = model("account.statement.journal", "search_read", [], 0, 1, [["id", "ASC"]],
                         ["id"])
        today = dt.date.fromisoformat(sys.argv[5])
        day = {"__class__": "date", "year": today.year, "month": today.month, "day": today.day}
        statement, = model("account.statement", "create", [{
            "name": "Paid in Tryton: %s" % number, "journal": journal["id"], "date": day,
            "number_of_lines": 1,
            "lines": [["create", [{
                "number": "1", "date": day, "amount": invoice["amount_to_pay"],
                "party": invoice["party"], "account": invoice["account"],
                "related_to": "account.invoice,%d" % invoice["id"],
                "description": "Paid by cheque"}]]]}])
        model("account.statement", "validate_statement", [statement])
        model("account.statement", "post", [statement])
        print(json.dumps({"statement": statement}))
    else:
        raise SystemExit("unknown command " + command)


if __name__ == "__main__":
    main()
