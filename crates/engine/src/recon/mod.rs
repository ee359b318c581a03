//! Reconciliation: bank entries matched to the ERP's open items and payments by ordered rules a
//! controller can read and change, each match saying why. `matcher` decides in memory (no I/O);
//! `run` reads what is new or still open from the ledger, decides, and writes the matches, their
//! effects and the exceptions in one transaction.

pub mod amount;
pub mod decision;
pub mod evaluate;
pub mod evidence;
pub mod explanation;
pub mod facts;
pub mod index;
pub mod matcher;
pub mod parallel;
pub mod rule;
pub mod run;
pub mod subset;
pub mod text;

pub use evidence::{EntryText, Evidence, Shown, TargetText};
pub use facts::{DetailFacts, EntryFacts, Memory, Target, TargetId, TargetKind};
pub use matcher::{Matcher, Note, Outcome, Proposal, Settle, Thresholds};
pub use rule::{Params, Rule, RuleKind};

#[cfg(test)]
mod tests;
