//! The ERP port over Tryton's models:
//! - open items are the receivable and payable `account.move.line`s of posted moves that are
//!   not reconciled and not an invoice's payment line; what is left of one is its amount less
//!   the payment lines its invoice already holds (partial payments), taken in due order;
//! - approved payments are `account.payment`s of kind `payable` in state `approved`; the
//!   creditor's IBAN is the one the payment names, else the party's (`bank.account`), as an
//!   approved payment carries none until processed;
//! - a payment's end is the payment processed (Tryton's own wizard) and marked succeeded or
//!   failed, with the bank's reason as a note on it;
//! - a settled bank line is an `account.statement` on the journal of the company's account,
//!   one line per item related to its invoice, validated and posted, so Tryton reconciles
//!   the move lines it settles. It is named by Cashline's reference and found by it again.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{NaiveDate, NaiveDateTime};
use rust_decimal::Decimal;
use serde_json::{json, Value};

use cashline_domain::{Currency, Money};
use cashline_engine::erp::{
    Changes, ErpItem, ErpPayment, ErpPort, ErpPortError, PaymentEnd, SettledLine,
};
use cashline_erp::open_items::ItemKind;

use crate::rpc::{Login, Rpc};
use crate::value::{self, related, text};

/// Records asked for in one call, unless `PAGE_SIZE_VARIABLE` says otherwise.
const PAGE: usize = 500;
/// Sets the records asked for in one call (1 to 10,000): for a server that answers large
/// pages slowly, and for tests that page through a small database.
pub const PAGE_SIZE_VARIABLE: &str = "CASHLINE_TRYTON_PAGE_SIZE";
/// Write dates are asked for from this long before the last one seen: a record written by a
/// transaction that committed after the last read began is read again, never missed.
/// Reading one twice changes nothing.
const CURSOR_MARGIN_SECONDS: i64 = 300;

const LINE: &str = "account.move.line";
const INVOICE: &str = "account.invoice";
const PAYMENT: &str = "account.payment";

pub struct TrytonClient {
    rpc: Rpc,
    page: usize,
}

impl TrytonClient {
    pub fn new(login: Login) -> Result<TrytonClient, ErpPortError> {
        let page = std::env::var(PAGE_SIZE_VARIABLE)
            .ok()
            .and_then(|v| v.trim().parse::<usize>().ok())
            .filter(|n| (1..=10_000).contains(n))
            .unwrap_or(PAGE);
        Ok(TrytonClient {
            rpc: Rpc::new(login)?,
            page,
        })
    }

