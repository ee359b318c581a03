//! The OpenAPI document of `/api`, served at `GET /api/openapi.json`: generated from the
//! routes themselves (each handler's `#[utoipa::path]`, registered with its route by
//! `utoipa_axum::routes!`, one routes module at a time) and from the service's wire and request
//! types (`ToSchema`, `IntoParams`), so it says what the server does and cannot drift from it.
//! Schemathesis fuzzes the server against it (`tests/integration/schemathesis.rs`).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

use axum::http::header;
use axum::response::{IntoResponse, Response};
use utoipa::openapi::path::Operation;
use utoipa::openapi::response::{Response as ResponseDoc, ResponseBuilder};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{Content, OpenApi as Document, Ref, RefOr, Schema};
use utoipa::{IntoResponses, OpenApi};

use cashline_service::ErrorBody;

/// Where the routes are mounted, and so where every path of the document starts.
pub(crate) const API_PREFIX: &str = "/api";
/// The name of the security scheme: the bearer token `cashline serve` prints.
const TOKEN_SCHEME: &str = "token";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Cashline local API",
        description = "The service layer of `cashline serve` over HTTP on 127.0.0.1. Every \
            request needs the token printed with the server's URL as `Authorization: Bearer \
            TOKEN`, a `Host` of 127.0.0.1 or localhost with the server's port, and no `Origin` \
            but that same address. Money is a string with exactly the currency's minor units, \
            dates are YYYY-MM-DD and instants RFC 3339 in UTC. Every answer that is not a \
            success is `{code, message}` JSON."
    ),
    components(schemas(ErrorBody))
)]
struct Base;

/// The whole document: the routes' paths under `/api`, their refusals, the bearer scheme.
pub fn document() -> Document {
    let (_, paths) = crate::routes::api().split_for_parts();
    let mut document = Base::openapi().nest(API_PREFIX, paths);
    let mut components = document.components.take().unwrap_or_default();
    components.add_security_scheme(
        TOKEN_SCHEME,
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .description(Some(
                    "The token `cashline serve` prints in its URL (`?token=`).",
                ))
                .build(),
        ),
    );
    document.components = Some(components);
    document.security = Some(vec![SecurityRequirement::new(
        TOKEN_SCHEME,
        Vec::<String>::new(),
    )]);
    for item in document.paths.paths.values_mut() {
        for operation in operations(item) {
            // The guards stand before every route (`guard.rs`), so every operation can be
            // refused by them, whatever its handler does.
            operation.responses.responses.extend(Guarded::responses());
            for (status, response) in operation.responses.responses.iter_mut() {
                if let RefOr::T(response) = response {
                    if response.description.is_empty() && status.starts_with('2') {
                        response.description = "Done".to_string();
                    }
                }
            }
        }
    }
    answers_send_every_key(&mut document);
    document
}

/// The wire types are serialised whole, `null` where there is nothing (no field is ever
/// skipped), so every property of a schema that answers carry is required: utoipa leaves an
/// `Option` field out of `required`, which would let an answer missing the key pass.
fn answers_send_every_key(document: &mut Document) {
    let Some(components) = document.components.as_mut() else {
        return;
    };
    let mut answered = BTreeSet::new();
    let mut pending: Vec<String> = document
        .paths
        .paths
        .values()
        .flat_map(|item| {
            let item = serde_json::to_value(item).unwrap_or_default();
            let responses: Vec<String> = ["get", "put", "post", "delete"]
                .iter()
                .filter_map(|method| item.get(method)?.get("responses"))
                .flat_map(|responses| schema_references(&responses.to_string()))
                .collect();
            responses
        })
        .collect();
    while let Some(name) = pending.pop() {
        if !answered.insert(name.clone()) {
            continue;
        }
        if let Some(schema) = components.schemas.get(&name) {
            let text = serde_json::to_string(schema).unwrap_or_default();
            pending.extend(schema_references(&text));
        }
    }
    for name in &answered {
        if let Some(RefOr::T(Schema::Object(object))) = components.schemas.get_mut(name) {
            object.required = object.properties.keys().cloned().collect();
        }
    }
}

/// The component schemas a piece of the document's JSON refers to.
fn schema_references(json: &str) -> Vec<String> {
    const PREFIX: &str = "#/components/schemas/";
    json.split(PREFIX)
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(str::to_string)
        .collect()
}

/// Every operation of a path, whatever its method.
pub(crate) fn operations(
    item: &mut utoipa::openapi::PathItem,
) -> impl Iterator<Item = &mut Operation> {
    [
        item.get.as_mut(),
        item.put.as_mut(),
        item.post.as_mut(),
        item.delete.as_mut(),
        item.patch.as_mut(),
        item.head.as_mut(),
        item.options.as_mut(),
        item.trace.as_mut(),
    ]
    .into_iter()
    .flatten()
}

