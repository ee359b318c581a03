//! Judging the matches against a labelled truth (`recon evaluate --truth FILE.json`): the
//! precision of the automatic matches, the recall of automatic and suggested ones together, and
//! every wrong match, so a rule change can be weighed before it is trusted.

use std::collections::{BTreeMap, BTreeSet};

use rust_decimal::Decimal;
use serde::Deserialize;

use cashline_domain::MatchState;

use crate::EngineError;

/// The truth file: `{"entries": {"<bank_ref>": {"items": ["<item or payment id>", …]}}}`. An
/// entry with no items, or absent, should match nothing.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Truth {
    pub entries: BTreeMap<String, TruthEntry>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TruthEntry {
    #[serde(default)]
    pub items: BTreeSet<String>,
}

impl Truth {
    pub fn parse(file: &str, text: &str) -> Result<Truth, EngineError> {
        serde_json::from_str(text).map_err(|e| EngineError::Inconsistent {
            file: file.to_string(),
            message: format!("line {}, column {}: {e}", e.line(), e.column()),
        })
    }

    fn items_of(&self, bank_ref: &str) -> BTreeSet<String> {
        self.entries
            .get(bank_ref)
            .map(|e| e.items.clone())
            .unwrap_or_default()
    }
}

/// A match as the evaluation sees it: its entries by bank reference, what it settles by ERP id.
#[derive(Debug, Clone)]
pub struct MatchSeen {
    pub state: MatchState,
    pub entries: Vec<String>,
    pub items: Vec<String>,
    pub rule: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    pub auto_matches: usize,
    pub auto_right: usize,
    /// Right automatic matches over all automatic ones (1 when there are none), 4 decimals.
    pub precision: Decimal,
    /// Labelled entries whose items an automatic or suggested match names exactly, over all
    /// labelled entries with items, 4 decimals.
    pub recall: Decimal,
    pub labelled: usize,
    pub found: usize,
    pub false_matches: Vec<FalseMatch>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FalseMatch {
    pub entries: Vec<String>,
    pub items: Vec<String>,
    pub rule: String,
    pub state: MatchState,
}

fn ratio(part: usize, whole: usize) -> Decimal {
    if whole == 0 {
        return Decimal::new(10_000, 4);
    }
    let mut share = (Decimal::from(part) / Decimal::from(whole)).round_dp(4);
    share.rescale(4);
    share
}

pub fn evaluate(truth: &Truth, matches: &[MatchSeen]) -> Evaluation {
    let right = |m: &MatchSeen| {
        let items: BTreeSet<String> = m.items.iter().cloned().collect();
        !m.entries.is_empty() && m.entries.iter().all(|e| truth.items_of(e) == items)
    };
    let shown: Vec<&MatchSeen> = matches
        .iter()
        .filter(|m| {
            matches!(
                m.state,
                MatchState::Auto | MatchState::Suggested | MatchState::Confirmed
            )
        })
        .collect();
    let auto: Vec<&MatchSeen> = shown
        .iter()
        .copied()
        .filter(|m| m.state == MatchState::Auto)
        .collect();
    let auto_right = auto.iter().filter(|m| right(m)).count();
    let labelled: Vec<(&String, &TruthEntry)> = truth
        .entries
        .iter()
        .filter(|(_, e)| !e.items.is_empty())
        .collect();
    let found = labelled
        .iter()
        .filter(|(bank_ref, entry)| {
            shown.iter().any(|m| {
                m.entries.contains(bank_ref)
                    && m.items.iter().cloned().collect::<BTreeSet<_>>() == entry.items
            })
        })
        .count();
    let false_matches = shown
        .iter()
        .filter(|m| !right(m))
        .map(|m| FalseMatch {
            entries: m.entries.clone(),
            items: m.items.clone(),
            rule: m.rule.clone(),
            state: m.state,
        })
        .collect();
    Evaluation {
        auto_matches: auto.len(),
        auto_right,
        precision: ratio(auto_right, auto.len()),
        recall: ratio(found, labelled.len()),
        labelled: labelled.len(),
        found,
        false_matches,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seen(state: MatchState, entries: &[&str], items: &[&str]) -> MatchSeen {
        MatchSeen {
            state,
            entries: entries.iter().map(|s| s.to_string()).collect(),
            items: items.iter().map(|s| s.to_string()).collect(),
            rule: "r".into(),
        }
    }

    #[test]
    fn precision_counts_automatic_matches_and_recall_counts_suggestions_too() {
        let truth = Truth::parse("t.json", r#"{"entries":{"B1":{"items":["I1"]},"B2":{"items":["I2","I3"]},"B3":{"items":[]},"B4":{"items":["I4"]}}}"#).unwrap();
        let matches = [
            seen(MatchState::Auto, &["B1"], &["I1"]),
            seen(MatchState::Suggested, &["B2"], &["I2", "I3"]),
            seen(MatchState::Auto, &["B3"], &["I9"]),
            seen(MatchState::Rejected, &["B4"], &["I4"]),
        ];
        let report = evaluate(&truth, &matches);
        assert_eq!((report.auto_matches, report.auto_right), (2, 1));
        assert_eq!(report.precision.to_string(), "0.5000");
        assert_eq!(report.recall.to_string(), "0.6667");
        assert_eq!(report.false_matches.len(), 1);
        assert_eq!(report.false_matches[0].entries, ["B3"]);
    }

    #[test]
    fn a_bad_truth_file_names_its_line() {
        let error = Truth::parse("truth.json", "{\"entries\": {\"B1\": {\"itemz\": []}}}")
            .unwrap_err()
            .to_string();
        assert!(error.starts_with("truth.json: line 1"), "{error}");
    }
}
