//! Reconciliation: runs, matches and decisions, rules, what was learnt, the evaluation and the
//! dashboard figures.

use tauri::State;

use cashline_service::recon::RuleEdit;
use cashline_service::request::{
    LearntId, ManualMatch, MatchId, MatchesQuery, ReconEvaluate, ReconRun, RuleAdd, RuleChange,
};
use cashline_service::{wire, Service};

use super::{refused, Answer};

#[tauri::command]
pub async fn recon_run(
    service: State<'_, Service>,
    request: Option<serde_json::Value>,
) -> Answer<wire::ReconRunReport> {
    let r: ReconRun = super::request(request)?;
    service.recon_run(r).await.map_err(refused)
}

#[tauri::command]
pub async fn recon_matches(
    service: State<'_, Service>,
    request: Option<serde_json::Value>,
) -> Answer<wire::ReconMatchesReport> {
    let r: MatchesQuery = super::request(request)?;
    service.recon_matches(r).await.map_err(refused)
}

#[tauri::command]
pub async fn recon_confirm(
    service: State<'_, Service>,
    request: Option<serde_json::Value>,
) -> Answer<wire::ReconDecision> {
    let r: MatchId = super::request(request)?;
    service.recon_confirm(r).await.map_err(refused)
}

#[tauri::command]
pub async fn recon_reject(
    service: State<'_, Service>,
    request: Option<serde_json::Value>,
) -> Answer<wire::ReconDecision> {
    let r: MatchId = super::request(request)?;
    service.recon_reject(r).await.map_err(refused)
}

#[tauri::command]
pub async fn recon_undo(
    service: State<'_, Service>,
    request: Option<serde_json::Value>,
) -> Answer<wire::ReconDecision> {
    let r: MatchId = super::request(request)?;
    service.recon_undo(r).await.map_err(refused)
}

#[tauri::command]
pub async fn recon_match(
    service: State<'_, Service>,
    request: Option<serde_json::Value>,
) -> Answer<wire::ReconDecision> {
    let r: ManualMatch = super::request(request)?;
    service.recon_match(r).await.map_err(refused)
}

#[tauri::command]
pub async fn recon_workbench(service: State<'_, Service>) -> Answer<wire::ReconWorkbench> {
    service.recon_workbench().await.map_err(refused)
}

#[tauri::command]
pub async fn recon_rules(service: State<'_, Service>) -> Answer<wire::ReconRulesReport> {
    service.recon_rules().await.map_err(refused)
}

#[tauri::command]
pub async fn recon_rule_add(
    service: State<'_, Service>,
    request: Option<serde_json::Value>,
) -> Answer<wire::ReconRulesReport> {
    let r: RuleAdd = super::request(request)?;
    service.recon_rule_add(r).await.map_err(refused)
}

#[tauri::command]
pub async fn recon_rule_enable(
    service: State<'_, Service>,
    request: Option<serde_json::Value>,
) -> Answer<wire::ReconRulesReport> {
    let r: RuleChange = super::request(request)?;
    service
        .recon_rule_change(r, RuleEdit::Enable)
        .await
        .map_err(refused)
}

#[tauri::command]
pub async fn recon_rule_disable(
    service: State<'_, Service>,
    request: Option<serde_json::Value>,
) -> Answer<wire::ReconRulesReport> {
    let r: RuleChange = super::request(request)?;
    service
        .recon_rule_change(r, RuleEdit::Disable)
        .await
        .map_err(refused)
}

#[tauri::command]
pub async fn recon_rule_move(
    service: State<'_, Service>,
    request: Option<serde_json::Value>,
) -> Answer<wire::ReconRulesReport> {
    let r: RuleChange = super::request(request)?;
    service
        .recon_rule_change(r, RuleEdit::Move)
        .await
        .map_err(refused)
}

#[tauri::command]
pub async fn recon_rule_remove(
    service: State<'_, Service>,
    request: Option<serde_json::Value>,
) -> Answer<wire::ReconRulesReport> {
    let r: RuleChange = super::request(request)?;
    service
        .recon_rule_change(r, RuleEdit::Remove)
        .await
        .map_err(refused)
}

#[tauri::command]
pub async fn recon_learnt(service: State<'_, Service>) -> Answer<wire::ReconLearntReport> {
    service.recon_learnt().await.map_err(refused)
}

#[tauri::command]
pub async fn recon_alias_remove(
    service: State<'_, Service>,
    request: Option<serde_json::Value>,
) -> Answer<wire::ReconLearntReport> {
    let r: LearntId = super::request(request)?;
    service.recon_alias_remove(r).await.map_err(refused)
}

#[tauri::command]
pub async fn recon_negative_remove(
    service: State<'_, Service>,
    request: Option<serde_json::Value>,
) -> Answer<wire::ReconLearntReport> {
    let r: LearntId = super::request(request)?;
    service.recon_negative_remove(r).await.map_err(refused)
}

#[tauri::command]
pub async fn recon_evaluate(
    service: State<'_, Service>,
    request: Option<serde_json::Value>,
) -> Answer<wire::ReconEvaluation> {
    let r: ReconEvaluate = super::request(request)?;
    service
        .recon_evaluate("the truth", r)
        .await
        .map_err(refused)
}

#[tauri::command]
pub async fn recon_summary(service: State<'_, Service>) -> Answer<wire::ReconSummary> {
    service.recon_summary().await.map_err(refused)
}
