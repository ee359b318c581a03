//! Reconciliation: runs, matches and the decisions on them, rules, what was learnt, the
//! evaluation and the dashboard figures.

use axum::extract::State;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use cashline_service::recon::RuleEdit;
use cashline_service::request::{
    LearntId, ManualMatch, MatchId, MatchesQuery, ReconEvaluate, ReconRun, RuleAdd, RuleChange,
};
use cashline_service::wire;

use super::{ok, ApiResult};
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
    State(state): State<AppState>,
    Body(request): Body<ReconRun>,
) -> ApiResult<wire::ReconRunReport> {
    ok(state.service.recon_run(request).await?)
}

/// Matches, newest first.
#[utoipa::path(
    get,
    path = "/recon/matches",
    params(MatchesQuery),
    responses((status = 200, body = wire::ReconMatchesReport), BadRequest)
)]
async fn matches(
    State(state): State<AppState>,
    Params(query): Params<MatchesQuery>,
) -> ApiResult<wire::ReconMatchesReport> {
    ok(state.service.recon_matches(query).await?)
}

/// Confirms a suggested or automatic match.
#[utoipa::path(
    post,
    path = "/recon/confirm",
    request_body = MatchId,
    responses((status = 200, body = wire::ReconDecision), JsonBody, NotFound)
)]
async fn confirm(
    State(state): State<AppState>,
    Body(request): Body<MatchId>,
) -> ApiResult<wire::ReconDecision> {
    ok(state.service.recon_confirm(request).await?)
}

/// Rejects a match; its entries and items are open again.
#[utoipa::path(
    post,
    path = "/recon/reject",
    request_body = MatchId,
    responses((status = 200, body = wire::ReconDecision), JsonBody, NotFound)
)]
async fn reject(
    State(state): State<AppState>,
    Body(request): Body<MatchId>,
) -> ApiResult<wire::ReconDecision> {
    ok(state.service.recon_reject(request).await?)
}

/// Undoes a decided match.
#[utoipa::path(
    post,
    path = "/recon/undo",
    request_body = MatchId,
    responses((status = 200, body = wire::ReconDecision), JsonBody, NotFound)
)]
async fn undo(
    State(state): State<AppState>,
    Body(request): Body<MatchId>,
) -> ApiResult<wire::ReconDecision> {
    ok(state.service.recon_undo(request).await?)
}

/// A match made by hand.
#[utoipa::path(
    post,
    path = "/recon/match",
    request_body = ManualMatch,
    responses((status = 200, body = wire::ReconDecision), JsonBody, NotFound)
)]
async fn manual(
    State(state): State<AppState>,
    Body(request): Body<ManualMatch>,
) -> ApiResult<wire::ReconDecision> {
    ok(state.service.recon_match(request).await?)
}

/// What is left to match on each side.
#[utoipa::path(
    get,
    path = "/recon/workbench",
    responses((status = 200, body = wire::ReconWorkbench))
)]
async fn workbench(State(state): State<AppState>) -> ApiResult<wire::ReconWorkbench> {
    ok(state.service.recon_workbench().await?)
}

/// The rules in their order, and the thresholds.
#[utoipa::path(
    get,
    path = "/recon/rules",
    responses((status = 200, body = wire::ReconRulesReport))
)]
async fn rules(State(state): State<AppState>) -> ApiResult<wire::ReconRulesReport> {
    ok(state.service.recon_rules().await?)
}

/// Adds a rule from its JSON.
#[utoipa::path(
    post,
    path = "/recon/rules",
    request_body = RuleAdd,
    responses((status = 200, body = wire::ReconRulesReport), JsonBody)
)]
async fn rule_add(
    State(state): State<AppState>,
    Body(request): Body<RuleAdd>,
) -> ApiResult<wire::ReconRulesReport> {
    ok(state.service.recon_rule_add(request).await?)
}

#[utoipa::path(
    post,
    path = "/recon/rules/enable",
    request_body = RuleChange,
    responses((status = 200, body = wire::ReconRulesReport), JsonBody, NotFound)
)]
async fn rule_enable(
    State(state): State<AppState>,
    Body(request): Body<RuleChange>,
) -> ApiResult<wire::ReconRulesReport> {
    ok(state
        .service
        .recon_rule_change(request, RuleEdit::Enable)
        .await?)
}

#[utoipa::path(
    post,
    path = "/recon/rules/disable",
    request_body = RuleChange,
    responses((status = 200, body = wire::ReconRulesReport), JsonBody, NotFound)
)]
async fn rule_disable(
    State(state): State<AppState>,
    Body(request): Body<RuleChange>,
) -> ApiResult<wire::ReconRulesReport> {
    ok(state
        .service
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
    State(state): State<AppState>,
    Body(request): Body<RuleChange>,
) -> ApiResult<wire::ReconRulesReport> {
    ok(state
        .service
        .recon_rule_change(request, RuleEdit::Move)
        .await?)
}

#[utoipa::path(
    post,
    path = "/recon/rules/remove",
    request_body = RuleChange,
    responses((status = 200, body = wire::ReconRulesReport), JsonBody, NotFound)
)]
async fn rule_remove(
    State(state): State<AppState>,
    Body(request): Body<RuleChange>,
) -> ApiResult<wire::ReconRulesReport> {
    ok(state
        .service
        .recon_rule_change(request, RuleEdit::Remove)
        .await?)
}

/// The aliases and hard negatives learnt from decisions.
#[utoipa::path(
    get,
    path = "/recon/learnt",
    responses((status = 200, body = wire::ReconLearntReport))
)]
async fn learnt(State(state): State<AppState>) -> ApiResult<wire::ReconLearntReport> {
    ok(state.service.recon_learnt().await?)
}

#[utoipa::path(
    post,
    path = "/recon/aliases/remove",
    request_body = LearntId,
    responses((status = 200, body = wire::ReconLearntReport), JsonBody, NotFound)
)]
async fn alias_remove(
    State(state): State<AppState>,
    Body(request): Body<LearntId>,
) -> ApiResult<wire::ReconLearntReport> {
    ok(state.service.recon_alias_remove(request).await?)
}

#[utoipa::path(
    post,
    path = "/recon/negatives/remove",
    request_body = LearntId,
    responses((status = 200, body = wire::ReconLearntReport), JsonBody, NotFound)
)]
async fn negative_remove(
    State(state): State<AppState>,
    Body(request): Body<LearntId>,
) -> ApiResult<wire::ReconLearntReport> {
    ok(state.service.recon_negative_remove(request).await?)
}

/// Judges the current matches against a labelled truth.
#[utoipa::path(
    post,
    path = "/recon/evaluate",
    request_body = ReconEvaluate,
    responses((status = 200, body = wire::ReconEvaluation), JsonBody)
)]
async fn evaluate(
    State(state): State<AppState>,
    Body(request): Body<ReconEvaluate>,
) -> ApiResult<wire::ReconEvaluation> {
    ok(state.service.recon_evaluate("the truth", request).await?)
}

/// The controller's figures for the dashboard.
#[utoipa::path(get, path = "/recon/summary", responses((status = 200, body = wire::ReconSummary)))]
async fn summary(State(state): State<AppState>) -> ApiResult<wire::ReconSummary> {
    ok(state.service.recon_summary().await?)
}
