//! The reconciliation rules: their kinds, their settings (`params_json` in `recon_rule`) and
//! the criteria of a controller's own rules, each checked when stored, so a run never meets a
//! rule it cannot apply.

use regex::{Regex, RegexBuilder};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::EngineError;

/// Longest pattern a controller may store; the regex crate runs in linear time, and its size
/// limit below keeps a compiled pattern small.
pub const PATTERN_LEN_MAX: usize = 500;
const PATTERN_SIZE_LIMIT: usize = 1 << 20;
/// Criteria per custom rule.
pub const CRITERIA_MAX: usize = 20;
/// Days a window may reach either way.
pub const WINDOW_DAYS_MAX: i64 = 366;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleKind {
    EndToEndId,
    CreditorReference,
    InvoiceNumber,
    IbanAmountDate,
    AmountTolerance,
    SeveralItems,
    Batch,
    Custom,
}

impl RuleKind {
    pub const ALL: &'static [RuleKind] = &[
        RuleKind::EndToEndId,
        RuleKind::CreditorReference,
        RuleKind::InvoiceNumber,
        RuleKind::IbanAmountDate,
        RuleKind::AmountTolerance,
        RuleKind::SeveralItems,
        RuleKind::Batch,
        RuleKind::Custom,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RuleKind::EndToEndId => "end_to_end_id",
            RuleKind::CreditorReference => "creditor_reference",
            RuleKind::InvoiceNumber => "invoice_number",
            RuleKind::IbanAmountDate => "iban_amount_date",
            RuleKind::AmountTolerance => "amount_tolerance",
            RuleKind::SeveralItems => "several_items",
            RuleKind::Batch => "batch",
            RuleKind::Custom => "custom",
        }
    }

    pub fn parse(text: &str) -> Option<RuleKind> {
        RuleKind::ALL.iter().copied().find(|k| k.as_str() == text)
    }

    /// What the rule does, in a sentence for the rules screen.
    pub fn describe(self) -> &'static str {
        match self {
            RuleKind::EndToEndId => "The entry's end-to-end id equals a payment's end-to-end id or an item's reference.",
            RuleKind::CreditorReference => "A structured creditor reference (ISO 11649 RF with valid check digits, camt CdtrRefInf, EREF) equals an item's reference.",
            RuleKind::InvoiceNumber => "The item's invoice or document number appears in the remittance text, even split by spaces, dashes or line breaks.",
            RuleKind::IbanAmountDate => "The counterparty IBAN and the amount agree and the value date falls in a window around the due date.",
            RuleKind::AmountTolerance => "A reference match may differ in amount by a bank fee or a short or over payment; the difference is kept by name.",
            RuleKind::SeveralItems => "One entry settles several items of one counterparty (preferring those the remittance names); several entries may settle one item in instalments.",
            RuleKind::Batch => "A batch entry's transactions settle payments or items one by one, by their end-to-end ids and references.",
            RuleKind::Custom => "A controller's own criteria.",
        }
    }
}

/// A rule as stored: where it stands, whether it runs, and its settings.
#[derive(Debug, Clone)]
pub struct Rule {
    pub name: String,
    pub kind: RuleKind,
    pub position: i64,
    pub enabled: bool,
    pub params: Params,
}

/// The settings of each kind. Every field has a default, so `{}` is a valid setting.
#[derive(Debug, Clone)]
pub enum Params {
    Plain,
    InvoiceNumber(InvoiceParams),
    Window(WindowParams),
    Tolerance(ToleranceParams),
    SeveralItems(SeveralParams),
    Custom(CustomParams),
}

#[derive(Debug, Clone)]
pub struct InvoiceParams {
    /// Extra patterns whose matches (the whole match, or its first group) are numbers to look
    /// up, beside the runs of the text itself.
    pub patterns: Vec<Regex>,
    /// How many runs of letters and digits one number may be split into.
    pub runs_max: usize,
}

#[derive(Debug, Clone, Copy)]
pub struct WindowParams {
    pub days_before: i64,
    pub days_after: i64,
}

#[derive(Debug, Clone, Copy)]
pub struct ToleranceParams {
    /// A difference up to this (in the entry's currency, major units) is a bank fee.
    pub fee_max: Decimal,
    /// Up to this share of the amount, a short payment (below) or an over payment (above).
    pub short_percent: Decimal,
    pub over_percent: Decimal,
}

