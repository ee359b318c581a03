//! Rate files: detection by content, then the ECB XML or the CSV reader.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use cashline_domain::Currency;

use crate::{ecb, validate_rate, FxRate, RateError, RATE_FILE_BYTES_MAX};

/// Reads a rate file. Returns the rates and warnings (rates skipped, e.g. for currencies that
/// no longer exist in the ECB's history file).
pub fn parse(bytes: &[u8]) -> Result<(Vec<FxRate>, Vec<String>), RateError> {
    if bytes.len() > RATE_FILE_BYTES_MAX {
        return Err(RateError::Invalid {
            line: 0,
            message: format!("the file is larger than {RATE_FILE_BYTES_MAX} bytes"),
        });
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(2048)]);
    let (rates, warnings) = if head.contains("eurofxref") || head.contains("gesmes") {
        ecb::parse_xml(bytes)?
    } else if head
        .trim_start()
        .to_ascii_lowercase()
        .starts_with("base,quote,date,rate")
    {
        parse_csv(bytes)?
    } else {
        return Err(RateError::UnknownFormat);
    };
    if rates.is_empty() {
        return Err(RateError::Empty);
    }
    Ok((rates, warnings))
}

fn parse_csv(bytes: &[u8]) -> Result<(Vec<FxRate>, Vec<String>), RateError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .trim(csv::Trim::All)
        .from_reader(bytes);
    let mut rates = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| RateError::Invalid {
            line: e.position().map_or(0, |p| p.line() as usize),
            message: e.to_string(),
        })?;
        let line = record.position().map_or(0, |p| p.line() as usize);
        let invalid = |message: String| RateError::Invalid { line, message };
        if record.len() < 4 {
            return Err(invalid("a row needs base, quote, date and rate".into()));
        }
        let base = Currency::from_code(&record[0]).map_err(|e| invalid(e.to_string()))?;
        let quote = Currency::from_code(&record[1]).map_err(|e| invalid(e.to_string()))?;
        if base == quote {
            return Err(invalid(format!("a rate from {base} to itself")));
        }
        let date = NaiveDate::parse_from_str(&record[2], "%Y-%m-%d")
            .map_err(|_| invalid(format!("'{}' is not a date (YYYY-MM-DD)", &record[2])))?;
        let rate: Decimal = record[3]
            .parse()
            .map_err(|_| invalid(format!("'{}' is not a decimal rate", &record[3])))?;
        validate_rate(rate).map_err(invalid)?;
        rates.push(FxRate {
            base,
            quote,
            date,
            rate: rate.normalize(),
        });
    }
    Ok((rates, Vec::new()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_csv_rates() {
        let (rates, _) =
            parse(b"base,quote,date,rate\nEUR,USD,2026-11-24,1.0523\nGBP,EUR,2026-11-24,1.1850\n")
                .unwrap();
        assert_eq!(rates.len(), 2);
        assert_eq!(rates[0].rate.to_string(), "1.0523");
        assert_eq!(rates[1].base, Currency::GBP);
    }

    #[test]
    fn bad_rows_name_their_line() {
        let error =
            parse(b"base,quote,date,rate\nEUR,USD,2026-11-24,1.05\nEUR,JPY,2026-11-24,-3\n")
                .unwrap_err();
        assert_eq!(error.to_string(), "line 3: rate -3 is not positive");
        let error = parse(b"base,quote,date,rate\nEUR,XYZ,2026-11-24,1\n").unwrap_err();
        assert!(error.to_string().starts_with("line 2:"), "{error}");
        assert_eq!(parse(b"hello").unwrap_err(), RateError::UnknownFormat);
    }

    #[test]
    fn a_tiny_rate_refuses_the_whole_file_naming_its_row() {
        // It overflowed every conversion through its inverse (1e28) before rates were bounded.
        let csv = b"base,quote,date,rate\nEUR,USD,2026-11-24,1.05\n\
                    GBP,EUR,2026-11-09,0.0000000000000000000000000001\n";
        let error = parse(csv).unwrap_err().to_string();
        assert!(
            error.starts_with("line 3: rate 0.0000000000000000000000000001 is implausibly small"),
            "{error}"
        );
        let xml = "<gesmes:Envelope xmlns:gesmes=\"http://www.gesmes.org/xml/2002-08-01\">\n\
                   <Cube><Cube time='2026-11-24'>\n<Cube currency='USD' rate='1.05'/>\n\
                   <Cube currency='GBP' rate='0.0000000000000000000000000001'/>\n\
                   </Cube></Cube></gesmes:Envelope>";
        let error = parse(xml.as_bytes()).unwrap_err().to_string();
        assert!(
            error.starts_with("line 4: rate 0.0000000000000000000000000001 is implausibly small"),
            "{error}"
        );
    }
}
