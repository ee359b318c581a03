//! Writes canonical statements as an OFX document, version 1 (SGML, unclosed leaves) or 2
//! (XML): the property tests and the benchmarks need realistic files that the project makes.

use std::fmt::Write as _;

use chrono::{DateTime, NaiveDate, Utc};

use cashline_domain::{BalanceType, Money};

use crate::{ParsedEntry, ParsedStatement};

/// Which OFX flavour to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfxFlavour {
    /// OFX 1.0.2: an SGML header and leaves without end tags.
    Sgml102,
    /// OFX 2.1.1: XML, every element closed.
    Xml211,
}

/// Renders statements as one OFX response, one `STMTTRNRS` per statement.
pub fn ofx_document(
    flavour: OfxFlavour,
    created_at: DateTime<Utc>,
    statements: &[ParsedStatement],
) -> String {
    let mut out = String::with_capacity(1024 + statements.len() * 2048);
    match flavour {
        OfxFlavour::Sgml102 => out.push_str(
            "OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nSECURITY:NONE\nENCODING:USASCII\nCHARSET:1252\n\
             COMPRESSION:NONE\nOLDFILEUID:NONE\nNEWFILEUID:NONE\n\n",
        ),
        OfxFlavour::Xml211 => out.push_str(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n\
             <?OFX OFXHEADER=\"200\" VERSION=\"211\" SECURITY=\"NONE\" OLDFILEUID=\"NONE\" NEWFILEUID=\"NONE\"?>\n",
        ),
    }
    let mut w = Writer { out, flavour };
    w.open("OFX");
    w.open("SIGNONMSGSRSV1");
    w.open("SONRS");
    w.status();
    w.leaf("DTSERVER", &instant(created_at));
    w.leaf("LANGUAGE", "ENG");
    w.close("SONRS");
    w.close("SIGNONMSGSRSV1");
    w.open("BANKMSGSRSV1");
    for (index, statement) in statements.iter().enumerate() {
        w.open("STMTTRNRS");
        w.leaf("TRNUID", &(index + 1).to_string());
        w.status();
        w.statement(statement);
        w.close("STMTTRNRS");
    }
    w.close("BANKMSGSRSV1");
    w.close("OFX");
    w.out
}

struct Writer {
    out: String,
    flavour: OfxFlavour,
}

impl Writer {
    fn open(&mut self, name: &str) {
        let _ = writeln!(self.out, "<{name}>");
    }

    fn close(&mut self, name: &str) {
        let _ = writeln!(self.out, "</{name}>");
    }

    fn leaf(&mut self, name: &str, value: &str) {
        match self.flavour {
            OfxFlavour::Sgml102 => {
                let _ = writeln!(self.out, "<{name}>{}", escape(value));
            }
            OfxFlavour::Xml211 => {
                let _ = writeln!(self.out, "<{name}>{}</{name}>", escape(value));
            }
        }
    }

    fn status(&mut self) {
        self.open("STATUS");
        self.leaf("CODE", "0");
        self.leaf("SEVERITY", "INFO");
        self.close("STATUS");
    }

    fn statement(&mut self, statement: &ParsedStatement) {
        self.open("STMTRS");
        self.leaf("CURDEF", statement.account.currency.code());
        self.open("BANKACCTFROM");
        self.leaf("BANKID", "000000000");
        self.leaf("ACCTID", statement.account.key.reveal());
        self.leaf("ACCTTYPE", "CHECKING");
        self.close("BANKACCTFROM");
        let dates: Vec<NaiveDate> = statement
            .entries
            .iter()
            .filter_map(|e| e.booking_date)
            .chain(statement.balances.iter().map(|b| b.date))
            .collect();
        if let (Some(start), Some(end)) = (dates.iter().min(), dates.iter().max()) {
            self.open("BANKTRANLIST");
            self.leaf("DTSTART", &start.format("%Y%m%d").to_string());
            self.leaf("DTEND", &end.format("%Y%m%d").to_string());
            for entry in &statement.entries {
                self.entry(entry);
            }
            self.close("BANKTRANLIST");
        }
        for (balance_type, element) in [
            (BalanceType::ClosingBooked, "LEDGERBAL"),
            (BalanceType::ClosingAvailable, "AVAILBAL"),
        ] {
            if let Some(balance) = statement
                .balances
                .iter()
                .find(|b| b.balance_type == balance_type)
            {
                self.open(element);
                self.leaf("BALAMT", &balance.amount.amount_text());
                let as_of = match balance.as_of {
                    Some(at) => instant(at),
                    None => balance.date.format("%Y%m%d").to_string(),
                };
                self.leaf("DTASOF", &as_of);
                self.close(element);
            }
        }
        self.close("STMTRS");
    }

    fn entry(&mut self, entry: &ParsedEntry) {
        self.open("STMTTRN");
        let kind = entry.bank_transaction_code.clone().unwrap_or_else(|| {
            if entry.amount.is_negative() {
                "DEBIT"
            } else {
                "CREDIT"
            }
            .to_string()
        });
        self.leaf("TRNTYPE", &kind);
        if let Some(date) = entry.booking_date {
            self.leaf("DTPOSTED", &date.format("%Y%m%d").to_string());
        }
        if let Some(date) = entry.value_date {
            self.leaf("DTAVAIL", &date.format("%Y%m%d").to_string());
        }
        self.leaf("TRNAMT", &amount(&entry.amount));
        if let Some(reference) = &entry.bank_ref {
            self.leaf("FITID", reference);
        }
        if let Some(reference) = &entry.entry_ref {
            self.leaf("REFNUM", reference);
        }
        if let Some(name) = &entry.counterparty_name {
            self.leaf("NAME", name);
        }
        if let Some(iban) = &entry.counterparty_iban {
            self.open("BANKACCTTO");
            self.leaf("BANKID", "000000000");
            self.leaf("ACCTID", iban);
            self.leaf("ACCTTYPE", "CHECKING");
            self.close("BANKACCTTO");
        }
        if let Some(memo) = &entry.remittance {
            self.leaf("MEMO", memo);
        }
        self.close("STMTTRN");
    }
}

fn amount(money: &Money) -> String {
    money.amount_text()
}

fn instant(at: DateTime<Utc>) -> String {
    at.format("%Y%m%d%H%M%S.000[0:GMT]").to_string()
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' | '\n' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}
