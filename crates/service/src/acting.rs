//! Who is acting: every command runs as one user of the ledger, whose role must carry the
//! right the command needs. The CLI acts as `--user` (else the OS user), the local API as the
//! user its session logged in, the window as whoever is working there.
//!
//! The acting name is private to this module. Writes take it from `allow`, which checks the
//! role first, or from `write`, which checks it inside the write's own transaction and
//! appends the audit record there; `user()` is only for showing who is acting.

use std::sync::Arc;

use cashline_domain::{role, shown, Right, Role};
use cashline_ledger::{audit, user, LedgerError, Tx};

use crate::request::{UserAdd, UserChange};
use crate::{wire, Service, ServiceError};

/// The user a `Service` acts as.
#[derive(Clone)]
pub(crate) struct Actor {
    name: Arc<str>,
}

impl Actor {
    pub(crate) fn new(name: &str) -> Actor {
        Actor { name: name.into() }
    }
}

fn stored_role(row: &user::UserRow) -> Result<Role, ServiceError> {
    row.role.parse().map_err(|_| {
        ServiceError::Corrupt(format!(
            "user '{}' has the role '{}', which is not one Cashline knows",
            shown(&row.name),
            shown(&row.role)
        ))
    })
}

/// A write under way, its role already checked (see `Service::write`).
pub(crate) struct Write<'s> {
    service: &'s Service,
    pub(crate) tx: Tx<'static>,
    pub(crate) now: chrono::DateTime<chrono::Utc>,
}

impl Write<'_> {
    /// Who is writing, for the rows that name their author.
    pub(crate) fn actor(&self) -> &str {
        &self.service.actor.name
    }

    /// Appends the audit record of what was written and commits both together.
    pub(crate) async fn commit(
        mut self,
        action: &str,
        subject: &str,
        detail: serde_json::Value,
    ) -> Result<(), ServiceError> {
        let record = audit::NewAuditRecord {
            actor: &self.service.actor.name,
            action,
            subject,
            detail,
        };
        audit::append(&mut self.tx, &record, self.now).await?;
        self.tx.commit().await?;
        self.service.anchor_audit().await;
        Ok(())
    }
}

/// The role of an enabled user, or the sentence refusing anybody else.
fn enabled_role(name: &str, row: Option<user::UserRow>) -> Result<Role, ServiceError> {
    match row {
        None => Err(ServiceError::Forbidden(format!(
            "'{}' is not a user of this ledger: an admin adds users with `cashline users add NAME --role ROLE`",
            shown(name)
        ))),
        Some(row) if row.disabled_at.is_some() => Err(ServiceError::Forbidden(format!(
            "user '{}' is disabled in this ledger",
            shown(name)
        ))),
        Some(row) => stored_role(&row),
    }
}

fn refuse(name: &str, role: Role, right: Right) -> ServiceError {
    ServiceError::Forbidden(format!(
        "{} is a {role} and may not {}",
        shown(name),
        right.doing()
    ))
}

fn wire_user(row: user::UserRow) -> Result<wire::User, ServiceError> {
    let role = stored_role(&row)?;
    Ok(wire::User {
        name: row.name,
        role: role.as_str(),
        created_at: row.created_at,
        created_by: row.created_by,
        disabled: row.disabled_at.is_some(),
    })
}

impl Service {
    /// Who is acting, to show (never to record: a write takes its name from `allow`).
    pub fn user(&self) -> &str {
        &self.actor.name
    }

    /// The role of `name` as the ledger holds it now, or the refusal of a name that is not an
    /// enabled user.
    async fn role_of(&self, name: &str) -> Result<Role, ServiceError> {
        let mut connection = self
            .ledger
            .pool()
            .acquire()
            .await
            .map_err(LedgerError::from)?;
        enabled_role(name, user::find(&mut connection, name).await?)
    }

    /// The acting user's name, once their role is found to carry `right`: the only way a
    /// command gets the name its writes are recorded under. The role is read now, so a user
    /// whose role an admin has just changed is held to the new one at their next command.
    pub(crate) async fn allow(&self, right: Right) -> Result<&str, ServiceError> {
        let role = self.role_of(&self.actor.name).await?;
        if role.may(right) {
            Ok(&self.actor.name)
        } else {
            Err(refuse(&self.actor.name, role, right))
        }
    }