    /// Logs in and reads the user's company: what `erp add` checks before it stores anything.
    pub async fn company(&self) -> Result<String, ErpPortError> {
        let companies = self
            .rpc
            .call(
                "model.company.company.search_read",
                vec![
                    json!([]),
                    json!(0),
                    json!(1),
                    Value::Null,
                    json!(["rec_name"]),
                ],
            )
            .await?;
        companies
            .get(0)
            .and_then(|c| c.get("rec_name"))
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| {
                ErpPortError::Data(format!(
                    "database '{}' holds no company",
                    self.rpc.database()
                ))
            })
    }

    async fn search(&self, model: &str, domain: &Value) -> Result<Vec<i64>, ErpPortError> {
        let mut ids = Vec::new();
        loop {
            let page = self
                .rpc
                .call(
                    &format!("model.{model}.search"),
                    vec![
                        domain.clone(),
                        json!(ids.len()),
                        json!(self.page),
                        json!([["id", "ASC"]]),
                    ],
                )
                .await?;
            let page: Vec<i64> = page
                .as_array()
                .ok_or_else(|| ErpPortError::Data(format!("{model}: a search gave no list")))?
                .iter()
                .filter_map(Value::as_i64)
                .collect();
            let full = page.len() == self.page;
            ids.extend(page);
            if !full {
                return Ok(ids);
            }
        }
    }

    async fn read(
        &self,
        model: &str,
        ids: &[i64],
        fields: &[&str],
    ) -> Result<Vec<Value>, ErpPortError> {
        let mut records = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(self.page) {
            let page = self
                .rpc
                .call(
                    &format!("model.{model}.read"),
                    vec![json!(chunk), json!(fields)],
                )
                .await?;
            match page {
                Value::Array(page) => records.extend(page),
                _ => return Err(ErpPortError::Data(format!("{model}: a read gave no list"))),
            }
        }
        Ok(records)
    }

    async fn search_read(
        &self,
        model: &str,
        domain: &Value,
        fields: &[&str],
    ) -> Result<Vec<Value>, ErpPortError> {
        let ids = self.search(model, domain).await?;
        self.read(model, &ids, fields).await
    }

    /// Each party's IBAN (the first it has), and the BIC of its bank.
    async fn ibans(
        &self,
        parties: &BTreeSet<i64>,
    ) -> Result<HashMap<i64, (String, Option<String>)>, ErpPortError> {
        if parties.is_empty() {
            return Ok(HashMap::new());
        }
        let parties: Vec<i64> = parties.iter().copied().collect();
        let numbers = self
            .search_read(
                "bank.account.number",
                &json!([["type", "=", "iban"], ["account.owners", "in", parties]]),
                &["number_compact", "account.owners", "account.bank.bic"],
            )
            .await?;
        let mut out = HashMap::new();
        for number in &numbers {
            let Some(iban) = text(number, "number_compact") else {
                continue;
            };
            let bic = text(number, "account.bank.bic");
            let owners = related(number, "account.owners")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            for owner in owners.iter().filter_map(Value::as_i64) {
                out.entry(owner)
                    .or_insert_with(|| (iban.clone(), bic.clone()));
            }
        }
        Ok(out)
    }

    async fn payment_state(&self, erp_id: i64) -> Result<String, ErpPortError> {
        let records = self.read(PAYMENT, &[erp_id], &["state"]).await?;
        text(records.first().unwrap_or(&Value::Null), "state")
            .ok_or_else(|| ErpPortError::Answer(format!("there is no payment {erp_id}")))
    }

    /// Runs Tryton's own processing of an approved payment (`account.payment.process`), as
    /// its user would: Cashline has sent it.
    async fn process(&self, erp_id: i64) -> Result<(), ErpPortError> {
        let created = self
            .rpc
            .call("wizard.account.payment.process.create", vec![])
            .await?;
        let session = created
            .get(0)
            .and_then(Value::as_i64)
            .ok_or_else(|| ErpPortError::Data("the payment wizard gave no session".into()))?;
        let start = created
            .get(1)
            .and_then(Value::as_str)
            .unwrap_or("process")
            .to_string();
        let active = json!({"active_model": PAYMENT, "active_id": erp_id, "active_ids": [erp_id]});
        let run = self
            .rpc
            .call_with_context(
                "wizard.account.payment.process.execute",
                vec![json!(session), json!({}), json!(start)],
                &active,
            )
            .await;
        let _ = self
            .rpc
            .call_with_context(
                "wizard.account.payment.process.delete",
                vec![json!(session)],
                &active,
            )
            .await;
        run.map(|_| ())
    }

    async fn note(&self, erp_id: i64, message: &str) -> Result<(), ErpPortError> {
        let resource = format!("{PAYMENT},{erp_id}");
        let existing = self
            .search(
                "ir.note",
                &json!([["resource", "=", resource], ["message", "=", message]]),
            )
            .await?;
        if existing.is_empty() {
            self.rpc
                .call(
                    "model.ir.note.create",
                    vec![json!([{"resource": resource, "message": message}])],
                )
                .await?;
        }
        Ok(())
    }
}

/// What a read found; with nothing written since, the cursor stays where it was.
fn changes<T>(
    changed: Vec<T>,
    open_ids: Vec<i64>,
    written_until: Option<NaiveDateTime>,
    since: Option<&str>,
) -> Changes<T> {
    Changes {
        changed,
        open_ids,
        written_until: written_until
            .map(value::datetime_text)
            .or_else(|| since.map(str::to_string)),
    }
}

/// `["OR", write_date > t, create_date > t]`, from a little before `since`.
fn since_clause(since: Option<&str>) -> Result<Option<Value>, ErpPortError> {
    let Some(since) = since else { return Ok(None) };
    let at = value::parse_datetime_text(since)
        .ok_or_else(|| ErpPortError::Data(format!("'{since}' is not a write date of Tryton's")))?;
    let from = value::datetime_value(at - chrono::Duration::seconds(CURSOR_MARGIN_SECONDS));
    Ok(Some(json!([
        "OR",
        ["write_date", ">", from],
        ["create_date", ">", from]
    ])))
}

