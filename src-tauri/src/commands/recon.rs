//! Reconciliation: runs, matches and decisions, rules, what was learnt, the evaluation and the
//! dashboard figures.

use tauri::State;

use cashline_service::recon::RuleEdit;
use cashline_service::request::{
    LearntId, ManualMatch, MatchId, MatchesQuery, ReconEvaluate, ReconRun, RuleAdd, RuleChange,
    ThresholdsSet,
};
use cashline_service::wire;

use super::{refused, Answer, Desk};

#[tauri::command]
pub async fn recon_run(
    desk: State<'_, Desk>,
    request: Option<serde_json::Value>,
) -> Answer<wire::ReconRunReport> {
    let r: ReconRun = super::request(request)?;
    desk.service().recon_run(r).await.map_err(refused)
}

#[tauri::command]
pub async fn recon_matches(
    desk: State<'_, Desk>,
    request: Option<serde_json::Value>,
) -> Answer<wire::ReconMatchesReport> {
    let r: MatchesQuery = super::request(request)?;
    desk.service().recon_matches(r).await.map_err(refused)
}

#[tauri::command]
pub async fn recon_confirm(
    desk: State<'_, Desk>,
    request: Option<serde_json::Value>,
) -> Answer<wire::ReconDecision> {
    let r: MatchId = super::request(request)?;
    desk.service().recon_confirm(r).await.map_err(refused)
}

#[tauri::command]
pub async fn recon_reject(
    desk: State<'_, Desk>,
    request: Option<serde_json::Value>,
) -> Answer<wire::ReconDecision> {
    let r: MatchId = super::request(request)?;
    desk.service().recon_reject(r).await.map_err(refused)
}

#[tauri::command]
pub async fn recon_undo(
    desk: State<'_, Desk>,
    request: Option<serde_json::Value>,
) -> Answer<wire::ReconDecision> {
    let r: MatchId = super::request(request)?;
    desk.service().recon_undo(r).await.map_err(refused)
}

#[tauri::command]
pub async fn recon_match(
    desk: State<'_, Desk>,
    request: Option<serde_json::Value>,
) -> Answer<wire::ReconDecision> {
    let r: ManualMatch = super::request(request)?;
    desk.service().recon_match(r).await.map_err(refused)
}

#[tauri::command]
pub async fn recon_workbench(desk: State<'_, Desk>) -> Answer<wire::ReconWorkbench> {
    desk.service().recon_workbench().await.map_err(refused)
}

#[tauri::command]
pub async fn recon_rules(desk: State<'_, Desk>) -> Answer<wire::ReconRulesReport> {
    desk.service().recon_rules().await.map_err(refused)
}

#[tauri::command]
pub async fn recon_rule_add(
    desk: State<'_, Desk>,
    request: Option<serde_json::Value>,
) -> Answer<wire::ReconRulesReport> {
    let r: RuleAdd = super::request(request)?;
    desk.service().recon_rule_add(r).await.map_err(refused)
}

#[tauri::command]
pub async fn recon_thresholds_set(
    desk: State<'_, Desk>,
    request: Option<serde_json::Value>,
) -> Answer<wire::ReconRulesReport> {
    let r: ThresholdsSet = super::request(request)?;
    desk.service()
        .recon_thresholds_set(&r)
        .await
        .map_err(refused)
}

#[tauri::command]
pub async fn recon_rule_enable(
    desk: State<'_, Desk>,
    request: Option<serde_json::Value>,
) -> Answer<wire::ReconRulesReport> {
    let r: RuleChange = super::request(request)?;
    desk.service()
        .recon_rule_change(r, RuleEdit::Enable)
        .await
        .map_err(refused)
}

#[tauri::command]
pub async fn recon_rule_disable(
    desk: State<'_, Desk>,
    request: Option<serde_json::Value>,
) -> Answer<wire::ReconRulesReport> {
    let r: RuleChange = super::request(request)?;
    desk.service()
        .recon_rule_change(r, RuleEdit::Disable)
        .await
        .map_err(refused)
}

#[tauri::command]
pub async fn recon_rule_move(
    desk: State<'_, Desk>,
    request: Option<serde_json::Value>,
) -> Answer<wire::ReconRulesReport> {
    let r: RuleChange = super::request(request)?;
    desk.service()
        .recon_rule_change(r, RuleEdit::Move)
        .await
        .map_err(refused)
}

#[tauri::command]
pub async fn recon_rule_remove(
    desk: State<'_, Desk>,
    request: Option<serde_json::Value>,
) -> Answer<wire::ReconRulesReport> {
    let r: RuleChange = super::request(request)?;
    desk.service()
        .recon_rule_change(r, RuleEdit::Remove)
        .await
        .map_err(refused)
}

#[tauri::command]
pub async fn recon_learnt(desk: State<'_, Desk>) -> Answer<wire::ReconLearntReport> {
    desk.service().recon_learnt().await.map_err(refused)
}

#[tauri::command]
pub async fn recon_alias_remove(
    desk: State<'_, Desk>,
    request: Option<serde_json::Value>,
) -> Answer<wire::ReconLearntReport> {
    let r: LearntId = super::request(request)?;
    desk.service().recon_alias_remove(r).await.map_err(refused)
}

#[tauri::command]
pub async fn recon_negative_remove(
    desk: State<'_, Desk>,
    request: Option<serde_json::Value>,
) -> Answer<wire::ReconLearntReport> {
    let r: LearntId = super::request(request)?;
    desk.service()
        .recon_negative_remove(r)
        .await
        .map_err(refused)
}

#[tauri::command]
pub async fn recon_evaluate(
    desk: State<'_, Desk>,
    request: Option<serde_json::Value>,
) -> Answer<wire::ReconEvaluation> {
    let r: ReconEvaluate = super::request(request)?;
    desk.service()
        .recon_evaluate("the truth", r)
        .await
        .map_err(refused)
}

#[tauri::command]
pub async fn recon_summary(desk: State<'_, Desk>) -> Answer<wire::ReconSummary> {
    desk.service().recon_summary().await.map_err(refused)
}