/// The document as JSON, made once: it depends only on the code.
static DOCUMENT_JSON: LazyLock<String> = LazyLock::new(|| {
    document()
        .to_json()
        .expect("the OpenAPI document is plain data and always serialises")
});

/// The OpenAPI document of this API.
#[utoipa::path(
    get,
    path = "/openapi.json",
    operation_id = "openapi",
    responses(
        (status = 200, description = "The OpenAPI 3.1 document of `/api`", body = Object),
    )
)]
pub(crate) async fn openapi_json() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        DOCUMENT_JSON.as_str(),
    )
        .into_response()
}

/// Bytes as they are (an uploaded file, a PNG), for a body that is not JSON.
#[derive(utoipa::ToSchema)]
#[schema(value_type = String, format = Binary)]
#[allow(dead_code)] // Only its schema is used.
pub(crate) struct Bytes(Vec<u8>);

/// An `ErrorBody` answer under `status`.
fn refusal(status: u16, description: &str) -> (String, RefOr<ResponseDoc>) {
    let response = ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            Content::new(Some(Ref::from_schema_name("ErrorBody"))),
        )
        .build();
    (status.to_string(), RefOr::T(response))
}

/// What the guards answer before any handler runs: 401 without a token (the server's or a
/// session's), 403 for another `Host` or `Origin`, and the 403 of the role check, which every
/// command may give.
struct Guarded;

impl IntoResponses for Guarded {
    fn responses() -> BTreeMap<String, RefOr<ResponseDoc>> {
        BTreeMap::from([
            refusal(
                401,
                "`unauthorized`: no `Authorization: Bearer` header with this server's token",
            ),
            refusal(
                403,
                "`forbidden_host` or `forbidden_origin`: a `Host` or `Origin` other than this \
                 server's own (DNS rebinding, another site's page); or `forbidden`: the \
                 acting user is not an enabled user of the ledger, or their role does not \
                 allow the command",
            ),
        ])
    }
}

/// 400: the query string or the body is not what the operation reads (a bad date, a number
/// out of range, a missing field), or the service refuses what was asked.
pub(crate) struct BadRequest;

impl IntoResponses for BadRequest {
    fn responses() -> BTreeMap<String, RefOr<ResponseDoc>> {
        BTreeMap::from([refusal(
            400,
            "`bad_request`: the request cannot be carried out as asked; the message says why",
        )])
    }
}

/// What the JSON body extractor refuses (`extract.rs`), besides a body that does not parse.
pub(crate) struct JsonBody;

impl IntoResponses for JsonBody {
    fn responses() -> BTreeMap<String, RefOr<ResponseDoc>> {
        BTreeMap::from([
            refusal(
                400,
                "`bad_request`: the body is not the JSON expected, or the service refuses \
                 what was asked; the message says why",
            ),
            refusal(
                413,
                &format!(
                    "`too_large`: the body is larger than the {}-byte limit of a command",
                    crate::JSON_BODY_BYTES_MAX
                ),
            ),
            refusal(
                415,
                "`unsupported_media_type`: the body is not sent as `application/json`",
            ),
        ])
    }
}

/// 404: the thing named (an account, a payment, a case, a connection) is not there.
pub(crate) struct NotFound;

impl IntoResponses for NotFound {
    fn responses() -> BTreeMap<String, RefOr<ResponseDoc>> {
        BTreeMap::from([refusal(
            404,
            "`not_found`: what the request names does not exist",
        )])
    }
}

/// 502: a bank, an ERP or the keystore did not answer as it should.
pub(crate) struct Unavailable;

impl IntoResponses for Unavailable {
    fn responses() -> BTreeMap<String, RefOr<ResponseDoc>> {
        BTreeMap::from([refusal(
            502,
            "`unavailable`: a bank, the ERP or the keystore could not be reached or refused; \
             the message says which and why",
        )])
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeSet, HashMap};

    use super::*;

