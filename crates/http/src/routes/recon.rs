//! Reconciliation: runs, matches and the decisions on them, rules, what was learnt, the
//! evaluation and the dashboard figures.

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use cashline_service::recon::RuleEdit;
use cashline_service::request::{
    LearntId, ManualMatch, MatchId, MatchesQuery, ReconEvaluate, ReconRun, RuleAdd, RuleChange,
    ThresholdsSet,
};
use cashline_service::wire;

use super::{ok, ApiResult};
use crate::extract::Acting;
use crate::extract::{Body, Params};
use crate::openapi::{BadRequest, JsonBody, NotFound};
use crate::AppState;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::default()
        .routes(routes!(run))
        .routes(routes!(matches))
        .routes(routes!(confirm))
        .routes(routes!(reject))
        .routes(routes!(undo))
        .routes(routes!(manual))
        .routes(routes!(workbench))
        .routes(routes!(rules, rule_add))
        .routes(routes!(thresholds_set))
        .routes(routes!(rule_enable))
        .routes(routes!(rule_disable))
        .routes(routes!(rule_move))
        .routes(routes!(rule_remove))
        .routes(routes!(learnt))
        .routes(routes!(alias_remove))
        .routes(routes!(negative_remove))
        .routes(routes!(evaluate))
        .routes(routes!(summary))
}

/// Runs every enabled rule; a dry run decides and writes nothing.
#[utoipa::path(
    post,
    path = "/recon/run",
    request_body = ReconRun,
    responses((status = 200, body = wire::ReconRunReport), JsonBody)
)]
async fn run(
    Acting(service): Acting,
    Body(request): Body<ReconRun>,
) -> ApiResult<wire::ReconRunReport> {
    ok(service.recon_run(request).await?)
}

/// Matches, newest first.
#[utoipa::path(
    get,
    path = "/recon/matches",
    params(MatchesQuery),
    responses((status = 200, body = wire::ReconMatchesReport), BadRequest)
)]
async fn matches(
    Acting(service): Acting,
    Params(query): Params<MatchesQuery>,
) -> ApiResult<wire::ReconMatchesReport> {
    ok(service.recon_matches(query).await?)
}

/// Confirms a suggested or automatic match.
#[utoipa::path(
    post,
    path = "/recon/confirm",
    request_body = MatchId,
    responses((status = 200, body = wire::ReconDecision), JsonBody, NotFound)
)]
async fn confirm(
    Acting(service): Acting,
    Body(request): Body<MatchId>,
) -> ApiResult<wire::ReconDecision> {
    ok(service.recon_confirm(request).await?)
}

/// Rejects a match; its entries and items are open again.
#[utoipa::path(
    post,
    path = "/recon/reject",
    request_body = MatchId,
    responses((status = 200, body = wire::ReconDecision), JsonBody, NotFound)
)]
async fn reject(
    Acting(service): Acting,
    Body(request): Body<MatchId>,
) -> ApiResult<wire::ReconDecision> {
    ok(service.recon_reject(request).await?)
}

/// Undoes a decided match.
#[utoipa::path(
    post,
    path = "/recon/undo",
    request_body = MatchId,
    responses((status = 200, body = wire::ReconDecision), JsonBody, NotFound)
)]
async fn undo(
    Acting(service): Acting,
    Body(request): Body<MatchId>,
) -> ApiResult<wire::ReconDecision> {
    ok(service.recon_undo(request).await?)
}

/// A match made by hand.
#[utoipa::path(
    post,
    path = "/recon/match",
    request_body = ManualMatch,
    responses((status = 200, body = wire::ReconDecision), JsonBody, NotFound)
)]
async fn manual(
    Acting(service): Acting,
    Body(request): Body<ManualMatch>,
) -> ApiResult<wire::ReconDecision> {
    ok(service.recon_match(request).await?)
}

/// What is left to match on each side.
#[utoipa::path(
    get,
    path = "/recon/workbench",
    responses((status = 200, body = wire::ReconWorkbench))
)]
async fn workbench(Acting(service): Acting) -> ApiResult<wire::ReconWorkbench> {
    ok(service.recon_workbench().await?)
}

/// The rules in their order, and the thresholds.
#[utoipa::path(
    get,
    path = "/recon/rules",
    responses((status = 200, body = wire::ReconRulesReport))
)]
async fn rules(Acting(service): Acting) -> ApiResult<wire::ReconRulesReport> {
    ok(service.recon_rules().await?)
}