/// The later of a record's write and create dates, as sortable text.
fn written_at(record: &Value) -> Option<NaiveDateTime> {
    let write = record.get("write_date").and_then(value::datetime);
    let create = record.get("create_date").and_then(value::datetime);
    write.max(create)
}

fn with_clause(domain: &Value, clause: Option<Value>) -> Value {
    let mut all = domain.as_array().cloned().unwrap_or_default();
    all.extend(clause);
    Value::Array(all)
}

fn currency_of(code: Option<String>, what: &str) -> Result<Currency, ErpPortError> {
    let code = code.ok_or_else(|| ErpPortError::Data(format!("{what} has no currency")))?;
    Currency::from_code(&code)
        .map_err(|e| ErpPortError::Data(format!("{what}: currency '{code}': {e}")))
}

fn money(amount: Decimal, currency: Currency, what: &str) -> Result<Money, ErpPortError> {
    Money::new(amount, currency).map_err(|e| ErpPortError::Data(format!("{what}: {e}")))
}

/// A line's amount in its own currency, signed as the books have it (a receivable positive).
fn line_amount(line: &Value) -> Decimal {
    let foreign = related(line, "second_currency").is_some()
        || related(line, "second_currency.code").is_some();
    match foreign {
        true => line
            .get("amount_second_currency")
            .and_then(value::decimal)
            .unwrap_or_default(),
        false => {
            let debit = line
                .get("debit")
                .and_then(value::decimal)
                .unwrap_or_default();
            let credit = line
                .get("credit")
                .and_then(value::decimal)
                .unwrap_or_default();
            debit - credit
        }
    }
}

const LINE_FIELDS: &[&str] = &[
    "id",
    "write_date",
    "create_date",
    "debit",
    "credit",
    "amount_second_currency",
    "second_currency.code",
    "maturity_date",
    "party",
    "party.name",
    "move_origin",
    "move.number",
    "description",
    "account",
    "company.currency.code",
];

