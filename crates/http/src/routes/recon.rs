//! Reconciliation: runs, matches and the decisions on them, rules, what was learnt, the
//! evaluation and the dashboard figures.

use axum::routing::{get, post};
use axum::Router;

use cashline_service::recon::RuleEdit;
use cashline_service::request::{
    LearntId, ManualMatch, MatchId, MatchesQuery, ReconEvaluate, ReconRun, RuleAdd, RuleChange,
    ThresholdsSet,
};
use cashline_service::wire;

use super::{ok, ApiResult};
use crate::extract::Acting;
use crate::extract::{Body, Params};
use crate::AppState;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/recon/run", post(run))
        .route("/recon/matches", get(matches))
        .route("/recon/confirm", post(confirm))
        .route("/recon/reject", post(reject))
        .route("/recon/undo", post(undo))
        .route("/recon/match", post(manual))
        .route("/recon/workbench", get(workbench))
        .route("/recon/rules", get(rules).post(rule_add))
        .route("/recon/rules/enable", post(rule_enable))
        .route("/recon/thresholds", post(thresholds_set))
        .route("/recon/rules/disable", post(rule_disable))
        .route("/recon/rules/move", post(rule_move))
        .route("/recon/rules/remove", post(rule_remove))
        .route("/recon/learnt", get(learnt))
        .route("/recon/aliases/remove", post(alias_remove))
        .route("/recon/negatives/remove", post(negative_remove))
        .route("/recon/evaluate", post(evaluate))
        .route("/recon/summary", get(summary))
}

async fn run(
    Acting(service): Acting,
    Body(request): Body<ReconRun>,
) -> ApiResult<wire::ReconRunReport> {
    ok(service.recon_run(request).await?)
}

async fn matches(
    Acting(service): Acting,
    Params(query): Params<MatchesQuery>,
) -> ApiResult<wire::ReconMatchesReport> {
    ok(service.recon_matches(query).await?)
}

async fn confirm(
    Acting(service): Acting,
    Body(request): Body<MatchId>,
) -> ApiResult<wire::ReconDecision> {
    ok(service.recon_confirm(request).await?)
}

async fn reject(
    Acting(service): Acting,
    Body(request): Body<MatchId>,
) -> ApiResult<wire::ReconDecision> {
    ok(service.recon_reject(request).await?)
}

async fn undo(
    Acting(service): Acting,
    Body(request): Body<MatchId>,
) -> ApiResult<wire::ReconDecision> {
    ok(service.recon_undo(request).await?)
}

async fn manual(
    Acting(service): Acting,
    Body(request): Body<ManualMatch>,
) -> ApiResult<wire::ReconDecision> {
    ok(service.recon_match(request).await?)
}

async fn workbench(Acting(service): Acting) -> ApiResult<wire::ReconWorkbench> {
    ok(service.recon_workbench().await?)
}

async fn rules(Acting(service): Acting) -> ApiResult<wire::ReconRulesReport> {
    ok(service.recon_rules().await?)
}

async fn rule_add(
    Acting(service): Acting,
    Body(request): Body<RuleAdd>,
) -> ApiResult<wire::ReconRulesReport> {
    ok(service.recon_rule_add(request).await?)
}

async fn thresholds_set(
    Acting(service): Acting,
    Body(request): Body<ThresholdsSet>,
) -> ApiResult<wire::ReconRulesReport> {
    ok(service.recon_thresholds_set(&request).await?)
}

async fn rule_enable(
    Acting(service): Acting,
    Body(request): Body<RuleChange>,
) -> ApiResult<wire::ReconRulesReport> {
    ok(service.recon_rule_change(request, RuleEdit::Enable).await?)
}

async fn rule_disable(
    Acting(service): Acting,
    Body(request): Body<RuleChange>,
) -> ApiResult<wire::ReconRulesReport> {
    ok(service
        .recon_rule_change(request, RuleEdit::Disable)
        .await?)
}

async fn rule_move(
    Acting(service): Acting,
    Body(request): Body<RuleChange>,
) -> ApiResult<wire::ReconRulesReport> {
    ok(service.recon_rule_change(request, RuleEdit::Move).await?)
}

async fn rule_remove(
    Acting(service): Acting,
    Body(request): Body<RuleChange>,
) -> ApiResult<wire::ReconRulesReport> {
    ok(service.recon_rule_change(request, RuleEdit::Remove).await?)
}

async fn learnt(Acting(service): Acting) -> ApiResult<wire::ReconLearntReport> {
    ok(service.recon_learnt().await?)
}

async fn alias_remove(
    Acting(service): Acting,
    Body(request): Body<LearntId>,
) -> ApiResult<wire::ReconLearntReport> {
    ok(service.recon_alias_remove(request).await?)
}

async fn negative_remove(
    Acting(service): Acting,
    Body(request): Body<LearntId>,
) -> ApiResult<wire::ReconLearntReport> {
    ok(service.recon_negative_remove(request).await?)
}

async fn evaluate(
    Acting(service): Acting,
    Body(request): Body<ReconEvaluate>,
) -> ApiResult<wire::ReconEvaluation> {
    ok(service.recon_evaluate("the truth", request).await?)
}

async fn summary(Acting(service): Acting) -> ApiResult<wire::ReconSummary> {
    ok(service.recon_summary().await?)
}