/// Adds a rule from its JSON.
#[utoipa::path(
    post,
    path = "/recon/rules",
    request_body = RuleAdd,
    responses((status = 200, body = wire::ReconRulesReport), JsonBody)
)]
async fn rule_add(
    Acting(service): Acting,
    Body(request): Body<RuleAdd>,
) -> ApiResult<wire::ReconRulesReport> {
    ok(service.recon_rule_add(request).await?)
}

/// Sets the confidences from which matches are automatic and suggested.
#[utoipa::path(
    post,
    path = "/recon/thresholds",
    request_body = ThresholdsSet,
    responses((status = 200, body = wire::ReconRulesReport), JsonBody)
)]
async fn thresholds_set(
    Acting(service): Acting,
    Body(request): Body<ThresholdsSet>,
) -> ApiResult<wire::ReconRulesReport> {
    ok(service.recon_thresholds_set(&request).await?)
}

#[utoipa::path(
    post,
    path = "/recon/rules/enable",
    request_body = RuleChange,
    responses((status = 200, body = wire::ReconRulesReport), JsonBody, NotFound)
)]
async fn rule_enable(
    Acting(service): Acting,
    Body(request): Body<RuleChange>,
) -> ApiResult<wire::ReconRulesReport> {
    ok(service.recon_rule_change(request, RuleEdit::Enable).await?)
}

#[utoipa::path(
    post,
    path = "/recon/rules/disable",
    request_body = RuleChange,
    responses((status = 200, body = wire::ReconRulesReport), JsonBody, NotFound)
)]
async fn rule_disable(
    Acting(service): Acting,
    Body(request): Body<RuleChange>,
) -> ApiResult<wire::ReconRulesReport> {
    ok(service
        .recon_rule_change(request, RuleEdit::Disable)
        .await?)
}

/// Moves a rule to a position (1 = first).
#[utoipa::path(
    post,
    path = "/recon/rules/move",
    request_body = RuleChange,
    responses((status = 200, body = wire::ReconRulesReport), JsonBody, NotFound)
)]
async fn rule_move(
    Acting(service): Acting,
    Body(request): Body<RuleChange>,
) -> ApiResult<wire::ReconRulesReport> {
    ok(service.recon_rule_change(request, RuleEdit::Move).await?)
}

#[utoipa::path(
    post,
    path = "/recon/rules/remove",
    request_body = RuleChange,
    responses((status = 200, body = wire::ReconRulesReport), JsonBody, NotFound)
)]
async fn rule_remove(
    Acting(service): Acting,
    Body(request): Body<RuleChange>,
) -> ApiResult<wire::ReconRulesReport> {
    ok(service.recon_rule_change(request, RuleEdit::Remove).await?)
}

/// The aliases and hard negatives learnt from decisions.
#[utoipa::path(
    get,
    path = "/recon/learnt",
    responses((status = 200, body = wire::ReconLearntReport))
)]
async fn learnt(Acting(service): Acting) -> ApiResult<wire::ReconLearntReport> {
    ok(service.recon_learnt().await?)
}

#[utoipa::path(
    post,
    path = "/recon/aliases/remove",
    request_body = LearntId,
    responses((status = 200, body = wire::ReconLearntReport), JsonBody, NotFound)
)]
async fn alias_remove(
    Acting(service): Acting,
    Body(request): Body<LearntId>,
) -> ApiResult<wire::ReconLearntReport> {
    ok(service.recon_alias_remove(request).await?)
}

#[utoipa::path(
    post,
    path = "/recon/negatives/remove",
    request_body = LearntId,
    responses((status = 200, body = wire::ReconLearntReport), JsonBody, NotFound)
)]
async fn negative_remove(
    Acting(service): Acting,
    Body(request): Body<LearntId>,
) -> ApiResult<wire::ReconLearntReport> {
    ok(service.recon_negative_remove(request).await?)
}

/// Judges the current matches against a labelled truth.
#[utoipa::path(
    post,
    path = "/recon/evaluate",
    request_body = ReconEvaluate,
    responses((status = 200, body = wire::ReconEvaluation), JsonBody)
)]
async fn evaluate(
    Acting(service): Acting,
    Body(request): Body<ReconEvaluate>,
) -> ApiResult<wire::ReconEvaluation> {
    ok(service.recon_evaluate("the truth", request).await?)
}

/// The controller's figures for the dashboard.
#[utoipa::path(get, path = "/recon/summary", responses((status = 200, body = wire::ReconSummary)))]
async fn summary(Acting(service): Acting) -> ApiResult<wire::ReconSummary> {
    ok(service.recon_summary().await?)
}
