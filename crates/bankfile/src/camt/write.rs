//! Writes canonical statements as camt.053 documents: the demo generator, the property tests
//! and the benchmarks all need realistic files that the project makes itself.

use std::fmt::Write as _;

use chrono::{DateTime, SecondsFormat, Utc};

use cashline_domain::{BalanceType, EntryStatus};

use crate::{ParsedDetail, ParsedEntry, ParsedStatement};

/// Renders statements as one camt.053 message of the given `.001.NN` version.
pub fn camt053_document(
    version: u32,
    message_id: &str,
    created_at: DateTime<Utc>,
    statements: &[ParsedStatement],
) -> String {
    let mut xml = String::with_capacity(4096 + statements.len() * 2048);
    let _ = write!(
        xml,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.{version:02}\">\n\
         <BkToCstmrStmt>\n<GrpHdr>\n<MsgId>{}</MsgId>\n<CreDtTm>{}</CreDtTm>\n</GrpHdr>\n",
        escape(message_id),
        instant(created_at)
    );
    for statement in statements {
        write_statement(&mut xml, version, statement);
    }
    xml.push_str("</BkToCstmrStmt>\n</Document>\n");
    xml
}

fn write_statement(xml: &mut String, version: u32, statement: &ParsedStatement) {
    let _ = write!(
        xml,
        "<Stmt>\n<Id>{}</Id>\n",
        escape(&statement.statement_ref)
    );
    if let Some(page) = statement.page_number {
        let _ = writeln!(
            xml,
            "<StmtPgntn><PgNb>{page}</PgNb><LastPgInd>true</LastPgInd></StmtPgntn>"
        );
    }
    if let Some(sequence) = &statement.sequence_number {
        let _ = writeln!(xml, "<ElctrncSeqNb>{}</ElctrncSeqNb>", escape(sequence));
    }
    if let Some(created_at) = statement.created_at {
        let _ = writeln!(xml, "<CreDtTm>{}</CreDtTm>", instant(created_at));
    }
    if let (Some(from), Some(to)) = (statement.period_from, statement.period_to) {
        let _ = writeln!(
            xml,
            "<FrToDt><FrDtTm>{}</FrDtTm><ToDtTm>{}</ToDtTm></FrToDt>",
            instant(from),
            instant(to)
        );
    }
    let account = &statement.account;
    xml.push_str("<Acct>\n<Id>");
    match &account.iban {
        Some(iban) => {
            let _ = write!(xml, "<IBAN>{}</IBAN>", iban.reveal());
        }
        None => {
            let _ = write!(
                xml,
                "<Othr><Id>{}</Id></Othr>",
                escape(account.key.reveal())
            );
        }
    }
    let _ = writeln!(xml, "</Id>\n<Ccy>{}</Ccy>", account.currency);
    if let Some(owner) = &account.owner_name {
        let _ = writeln!(xml, "<Ownr><Nm>{}</Nm></Ownr>", escape(owner));
    }
    if account.bic.is_some() || account.bank_name.is_some() {
        xml.push_str("<Svcr><FinInstnId>");
        if let Some(bic) = &account.bic {
            let tag = if version >= 4 { "BICFI" } else { "BIC" };
            let _ = write!(xml, "<{tag}>{bic}</{tag}>");
        }
        if let Some(name) = &account.bank_name {
            let _ = write!(xml, "<Nm>{}</Nm>", escape(name));
        }
        xml.push_str("</FinInstnId></Svcr>\n");
    }
    xml.push_str("</Acct>\n");
    for balance in &statement.balances {
        let code = balance_code(balance.balance_type);
        let (indicator, magnitude) = split_sign(&balance.amount);
        let _ = write!(
            xml,
            "<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp><Amt Ccy=\"{}\">{magnitude}</Amt>\
             <CdtDbtInd>{indicator}</CdtDbtInd><Dt><Dt>{}</Dt></Dt></Bal>",
            balance.amount.currency(),
            balance.date
        );
    }
    for entry in &statement.entries {
        let (indicator, magnitude) = split_sign(&entry.amount);
        xml.push_str("<Ntry>\n");
        if let Some(reference) = &entry.entry_ref {
            let _ = writeln!(xml, "<NtryRef>{}</NtryRef>", escape(reference));
        }
        let _ = writeln!(
            xml,
            "<Amt Ccy=\"{}\">{magnitude}</Amt>\n<CdtDbtInd>{indicator}</CdtDbtInd>",
            entry.amount.currency()
        );
        if entry.reversal {
            xml.push_str("<RvslInd>true</RvslInd>\n");
        }
        let status = match entry.status {
            EntryStatus::Booked => "BOOK",
            EntryStatus::Pending => "PDNG",
            EntryStatus::Information => "INFO",
        };
        if version >= 9 {
            let _ = writeln!(xml, "<Sts><Cd>{status}</Cd></Sts>");
        } else {
            let _ = writeln!(xml, "<Sts>{status}</Sts>");
        }
        if let Some(date) = entry.booking_date {
            let _ = writeln!(xml, "<BookgDt><Dt>{date}</Dt></BookgDt>");
        }
        if let Some(date) = entry.value_date {
            let _ = writeln!(xml, "<ValDt><Dt>{date}</Dt></ValDt>");
        }
        if let Some(reference) = &entry.bank_ref {
            let _ = writeln!(xml, "<AcctSvcrRef>{}</AcctSvcrRef>", escape(reference));
        }
        match entry
            .bank_transaction_code
            .as_deref()
            .map(|c| c.split('/').collect::<Vec<_>>())
        {
            Some(parts) if parts.len() == 3 => {
                let _ = writeln!(
                    xml,
                    "<BkTxCd><Domn><Cd>{}</Cd><Fmly><Cd>{}</Cd><SubFmlyCd>{}</SubFmlyCd></Fmly></Domn></BkTxCd>",
                    escape(parts[0]),
                    escape(parts[1]),
                    escape(parts[2])
                );
            }
            Some(parts) => {
                let _ = writeln!(
                    xml,
                    "<BkTxCd><Prtry><Cd>{}</Cd><Issr>BANK</Issr></Prtry></BkTxCd>",
                    escape(&parts.join("/"))
                );
            }
            None => {}
        }
        write_transactions(xml, version, entry);
        xml.push_str("</Ntry>\n");
    }
    xml.push_str("</Stmt>\n");
}