impl ErpPort for TrytonClient {
    async fn open_items(&self, since: Option<&str>) -> Result<Changes<ErpItem>, ErpPortError> {
        let open = json!([
            ["reconciliation", "=", null],
            ["move_state", "=", "posted"],
            ["invoice_payment", "=", null],
            [
                "OR",
                ["account.type.receivable", "=", true],
                ["account.type.payable", "=", true]
            ]
        ]);
        let open_ids = self.search(LINE, &open).await?;
        let clause = since_clause(since)?;
        let changed_ids: Vec<i64> = match &clause {
            None => open_ids.clone(),
            Some(clause) => {
                let open_set: BTreeSet<i64> = open_ids.iter().copied().collect();
                let mut ids: BTreeSet<i64> = self
                    .search(LINE, &with_clause(&open, Some(clause.clone())))
                    .await?
                    .into_iter()
                    .collect();
                // A partial payment is written on the invoice, not on the line it pays.
                let invoices = self
                    .search_read(INVOICE, &json!([clause]), &["lines_to_pay"])
                    .await?;
                for invoice in &invoices {
                    let lines = invoice.get("lines_to_pay").and_then(Value::as_array);
                    ids.extend(
                        lines
                            .into_iter()
                            .flatten()
                            .filter_map(Value::as_i64)
                            .filter(|id| open_set.contains(id)),
                    );
                }
                ids.into_iter().collect()
            }
        };
        let lines = self.read(LINE, &changed_ids, LINE_FIELDS).await?;

        let invoice_ids: BTreeSet<i64> = lines
            .iter()
            .filter_map(|l| value::reference(l.get("move_origin")))
            .filter(|(model, _)| *model == INVOICE)
            .map(|(_, id)| id)
            .collect();
        let invoice_ids: Vec<i64> = invoice_ids.into_iter().collect();
        let invoices = self
            .read(
                INVOICE,
                &invoice_ids,
                &[
                    "id",
                    "number",
                    "reference",
                    "type",
                    "lines_to_pay",
                    "payment_lines",
                    "write_date",
                    "create_date",
                ],
            )
            .await?;
        let invoices: HashMap<i64, &Value> = invoices
            .iter()
            .filter_map(|i| Some((i.get("id")?.as_i64()?, i)))
            .collect();
        let payment_line_ids: Vec<i64> = invoices
            .values()
            .flat_map(|i| {
                i.get("payment_lines")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default()
            })
            .filter_map(|v| v.as_i64())
            .collect();
        let paid_lines = self
            .read(
                LINE,
                &payment_line_ids,
                &[
                    "id",
                    "debit",
                    "credit",
                    "amount_second_currency",
                    "second_currency",
                ],
            )
            .await?;
        let paid_by_line: HashMap<i64, Decimal> = paid_lines
            .iter()
            .filter_map(|l| Some((l.get("id")?.as_i64()?, line_amount(l).abs())))
            .collect();
        // An invoice's partial payments are shared out over all its lines to pay, changed or
        // not: the unchanged ones are read too, for their amounts and due dates.
        let read_ids: BTreeSet<i64> = changed_ids.iter().copied().collect();
        let siblings: Vec<i64> = invoices
            .values()
            .flat_map(|i| {
                i.get("lines_to_pay")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default()
            })
            .filter_map(|v| v.as_i64())
            .filter(|id| !read_ids.contains(id))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let sibling_lines = self.read(LINE, &siblings, LINE_FIELDS).await?;
        let lines_by_id: HashMap<i64, &Value> = lines
            .iter()
            .chain(sibling_lines.iter())
            .filter_map(|l| Some((l.get("id")?.as_i64()?, l)))
            .collect();
        // What an invoice's partial payments leave of each of its lines, earliest due first.
        let mut left: HashMap<i64, Decimal> = HashMap::new();
        for invoice in invoices.values() {
            let mut paid: Decimal = invoice
                .get("payment_lines")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_i64)
                .filter_map(|id| paid_by_line.get(&id))
                .sum();
            let mut due: Vec<(Option<NaiveDate>, i64, Decimal)> = invoice
                .get("lines_to_pay")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_i64)
                .filter_map(|id| {
                    let line = lines_by_id.get(&id)?;
                    let maturity = line.get("maturity_date").and_then(value::date);
                    Some((maturity, id, line_amount(line).abs()))
                })
                .collect();
            due.sort();
            for (_, id, amount) in due {
                let taken = paid.min(amount);
                paid -= taken;
                left.insert(id, amount - taken);
            }
        }

        let parties: BTreeSet<i64> = lines.iter().filter_map(|l| value::id(l, "party")).collect();
        let ibans = self.ibans(&parties).await?;
        let mut changed = Vec::with_capacity(lines.len());
        let mut written_until: Option<NaiveDateTime> = None;
        let mut settled_in_full = BTreeSet::new();
        for line in &lines {
            let Some(erp_id) = line.get("id").and_then(Value::as_i64) else {
                continue;
            };
            let what = format!("move line {erp_id}");
            let code =
                text(line, "second_currency.code").or_else(|| text(line, "company.currency.code"));
            let currency = currency_of(code, &what)?;
            let signed = line_amount(line);
            let amount = left.get(&erp_id).copied().unwrap_or(signed.abs());
            let invoice = value::reference(line.get("move_origin"))
                .filter(|(model, _)| *model == INVOICE)
                .and_then(|(_, id)| invoices.get(&id).copied());
            let mut written = written_at(line);
            if let Some(invoice) = invoice {
                written = written.max(written_at(invoice));
            }
            written_until = written_until.max(written);
            if amount <= Decimal::ZERO {
                settled_in_full.insert(erp_id);
                continue;
            }
            let number = invoice
                .and_then(|i| text(i, "number"))
                .or_else(|| text(line, "move.number"));
            let reference = match invoice {
                Some(i) if text(i, "type").as_deref() == Some("in") => {
                    text(i, "reference").or_else(|| number.clone())
                }
                Some(_) => number.clone(),
                None => text(line, "description").or_else(|| number.clone()),
            };
            let party = value::id(line, "party");
            let iban = party
                .and_then(|p| ibans.get(&p))
                .map(|(iban, _)| iban.clone());
            changed.push(ErpItem {
                erp_id,
                kind: if signed >= Decimal::ZERO {
                    ItemKind::Receivable
                } else {
                    ItemKind::Payable
                },
                document_number: number,
                reference,
                counterparty: text(line, "party.name"),
                counterparty_iban: iban,
                amount: money(amount, currency, &what)?,
                due_date: line.get("maturity_date").and_then(value::date),
                written_at: written.map(value::datetime_text).unwrap_or_default(),
                writeback: json!({
                    "line": erp_id,
                    "invoice": invoice.and_then(|i| i.get("id")).and_then(Value::as_i64),
                    "party": party,
                    "account": value::id(line, "account"),
                }),
            });
        }
        let open_ids = open_ids
            .into_iter()
            .filter(|id| !settled_in_full.contains(id))
            .collect();
        Ok(changes(changed, open_ids, written_until, since))
    }

    async fn approved_payments(
        &self,
        since: Option<&str>,
    ) -> Result<Changes<ErpPayment>, ErpPortError> {
        let approved = json!([["kind", "=", "payable"], ["state", "=", "approved"]]);
        let open_ids = self.search(PAYMENT, &approved).await?;
        let clause = since_clause(since)?;
        let ids = match clause {
            None => open_ids.clone(),
            Some(clause) => {
                self.search(PAYMENT, &with_clause(&approved, Some(clause)))
                    .await?
            }
        };
        let records = self
            .read(
                PAYMENT,
                &ids,
                &[
                    "id",
                    "number",
                    "party",
                    "party.name",
                    "amount",
                    "currency.code",
                    "date",
                    "reference",
                    "sepa_end_to_end_id",
                    "journal.sepa_bank_account_number.number_compact",
                    "sepa_payable_bank_account_number.number_compact",
                    "sepa_payable_bank_account_number.account.bank.bic",
                    "line.move_origin",
                    "write_date",
                    "create_date",
                ],
            )
            .await?;
        let parties: BTreeSet<i64> = records
            .iter()
            .filter_map(|r| value::id(r, "party"))
            .collect();
        let ibans = self.ibans(&parties).await?;
        let invoice_ids: Vec<i64> = records
            .iter()
            .filter_map(|r| value::reference(related(r, "line.move_origin")))
            .filter(|(model, _)| *model == INVOICE)
            .map(|(_, id)| id)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let invoices: BTreeMap<i64, Option<String>> = self
            .read(INVOICE, &invoice_ids, &["id", "reference", "number"])
            .await?
            .iter()
            .filter_map(|i| {
                let id = i.get("id")?.as_i64()?;
                Some((id, text(i, "reference").or_else(|| text(i, "number"))))
            })
            .collect();
        let mut changed = Vec::with_capacity(records.len());
        let mut written_until: Option<NaiveDateTime> = None;
        for record in &records {
            let Some(erp_id) = record.get("id").and_then(Value::as_i64) else {
                continue;
            };
            let what = format!("payment {erp_id}");
            let currency = currency_of(text(record, "currency.code"), &what)?;
            let amount = record
                .get("amount")
                .and_then(value::decimal)
                .ok_or_else(|| ErpPortError::Data(format!("{what} has no amount")))?;
            let requested_date = record
                .get("date")
                .and_then(value::date)
                .ok_or_else(|| ErpPortError::Data(format!("{what} has no date")))?;
            let party = value::id(record, "party");
            let named = text(record, "sepa_payable_bank_account_number.number_compact");
            let (creditor_iban, creditor_bic) = match named {
                Some(iban) => (
                    iban,
                    text(record, "sepa_payable_bank_account_number.account.bank.bic"),
                ),
                None => party
                    .and_then(|p| ibans.get(&p).cloned())
                    .unwrap_or_default(),
            };
            let invoice_reference = value::reference(related(record, "line.move_origin"))
                .and_then(|(_, id)| invoices.get(&id).cloned().flatten());
            let written = written_at(record);
            written_until = written_until.max(written);
            changed.push(ErpPayment {
                erp_id,
                number: text(record, "number").unwrap_or_else(|| erp_id.to_string()),
                debtor_iban: text(record, "journal.sepa_bank_account_number.number_compact")
                    .unwrap_or_default(),
                creditor_name: text(record, "party.name").unwrap_or_default(),
                creditor_iban,
                creditor_bic,
                amount: money(amount, currency, &what)?,
                requested_date,
                end_to_end_id: text(record, "sepa_end_to_end_id")
                    .unwrap_or_else(|| erp_id.to_string()),
                reference: text(record, "reference").or(invoice_reference),
                written_at: written.map(value::datetime_text).unwrap_or_default(),
            });
        }
        Ok(changes(changed, open_ids, written_until, since))
    }

    async fn write_payment_end(
        &self,
        erp_id: i64,
        end: &PaymentEnd,
    ) -> Result<String, ErpPortError> {
        let (button, wanted) = match end {
            PaymentEnd::Succeeded => ("succeed", "succeeded"),
            PaymentEnd::Failed { .. } => ("fail", "failed"),
        };
        let mut state = self.payment_state(erp_id).await?;
        if state == "approved" || state == "submitted" {
            self.process(erp_id).await?;
            state = self.payment_state(erp_id).await?;
        }
        if state != wanted {
            if !["processing", "succeeded", "failed"].contains(&state.as_str()) {
                return Err(ErpPortError::Answer(format!(
                    "payment {erp_id} is {state} in Tryton and cannot be marked {wanted}"
                )));
            }
            self.rpc
                .call(&format!("model.{PAYMENT}.{button}"), vec![json!([erp_id])])
                .await?;
        }
        if let PaymentEnd::Failed { reason } = end {
            self.note(erp_id, &format!("The bank refused the payment: {reason}"))
                .await?;
        }
        Ok(format!("payment {erp_id} {wanted}"))
    }

    async fn post_settled_line(&self, line: &SettledLine) -> Result<String, ErpPortError> {
        let statements = self
            .search_read(
                "account.statement",
                &json!([["name", "=", line.reference]]),
                &["id", "state"],
            )
            .await?;
        let (id, state) = match statements.first() {
            Some(found) => (
                found.get("id").and_then(Value::as_i64).unwrap_or_default(),
                text(found, "state").unwrap_or_default(),
            ),
            None => (self.create_statement(line).await?, "draft".to_string()),
        };
        if state == "draft" {
            self.rpc
                .call(
                    "model.account.statement.validate_statement",
                    vec![json!([id])],
                )
                .await?;
        }
        if state != "posted" {
            self.rpc
                .call("model.account.statement.post", vec![json!([id])])
                .await?;
        }
        Ok(format!("statement {id} posted"))
    }
}