#[derive(Debug, Clone, Copy)]
pub struct SeveralParams {
    /// Items of one counterparty looked at for one entry, nearest due first.
    pub candidates_max: usize,
    /// Items one entry may settle.
    pub items_max: usize,
    /// Subsets tried per entry before the search stops (and proposes nothing).
    pub search_budget: usize,
}

#[derive(Debug, Clone)]
pub struct CustomParams {
    pub criteria: Vec<Criterion>,
    /// Hundredths: 90 is 0.90.
    pub confidence: u8,
}

/// A field a custom criterion reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    #[serde(rename = "entry.counterparty_name")]
    EntryCounterpartyName,
    #[serde(rename = "entry.counterparty_iban")]
    EntryCounterpartyIban,
    #[serde(rename = "entry.remittance")]
    EntryRemittance,
    #[serde(rename = "entry.end_to_end_id")]
    EntryEndToEndId,
    #[serde(rename = "entry.creditor_reference")]
    EntryCreditorReference,
    #[serde(rename = "entry.bank_transaction_code")]
    EntryBankTransactionCode,
    #[serde(rename = "item.counterparty_name")]
    ItemCounterpartyName,
    #[serde(rename = "item.counterparty_iban")]
    ItemCounterpartyIban,
    #[serde(rename = "item.reference")]
    ItemReference,
    #[serde(rename = "item.kind")]
    ItemKind,
    /// Entry value date against the item's due date (`within_days`).
    #[serde(rename = "date")]
    Date,
    /// Entry amount against the item's open amount (`within_amount`).
    #[serde(rename = "amount")]
    Amount,
}

impl Field {
    pub fn is_entry(self) -> bool {
        matches!(
            self,
            Field::EntryCounterpartyName
                | Field::EntryCounterpartyIban
                | Field::EntryRemittance
                | Field::EntryEndToEndId
                | Field::EntryCreditorReference
                | Field::EntryBankTransactionCode
        )
    }

