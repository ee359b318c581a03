//! The European Central Bank's euro reference rates: `eurofxref-daily.xml` (one day) and
//! `eurofxref-hist.xml` (every day since 1999), and fetching them.

use chrono::NaiveDate;
use quick_xml::events::Event;
use quick_xml::Reader;
use rust_decimal::Decimal;

use cashline_domain::Currency;

use crate::{validate_rate, FxRate, RateError, RATE_FILE_BYTES_MAX};

/// Where the ECB publishes the latest day's rates.
pub const ECB_DAILY_URL: &str = "https://www.ecb.europa.eu/stats/eurofxref/eurofxref-daily.xml";

/// Reads `<Cube time="…"><Cube currency="USD" rate="1.05"/>…</Cube>`: rates of 1 EUR.
pub fn parse_xml(bytes: &[u8]) -> Result<(Vec<FxRate>, Vec<String>), RateError> {
    let mut reader = Reader::from_reader(bytes);
    let mut rates = Vec::new();
    let mut warnings = Vec::new();
    let mut day: Option<NaiveDate> = None;
    let line_of = |position: u64| {
        1 + bytes[..(position as usize).min(bytes.len())]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
    };
    loop {
        let position = reader.buffer_position();
        let event = reader.read_event().map_err(|e| RateError::Invalid {
            line: line_of(reader.error_position()),
            message: format!("the XML is malformed: {e}"),
        })?;
        let line = line_of(position);
        let invalid = |message: String| RateError::Invalid { line, message };
        match event {
            Event::DocType(_) => {
                return Err(invalid("a DOCTYPE declaration is not accepted".into()))
            }
            Event::Start(element) | Event::Empty(element)
                if element.local_name().as_ref() == b"Cube" =>
            {
                let mut time = None;
                let mut currency = None;
                let mut rate = None;
                for attribute in element.attributes() {
                    let attribute = attribute.map_err(|e| invalid(e.to_string()))?;
                    let value = attribute
                        .unescape_value()
                        .map_err(|e| invalid(e.to_string()))?
                        .into_owned();
                    match attribute.key.local_name().as_ref() {
                        b"time" => time = Some(value),
                        b"currency" => currency = Some(value),
                        b"rate" => rate = Some(value),
                        _ => {}
                    }
                }
                if let Some(time) = time {
                    day = Some(
                        NaiveDate::parse_from_str(&time, "%Y-%m-%d")
                            .map_err(|_| invalid(format!("time '{time}' is not a date")))?,
                    );
                }
                if let (Some(code), Some(rate_text)) = (currency, rate) {
                    let date =
                        day.ok_or_else(|| invalid("a rate outside any dated Cube".into()))?;
                    let quote = match Currency::from_code(&code) {
                        Ok(quote) => quote,
                        Err(_) => {
                            // The history file keeps currencies that the euro replaced.
                            warnings.push(format!(
                                "line {line}: {code} is no longer an ISO 4217 currency; skipped"
                            ));
                            continue;
                        }
                    };
                    let rate: Decimal = rate_text
                        .parse()
                        .map_err(|_| invalid(format!("rate '{rate_text}' is not a decimal")))?;
                    validate_rate(rate).map_err(invalid)?;
                    rates.push(FxRate {
                        base: Currency::EUR,
                        quote,
                        date,
                        rate: rate.normalize(),
                    });
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok((rates, warnings))
}

/// Fetches the ECB's daily file (or another URL serving the same format).
pub async fn fetch(url: &str) -> Result<Vec<u8>, RateError> {
    let failed = |message: String| RateError::Fetch {
        url: url.to_string(),
        message,
    };
    let client = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(30))
        .build()
        .map_err(|e| failed(e.to_string()))?;
    let response = client
        .get(url)
        .send()
        .await
        .map_err(|e| failed(e.to_string()))?;
    if !response.status().is_success() {
        return Err(failed(format!("the server answered {}", response.status())));
    }
    let bytes = response.bytes().await.map_err(|e| failed(e.to_string()))?;
    if bytes.len() > RATE_FILE_BYTES_MAX {
        return Err(failed("the answer is too large".into()));
    }
    Ok(bytes.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAILY: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01" xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref">
	<gesmes:subject>Reference rates</gesmes:subject>
	<Cube>
		<Cube time='2026-11-24'>
			<Cube currency='USD' rate='1.0523'/>
			<Cube currency='JPY' rate='161.42'/>
			<Cube currency='GBP' rate='0.84390'/>
		</Cube>
		<Cube time='2026-11-23'>
			<Cube currency='USD' rate='1.0498'/>
			<Cube currency='CYP' rate='0.5853'/>
		</Cube>
	</Cube>
</gesmes:Envelope>"#;

    #[test]
    fn reads_daily_and_history_files() {
        let (rates, warnings) = crate::file::parse(DAILY.as_bytes()).unwrap();
        assert_eq!(rates.len(), 4);
        assert_eq!(rates[0].quote, Currency::USD);
        assert_eq!(rates[0].date.to_string(), "2026-11-24");
        assert_eq!(rates[2].rate.to_string(), "0.8439");
        assert_eq!(rates[3].date.to_string(), "2026-11-23");
        assert_eq!(warnings.len(), 1, "CYP is skipped: {warnings:?}");
    }

    #[test]
    fn bad_rates_are_refused_with_the_line() {
        let broken = DAILY.replace("161.42", "abc");
        let error = crate::file::parse(broken.as_bytes())
            .unwrap_err()
            .to_string();
        assert!(error.starts_with("line 7:"), "{error}");
    }
}
