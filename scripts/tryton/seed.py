"""Creates and seeds a Tryton 8.2 database for Cashline's ERP tests and demo.

Run with the Python of the Tryton virtual environment (scripts/tryton/ensure), after
`trytond-admin` has created the database with the modules activated:

    python seed.py --database NAME --path DIR --date 2026-11-23

It seeds, in process through proteus (half the time of seeding through the server): a company
in EUR with two bank accounts, customers and suppliers with IBANs, posted customer and
supplier invoices in EUR and USD, one customer invoice partly paid, and SEPA payments of
supplier invoices submitted and approved. Every figure comes from the tables below, so the
tests that read the database back state what they expect from the same tables, in Rust.

Prints one JSON line: the counts and totals per kind and currency of what is left open.
"""

import argparse
import datetime as dt
import json
import os
import sys
from decimal import Decimal


def iban_check(country, bban):
    """The ISO 13616 check digits of COUNTRY + BBAN."""
    rearranged = bban + country + "00"
    digits = "".join(str(int(c, 36)) for c in rearranged)
    return "%02d" % (98 - int(digits) % 97)


def iban(country, bban):
    return country + iban_check(country, bban) + bban


# The company's accounts; the first is the one its SEPA payments are drawn on.
COMPANY = "Cashline Demo GmbH"
COMPANY_ACCOUNTS = [
    ("Commerzbank", "COBADEFFXXX", "DE89370400440532013000"),
    ("BNP Paribas", "BNPAFRPPXXX", "FR1420041010050500013M02606"),
]

# name, kind, country, bban, bic
PARTIES = [
    ("Nordwind Handel GmbH", "customer", "DE", "500105170648489890", "INGDDEFFXXX"),
    ("Atelier Lumiere SARL", "customer", "FR", "30006000011234567890189", "AGRIFRPPXXX"),
    ("Brightwater Inc", "customer", "NL", "ABNA0417164300", "ABNANL2AXXX"),
    ("Stahlwerk Becker AG", "supplier", "DE", "370400440532013001", "COBADEFFXXX"),
    ("Papeterie Martin", "supplier", "FR", "20041010050500001300013", "PSSTFRPPXXX"),
    ("Logistik Nord KG", "supplier", "DE", "100500000024290661", "BELADEBEXXX"),
]