/// The entry's transactions: its details where it has them (a batch gets its `Btch` count,
/// and the entry's own remittance goes in `AddtlNtryInf`, the one place camt has for it),
/// else one transaction made of the entry's own fields, as a single transfer is reported.
fn write_transactions(xml: &mut String, version: u32, entry: &ParsedEntry) {
    if entry.details.is_empty() {
        let own = ParsedDetail {
            end_to_end_id: entry.end_to_end_id.clone(),
            counterparty_name: entry.counterparty_name.clone(),
            counterparty_iban: entry.counterparty_iban.clone(),
            remittance: entry.remittance.clone(),
            creditor_reference: entry.creditor_reference.clone(),
            ..ParsedDetail::default()
        };
        if own != ParsedDetail::default() {
            xml.push_str("<NtryDtls>");
            write_detail(xml, version, entry, &own);
            xml.push_str("</NtryDtls>\n");
        }
        return;
    }
    xml.push_str("<NtryDtls>");
    if entry.details.len() > 1 {
        let _ = write!(
            xml,
            "<Btch><NbOfTxs>{}</NbOfTxs></Btch>",
            entry.details.len()
        );
    }
    for detail in &entry.details {
        write_detail(xml, version, entry, detail);
    }
    xml.push_str("</NtryDtls>\n");
    let said_by_detail = entry.details.len() == 1 && entry.details[0].remittance.is_some();
    if let (Some(text), false) = (&entry.remittance, said_by_detail) {
        let _ = writeln!(xml, "<AddtlNtryInf>{}</AddtlNtryInf>", escape(text));
    }
}

