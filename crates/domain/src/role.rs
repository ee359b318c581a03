//! Who may do what: the five roles of a Cashline user and the rights each carries.
//!
//! Rights are grouped by duty, not by screen, so that one person cannot both prepare and
//! approve a payment by role alone (four eyes still compares the people), and a viewer can
//! read everything but change nothing.

use std::fmt;
use std::str::FromStr;

use crate::DomainError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// Reads positions, entries, payments, matches and the audit log; changes nothing.
    Viewer,
    /// Imports statements and payment runs, syncs banks, exports and sends approved payments.
    Preparer,
    /// What a preparer may, and approves payments someone else prepared.
    Approver,
    /// Imports and syncs, reconciles, works exceptions, keeps the matching rules.
    Controller,
    /// Everything, including settings, connections and users.
    Admin,
}

/// One kind of change a role may make.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Right {
    /// Statements, status reports, open items, FX rates; bank and ERP syncs.
    Import,
    /// Payment runs: import, cancel, release a possible duplicate, export, send.
    Prepare,
    /// Approve payments (four eyes and the limits still apply).
    Approve,
    /// Reconciliation runs, confirming, rejecting, undoing and making matches.
    Reconcile,
    /// Assigning, commenting on and resolving exceptions.
    WorkExceptions,
    /// Matching rules, aliases and remembered rejections.
    Rules,
    /// Settings, CSV mappings, entities, accounts, cut-offs, approval limits, bank and ERP
    /// connections, backups.
    Configure,
    /// Adding users and changing their roles.
    ManageUsers,
    /// Seeing account numbers in full where they are masked by default.
    Reveal,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Viewer,
        Role::Preparer,
        Role::Approver,
        Role::Controller,
        Role::Admin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Preparer => "preparer",
            Role::Approver => "approver",
            Role::Controller => "controller",
            Role::Admin => "admin",
        }
    }

    pub fn may(self, right: Right) -> bool {
        use Right::*;
        match self {
            Role::Viewer => false,
            Role::Preparer => matches!(right, Import | Prepare | WorkExceptions),
            Role::Approver => matches!(right, Import | Prepare | Approve | WorkExceptions | Reveal),
            Role::Controller => {
                matches!(right, Import | Reconcile | WorkExceptions | Rules | Reveal)
            }
            Role::Admin => true,
        }
    }

    /// The rights of this role, in a fixed order, for a front to show.
    pub fn rights(self) -> Vec<Right> {
        Right::ALL.into_iter().filter(|r| self.may(*r)).collect()
    }
}

impl Right {
    pub const ALL: [Right; 9] = [
        Right::Import,
        Right::Prepare,
        Right::Approve,
        Right::Reconcile,
        Right::WorkExceptions,
        Right::Rules,
        Right::Configure,
        Right::ManageUsers,
        Right::Reveal,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Right::Import => "import",
            Right::Prepare => "prepare",
            Right::Approve => "approve",
            Right::Reconcile => "reconcile",
            Right::WorkExceptions => "work_exceptions",
            Right::Rules => "rules",
            Right::Configure => "configure",
            Right::ManageUsers => "manage_users",
            Right::Reveal => "reveal",
        }
    }

    /// What the right lets a person do, to finish a refusal's sentence: "… may not {doing}".
    pub fn doing(self) -> &'static str {
        match self {
            Right::Import => "import files or sync banks and ERPs",
            Right::Prepare => "prepare, export or send payments",
            Right::Approve => "approve payments",
            Right::Reconcile => "run or change reconciliation matches",
            Right::WorkExceptions => "assign, comment on or resolve exceptions",
            Right::Rules => "change matching rules or what matching has learnt",
            Right::Configure => "change settings, connections or reference data",
            Right::ManageUsers => "add users or change their roles",
            Right::Reveal => "reveal full account numbers",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = DomainError;

    fn from_str(text: &str) -> Result<Role, DomainError> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == text.trim().to_ascii_lowercase())
            .ok_or_else(|| DomainError::NotInVocabulary {
                vocabulary: "role",
                value: crate::shown(text),
                known: "viewer, preparer, approver, controller, admin".into(),
            })
    }
}

/// Checks a user name as a person would type it: trimmed, 1 to 64 characters, no control
/// characters (they would garble the audit log and every list that shows the name).
pub fn user_name(text: &str) -> Result<&str, DomainError> {
    let name = text.trim();
    if name.is_empty() || name.chars().count() > 64 || name.chars().any(char::is_control) {
        return Err(DomainError::InvalidUserName(crate::shown(text)));
    }
    Ok(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_viewer_may_change_nothing_and_an_admin_everything() {
        for right in Right::ALL {
            assert!(!Role::Viewer.may(right), "{right:?}");
            assert!(Role::Admin.may(right), "{right:?}");
        }
    }

    #[test]
    fn a_preparer_may_not_approve_and_only_an_admin_manages_users() {
        assert!(!Role::Preparer.may(Right::Approve));
        assert!(Role::Approver.may(Right::Approve));
        assert!(!Role::Controller.may(Right::Approve));
        assert!(!Role::Controller.may(Right::Prepare));
        assert!(!Role::Approver.may(Right::Reconcile));
        for role in [Role::Preparer, Role::Approver, Role::Controller] {
            assert!(!role.may(Right::ManageUsers));
            assert!(!role.may(Right::Configure));
        }
    }

    #[test]
    fn roles_read_in_any_case_and_refuse_the_unknown() {
        assert_eq!("Approver".parse::<Role>().unwrap(), Role::Approver);
        assert!("root".parse::<Role>().is_err());
    }

    #[test]
    fn a_user_name_with_a_control_character_is_refused() {
        assert_eq!(user_name("  alice ").unwrap(), "alice");
        assert!(user_name("al\u{7}ice").is_err());
        assert!(user_name("   ").is_err());
        assert!(user_name(&"x".repeat(65)).is_err());
    }
}
