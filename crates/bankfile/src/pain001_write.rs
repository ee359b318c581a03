//! Writes credit transfer initiations as ISO 20022 pain.001 (.001.03, the SEPA rulebook's
//! version most banks take, and .001.09), in the element order of the official schemas:
//! `payments export` sends these to the bank. The output depends on its input alone (the
//! creation time is an input), so the same export written twice is the same bytes.

use std::fmt::Write as _;

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};

use cashline_domain::{Currency, Money};

use crate::camt::write::escape;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pain001Version {
    V03,
    V09,
}

impl Pain001Version {
    pub fn name(self) -> &'static str {
        match self {
            Pain001Version::V03 => "pain.001.001.03",
            Pain001Version::V09 => "pain.001.001.09",
        }
    }

    pub fn parse(text: &str) -> Option<Pain001Version> {
        match text {
            "pain.001.001.03" => Some(Pain001Version::V03),
            "pain.001.001.09" => Some(Pain001Version::V09),
            _ => None,
        }
    }

    /// The element a BIC is written in: `BIC` up to .001.03, `BICFI` after.
    fn bic(self) -> &'static str {
        match self {
            Pain001Version::V03 => "BIC",
            Pain001Version::V09 => "BICFI",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Initiation {
    pub message_id: String,
    pub created_at: DateTime<Utc>,
    pub initiating_party: String,
    pub batches: Vec<Batch>,
}

/// One `PmtInf`: the transfers from one debtor account on one requested date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch {
    pub payment_info_id: String,
    pub debtor_name: String,
    pub debtor_iban: String,
    pub debtor_bic: Option<String>,
    pub currency: Currency,
    pub requested_date: NaiveDate,
    pub transfers: Vec<Transfer>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transfer {
    pub instruction_id: String,
    pub end_to_end_id: String,
    pub amount_minor: i64,
    pub creditor_name: String,
    pub creditor_iban: String,
    pub creditor_bic: Option<String>,
    pub remittance: Option<String>,
}

fn amount(minor: i64, currency: Currency) -> String {
    Money::minor_text(minor, currency)
}

/// The sum of the batches' transfers in minor units, per the message's one `CtrlSum` (a
/// message mixing currencies sums their amounts as the schema asks: numbers, not money).
fn control_text(batches: &[&Batch]) -> String {
    // CtrlSum is a decimal with the amounts' own digits; summing as text-exact decimals.
    let mut sum = rust_decimal::Decimal::ZERO;
    for batch in batches {
        for t in &batch.transfers {
            sum += rust_decimal::Decimal::new(t.amount_minor, batch.currency.minor_units());
        }
    }
    sum.normalize().to_string()
}

fn agent(xml: &mut String, version: Pain001Version, tag: &str, bic: Option<&str>) {
    match bic {
        Some(bic) => {
            let _ = writeln!(
                xml,
                "<{tag}><FinInstnId><{b}>{}</{b}></FinInstnId></{tag}>",
                escape(bic),
                b = version.bic()
            );
        }
        // The SEPA rulebook's way of saying the IBAN alone identifies the bank.
        None if tag == "DbtrAgt" => {
            let _ = writeln!(
                xml,
                "<{tag}><FinInstnId><Othr><Id>NOTPROVIDED</Id></Othr></FinInstnId></{tag}>"
            );
        }
        None => {}
    }
}

/// The document, in `version`.
pub fn write(version: Pain001Version, initiation: &Initiation) -> String {
    let batches: Vec<&Batch> = initiation.batches.iter().collect();
    let transactions: usize = batches.iter().map(|b| b.transfers.len()).sum();
    let mut xml = String::with_capacity(2048 + transactions * 700);
    let _ = write!(
        xml,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:{}\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n\
         <CstmrCdtTrfInitn>\n<GrpHdr>\n<MsgId>{}</MsgId>\n<CreDtTm>{}</CreDtTm>\n<NbOfTxs>{transactions}</NbOfTxs>\n<CtrlSum>{}</CtrlSum>\n<InitgPty><Nm>{}</Nm></InitgPty>\n</GrpHdr>\n",
        version.name(),
        escape(&initiation.message_id),
        initiation
            .created_at
            .to_rfc3339_opts(SecondsFormat::Secs, true),
        control_text(&batches),
        escape(&initiation.initiating_party),
    );
    for batch in &batches {
        let sepa = batch.currency == Currency::EUR;
        let _ = write!(
            xml,
            "<PmtInf>\n<PmtInfId>{}</PmtInfId>\n<PmtMtd>TRF</PmtMtd>\n<BtchBookg>false</BtchBookg>\n<NbOfTxs>{}</NbOfTxs>\n<CtrlSum>{}</CtrlSum>\n",
            escape(&batch.payment_info_id),
            batch.transfers.len(),
            control_text(&[batch]),
        );
        if sepa {
            xml.push_str("<PmtTpInf><SvcLvl><Cd>SEPA</Cd></SvcLvl></PmtTpInf>\n");
        }
        match version {
            Pain001Version::V03 => {
                let _ = writeln!(xml, "<ReqdExctnDt>{}</ReqdExctnDt>", batch.requested_date);
            }
            Pain001Version::V09 => {
                let _ = writeln!(
                    xml,
                    "<ReqdExctnDt><Dt>{}</Dt></ReqdExctnDt>",
                    batch.requested_date
                );
            }
        }
        let _ = write!(
            xml,
            "<Dbtr><Nm>{}</Nm></Dbtr>\n<DbtrAcct><Id><IBAN>{}</IBAN></Id><Ccy>{}</Ccy></DbtrAcct>\n",
            escape(&batch.debtor_name),
            escape(&batch.debtor_iban),
            batch.currency
        );
        agent(&mut xml, version, "DbtrAgt", batch.debtor_bic.as_deref());
        if sepa {
            xml.push_str("<ChrgBr>SLEV</ChrgBr>\n");
        }
        for t in &batch.transfers {
            let _ = write!(
                xml,
                "<CdtTrfTxInf>\n<PmtId><InstrId>{}</InstrId><EndToEndId>{}</EndToEndId></PmtId>\n<Amt><InstdAmt Ccy=\"{}\">{}</InstdAmt></Amt>\n",
                escape(&t.instruction_id),
                escape(&t.end_to_end_id),
                batch.currency,
                amount(t.amount_minor, batch.currency)
            );
            agent(&mut xml, version, "CdtrAgt", t.creditor_bic.as_deref());
            let _ = write!(
                xml,
                "<Cdtr><Nm>{}</Nm></Cdtr>\n<CdtrAcct><Id><IBAN>{}</IBAN></Id></CdtrAcct>\n",
                escape(&t.creditor_name),
                escape(&t.creditor_iban)
            );
            if let Some(remittance) = &t.remittance {
                let _ = writeln!(
                    xml,
                    "<RmtInf><Ustrd>{}</Ustrd></RmtInf>",
                    escape(remittance)
                );
            }
            xml.push_str("</CdtTrfTxInf>\n");
        }
        xml.push_str("</PmtInf>\n");
    }
    xml.push_str("</CstmrCdtTrfInitn>\n</Document>\n");
    xml
}

#[cfg(test)]
pub(crate) mod tests;
