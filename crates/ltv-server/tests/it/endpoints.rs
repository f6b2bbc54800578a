//! Every endpoint's answer: a snapshot, the worked examples, and equality with the CLI.

use insta::assert_snapshot;

use crate::{cli_json, post_json, CASES};

#[tokio::test]
async fn every_endpoint_answers_like_the_cli() {
    for case in CASES {
        let reply = post_json(case.path, case.body).await;
        assert_eq!(reply.status, 200, "{}: {}", case.name, reply.json);
        assert_eq!(
            reply.json,
            cli_json(case.cli),
            "{} differs from the CLI",
            case.name
        );
        assert_snapshot!(
            format!("{}_json", case.name),
            serde_json::to_string_pretty(&reply.json).unwrap()
        );
    }
}

#[tokio::test]
async fn worked_examples() {
    let j = post_json(
        "/v1/calc/subscription",
        r#"{"arpu": 10000, "churn": 0.05, "margin": 0.7}"#,
    )
    .await
    .json;
    assert_eq!(j["ltv"], "140000");
    assert_eq!(j["expected_lifetime"], "20");
    assert_eq!(j["model"], "subscription");
    let j = post_json(
        "/v1/cac",
        r#"{"marketing": 2000000, "sales": 3000000, "new_customers": 50}"#,
    )
    .await
    .json;
    assert_eq!(j["cac"], "100000");
    let j = post_json("/v1/unit-economics", r#"{"ltv": 300000, "cac": 100000}"#)
        .await
        .json;
    assert_eq!(j["ratio"], "3");
    assert_eq!(j["band"], "healthy");
}

#[tokio::test]
async fn decimals_are_exact_as_numbers_and_strings() {
    // 0.1 as a JSON number must not become 0.1000000000000000055511151231257827
    let j = post_json(
        "/v1/calc/revenue",
        r#"{"price": 0.1, "frequency": 3, "lifespan": 1}"#,
    )
    .await
    .json;
    assert_eq!(j["price"], "0.1");
    assert_eq!(j["ltv"], "0.3");
    let j = post_json(
        "/v1/calc/revenue",
        r#"{"price": "1234567890.123456789012345678", "frequency": 1, "lifespan": 1}"#,
    )
    .await
    .json;
    assert_eq!(j["ltv"], "1234567890.123456789012345678");
}