# party, type (out: customer invoice, in: supplier invoice), currency, amount, days before
# the seed date it was issued, reference (the supplier's own number for a supplier invoice)
INVOICES = [
    ("Nordwind Handel GmbH", "out", "EUR", "12500.00", 40, None),
    ("Nordwind Handel GmbH", "out", "EUR", "3480.50", 12, None),
    ("Atelier Lumiere SARL", "out", "EUR", "7200.00", 25, None),
    ("Atelier Lumiere SARL", "out", "EUR", "950.25", 5, None),
    ("Brightwater Inc", "out", "USD", "18400.00", 20, None),
    ("Brightwater Inc", "out", "USD", "2650.00", 3, None),
    ("Stahlwerk Becker AG", "in", "EUR", "22340.00", 28, "SB-2026-1187"),
    ("Stahlwerk Becker AG", "in", "EUR", "4100.00", 9, "SB-2026-1243"),
    ("Papeterie Martin", "in", "EUR", "612.40", 15, "PM-88412"),
    ("Logistik Nord KG", "in", "EUR", "3975.00", 18, "LN/26/0917"),
    ("Logistik Nord KG", "in", "USD", "1280.00", 7, "LN/26/0952"),
]
# The first customer invoice is partly paid: this much came in, the rest is still open.
PARTLY_PAID = ("Nordwind Handel GmbH", "12500.00", "5000.00")
# Supplier invoices whose payment the ERP has approved (by the supplier's reference).
APPROVED_PAYMENTS = ["SB-2026-1187", "PM-88412", "LN/26/0917"]
# Days from invoice to due date.
PAYMENT_TERM_DAYS = 30
# Tryton's rates are against a base: 1 EUR buys this many USD.
USD_PER_EUR = Decimal("1.0850")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", required=True)
    parser.add_argument("--path", required=True)
    parser.add_argument("--date", required=True, help="the seed's today, YYYY-MM-DD")
    args = parser.parse_args()
    today = dt.date.fromisoformat(args.date)

    os.environ["TRYTOND_DATABASE__URI"] = "sqlite://"
    os.environ["TRYTOND_DATABASE__PATH"] = args.path
    from proteus import Model, Wizard, config

    config.set_trytond(database=args.database)
    from trytond.modules.account.tests.tools import (
        create_chart, create_fiscalyear, get_accounts)
    from trytond.modules.company.tests.tools import create_company, get_company

    Currency = Model.get("currency.currency")
    Rate = Model.get("currency.currency.rate")
    Country = Model.get("country.country")
    Party = Model.get("party.party")
    Bank = Model.get("bank")
    BankAccount = Model.get("bank.account")
    Journal = Model.get("account.journal")
    PaymentMethod = Model.get("account.invoice.payment.method")
    PaymentTerm = Model.get("account.invoice.payment_term")
    Invoice = Model.get("account.invoice")
    PaymentJournal = Model.get("account.payment.journal")
    Payment = Model.get("account.payment")

    currencies = {}
    for code, name, symbol in [("EUR", "Euro", "€"), ("USD", "U.S. Dollar", "$")]:
        currency = Currency(name=name, code=code, symbol=symbol, rounding=Decimal("0.01"))
        currency.save()
        currencies[code] = currency
    Rate(date=dt.date(2000, 1, 1), rate=Decimal(1), currency=currencies["EUR"]).save()
    Rate(date=dt.date(2000, 1, 1), rate=USD_PER_EUR, currency=currencies["USD"]).save()
    countries = {}
    for code, name in [("DE", "Germany"), ("FR", "France"), ("NL", "Netherlands")]:
        country = Country(name=name, code=code)
        country.save()
        countries[code] = country

    company_party = Party(name=COMPANY)
    company_party.save()
    create_company(party=company_party, currency=currencies["EUR"])
    company = get_company()
    create_chart(company)
    fiscalyear = create_fiscalyear(company, today=today)
    # Invoice numbers as a customer quotes them in a remittance: INV-2026-0001, and the
    # supplier invoices' own BILL-2026-0001 (their supplier's number is their reference).
    SequenceStrict = Model.get("ir.sequence.strict")
    SequenceType = Model.get("ir.sequence.type")
    invoice_type, = SequenceType.find([("name", "=", "Invoice")], limit=1)
    sequences = {}
    for kind, prefix in [("out", "INV-%d-" % today.year), ("in", "BILL-%d-" % today.year)]:
        sequence = SequenceStrict(
            name="%s %d" % (kind, today.year), sequence_type=invoice_type,
            company=company, prefix=prefix, padding=4)
        sequence.save()
        sequences[kind] = sequence
    numbering, = fiscalyear.invoice_sequences
    numbering.out_invoice_sequence = sequences["out"]
    numbering.out_credit_note_sequence = sequences["out"]
    numbering.in_invoice_sequence = sequences["in"]
    numbering.in_credit_note_sequence = sequences["in"]
    fiscalyear.save()
    fiscalyear.click("create_period")
    accounts = get_accounts(company)

    UserWarning_ = Model.get("res.user.warning")
    from trytond.exceptions import UserWarning as TrytonWarning

    def accepting_warnings(record, button):
        # Tryton warns of an invoice due in the past of the real clock; the seed's dates are
        # its own, so each warning is answered as a person would, once.
        for _ in range(5):
            try:
                return record.click(button)
            except TrytonWarning as warning:
                UserWarning_(user=config.get_config().user, name=warning.name).save()
        raise RuntimeError("%s kept warning" % button)

    banks = {}

    def bank_of(bic):
        if bic not in banks:
            bank_party = Party(name="Bank " + bic)
            bank_party.save()
            bank = Bank(party=bank_party, bic=bic)
            bank.save()
            banks[bic] = bank
        return banks[bic]

    def add_account(owner, bic, number):
        account = BankAccount(bank=bank_of(bic))
        account.owners.append(owner)
        entry = account.numbers.new()
        entry.type = "iban"
        entry.number = number
        account.save()
        return account

    company_accounts = [
        add_account(Party(company.party.id), bic, number) for _, bic, number in COMPANY_ACCOUNTS
    ]
    parties = {}
    for name, _, country, bban, bic in PARTIES:
        party = Party(name=name)
        address = party.addresses[0]
        address.country = countries[country]
        party.save()
        add_account(party, bic, iban(country, bban))
        parties[name] = party

    term = PaymentTerm(name="%d days" % PAYMENT_TERM_DAYS)
    line = term.lines.new(type="remainder")
    delta = line.relativedeltas.new()
    delta.days = PAYMENT_TERM_DAYS
    term.save()

    invoices = []
    # Oldest first: Tryton numbers invoices in date order.
    for party, kind, currency, amount, age, reference in sorted(INVOICES, key=lambda i: -i[4]):
        invoice = Invoice(type=kind)
        invoice.party = parties[party]
        invoice.currency = currencies[currency]
        invoice.payment_term = term
        invoice.invoice_date = today - dt.timedelta(days=age)
        if reference:
            invoice.reference = reference
        item = invoice.lines.new()
        item.quantity = 1
        item.unit_price = Decimal(amount)
        item.account = accounts["revenue" if kind == "out" else "expense"]
        item.description = "Goods" if kind == "out" else "Supplies"
        accepting_warnings(invoice, "post")
        assert invoice.state == "posted", invoice.state
        invoices.append(invoice)

    cash_journal, = Journal.find([("type", "=", "cash")], limit=1)
    method = PaymentMethod(
        name="Bank transfer", journal=cash_journal,
        credit_account=accounts["cash"], debit_account=accounts["cash"])
    method.save()
    party, total, paid = PARTLY_PAID
    partly = next(
        i for i in invoices
        if i.party.name == party and i.total_amount == Decimal(total))
    pay = partly.click("pay")
    pay.form.amount = Decimal(paid)
    pay.form.payment_method = method
    pay.execute("choice")
    pay.form.type = "partial"
    pay.execute("pay")
    partly.reload()
    assert partly.amount_to_pay == Decimal(total) - Decimal(paid), partly.amount_to_pay

    # Where Cashline posts what the bank said settled an item: one statement journal per
    # company account, found by its bank account.
    StatementJournal = Model.get("account.statement.journal")
    statement_moves, = Journal.find([("code", "=", "STA")], limit=1)
    for (bank, _, _), account in zip(COMPANY_ACCOUNTS, company_accounts):
        StatementJournal(
            name=bank, journal=statement_moves, account=accounts["cash"],
            currency=currencies["EUR"], validation="number_of_lines",
            bank_account=account).save()

    payment_journal = PaymentJournal(name="SEPA EUR", currency=currencies["EUR"])
    payment_journal.process_method = "sepa"
    payment_journal.sepa_bank_account_number = company_accounts[0].numbers[0]
    payment_journal.sepa_payable_flavor = "pain.001.001.03"
    payment_journal.sepa_receivable_flavor = "pain.008.001.02"
    payment_journal.save()
    identifier = company.party.identifiers.new()
    identifier.type = "eu_at_02"
    identifier.code = "DE98ZZZ09999999999"
    company.party.save()
    for reference in APPROVED_PAYMENTS:
        invoice = next(i for i in invoices if i.reference == reference)
        line, = invoice.lines_to_pay
        payment = Payment(kind="payable", party=invoice.party, journal=payment_journal)
        payment.line = line
        payment.amount = invoice.amount_to_pay
        payment.date = today
        payment.reference = reference
        payment.save()
        accepting_warnings(payment, "submit")
        accepting_warnings(payment, "approve")
        assert payment.state == "approved", payment.state

    # What is left to pay of each invoice, whatever payments are on their way: an approved
    # payment has not paid anything yet.
    summary = {}
    for invoice in invoices:
        invoice.reload()
        left = invoice.total_amount
        if invoice.id == partly.id:
            left -= Decimal(paid)
        key = "%s %s" % ("receivable" if invoice.type == "out" else "payable",
                         invoice.currency.code)
        count, amount = summary.get(key, (0, Decimal(0)))
        summary[key] = (count + 1, amount + left)
    print(json.dumps({
        "open_items": {k: {"count": c, "amount": str(a)} for k, (c, a) in sorted(summary.items())},
        "approved_payments": len(APPROVED_PAYMENTS),
    }))


if __name__ == "__main__":
    sys.exit(main())