impl TrytonClient {
    async fn create_statement(&self, line: &SettledLine) -> Result<i64, ErpPortError> {
        let journals = self
            .search_read(
                "account.statement.journal",
                &json!([[
                    "bank_account.numbers.number_compact",
                    "=",
                    line.account_iban
                ]]),
                &["id", "currency.code"],
            )
            .await?;
        let Some(journal) = journals.first() else {
            return Err(ErpPortError::Answer(format!(
                "Tryton has no statement journal for the company's account {}",
                cashline_domain::mask::mask_account(&line.account_iban)
            )));
        };
        let currency = line.amount.currency().to_string();
        if text(journal, "currency.code").as_deref() != Some(currency.as_str()) {
            return Err(ErpPortError::Answer(format!(
                "the statement journal of account {} is not in {currency}",
                cashline_domain::mask::mask_account(&line.account_iban)
            )));
        }
        let receipt = !line.amount.is_negative();
        let date = value::date_value(line.date);
        let mut lines = Vec::with_capacity(line.items.len());
        for (number, (key, settled)) in line.items.iter().enumerate() {
            let field = |name: &str| key.get(name).and_then(Value::as_i64);
            let (Some(invoice), Some(party), Some(account)) =
                (field("invoice"), field("party"), field("account"))
            else {
                return Err(ErpPortError::Answer(
                    "an item it settles is not an invoice's in Tryton".into(),
                ));
            };
            let amount = if receipt {
                settled.amount()
            } else {
                -settled.amount()
            };
            lines.push(json!({
                "number": format!("{}", number + 1),
                "date": date,
                "amount": value::decimal_value(amount),
                "party": party,
                "account": account,
                "related_to": format!("{INVOICE},{invoice}"),
                "description": line.description.chars().take(200).collect::<String>(),
            }));
        }
        let created = self
            .rpc
            .call(
                "model.account.statement.create",
                vec![json!([{
                    "name": line.reference,
                    "journal": journal.get("id"),
                    "date": date,
                    "number_of_lines": lines.len(),
                    "lines": [["create", lines]],
                }])],
            )
            .await?;
        created
            .get(0)
            .and_then(Value::as_i64)
            .ok_or_else(|| ErpPortError::Data("the statement was created with no id".into()))
    }
}
