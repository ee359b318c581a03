//! `fuzz-seeds`: small valid files for every fuzz target, written with the project's own
//! writers, so that the fuzzers start from inputs that reach deep into each parser
//! (`fuzz/seed.sh` calls this; the files are generated, never committed).

use std::path::{Path, PathBuf};

use chrono::{TimeZone, Utc};

use cashline_bankfile::bai2::write::bai2_file;
use cashline_bankfile::camt::write::camt053_document;
use cashline_bankfile::ofx::write::{ofx_document, OfxFlavour};
use cashline_bankfile::swift::write::mt940_document;
use cashline_bankfile::{ParsedDetail, ParsedStatement};
use cashline_domain::{Currency, Money};

use crate::generate::{accounts, Codes, StatementStream};

#[derive(clap::Args, Debug, Clone)]
pub struct Args {
    /// The seeds folder: one subfolder per fuzz target.
    #[arg(long, default_value = "fuzz/seeds")]
    pub dir: PathBuf,
}

/// `count` statements of `per_statement` entries, all accounts in `currency` where given.
fn statements_in(
    seed: u64,
    count: usize,
    per_statement: usize,
    codes: Codes,
    with_iban: bool,
    currency: Option<Currency>,
) -> Vec<ParsedStatement> {
    let mut specs = accounts(3, with_iban);
    if let Some(currency) = currency {
        for spec in &mut specs {
            spec.account.currency = currency;
        }
    }
    let mut stream = StatementStream::new(seed, specs, per_statement, codes);
    (0..count).map(|_| stream.next_statement(None)).collect()
}

fn statements(
    seed: u64,
    count: usize,
    per_statement: usize,
    codes: Codes,
    with_iban: bool,
) -> Vec<ParsedStatement> {
    statements_in(seed, count, per_statement, codes, with_iban, None)
}

fn write(dir: &Path, target: &str, name: &str, text: &str) -> anyhow::Result<()> {
    let folder = dir.join(target);
    std::fs::create_dir_all(&folder)?;
    std::fs::write(folder.join(name), text)?;
    Ok(())
}

const CSV_EXPORT: &str = "Umsätze Girokonto DE89370400440532013000;;;;;;;\n\
Buchungstag;Valuta;Auftraggeber;IBAN;Verwendungszweck;Betrag;Saldo;Referenz\n\
02.01.2026;02.01.2026;Mueller Logistik GmbH;DE02120300000000202051;Rechnung 2026-0001;1.234,50;10.234,50;R0001\n\
05.01.2026;06.01.2026;Stadtwerke Musterstadt;DE02500105170137075030;Abschlag Januar;-89,00;10.145,50;R0002\n\
06.01.2026;06.01.2026;Nordwind Energie AG;;Gutschrift;12,00;10.157,50;\n";

const ECB_DAILY: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
<gesmes:Envelope xmlns:gesmes=\"http://www.gesmes.org/xml/2002-08-01\" xmlns=\"http://www.ecb.int/vocabulary/2002-08-01/eurofxref\">\n\
<gesmes:subject>Reference rates</gesmes:subject>\n\
<Cube>\n<Cube time='2026-01-05'>\n<Cube currency='USD' rate='1.0523'/>\n<Cube currency='JPY' rate='161.42'/>\n\
<Cube currency='GBP' rate='0.84390'/>\n</Cube>\n</Cube>\n</gesmes:Envelope>\n";

const ERP_OPEN_ITEMS: &str = "id,kind,counterparty,counterparty_iban,amount,currency,due_date,reference,entity,probability\n\
INV-1,receivable,Nordwind Handel GmbH,DE12500105170648489890,12500.00,EUR,2026-11-13,INV-1,,0.9\n\
BILL-7,payable,Stahlwerk Becker AG,,4100.00,EUR,2026-12-14,SB-2026-1243,,\n";

const ERP_PAYMENTS: &str = "id,end_to_end_id,debtor_iban,creditor_name,creditor_iban,creditor_bic,amount,currency,requested_date,reference\n\
P1,E2E-P1,DE89370400440532013000,Stahlwerk Becker AG,DE62370400440532013001,COBADEFFXXX,4100.00,EUR,2026-11-24,SB-2026-1243\n";

/// The export `fuzz/fuzz_targets/erp.rs` reads through its mapping.
const ERP_MAPPED: &str = "Offene Posten zum 23.11.2026\n\
Belegnr;Konto;Name;IBAN;Betrag;Faellig;Verwendungszweck\n\
RE-1001;D;Nordwind Handel GmbH;DE12500105170648489890;12.500,00;13.11.2026;RE-1001\n\
ER-77;K;Stahlwerk Becker AG;;4.100,00;14.12.2026;SB-2026-1243\n";

