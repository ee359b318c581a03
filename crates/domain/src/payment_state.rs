//! The one state machine a payment moves along, from the ERP's run to the bank's settlement.

use crate::kinds::PaymentState;

impl PaymentState {
    /// Whether a payment in `self` may move to `next`.
    pub fn can_move_to(self, next: PaymentState) -> bool {
        use PaymentState::*;
        matches!(
            (self, next),
            (Imported, Validated)
                | (Imported, Rejected)
                | (Imported, Cancelled)
                | (Validated, Approved)
                | (Validated, Cancelled)
                | (Approved, Sent)
                | (Approved, Cancelled)
                | (Sent, Acknowledged)
                | (Sent, Accepted)
                // A debit notification or a statement can settle a payment before any
                // status report says it was accepted.
                | (Sent, Settled)
                | (Acknowledged, Settled)
                | (Sent | Acknowledged | Accepted, Rejected)
                | (Sent | Acknowledged | Accepted, Cancelled)
                | (Acknowledged, Accepted)
                | (Accepted, Settled)
                | (Settled, Returned)
        )
    }

    /// Outgoing money the forecast must count: approved and not yet rejected, returned or
    /// cancelled, and not yet settled (settled money is in the bank balance already).
    pub fn is_committed_outflow(self) -> bool {
        use PaymentState::*;
        matches!(self, Approved | Sent | Acknowledged | Accepted)
    }

    /// Whether nothing can move a payment on from here.
    pub fn is_final(self) -> bool {
        PaymentState::ALL
            .iter()
            .all(|next| !self.can_move_to(*next))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_forward_moves_are_allowed() {
        assert!(PaymentState::Validated.can_move_to(PaymentState::Approved));
        assert!(
            !PaymentState::Imported.can_move_to(PaymentState::Approved),
            "validation comes first"
        );
        assert!(!PaymentState::Settled.can_move_to(PaymentState::Approved));
        for state in PaymentState::ALL {
            assert!(!state.can_move_to(*state), "{state} to itself");
        }
        assert!(PaymentState::Sent.can_move_to(PaymentState::Settled));
        assert!(!PaymentState::Rejected.can_move_to(PaymentState::Accepted));
        let finals: Vec<_> = PaymentState::ALL.iter().filter(|s| s.is_final()).collect();
        assert_eq!(
            finals,
            [
                &PaymentState::Rejected,
                &PaymentState::Returned,
                &PaymentState::Cancelled
            ]
        );
    }
}
