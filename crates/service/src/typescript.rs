//! The TypeScript declarations of the wire and request types, for the UI (`ui/src/generated/wire.ts`).
//!
//! The file is generated, never edited: `CASHLINE_BLESS=1 cargo test -p cashline-service
//! typescript` rewrites it, and the same test fails while the committed file differs from what
//! the Rust types say, so a changed field breaks the UI's type check instead of the screen.

use ts_rs::{Config, TS};

use crate::{request, wire, ErrorBody};

/// Where the generated file lives, from the workspace root.
pub const GENERATED_PATH: &str = "ui/src/generated/wire.ts";

/// Every declaration, in a stable order, as the file's text.
pub fn declarations() -> String {
    // Counts and sizes stay far below 2^53, so they are plain numbers in the UI.
    let config = Config::new().with_large_int("number");
    let declarations = [
        wire::ImportReport::decl(&config),
        wire::FileResult::decl(&config),
        wire::PositionsReport::decl(&config),
        wire::AccountPosition::decl(&config),
        wire::Converted::decl(&config),
        wire::CurrencyTotal::decl(&config),
        wire::BankTotal::decl(&config),
        wire::Consolidated::decl(&config),
        wire::EntriesReport::decl(&config),
        wire::Entry::decl(&config),
        wire::EntryDetail::decl(&config),
        wire::ExceptionsReport::decl(&config),
        wire::Exception::decl(&config),
        wire::AuditReport::decl(&config),
        wire::AuditEntry::decl(&config),
        wire::AuditLog::decl(&config),
        wire::LedgerFile::decl(&config),
        wire::LedgerFileChange::decl(&config),
        wire::AutoBackup::decl(&config),
        wire::DbReport::decl(&config),
        wire::Session::decl(&config),
        wire::User::decl(&config),
        wire::UsersReport::decl(&config),
        wire::SessionStarted::decl(&config),
        wire::Revealed::decl(&config),
        wire::CsvMappingsReport::decl(&config),
        wire::CsvMapping::decl(&config),
        wire::Settings::decl(&config),
        wire::ForecastReport::decl(&config),
        wire::CurrencyForecast::decl(&config),
        wire::ForecastDay::decl(&config),
        wire::ForecastComponent::decl(&config),
        wire::HistoryReport::decl(&config),
        wire::AccountHistory::decl(&config),
        wire::HistoryDay::decl(&config),
        wire::CurrencyHistory::decl(&config),
        wire::IntradayReport::decl(&config),
        wire::IntradayEntry::decl(&config),
        wire::EntitiesReport::decl(&config),
        wire::Entity::decl(&config),
        wire::AccountsReport::decl(&config),
        wire::Account::decl(&config),
        wire::RatesReport::decl(&config),
        wire::Rate::decl(&config),
        wire::RatesImported::decl(&config),
        wire::OpenItemsReport::decl(&config),
        wire::OpenItem::decl(&config),
        wire::ItemsImported::decl(&config),
        wire::PaymentsReport::decl(&config),
        wire::Payment::decl(&config),
        wire::PaymentEvent::decl(&config),
        wire::PaymentRunsReport::decl(&config),
        wire::PaymentIssue::decl(&config),
        wire::Connection::decl(&config),
        wire::ConnectionAccount::decl(&config),
        wire::ConnectionRun::decl(&config),
        wire::ConnectionsReport::decl(&config),
        wire::SyncRun::decl(&config),
        wire::SyncReport::decl(&config),
        wire::ErpSyncRun::decl(&config),
        wire::ErpSyncReport::decl(&config),
        wire::ErpWriteback::decl(&config),
        wire::ErpItemCount::decl(&config),
        wire::ErpConnection::decl(&config),
        wire::ErpConnectionsReport::decl(&config),
        wire::PaymentSent::decl(&config),
        wire::PaymentsSent::decl(&config),
        wire::PaymentCase::decl(&config),
        wire::ApprovalLimitsReport::decl(&config),
        wire::CutoffsReport::decl(&config),
        wire::PaymentsExported::decl(&config),
        wire::PaymentExportsReport::decl(&config),
        wire::PaymentExport::decl(&config),
        wire::PaymentExportDocument::decl(&config),
        wire::Cutoff::decl(&config),
        wire::ApprovalLimit::decl(&config),
        wire::PaymentRun::decl(&config),
        wire::RunState::decl(&config),
        wire::PaymentsImported::decl(&config),
        wire::CalendarReport::decl(&config),
        wire::CalendarDay::decl(&config),
        wire::AgingBucket::decl(&config),
        wire::ExceptionDetail::decl(&config),
        wire::ExceptionNote::decl(&config),
        wire::ExceptionEvent::decl(&config),
        wire::ExceptionsChanged::decl(&config),
        wire::ReconRunReport::decl(&config),
        wire::ReconMatch::decl(&config),
        wire::ReconLine::decl(&config),
        wire::ReconMatchesReport::decl(&config),
        wire::ReconWorkbench::decl(&config),
        wire::ReconDecision::decl(&config),
        wire::ReconRulesReport::decl(&config),
        wire::ReconRule::decl(&config),
        wire::ReconLearntReport::decl(&config),
        wire::ReconAlias::decl(&config),
        wire::ReconNegative::decl(&config),
        wire::ReconEvaluation::decl(&config),
        wire::EvaluationAuto::decl(&config),
        wire::FalseMatch::decl(&config),
        wire::ReconSummary::decl(&config),
        wire::UnreconciledTotal::decl(&config),
        ErrorBody::decl(&config),
        request::PositionsRequest::decl(&config),
        request::ForecastRequest::decl(&config),
        request::HistoryRequest::decl(&config),
        request::IntradayRequest::decl(&config),
        request::EntriesQuery::decl(&config),
        request::FilterQuery::decl(&config),
        request::OpenItemsQuery::decl(&config),
        request::ChartRequest::decl(&config),
        request::CalendarRequest::decl(&config),
        request::EntitySave::decl(&config),
        request::AccountUpdate::decl(&config),
        request::RatesQuery::decl(&config),
        request::RateInput::decl(&config),
        request::PaymentsApprove::decl(&config),
        request::PaymentId::decl(&config),
        request::PaymentsExport::decl(&config),
        request::ExportId::decl(&config),
        request::PaymentCancel::decl(&config),
        request::ApprovalLimitSet::decl(&config),
        request::PaymentsQuery::decl(&config),
        request::CutoffSet::decl(&config),
        request::SettingsUpdate::decl(&config),
        request::AutoBackupUpdate::decl(&config),
        request::UserAdd::decl(&config),
        request::UserChange::decl(&config),
        request::Login::decl(&config),
        request::AuditQuery::decl(&config),
        request::Reveal::decl(&config),
        request::ThresholdsSet::decl(&config),
        request::ImportOptions::decl(&config),
        request::ReconRun::decl(&config),
        request::MatchesQuery::decl(&config),
        request::MatchId::decl(&config),
        request::ManualMatch::decl(&config),
        request::RuleChange::decl(&config),
        request::RuleAdd::decl(&config),
        request::LearntId::decl(&config),
        request::ReconEvaluate::decl(&config),
        request::ExceptionsQuery::decl(&config),
        request::ExceptionId::decl(&config),
        request::ExceptionsAssign::decl(&config),
        request::ExceptionComment::decl(&config),
        request::ExceptionsResolve::decl(&config),
        request::ConnectionAdd::decl(&config),
        request::ConnectionName::decl(&config),
        request::SyncRequest::decl(&config),
        request::ErpAdd::decl(&config),
        request::ErpName::decl(&config),
        request::ErpSyncRequest::decl(&config),
        request::PaymentsSend::decl(&config),
    ];
    let mut text = String::from(
        "// Generated from crates/service/src/{wire,request}.rs by crates/service/src/typescript.rs.\n\
         // Do not edit: run `CASHLINE_BLESS=1 cargo test -p cashline-service typescript`.\n",
    );
    for declaration in declarations {
        text.push_str("\nexport ");
        text.push_str(&declaration);
        text.push('\n');
    }
    text
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    #[test]
    fn the_ui_types_are_the_ones_generated_from_the_wire_types() {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../..")
            .join(GENERATED_PATH);
        let expected = declarations();
        if std::env::var_os("CASHLINE_BLESS").is_some() {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &expected).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == expected,
            "{} is not what the wire types say; run `CASHLINE_BLESS=1 cargo test -p cashline-service typescript`",
            path.display()
        );
    }
}
