//! What a piece of evidence shows, named by where the value lives (a field of the entry, of one
//! of its transactions, of a target) rather than copied: a run proposes a match for most of a
//! million entries, and copying each agreeing value twice was most of what the matcher
//! allocated. The text is read back only when an explanation is written.

use std::borrow::Cow;

use chrono::NaiveDate;

use cashline_domain::{Currency, Money};

use super::facts::{DetailFacts, EntryFacts, Target};

/// One piece of evidence: which field agreed, with the values on each side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evidence {
    pub field: &'static str,
    pub entry: Shown,
    pub target: Shown,
}

/// A text field of an entry, or of one of its transactions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryText {
    EndToEndId,
    CreditorReference,
    EntryRef,
    CounterpartyIban,
    CounterpartyName,
    /// Bytes `start..end` of the remittance text: the words that named the item, as written.
    Remittance {
        start: u32,
        end: u32,
    },
}

/// A text field of a target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetText {
    Reference,
    /// The payment's end-to-end id, else the reference.
    EndToEndIdOrReference,
    Iban,
    /// The IBAN, else the name (a party known by an alias).
    IbanOrName,
    Name,
    ExternalId,
}

/// Where a value evidence shows is found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shown {
    Entry(EntryText),
    /// A field of the entry's transaction at this position.
    Detail(u16, EntryText),
    /// A field of the target at this index (into the targets given to the matcher).
    Target(u32, TargetText),
    Amount(i64, Currency),
    Date(NaiveDate),
    /// A value made up for the evidence (a list of items, an operator): rare. Boxed once more
    /// so that the rare case keeps every piece of evidence at a thin pointer's size.
    #[allow(clippy::box_collection)]
    Text(Box<String>),
}

impl Shown {
    pub fn target(index: usize, text: TargetText) -> Shown {
        Shown::Target(
            u32::try_from(index).expect("fewer than 4 billion targets"),
            text,
        )
    }

    pub fn made(text: String) -> Shown {
        Shown::Text(Box::new(text))
    }

    pub fn detail(index: usize, text: EntryText) -> Shown {
        Shown::Detail(u16::try_from(index).unwrap_or(u16::MAX), text)
    }

    /// The text this names, borrowed from `entry` and `targets` where it can be.
    pub fn text<'a>(&'a self, entry: &'a EntryFacts, targets: &'a [Target]) -> Cow<'a, str> {
        match self {
            Shown::Entry(text) => Cow::Borrowed(entry_text(entry, *text)),
            Shown::Detail(index, text) => Cow::Borrowed(
                entry
                    .details
                    .get(usize::from(*index))
                    .map_or("", |d| detail_text(d, *text)),
            ),
            Shown::Target(index, text) => Cow::Borrowed(
                targets
                    .get(*index as usize)
                    .map_or("", |t| target_text(t, *text)),
            ),
            Shown::Amount(minor, currency) => Cow::Owned(Money::minor_text(*minor, *currency)),
            Shown::Date(date) => Cow::Owned(date.to_string()),
            Shown::Text(text) => Cow::Borrowed(text),
        }
    }
}

/// `start..end` of `text` if that is a span of it on character boundaries, else all of it.
fn span(text: &str, start: u32, end: u32) -> &str {
    text.get(start as usize..end as usize).unwrap_or(text)
}

fn entry_text(entry: &EntryFacts, text: EntryText) -> &str {
    let value = match text {
        EntryText::EndToEndId => &entry.end_to_end_id,
        EntryText::CreditorReference => &entry.creditor_reference,
        EntryText::EntryRef => &entry.entry_ref,
        EntryText::CounterpartyIban => &entry.counterparty_iban,
        EntryText::CounterpartyName => &entry.counterparty_name,
        EntryText::Remittance { start, end } => {
            return entry
                .remittance
                .as_deref()
                .map_or("", |r| span(r, start, end))
        }
    };
    value.as_deref().unwrap_or_default()
}

fn detail_text(detail: &DetailFacts, text: EntryText) -> &str {
    let value = match text {
        EntryText::EndToEndId => &detail.end_to_end_id,
        EntryText::CreditorReference => &detail.creditor_reference,
        EntryText::EntryRef => &None,
        EntryText::CounterpartyIban => &detail.counterparty_iban,
        EntryText::CounterpartyName => &detail.counterparty_name,
        EntryText::Remittance { start, end } => {
            return detail
                .remittance
                .as_deref()
                .map_or("", |r| span(r, start, end))
        }
    };
    value.as_deref().unwrap_or_default()
}

fn target_text(target: &Target, text: TargetText) -> &str {
    let value = match text {
        TargetText::Reference => &target.reference,
        TargetText::EndToEndIdOrReference => {
            if target.end_to_end_id.is_some() {
                &target.end_to_end_id
            } else {
                &target.reference
            }
        }
        TargetText::Iban => &target.counterparty_iban,
        TargetText::IbanOrName => {
            if target.counterparty_iban.is_some() {
                &target.counterparty_iban
            } else {
                &target.counterparty_name
            }
        }
        TargetText::Name => &target.counterparty_name,
        TargetText::ExternalId => return &target.external_id,
    };
    value.as_deref().unwrap_or_default()
}

/// The span `part` takes in `whole`, where `part` is a slice of it.
pub fn span_of(whole: &str, part: &str) -> EntryText {
    let start = (part.as_ptr() as usize).saturating_sub(whole.as_ptr() as usize);
    let start = start.min(whole.len());
    let end = (start + part.len()).min(whole.len());
    EntryText::Remittance {
        start: u32::try_from(start).unwrap_or(0),
        end: u32::try_from(end).unwrap_or(0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_remittance_span_shows_the_words_as_written() {
        let text = "Payment of invoice INV 0042 with thanks";
        let part = &text[19..27];
        assert_eq!(
            span_of(text, part),
            EntryText::Remittance { start: 19, end: 27 }
        );
        assert_eq!(span(text, 19, 27), "INV 0042");
        // A span that is not one of the text (a stale index) shows the whole text, never panics.
        assert_eq!(span(text, 30, 400), text);
    }
}