const RATES_CSV: &str = "base,quote,date,rate\nEUR,USD,2026-01-05,1.0523\nEUR,CHF,2026-01-05,0.9312\nUSD,JPY,2026-01-02,153.2\n";

pub fn run(args: &Args) -> anyhow::Result<()> {
    let dir = &args.dir;
    let created_at = Utc
        .with_ymd_and_hms(2026, 1, 5, 6, 30, 0)
        .single()
        .expect("a valid instant");
    let mut all: Vec<(String, String)> = Vec::new();

    let camt = statements(1, 2, 3, Codes::Iso, true);
    for version in [2, 8, 13] {
        let text = camt053_document(version, "SEED-CAMT", created_at, &camt);
        all.push((format!("camt053-v{version:02}.xml"), text));
    }
    // A currency without minor units, an account without IBAN, no balances.
    let mut single = statements_in(
        2,
        1,
        1,
        Codes::Iso,
        false,
        Some(Currency::from_code("JPY")?),
    );
    single[0].balances.clear();
    all.push((
        "camt053-jpy-no-balances.xml".into(),
        camt053_document(8, "SEED-JPY", created_at, &single),
    ));
    // A batch: one booked total carrying its transactions, every detail field filled, the
    // second transaction returned.
    let mut batch = statements(7, 1, 2, Codes::Iso, true);
    let entry = &mut batch[0].entries[0];
    let currency = entry.amount.currency();
    let total = entry.amount.amount_minor()?;
    let first = total / 2;
    entry.details = [first, total - first]
        .iter()
        .enumerate()
        .map(|(index, minor)| ParsedDetail {
            amount: Some(Money::from_minor(*minor, currency)),
            end_to_end_id: Some(format!("E2E-SEED-{index}")),
            instruction_id: Some(format!("INSTR-{index}")),
            bank_ref: Some(format!("TX-{index}")),
            mandate_id: Some(format!("MNDT-{index}")),
            counterparty_name: Some("Seed Supplier GmbH".into()),
            counterparty_iban: Some("DE02120300000000202051".into()),
            remittance: Some(format!("Bill {index}")),
            creditor_reference: Some("RF18539007547034".into()),
            return_reason: (index == 1).then(|| "AC04".to_string()),
        })
        .collect();
    for version in [2, 8] {
        all.push((
            format!("camt053-batch-v{version:02}.xml"),
            camt053_document(version, "SEED-BATCH", created_at, &batch),
        ));
    }
    for (name, text) in &all {
        write(dir, "camt", name, text)?;
    }

    let swift = statements(3, 2, 3, Codes::Swift, true);
    let mt940 = mt940_document(&swift);
    write(dir, "swift", "two-statements.sta", &mt940)?;
    let mut paged = statements(4, 2, 2, Codes::Swift, true);
    for (page, statement) in paged.iter_mut().enumerate() {
        statement.page_number = Some(page as u32 + 1);
    }
    write(dir, "swift", "paged.sta", &mt940_document(&paged))?;
    all.push(("two-statements.sta".into(), mt940));

    let mut us = statements_in(
        5,
        2,
        3,
        Codes::Bai2,
        false,
        Some(Currency::from_code("USD")?),
    );
    for statement in &mut us {
        statement.account.bic = None;
    }
    let bai2 = bai2_file("SEEDBAI2", created_at, &us);
    write(dir, "bai2", "two-accounts.bai", &bai2)?;
    all.push(("two-accounts.bai".into(), bai2));

    let ofx_statements = statements(6, 2, 3, Codes::Iso, true);
    for (flavour, name) in [
        (OfxFlavour::Sgml102, "v102.ofx"),
        (OfxFlavour::Xml211, "v211.ofx"),
    ] {
        let text = ofx_document(flavour, created_at, &ofx_statements);
        write(dir, "ofx", name, &text)?;
        all.push((name.into(), text));
    }

    write(dir, "csv_mapping", "sparkasse.csv", CSV_EXPORT)?;
    all.push(("sparkasse.csv".into(), CSV_EXPORT.into()));

    write(dir, "rates", "eurofxref-daily.xml", ECB_DAILY)?;
    write(dir, "rates", "rates.csv", RATES_CSV)?;
    write(dir, "erp", "open-items.csv", ERP_OPEN_ITEMS)?;
    write(dir, "erp", "payments.csv", ERP_PAYMENTS)?;
    write(dir, "erp", "op-liste.csv", ERP_MAPPED)?;

    for (name, text) in &all {
        // A seed that does not parse would start the fuzzer in the shallows: check each.
        if !name.ends_with(".csv") {
            cashline_bankfile::parse(text.as_bytes())
                .map_err(|e| anyhow::anyhow!("the seed {name} does not parse: {e}"))?;
        }
        write(dir, "any", name, text)?;
    }
    eprintln!("fuzz seeds written to {}", dir.display());
    Ok(())
}