/// One `TxDtls`, its elements in the schema's order. Before .001.03 a transaction has no
/// amount and indicator of its own, only the booked amount (`AmtDtls/TxAmt`), which takes its
/// entry's sign.
fn write_detail(xml: &mut String, version: u32, entry: &ParsedEntry, detail: &ParsedDetail) {
    xml.push_str("<TxDtls>\n");
    let references = [
        ("AcctSvcrRef", &detail.bank_ref),
        ("InstrId", &detail.instruction_id),
        ("EndToEndId", &detail.end_to_end_id),
        ("MndtId", &detail.mandate_id),
    ];
    if references.iter().any(|(_, value)| value.is_some()) {
        xml.push_str("<Refs>");
        for (tag, value) in references {
            if let Some(value) = value {
                let _ = write!(xml, "<{tag}>{}</{tag}>", escape(value));
            }
        }
        xml.push_str("</Refs>\n");
    }
    if let Some(amount) = &detail.amount {
        let (indicator, magnitude) = split_sign(amount);
        let currency = amount.currency();
        if version >= 3 {
            let _ = writeln!(
                xml,
                "<Amt Ccy=\"{currency}\">{magnitude}</Amt><CdtDbtInd>{indicator}</CdtDbtInd>"
            );
        } else {
            let _ = writeln!(
                xml,
                "<AmtDtls><TxAmt><Amt Ccy=\"{currency}\">{magnitude}</Amt></TxAmt></AmtDtls>"
            );
        }
    }
    if detail.counterparty_name.is_some() || detail.counterparty_iban.is_some() {
        // The counterparty of a credit is its debtor, of a debit its creditor.
        let debit = detail
            .amount
            .as_ref()
            .map_or(entry.amount.is_negative(), |amount| amount.is_negative());
        let (party, party_account) = if debit {
            ("Cdtr", "CdtrAcct")
        } else {
            ("Dbtr", "DbtrAcct")
        };
        xml.push_str("<RltdPties>");
        if let Some(name) = &detail.counterparty_name {
            if version >= 8 {
                let _ = write!(
                    xml,
                    "<{party}><Pty><Nm>{}</Nm></Pty></{party}>",
                    escape(name)
                );
            } else {
                let _ = write!(xml, "<{party}><Nm>{}</Nm></{party}>", escape(name));
            }
        }
        if let Some(iban) = &detail.counterparty_iban {
            let _ = write!(
                xml,
                "<{party_account}><Id><IBAN>{}</IBAN></Id></{party_account}>",
                escape(iban)
            );
        }
        xml.push_str("</RltdPties>\n");
    }
    if detail.remittance.is_some() || detail.creditor_reference.is_some() {
        xml.push_str("<RmtInf>");
        if let Some(text) = &detail.remittance {
            let _ = write!(xml, "<Ustrd>{}</Ustrd>", escape(text));
        }
        if let Some(reference) = &detail.creditor_reference {
            let _ = write!(
                xml,
                "<Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp><Ref>{}</Ref></CdtrRefInf></Strd>",
                escape(reference)
            );
        }
        xml.push_str("</RmtInf>\n");
    }
    if let Some(reason) = &detail.return_reason {
        let _ = writeln!(
            xml,
            "<RtrInf><Rsn><Cd>{}</Cd></Rsn></RtrInf>",
            escape(reason)
        );
    }
    xml.push_str("</TxDtls>");
}

fn balance_code(balance_type: BalanceType) -> &'static str {
    match balance_type {
        BalanceType::OpeningBooked => "OPBD",
        BalanceType::ClosingBooked => "CLBD",
        BalanceType::InterimBooked => "ITBD",
        BalanceType::InterimAvailable => "ITAV",
        BalanceType::OpeningAvailable => "OPAV",
        BalanceType::ClosingAvailable => "CLAV",
        BalanceType::ForwardAvailable => "FWAV",
        BalanceType::Information => "INFO",
    }
}

fn split_sign(amount: &cashline_domain::Money) -> (&'static str, String) {
    if amount.is_negative() {
        ("DBIT", amount.negated().amount_text())
    } else {
        ("CRDT", amount.amount_text())
    }
}

fn instant(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            _ => out.push(c),
        }
    }
    out
}
