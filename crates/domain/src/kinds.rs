//! The closed vocabularies of the canonical model: statement kinds, balance types, entry
//! statuses. Their `as_str` names are the ones stored in the ledger and shown on the wire.

use std::fmt;

macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(&self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn parse(text: &str) -> Option<$name> {
                match text { $($text => Some($name::$variant),)+ _ => None }
            }
        }

        impl std::str::FromStr for $name {
            type Err = crate::DomainError;

            fn from_str(text: &str) -> Result<$name, crate::DomainError> {
                $name::parse(text).ok_or_else(|| crate::DomainError::NotInVocabulary {
                    vocabulary: stringify!($name),
                    value: text.to_string(),
                    known: [$($text),+].join(", "),
                })
            }
        }

        /// For reading the ledger's columns, whose CHECKs hold the same names.
        impl TryFrom<String> for $name {
            type Error = crate::DomainError;

            fn try_from(text: String) -> Result<$name, crate::DomainError> {
                text.parse()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

vocabulary! {
    /// What a statement is for: end-of-day (camt.053, MT940), intraday report (camt.052,
    /// MT942) or single debit/credit notifications (camt.054).
    StatementKind {
        EndOfDay => "end_of_day",
        Intraday => "intraday",
        Notification => "notification",
    }
}

vocabulary! {
    /// Balance types as banks report them (ISO 20022 codes in brackets in the parsers).
    BalanceType {
        OpeningBooked => "opening_booked",
        ClosingBooked => "closing_booked",
        InterimBooked => "interim_booked",
        InterimAvailable => "interim_available",
        OpeningAvailable => "opening_available",
        ClosingAvailable => "closing_available",
        ForwardAvailable => "forward_available",
        Information => "information",
    }
}

vocabulary! {
    /// Whether an entry has been booked by the bank, is still pending, or is information only.
    EntryStatus {
        Booked => "booked",
        Pending => "pending",
        Information => "info",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for kind in BalanceType::ALL {
            assert_eq!(BalanceType::parse(kind.as_str()), Some(*kind));
        }
        for status in EntryStatus::ALL {
            assert_eq!(EntryStatus::parse(status.as_str()), Some(*status));
        }
        for kind in StatementKind::ALL {
            assert_eq!(StatementKind::parse(kind.as_str()), Some(*kind));
        }
    }
}

vocabulary! {
    /// Where a payment is in its life, from the ERP's approval to the bank's settlement.
    PaymentState {
        Imported => "imported",
        Validated => "validated",
        Approved => "approved",
        Sent => "sent",
        Acknowledged => "acknowledged",
        Accepted => "accepted",
        Settled => "settled",
        Rejected => "rejected",
        Returned => "returned",
        Cancelled => "cancelled",
    }
}

vocabulary! {
    /// Who or what moved a payment: a person, a file the bank or the ERP sent, a match.
    PaymentSource {
        User => "user",
        Csv => "csv",
        Pain001 => "pain.001",
        Export => "export",
        Pain002 => "pain.002",
        Camt054 => "camt.054",
        Statement => "statement",
        Reconciliation => "reconciliation",
        Psd2 => "psd2",
        Erp => "erp",
    }
}

vocabulary! {
    /// ISO 20022 payment status codes (ExternalPaymentTransactionStatus1Code and the group
    /// codes of pain.002), as banks send them: what each means for a payment is in
    /// `payment_status`.
    StatusCode {
        Rcvd => "RCVD",
        Actc => "ACTC",
        Accp => "ACCP",
        Acfc => "ACFC",
        Acsp => "ACSP",
        Acwc => "ACWC",
        Acwp => "ACWP",
        Accr => "ACCR",
        Acsc => "ACSC",
        Accc => "ACCC",
        Pdng => "PDNG",
        Part => "PART",
        Patc => "PATC",
        Pres => "PRES",
        Blck => "BLCK",
        Rjct => "RJCT",
        Canc => "CANC",
    }
}

vocabulary! {
    /// How often an account is expected to report: `daily` end-of-day statements, or
    /// `intraday` balances every few hours.
    Cadence {
        Daily => "daily",
        Intraday => "intraday",
    }
}

vocabulary! {
    /// What an exception is about: the queue's kinds, as the ledger's CHECK lists them.
    ExceptionKind {
        BalanceMismatch => "balance_mismatch",
        Duplicate => "duplicate",
        UnmatchedEntry => "unmatched_entry",
        UnmatchedItem => "unmatched_item",
        Difference => "difference",
        PaymentRejected => "payment_rejected",
        PaymentDuplicate => "payment_duplicate",
        CutoffMissed => "cutoff_missed",
        StaleBalance => "stale_balance",
        SyncFailed => "sync_failed",
        SequenceGap => "sequence_gap",
        MissingDays => "missing_days",
        DataNotReceived => "data_not_received",
        ErpWriteback => "erp_writeback",
    }
}

vocabulary! {
    /// Where an exception is in its work: `resolved` and `written_off` are ends.
    ExceptionState {
        Open => "open",
        InProgress => "in_progress",
        Resolved => "resolved",
        WrittenOff => "written_off",
    }
}

impl ExceptionState {
    pub fn is_closed(&self) -> bool {
        matches!(self, ExceptionState::Resolved | ExceptionState::WrittenOff)
    }
}

vocabulary! {
    /// A reconciliation match's state: made by a run (`auto`, `suggested`) or by a person.
    MatchState {
        Auto => "auto",
        Suggested => "suggested",
        Confirmed => "confirmed",
        Rejected => "rejected",
        Undone => "undone",
    }
}

impl MatchState {
    /// Whether the match explains its entries: a suggestion does not until confirmed.
    pub fn is_live(&self) -> bool {
        matches!(self, MatchState::Auto | MatchState::Confirmed)
    }
}

vocabulary! {
    /// What the difference between an entry and the items it settles is.
    DifferenceKind {
        Fee => "fee",
        ShortPayment => "short_payment",
        OverPayment => "over_payment",
        Instalment => "instalment",
        Rounding => "rounding",
        Other => "other",
    }
}
