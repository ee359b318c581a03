use std::path::PathBuf;
use std::process::Command;

use chrono::TimeZone;

use super::*;

pub(crate) fn initiation() -> Initiation {
    Initiation {
        message_id: "CL-20261203-1".into(),
        created_at: Utc.with_ymd_and_hms(2026, 12, 3, 9, 30, 0).unwrap(),
        initiating_party: "Northwind Traders GmbH".into(),
        batches: vec![
            Batch {
                payment_info_id: "CL-20261203-1-B1".into(),
                debtor_name: "Northwind Traders GmbH".into(),
                debtor_iban: "DE89370400440532013000".into(),
                debtor_bic: Some("COBADEFFXXX".into()),
                currency: Currency::EUR,
                requested_date: NaiveDate::from_ymd_opt(2026, 12, 4).unwrap(),
                transfers: vec![
                    Transfer {
                        instruction_id: "CL-20261203-1-B1-1".into(),
                        end_to_end_id: "E2E-P1".into(),
                        amount_minor: 125_000,
                        creditor_name: "Fabrikam & Co <Logistics>".into(),
                        creditor_iban: "NL91ABNA0417164300".into(),
                        creditor_bic: Some("ABNANL2A".into()),
                        remittance: Some("INV-4711".into()),
                    },
                    Transfer {
                        instruction_id: "CL-20261203-1-B1-2".into(),
                        end_to_end_id: "E2E-P2".into(),
                        amount_minor: 99,
                        creditor_name: "Contoso".into(),
                        creditor_iban: "NL91ABNA0417164300".into(),
                        creditor_bic: None,
                        remittance: None,
                    },
                ],
            },
            Batch {
                payment_info_id: "CL-20261203-1-B2".into(),
                debtor_name: "Northwind Traders GmbH".into(),
                debtor_iban: "DE89370400440532013000".into(),
                debtor_bic: None,
                currency: Currency::JPY,
                requested_date: NaiveDate::from_ymd_opt(2026, 12, 7).unwrap(),
                transfers: vec![Transfer {
                    instruction_id: "CL-20261203-1-B2-1".into(),
                    end_to_end_id: "E2E-P3".into(),
                    amount_minor: 150_000,
                    creditor_name: "Tailspin KK".into(),
                    creditor_iban: "DE89370400440532013000".into(),
                    creditor_bic: None,
                    remittance: None,
                }],
            },
        ],
    }
}

fn xsd(version: Pain001Version) -> Option<PathBuf> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/corpus/xsd/pain")
        .join(format!("{}.xsd", version.name()));
    if path.is_file() {
        Some(path)
    } else {
        eprintln!(
            "NOTE: the corpus is absent ({}): the XSD check cannot run here",
            path.display()
        );
        None
    }
}

#[test]
fn the_written_files_validate_against_the_official_schemas() {
    for version in [Pain001Version::V03, Pain001Version::V09] {
        let Some(schema) = xsd(version) else { continue };
        let mut child = Command::new("xmllint")
            .args(["--noout", "--schema"])
            .arg(&schema)
            .arg("-")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("xmllint is installed by scripts/setup (libxml2-utils)");
        {
            use std::io::Write as _;
            let mut stdin = child.stdin.take().unwrap();
            stdin
                .write_all(write(version, &initiation()).as_bytes())
                .unwrap();
        }
        let output = child.wait_with_output().unwrap();
        assert!(
            output.status.success(),
            "{}: {}",
            version.name(),
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

#[test]
fn amounts_sums_and_text_are_written_exactly() {
    let xml = write(Pain001Version::V09, &initiation());
    assert!(xml.contains("<NbOfTxs>3</NbOfTxs>"));
    // 1250.00 + 0.99 + 150000 (yen have no minor units).
    assert!(xml.contains("<CtrlSum>151250.99</CtrlSum>"), "{xml}");
    assert!(xml.contains("<InstdAmt Ccy=\"EUR\">0.99</InstdAmt>"));
    assert!(xml.contains("<InstdAmt Ccy=\"JPY\">150000</InstdAmt>"));
    assert!(xml.contains("Fabrikam &amp; Co &lt;Logistics&gt;"));
    assert!(xml.contains("<ReqdExctnDt><Dt>2026-12-04</Dt></ReqdExctnDt>"));
    assert!(xml.contains("<BICFI>COBADEFFXXX</BICFI>"));
    let old = write(Pain001Version::V03, &initiation());
    assert!(old.contains("<ReqdExctnDt>2026-12-04</ReqdExctnDt>"));
    assert!(old.contains("<BIC>COBADEFFXXX</BIC>"));
}

#[test]
fn the_same_initiation_is_the_same_bytes() {
    assert_eq!(
        write(Pain001Version::V09, &initiation()),
        write(Pain001Version::V09, &initiation())
    );
}