    /// Begins a write as the acting user, checking inside its transaction that their role
    /// carries `right`, so a role changed meanwhile cannot slip between the check and the
    /// write. The write ends only through `Write::commit`, which appends its audit record in
    /// the same transaction; dropped, it rolls back.
    pub(crate) async fn write(&self, right: Right) -> Result<Write<'_>, ServiceError> {
        let mut tx = self.ledger.begin().await?;
        let row = user::find(&mut tx, &self.actor.name).await?;
        let role = enabled_role(&self.actor.name, row)?;
        if !role.may(right) {
            return Err(refuse(&self.actor.name, role, right));
        }
        Ok(Write {
            service: self,
            tx,
            now: self.clock.now(),
        })
    }

    /// This service acting as `name` instead, for a front that serves several people (the
    /// local API's sessions, the window's "who is working"). Refused for a name that is not
    /// an enabled user of the ledger.
    pub async fn acting_as(&self, name: &str) -> Result<Service, ServiceError> {
        let name = role::user_name(name).map_err(|e| ServiceError::BadRequest(e.to_string()))?;
        self.role_of(name).await?;
        Ok(Service {
            actor: Actor::new(name),
            ..self.clone()
        })
    }

    /// Background work (the watched inbox, scheduled syncs, the daily backup) acts for the
    /// person who set it up, whoever has the app open: a viewer opening the window does not
    /// stop the inbox, and an admin's schedule does not run as whoever is at the keyboard.
    /// Refused, like any acting, once that person is no longer an enabled user.
    pub(crate) async fn acting_for(
        &self,
        set_up_by: Option<String>,
    ) -> Result<Service, ServiceError> {
        match set_up_by {
            Some(name) if *name != *self.actor.name => self.acting_as(&name).await,
            _ => Ok(self.clone()),
        }
    }

    /// On opening: the first person to open a ledger becomes its admin (audited); after that
    /// only its users may open it.
    pub(crate) async fn admit(&self) -> Result<(), ServiceError> {
        let now = self.clock.now();
        let mut tx = self.ledger.begin().await?;
        if user::bootstrap(&mut tx, &self.actor.name, now).await? {
            let record = audit::NewAuditRecord {
                actor: &self.actor.name,
                action: "users.add",
                subject: &self.actor.name,
                detail: serde_json::json!({ "role": "admin", "first_user": true }),
            };
            audit::append(&mut tx, &record, now).await?;
            tx.commit().await?;
            self.anchor_audit().await;
        } else {
            drop(tx);
        }
        self.role_of(&self.actor.name).await?;
        Ok(())
    }

    /// Who is acting, their role and what it lets them do.
    pub async fn whoami(&self) -> Result<wire::Session, ServiceError> {
        let role = self.role_of(&self.actor.name).await?;
        Ok(wire::Session {
            user: self.actor.name.to_string(),
            role: role.as_str(),
            rights: role.rights().into_iter().map(Right::as_str).collect(),
        })
    }

    pub async fn users(&self) -> Result<wire::UsersReport, ServiceError> {
        let users = user::list(self.ledger.pool())
            .await?
            .into_iter()
            .map(wire_user)
            .collect::<Result<_, _>>()?;
        Ok(wire::UsersReport { users })
    }

    pub async fn user_add(&self, request: &UserAdd) -> Result<wire::User, ServiceError> {
        let name = role::user_name(&request.name)
            .map_err(|e| ServiceError::BadRequest(e.to_string()))?
            .to_string();
        let role: Role = request
            .role
            .parse()
            .map_err(|e: cashline_domain::DomainError| ServiceError::BadRequest(e.to_string()))?;
        let mut write = self.write(Right::ManageUsers).await?;
        let by = write.actor().to_string();
        if !user::insert(&mut write.tx, &name, role.as_str(), &by, write.now).await? {
            return Err(ServiceError::BadRequest(format!(
                "there is a user '{}' already",
                shown(&name)
            )));
        }
        let row = user::find(&mut write.tx, &name)
            .await?
            .ok_or_else(|| ServiceError::Corrupt(format!("user '{}' vanished", shown(&name))))?;
        let added = wire_user(row)?;
        write
            .commit(
                "users.add",
                &name,
                serde_json::json!({ "role": role.as_str() }),
            )
            .await?;
        Ok(added)
    }

    /// Changes a user's role, or disables or enables them. The last enabled admin cannot be
    /// demoted or disabled: nobody could manage the ledger's users after that.
    pub async fn user_change(&self, request: &UserChange) -> Result<wire::User, ServiceError> {
        let name = role::user_name(&request.name)
            .map_err(|e| ServiceError::BadRequest(e.to_string()))?
            .to_string();
        let role: Option<Role> = request
            .role
            .as_deref()
            .map(str::parse)
            .transpose()
            .map_err(|e: cashline_domain::DomainError| ServiceError::BadRequest(e.to_string()))?;
        if role.is_none() && request.disabled.is_none() {
            return Err(ServiceError::BadRequest(
                "say what changes: a role, or disabled true or false".into(),
            ));
        }
        let mut write = self.write(Right::ManageUsers).await?;
        let tx = &mut write.tx;
        let before = user::find(tx, &name).await?.ok_or_else(|| {
            ServiceError::NotFound(format!("there is no user '{}'", shown(&name)))
        })?;
        if let Some(role) = role {
            user::set_role(tx, &name, role.as_str()).await?;
        }
        if let Some(disabled) = request.disabled {
            if disabled != before.disabled_at.is_some() {
                user::set_disabled(tx, &name, disabled.then_some(write.now)).await?;
            }
        }
        let tx = &mut write.tx;
        if user::admins(tx).await? == 0 {
            return Err(ServiceError::BadRequest(format!(
                "{} is the last admin of this ledger: make another user admin first",
                shown(&name)
            )));
        }
        let after = user::find(tx, &name)
            .await?
            .ok_or_else(|| ServiceError::Corrupt(format!("user '{}' vanished", shown(&name))))?;
        let detail = serde_json::json!({
            "role": { "from": before.role, "to": after.role },
            "disabled": { "from": before.disabled_at.is_some(), "to": after.disabled_at.is_some() },
        });
        let changed = wire_user(after)?;
        write.commit("users.change", &name, detail).await?;
        Ok(changed)
    }
}
