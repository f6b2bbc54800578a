//! No input crashes the server: random bodies and content types to every endpoint are
//! answered, never with a 5xx.

use axum::body::Body;
use axum::http::Request;
use ltv_server::{router, AppState};
use proptest::prelude::*;

use crate::{send_to, CASES};

const PATHS: &[&str] = &[
    "/v1/calc/subscription",
    "/v1/calc/general",
    "/v1/calc/revenue",
    "/v1/calc/profit",
    "/v1/calc/ecommerce",
    "/v1/cac",
    "/v1/unit-economics",
    "/v1/levers",
    "/v1/plan",
    "/v1/roi?initiative=x",
    "/v1/forecast/retention?periods=3",
    "/v1/saas",
    "/v1/customers",
    "/v1/rfm",
    "/v1/cohorts?by=week&metric=survival",
    "/v1/channels",
    "/v1/forecast/purchases?calibration_end=2023-09-30",
    "/v1/forecast/clv?calibration_end=2023-09-30&horizon_months=12",
    "/v1/report",
    "/",
    "/sample?lang=xx",
    "/healthz",
    "/openapi.json",
    "/nope",
];

/// JSON-ish values: numbers of every size, strings that look like numbers, nesting.
fn json_value() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        any::<i64>().prop_map(|n| n.to_string()),
        any::<f64>().prop_map(|f| if f.is_finite() {
            f.to_string()
        } else {
            "1e999".to_owned()
        }),
        "-?[0-9]{1,40}(\\.[0-9]{0,40})?([eE][-+]?[0-9]{1,4})?",
        "\"-?[0-9]{0,30}(\\.[0-9]{0,30})?%?\"",
        Just("null".to_owned()),
        Just("true".to_owned()),
        "\"[a-z ]{0,8}\"",
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(|v| format!("[{}]", v.join(","))),
            prop::collection::vec(
                (
                    prop_oneof![
                        Just("arpu"),
                        Just("churn"),
                        Just("margin"),
                        Just("discount_rate"),
                        Just("horizon"),
                        Just("cac"),
                        Just("price"),
                        Just("frequency"),
                        Just("lifespan"),
                        Just("aov"),
                        Just("retention_cost"),
                        Just("ltv"),
                        Just("marketing"),
                        Just("sales"),
                        Just("new_customers"),
                        Just("x")
                    ],
                    inner
                ),
                0..7
            )
            .prop_map(|kv| {
                let fields: Vec<String> = kv
                    .into_iter()
                    .map(|(k, v)| format!("\"{k}\": {v}"))
                    .collect();
                format!("{{{}}}", fields.join(", "))
            }),
        ]
    })
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        json_value().prop_map(String::into_bytes),
        prop::collection::vec(any::<u8>(), 0..64),
    ]
}

fn content_type() -> impl Strategy<Value = Option<&'static str>> {
    prop_oneof![
        4 => Just(Some("application/json")),
        1 => Just(Some("text/csv")),
        1 => Just(Some("multipart/form-data; boundary=x")),
        1 => Just(Some("application/json; charset=latin1")),
        1 => Just(Some("application/toml")),
        1 => Just(None),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn random_requests_never_get_a_5xx(
        path in prop::sample::select(PATHS),
        post in any::<bool>(),
        body in body(),
        ct in content_type(),
    ) {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let reply = rt.block_on(async {
            let mut req = if post { Request::post(path) } else { Request::get(path) };
            if let Some(ct) = ct {
                req = req.header("content-type", ct);
            }
            send_to(router(AppState::default()), req.body(Body::from(body)).unwrap()).await
        });
        prop_assert!(reply.status.as_u16() < 500, "{} {path}: {}", reply.status, reply.json);
        if !reply.status.is_success() {
            prop_assert!(reply.json["error"]["code"].is_string(), "{}", reply.json);
        }
    }

    #[test]
    fn valid_bodies_with_random_values_never_get_a_5xx(
        case in prop::sample::select(CASES.iter().map(|c| (c.path, c.body)).collect::<Vec<_>>()),
        value in json_value(),
        nth in 0usize..6,
    ) {
        // Replace the nth value of a valid body with a random one.
        let (path, body) = case;
        let mut parts: Vec<String> = body.split(", ").map(str::to_owned).collect();
        let i = nth % parts.len();
        if let Some((key, _)) = parts[i].clone().split_once(": ") {
            let close = if i + 1 == parts.len() { "}" } else { "" };
            parts[i] = format!("{key}: {value}{close}");
        }
        let body = parts.join(", ");
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let reply = rt.block_on(send_to(router(AppState::default()), crate::json_request(path, &body)));
        prop_assert!(reply.status.as_u16() < 500, "{} {path} {body}: {}", reply.status, reply.json);
    }
}