    pub fn is_item(self) -> bool {
        matches!(
            self,
            Field::ItemCounterpartyName
                | Field::ItemCounterpartyIban
                | Field::ItemReference
                | Field::ItemKind
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Operator {
    Equals,
    Contains,
    Regex,
    WithinDays,
    WithinAmount,
}

/// One condition of a custom rule, checked when stored.
#[derive(Debug, Clone)]
pub struct Criterion {
    pub field: Field,
    pub operator: Operator,
    pub test: Test,
}

#[derive(Debug, Clone)]
pub enum Test {
    /// Upper-cased; compared upper-cased.
    Equals(String),
    Contains(String),
    Regex(Regex),
    WithinDays(i64),
    /// A fixed drift in major units, or a share of the item's amount.
    WithinAmount(Drift),
}

#[derive(Debug, Clone, Copy)]
pub enum Drift {
    Fixed(Decimal),
    Percent(Decimal),
}

/// A criterion as written in JSON: `{"field": "entry.remittance", "operator": "contains",
/// "value": "INTEREST"}`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CriterionText {
    pub field: Field,
    pub operator: Operator,
    pub value: String,
}

/// A rule as a controller writes it (`recon rules add FILE.json`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleText {
    pub name: String,
    #[serde(default = "custom_kind")]
    pub kind: String,
    #[serde(default)]
    pub enabled: Option<bool>,
    #[serde(default)]
    pub criteria: Vec<CriterionText>,
    /// A custom rule's confidence, "0.01" to "0.99".
    #[serde(default)]
    pub confidence: Option<String>,
    /// A built-in kind's settings (the same keys as its `params`).
    #[serde(default)]
    pub params: Option<serde_json::Value>,
}

fn custom_kind() -> String {
    "custom".into()
}

fn invalid(rule: &str, message: impl std::fmt::Display) -> EngineError {
    EngineError::InvalidRequest(format!("rule '{rule}': {message}"))
}

/// The settings of a built-in kind, from its JSON (unknown keys refused).
pub fn params_of(
    name: &str,
    kind: RuleKind,
    json: &serde_json::Value,
) -> Result<Params, EngineError> {
    let object = json
        .as_object()
        .ok_or_else(|| invalid(name, "its params must be a JSON object"))?;
    let allowed: &[&str] = match kind {
        RuleKind::EndToEndId | RuleKind::CreditorReference | RuleKind::Batch => &[],
        RuleKind::InvoiceNumber => &["patterns", "runs_max"],
        RuleKind::IbanAmountDate => &["days_before", "days_after"],
        RuleKind::AmountTolerance => &["fee_max", "short_percent", "over_percent"],
        RuleKind::SeveralItems => &["candidates_max", "items_max", "search_budget"],
        RuleKind::Custom => &["criteria", "confidence"],
    };
    if let Some(unknown) = object.keys().find(|k| !allowed.contains(&k.as_str())) {
        return Err(invalid(
            name,
            format!("'{unknown}' is not a setting of a {} rule", kind.as_str()),
        ));
    }
    let int = |key: &str, default: i64, low: i64, high: i64| -> Result<i64, EngineError> {
        match object.get(key) {
            None => Ok(default),
            Some(value) => value
                .as_i64()
                .filter(|n| (low..=high).contains(n))
                .ok_or_else(|| {
                    invalid(
                        name,
                        format!("'{key}' must be a whole number from {low} to {high}"),
                    )
                }),
        }
    };
    let decimal = |key: &str, default: &str, high: &str| -> Result<Decimal, EngineError> {
        let text = match object.get(key) {
            None => default.to_string(),
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(other) => other.to_string(),
        };
        let value: Decimal = text.trim().parse().map_err(|_| {
            invalid(
                name,
                format!("'{key}' must be a decimal number such as \"{default}\""),
            )
        })?;
        let high: Decimal = high.parse().expect("a literal");
        if value.is_sign_negative() || value > high {
            return Err(invalid(name, format!("'{key}' must be from 0 to {high}")));
        }
        Ok(value)
    };
    Ok(match kind {
        RuleKind::EndToEndId | RuleKind::CreditorReference | RuleKind::Batch => Params::Plain,
        RuleKind::InvoiceNumber => {
            let mut patterns = Vec::new();
            if let Some(list) = object.get("patterns") {
                let list = list.as_array().ok_or_else(|| {
                    invalid(name, "'patterns' must be a list of regular expressions")
                })?;
                for pattern in list {
                    let pattern = pattern
                        .as_str()
                        .ok_or_else(|| invalid(name, "each pattern must be text"))?;
                    patterns.push(compile(name, pattern)?);
                }
            }
            Params::InvoiceNumber(InvoiceParams {
                patterns,
                runs_max: usize::try_from(int("runs_max", 4, 1, 8)?).expect("bounded"),
            })
        }
        RuleKind::IbanAmountDate => Params::Window(WindowParams {
            days_before: int("days_before", 10, 0, WINDOW_DAYS_MAX)?,
            days_after: int("days_after", 30, 0, WINDOW_DAYS_MAX)?,
        }),
        RuleKind::AmountTolerance => Params::Tolerance(ToleranceParams {
            fee_max: decimal("fee_max", "25", "1000000")?,
            short_percent: decimal("short_percent", "2", "50")?,
            over_percent: decimal("over_percent", "2", "50")?,
        }),
        RuleKind::SeveralItems => Params::SeveralItems(SeveralParams {
            candidates_max: usize::try_from(int("candidates_max", 20, 2, 40)?).expect("bounded"),
            items_max: usize::try_from(int("items_max", 6, 2, 12)?).expect("bounded"),
            search_budget: usize::try_from(int("search_budget", 20_000, 100, 1_000_000)?)
                .expect("bounded"),
        }),
        RuleKind::Custom => {
            let criteria: Vec<CriterionText> = serde_json::from_value(
                object
                    .get("criteria")
                    .cloned()
                    .unwrap_or(serde_json::Value::Array(vec![])),
            )
            .map_err(|e| invalid(name, format!("its criteria: {e}")))?;
            let confidence = match object.get("confidence") {
                None => None,
                Some(serde_json::Value::String(s)) => Some(s.clone()),
                Some(other) => Some(other.to_string()),
            };
            Params::Custom(custom(name, &criteria, confidence.as_deref())?)
        }
    })
}

/// A rule written by a controller, checked whole: its name, kind, criteria and confidence.
pub fn rule_from_text(text: &RuleText) -> Result<(RuleKind, serde_json::Value), EngineError> {
    let name = text.name.trim();
    if name.is_empty() || name.len() > 80 || name.chars().any(|c| c.is_control()) {
        return Err(EngineError::InvalidRequest(
            "a rule needs a name of 1 to 80 characters without control characters".into(),
        ));
    }
    let kind = RuleKind::parse(&text.kind).ok_or_else(|| {
        invalid(
            name,
            format!(
                "'{}' is not a rule kind (one of {})",
                text.kind,
                RuleKind::ALL
                    .iter()
                    .map(|k| k.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )
    })?;
    let params = if kind == RuleKind::Custom {
        if text.params.is_some() {
            return Err(invalid(
                name,
                "a custom rule takes 'criteria' and 'confidence', not 'params'",
            ));
        }
        serde_json::json!({
            "criteria": text.criteria,
            "confidence": text.confidence.clone().unwrap_or_else(|| "0.90".into()),
        })
    } else {
        if !text.criteria.is_empty() || text.confidence.is_some() {
            return Err(invalid(
                name,
                "only a custom rule takes criteria and a confidence",
            ));
        }
        text.params.clone().unwrap_or_else(|| serde_json::json!({}))
    };
    params_of(name, kind, &params)?;
    Ok((kind, params))
}

fn compile(rule: &str, pattern: &str) -> Result<Regex, EngineError> {
    if pattern.len() > PATTERN_LEN_MAX {
        return Err(invalid(
            rule,
            format!("a pattern may be at most {PATTERN_LEN_MAX} characters"),
        ));
    }
    RegexBuilder::new(pattern)
        .case_insensitive(true)
        .size_limit(PATTERN_SIZE_LIMIT)
        .build()
        .map_err(|e| {
            invalid(
                rule,
                format!(
                    "the pattern '{pattern}' is not a regular expression: {}",
                    first_line(&e.to_string())
                ),
            )
        })
}

fn first_line(text: &str) -> &str {
    text.lines().last().unwrap_or(text).trim()
}

fn custom(
    name: &str,
    criteria: &[CriterionText],
    confidence: Option<&str>,
) -> Result<CustomParams, EngineError> {
    if criteria.is_empty() || criteria.len() > CRITERIA_MAX {
        return Err(invalid(
            name,
            format!("a custom rule needs 1 to {CRITERIA_MAX} criteria"),
        ));
    }
    let mut checked = Vec::with_capacity(criteria.len());
    for c in criteria {
        let value = c.value.trim();
        let test = match (c.field, c.operator) {
            (Field::Date, Operator::WithinDays) => Test::WithinDays(
                value
                    .parse::<i64>()
                    .ok()
                    .filter(|n| (0..=WINDOW_DAYS_MAX).contains(n))
                    .ok_or_else(|| invalid(name, format!("within_days takes a number of days from 0 to {WINDOW_DAYS_MAX}, not '{value}'")))?,
            ),
            (Field::Amount, Operator::WithinAmount) => Test::WithinAmount(drift(name, value)?),
            (Field::Date | Field::Amount, _) | (_, Operator::WithinDays | Operator::WithinAmount) => {
                return Err(invalid(name, "within_days applies to the field 'date' and within_amount to 'amount', and those fields take only them"));
            }
            (_, Operator::Equals) => Test::Equals(non_empty(name, value)?.to_uppercase()),
            (_, Operator::Contains) => Test::Contains(non_empty(name, value)?.to_uppercase()),
            (_, Operator::Regex) => Test::Regex(compile(name, non_empty(name, value)?)?),
        };
        checked.push(Criterion {
            field: c.field,
            operator: c.operator,
            test,
        });
    }
    // A rule that says nothing about the item would pair an entry with every item.
    if !checked.iter().any(|c| c.field.is_item()) {
        return Err(invalid(name, "a custom rule needs at least one criterion on the item (item.counterparty_name, item.counterparty_iban, item.reference or item.kind)"));
    }
    let confidence = confidence.unwrap_or("0.90").trim();
    let value: Decimal = confidence.parse().map_err(|_| {
        invalid(
            name,
            format!("the confidence '{confidence}' is not a decimal from 0.01 to 0.99"),
        )
    })?;
    let hundredths = (value * Decimal::ONE_HUNDRED).normalize();
    if !hundredths.fract().is_zero() || hundredths < Decimal::ONE || hundredths > Decimal::from(99)
    {
        return Err(invalid(
            name,
            format!("the confidence '{confidence}' must be from 0.01 to 0.99 in hundredths"),
        ));
    }
    Ok(CustomParams {
        criteria: checked,
        confidence: u8::try_from(hundredths.mantissa()).expect("1 to 99"),
    })
}

fn non_empty<'a>(rule: &str, value: &'a str) -> Result<&'a str, EngineError> {
    if value.is_empty() || value.len() > PATTERN_LEN_MAX {
        return Err(invalid(
            rule,
            format!("a criterion needs a value of 1 to {PATTERN_LEN_MAX} characters"),
        ));
    }
    Ok(value)
}

fn drift(rule: &str, value: &str) -> Result<Drift, EngineError> {
    let bad = || {
        invalid(rule, format!("within_amount takes an amount such as \"5.00\" or a share such as \"2%\", not '{value}'"))
    };
    let (number, percent) = match value.strip_suffix('%') {
        Some(number) => (number.trim(), true),
        None => (value, false),
    };
    let number: Decimal = number.parse().map_err(|_| bad())?;
    if number.is_sign_negative() || number > Decimal::from(if percent { 100 } else { 1_000_000 }) {
        return Err(bad());
    }
    Ok(if percent {
        Drift::Percent(number)
    } else {
        Drift::Fixed(number)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(json: &str) -> Result<(RuleKind, serde_json::Value), EngineError> {
        rule_from_text(&serde_json::from_str(json).expect("json"))
    }

    #[test]
    fn a_custom_rule_is_checked_whole() {
        let (kind, params) = rule(
            r#"{"name":"interest","criteria":[
            {"field":"entry.remittance","operator":"contains","value":"zins"},
            {"field":"item.reference","operator":"regex","value":"^INT-\\d+$"},
            {"field":"amount","operator":"within_amount","value":"2%"},
            {"field":"date","operator":"within_days","value":"5"}],"confidence":"0.85"}"#,
        )
        .expect("valid");
        assert_eq!(kind, RuleKind::Custom);
        let Params::Custom(custom) = params_of("interest", kind, &params).expect("params") else {
            panic!()
        };
        assert_eq!(custom.confidence, 85);
        assert_eq!(custom.criteria.len(), 4);
    }

    #[test]
    fn a_bad_rule_names_what_is_wrong() {
        for (json, says) in [
            (
                r#"{"name":"x","criteria":[{"field":"entry.remittance","operator":"contains","value":"a"}]}"#,
                "criterion on the item",
            ),
            (
                r#"{"name":"x","criteria":[{"field":"item.reference","operator":"regex","value":"("}]}"#,
                "not a regular expression",
            ),
            (
                r#"{"name":"x","criteria":[{"field":"item.reference","operator":"within_days","value":"3"}]}"#,
                "within_days applies",
            ),
            (
                r#"{"name":"x","criteria":[{"field":"item.kind","operator":"equals","value":"payable"}],"confidence":"1.5"}"#,
                "0.01 to 0.99",
            ),
            (
                r#"{"name":"x","kind":"iban_amount_date","params":{"days_before":9999}}"#,
                "'days_before' must be",
            ),
            (
                r#"{"name":"x","kind":"iban_amount_date","params":{"weeks":1}}"#,
                "not a setting",
            ),
            (r#"{"name":"x","kind":"magic"}"#, "not a rule kind"),
            (
                r#"{"name":"bad\u0007name","criteria":[]}"#,
                "control characters",
            ),
        ] {
            let error = rule(json).expect_err(json).to_string();
            assert!(error.contains(says), "{json}: {error}");
        }
    }

    #[test]
    fn empty_params_take_the_defaults() {
        let Params::Tolerance(t) =
            params_of("t", RuleKind::AmountTolerance, &serde_json::json!({})).unwrap()
        else {
            panic!()
        };
        assert_eq!(t.fee_max, Decimal::from(25));
        let Params::Window(w) = params_of(
            "w",
            RuleKind::IbanAmountDate,
            &serde_json::json!({"days_after": 5}),
        )
        .unwrap() else {
            panic!()
        };
        assert_eq!((w.days_before, w.days_after), (10, 5));
    }
}
