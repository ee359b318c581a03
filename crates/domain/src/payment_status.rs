//! What a bank's status code and reason code mean for a payment: the state it moves to, and
//! the reason in words a person can act on.

use crate::kinds::{PaymentState, StatusCode};

impl StatusCode {
    /// The state a payment reaches when its bank reports this status, or `None` for a status
    /// that is recorded without moving it (pending, blocked, a group's partial acceptance,
    /// which each transaction's own status settles).
    pub fn moves_to(self) -> Option<PaymentState> {
        use StatusCode::*;
        match self {
            Rcvd | Actc => Some(PaymentState::Acknowledged),
            Accp | Acfc | Acsp | Acwc | Acwp => Some(PaymentState::Accepted),
            Acsc | Accc => Some(PaymentState::Settled),
            Rjct => Some(PaymentState::Rejected),
            Canc | Accr => Some(PaymentState::Cancelled),
            Pdng | Part | Patc | Pres | Blck => None,
        }
    }

    /// The status in words.
    pub fn meaning(self) -> &'static str {
        use StatusCode::*;
        match self {
            Rcvd => "received by the bank",
            Actc => "passed the bank's technical validation",
            Accp => "accepted by the bank (customer profile checked)",
            Acfc => "accepted, funds checked",
            Acsp => "accepted, settlement in process",
            Acwc => "accepted with a change",
            Acwp => "accepted without posting",
            Accr => "cancellation request accepted",
            Acsc => "settled on the debtor's account",
            Accc => "settled on the creditor's account",
            Pdng => "pending at the bank",
            Part => "part of the group accepted, the rest rejected",
            Patc => "partly authorised by the signatories",
            Pres => "presented to the next agent",
            Blck => "blocked by the bank",
            Rjct => "rejected by the bank",
            Canc => "cancelled",
        }
    }
}

/// The plain meaning of an ISO 20022 status reason or return reason code
/// (ExternalStatusReason1Code, ExternalReturnReason1Code), for the codes banks use most; an
/// unknown code is shown as the bank wrote it.
pub fn reason_meaning(code: &str) -> Option<&'static str> {
    Some(match code {
        "AC01" => "the account number is wrong",
        "AC03" => "the creditor's account number is not valid",
        "AC04" => "the account is closed",
        "AC06" => "the account is blocked",
        "AC13" => "the debtor's account is a consumer account",
        "AG01" => "the bank does not allow this transaction on this account",
        "AG02" => "the bank operation code is not valid",
        "AM01" => "the amount is zero",
        "AM02" => "the amount is more than allowed",
        "AM04" => "not enough funds on the account",
        "AM05" => "a duplicate of an earlier payment",
        "AM09" => "the amount is not the amount agreed",
        "BE01" => "the creditor's name does not match the account",
        "BE04" => "the creditor's address is missing or wrong",
        "BE05" => "the initiating party is not known to the bank",
        "CNOR" => "the creditor's bank is not reachable",
        "CURR" => "the currency is wrong",
        "CUST" => "requested by the customer",
        "DNOR" => "the debtor's bank is not reachable",
        "DT01" => "the date is not valid",
        "DUPL" => "the payment is a duplicate",
        "ED05" => "settlement failed",
        "FF01" => "the file or message format is not valid",
        "FOCR" => "returned after a cancellation request",
        "MD01" => "there is no mandate",
        "MD07" => "the debtor has died",
        "MS02" => "refused by the creditor, no reason given",
        "MS03" => "refused by a bank, no reason given",
        "NARR" => "see the bank's text",
        "RC01" => "the bank identifier (BIC) is wrong",
        "RR01" => "the debtor's account or identification is missing",
        "RR02" => "the debtor's name or address is missing",
        "RR03" => "the creditor's name or address is missing",
        "RR04" => "refused for regulatory reasons",
        "SL01" => "a service the bank offers the debtor refused it",
        "TM01" => "received after the bank's cut-off time",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_that_moves_a_payment_names_a_state_the_bank_can_report() {
        for code in StatusCode::ALL {
            if let Some(state) = code.moves_to() {
                assert!(
                    !matches!(
                        state,
                        PaymentState::Imported | PaymentState::Validated | PaymentState::Approved
                    ),
                    "{code} moves a payment to {state}, which only Cashline decides"
                );
            }
            assert!(!code.meaning().is_empty());
            assert_eq!(StatusCode::parse(code.as_str()), Some(*code));
        }
    }

    #[test]
    fn reasons_are_words_and_unknown_codes_are_not_guessed() {
        assert_eq!(reason_meaning("AC04"), Some("the account is closed"));
        assert_eq!(
            reason_meaning("AM04"),
            Some("not enough funds on the account")
        );
        assert_eq!(reason_meaning("ZZ99"), None);
    }
}
