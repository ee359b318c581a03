//! The explanation every match keeps (`recon_match.explanation_json`): the rule, the evidence
//! that agreed (which field, which values), what differed (the amount and its kind, the days
//! apart), what it settles, the score, and who or what made it. Written by serde straight from
//! these borrowed fields: a run of a million matches builds no intermediate JSON values.

use std::borrow::Cow;

use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct Explanation<'a> {
    pub rule: &'a str,
    pub score: String,
    pub evidence: Vec<EvidenceShown<'a>>,
    pub differences: Differences,
    pub settles: Vec<Settled<'a>>,
    pub notes: &'a [Cow<'static, str>],
    pub made_by: &'a str,
    pub tentative: bool,
}

#[derive(Debug, Serialize)]
pub struct EvidenceShown<'a> {
    pub field: &'a str,
    pub entry: Cow<'a, str>,
    pub item: Cow<'a, str>,
}

#[derive(Debug, Serialize)]
pub struct Differences {
    /// The entries less what the items expected, with the currency's minor units.
    pub amount: String,
    pub kind: Option<&'static str>,
    pub days_apart: Option<i64>,
}

#[derive(Debug, Serialize)]
pub struct Settled<'a> {
    pub id: &'a str,
    pub kind: &'a str,
    pub settled: String,
    pub open_before: String,
    pub companion: bool,
}

impl Explanation<'_> {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("an explanation is plain data")
    }
}