    /// The routes the router really has, as (method, path under `/api`), read from its `Debug`
    /// form: axum has no other way to list them. HEAD is GET's, as axum answers it.
    fn routed() -> BTreeSet<(String, String)> {
        let debug = format!("{:?}", crate::routes::router());
        let path_router = debug
            .split("fallback_router:")
            .next()
            .expect("a router's Debug form starts with its path router");
        let (routes, node) = path_router
            .split_once("node: Node { paths: {")
            .expect("the path router's Debug form lists its paths");
        let paths: HashMap<&str, &str> = node
            .split("RouteId(")
            .skip(1)
            .filter_map(|part| {
                let (id, rest) = part.split_once(')')?;
                let path = rest.strip_prefix(": \"")?.split('"').next()?;
                Some((id, path))
            })
            .collect();
        let mut routed = BTreeSet::new();
        for part in routes.split("RouteId(").skip(1) {
            let (id, rest) = part.split_once(')').expect("a route id");
            let fields = rest.split("fallback:").next().unwrap_or_default();
            for field in fields.split(", ") {
                let field = field.rsplit("{ ").next().unwrap_or(field);
                let Some((method, endpoint)) = field.split_once(": ") else {
                    continue;
                };
                if endpoint != "None" && method != "head" {
                    let path = paths[id];
                    routed.insert((method.to_ascii_uppercase(), format!("{API_PREFIX}{path}")));
                }
            }
        }
        routed
    }

    fn documented(document: &Document) -> BTreeSet<(String, String)> {
        let json = serde_json::to_value(document).unwrap();
        let mut documented = BTreeSet::new();
        for (path, item) in json["paths"].as_object().unwrap() {
            for method in item.as_object().unwrap().keys() {
                documented.insert((method.to_ascii_uppercase(), path.clone()));
            }
        }
        documented
    }

    #[test]
    fn the_document_lists_every_route_the_router_has_and_no_other() {
        // `/api` itself (`any`, the unknown route's 404 for every method) sets no method, so
        // it is not read as a route.
        let routed = routed();
        assert!(
            routed.contains(&("GET".into(), "/api/positions".into())) && routed.len() > 50,
            "the router's Debug form is not what this test reads: {routed:?}"
        );
        let documented = documented(&document());
        let undocumented: Vec<_> = routed.difference(&documented).collect();
        let unrouted: Vec<_> = documented.difference(&routed).collect();
        assert!(
            undocumented.is_empty() && unrouted.is_empty(),
            "routes without a #[utoipa::path]: {undocumented:?}; documented but not routed: {unrouted:?}"
        );
    }

    #[test]
    fn every_operation_states_the_refusals_its_extractors_and_guards_can_answer() {
        let json = serde_json::to_value(document()).unwrap();
        let mut operation_ids = BTreeSet::new();
        for (path, item) in json["paths"].as_object().unwrap() {
            for (method, operation) in item.as_object().unwrap() {
                let at = format!("{method} {path}");
                let responses = operation["responses"].as_object().unwrap();
                let has = |status: &str| responses.contains_key(status);
                assert!(has("200") || has("204"), "{at}: no success");
                assert!(has("401") && has("403"), "{at}: the guards' refusals");
                let json_body = operation["requestBody"]["content"]
                    .get("application/json")
                    .is_some();
                if json_body {
                    assert!(
                        has("400") && has("413") && has("415"),
                        "{at}: a JSON body's"
                    );
                }
                let parameters = operation["parameters"].as_array().map_or(0, Vec::len);
                if parameters > 0 {
                    assert!(has("400"), "{at}: its parameters can be refused");
                }
                assert!(
                    operation["tags"].is_array() || path == "/api/openapi.json",
                    "{at}"
                );
                let id = operation["operationId"].as_str().unwrap().to_string();
                assert!(
                    operation_ids.insert(id.clone()),
                    "{at}: operation id {id} twice"
                );
            }
        }
        assert!(json["security"][0].get(TOKEN_SCHEME).is_some());
        assert_eq!(
            json["components"]["securitySchemes"][TOKEN_SCHEME]["scheme"],
            "bearer"
        );
    }

    #[test]
    fn every_schema_referred_to_is_in_the_document() {
        let document = document();
        let text = document.to_json().unwrap();
        let schemas = &document.components.as_ref().unwrap().schemas;
        for name in schema_references(&text) {
            assert!(
                schemas.contains_key(&name),
                "{name} is referred to but missing"
            );
        }
    }

    #[test]
    fn an_answers_optional_field_is_still_a_required_key() {
        let json = serde_json::to_value(document()).unwrap();
        let position = &json["components"]["schemas"]["AccountPosition"];
        let required: Vec<&str> = position["required"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert!(required.contains(&"available"), "{position}");
        assert_eq!(position["properties"]["available"]["type"][1], "null");
        assert_eq!(position["properties"]["booked_date"]["format"], "date");
        assert_eq!(position["properties"]["as_of"]["format"], "date-time");
        // A request's optional field stays optional.
        let update = &json["components"]["schemas"]["AutoBackupUpdate"];
        assert!(update.get("required").is_none(), "{update}");
    }
}
