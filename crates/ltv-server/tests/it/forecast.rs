//! `POST /v1/forecast/retention`: the sBG fit of a retention matrix equals the
//! library's and the CLI's `--format json`, reproduces
//! Fader & Hardie (2007)'s "regular" customers; bad matrices are 422 with line and
//! column. `POST /v1/forecast/purchases` and `/v1/forecast/clv` equal the CLI (their
//! bad transactions files: `segments::every_transactions_endpoint_refuses_bad_input`).

use axum::body::Body;
use axum::http::Request;
use insta::assert_snapshot;
use ltv_forecast::{forecast_retention, survivors_from_retention_csv, RetentionRequest};
use ltv_server::{router, AppState};

use crate::segments::{post_tx, tx};

use crate::{cli_json, send_to, temp_file, Reply};

/// Fader & Hardie (2007), "regular" customers: 1000 → 631 → 468 → … → 241.
const MATRIX: &str = "cohort,size,0,1,2,3,4,5,6,7\n\
                      regular,1000,1,0.631,0.468,0.382,0.326,0.289,0.262,0.241\n";

async fn post_matrix(uri: &str, body: &str) -> Reply {
    let req = Request::post(uri)
        .header("content-type", "text/csv")
        .body(Body::from(body.to_owned()))
        .unwrap();
    send_to(router(AppState::default()), req).await
}

#[tokio::test]
async fn retention_equals_the_library_and_the_paper() {
    let reply = post_matrix(
        "/v1/forecast/retention?periods=12&discount_rate=0.1&value_per_period=100",
        MATRIX,
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.json);
    let request = RetentionRequest {
        periods: 12,
        discount_rate: "0.1".parse().unwrap(),
        value_per_period: Some("100".parse().unwrap()),
    };
    let cohorts = survivors_from_retention_csv(MATRIX).unwrap();
    let expected = forecast_retention(&cohorts, &request).unwrap();
    // Through the same JSON text both ways: serde_json's float parsing is not
    // correctly rounded in the last digit, so text → Value must happen on both sides.
    let expected: serde_json::Value =
        serde_json::from_str(&serde_json::to_string(&expected).unwrap()).unwrap();
    assert_eq!(reply.json, expected);
    // Fader & Hardie (2007), regular segment: alpha = 0.704, beta = 1.182
    let alpha = reply.json["alpha"].as_f64().unwrap();
    let beta = reply.json["beta"].as_f64().unwrap();
    assert!((alpha - 0.704).abs() < 0.001, "{alpha}");
    assert!((beta - 1.182).abs() < 0.001, "{beta}");
    let path = temp_file("retention.csv", MATRIX);
    let cli = cli_json(&[
        "forecast",
        "retention",
        "--cohorts",
        path.to_str().unwrap(),
        "--periods",
        "12",
        "--discount-rate",
        "0.1",
        "--value-per-period",
        "100",
    ]);
    assert_eq!(
        reply.json, cli,
        "differs from `ltv forecast retention --format json`"
    );
    assert_snapshot!(
        "forecast_retention_json",
        serde_json::to_string_pretty(&reply.json).unwrap()
    );
}

#[tokio::test]
async fn bad_matrix_and_options_are_4xx() {
    let reply = post_matrix(
        "/v1/forecast/retention?periods=12",
        "cohort,size,0,1\na,10,1,1.5\n",
    )
    .await;
    assert_eq!(reply.status, 422, "{}", reply.json);
    assert_eq!(reply.code(), "invalid_data");
    assert_eq!(reply.json["error"]["line"], 2);
    assert_eq!(reply.json["error"]["column"], 4);
    for body in ["", "nonsense", "cohort,size,0\n"] {
        let reply = post_matrix("/v1/forecast/retention?periods=12", body).await;
        assert_eq!(reply.status, 422, "{body:?}: {}", reply.json);
    }
    let reply = post_matrix("/v1/forecast/retention?periods=0", MATRIX).await;
    assert_eq!(reply.status, 400, "{}", reply.json);
    assert_eq!(reply.json["error"]["field"], "periods");
    for uri in [
        "/v1/forecast/retention?periods=",
        "/v1/forecast/retention?periods=x",
        "/v1/forecast/retention?periods=3&nope=1",
    ] {
        let reply = post_matrix(uri, MATRIX).await;
        assert_eq!(reply.status, 400, "{uri}: {}", reply.json);
        assert_eq!(reply.code(), "invalid_query");
    }
    let req = Request::post("/v1/forecast/retention?periods=12")
        .header("content-type", "application/json")
        .body(Body::from(MATRIX))
        .unwrap();
    assert_eq!(send_to(router(AppState::default()), req).await.status, 415);
}

/// `v` with every float (and every long decimal string with a fraction) to 9
/// significant digits, for snapshots: the last bits of a fit depend on the platform's
/// libm (so does the optimiser's evaluation count, left out).
fn round_floats(v: &mut serde_json::Value) {
    use serde_json::Value;
    let round = |x: f64| format!("{x:.8e}");
    match v {
        Value::Number(n) if n.is_f64() => *v = Value::String(round(n.as_f64().unwrap_or(0.0))),
        Value::String(s) if s.contains('.') && s.len() > 12 => {
            if let Ok(x) = s.parse::<f64>() {
                *s = round(x);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(round_floats),
        Value::Object(map) => map.values_mut().for_each(round_floats),
        _ => {}
    }
}

fn pretty_rounded(v: &serde_json::Value) -> String {
    let mut v = v.clone();
    round_floats(&mut v);
    serde_json::to_string_pretty(&v).unwrap()
}

/// The CDNOW sample of ltv-forecast's tests (2357 customers, 1997–1998; column `date`).
const CDNOW: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../ltv-forecast/tests/data/cdnow_sample.csv"
);

fn cdnow() -> String {
    std::fs::read_to_string(CDNOW).unwrap()
}

/// `v` with every array longer than 6 cut to its first 5 and its last item, for
/// snapshots of reports with a row per customer or per week.
fn trimmed(v: &serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match v {
        Value::Array(items) if items.len() > 6 => {
            let mut kept: Vec<Value> = items.iter().take(5).map(trimmed).collect();
            kept.extend(items.last().map(trimmed));
            Value::Array(kept)
        }
        Value::Array(items) => Value::Array(items.iter().map(trimmed).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| match k.as_str() {
                    "evaluations" => (k.clone(), Value::String("[evaluations]".into())),
                    _ => (k.clone(), trimmed(v)),
                })
                .collect(),
        ),
        other => other.clone(),
    }
}

#[tokio::test]
async fn purchases_equal_the_cli() {
    let uri = "/v1/forecast/purchases?date_col=date&calibration_end=1997-09-30&holdout_end=1998-06-30&time_unit=week";
    let reply = post_tx(uri, &cdnow()).await;
    assert_eq!(reply.status, 200, "{}", reply.json);
    let cli = cli_json(&[
        "forecast",
        "purchases",
        CDNOW,
        "--date-col",
        "date",
        "--calibration-end",
        "1997-09-30",
        "--holdout-end",
        "1998-06-30",
        "--time-unit",
        "week",
    ]);
    assert_eq!(reply.json, cli, "differs from `ltv forecast purchases`");
    // Fader, Hardie & Lee (2005) on CDNOW: r 0.243, alpha 4.414, a 0.793, b 2.426
    let param = |name: &str| reply.json[name].as_f64().unwrap();
    assert!((param("r") - 0.243).abs() < 0.005, "{}", param("r"));
    assert!((param("alpha") - 4.414).abs() < 0.05, "{}", param("alpha"));
    assert_eq!(reply.json["customers"], 2357);
    assert_eq!(reply.json["holdout"]["total"]["actual"], 1882);
    assert_snapshot!(
        "forecast_purchases_json",
        pretty_rounded(&trimmed(&reply.json))
    );

    let uri = "/v1/forecast/purchases?date_col=date&calibration_end=1997-09-30&time_unit=day";
    let reply = post_tx(uri, &cdnow()).await;
    assert_eq!(reply.status, 200, "{}", reply.json);
    let cli = cli_json(&[
        "forecast",
        "purchases",
        CDNOW,
        "--date-col",
        "date",
        "--calibration-end",
        "1997-09-30",
        "--time-unit",
        "day",
    ]);
    assert_eq!(reply.json, cli);
}

#[tokio::test]
async fn clv_equals_the_cli() {
    let uri = "/v1/forecast/clv?date_col=date&calibration_end=1997-09-30&horizon_months=12&discount_rate=0.01&margin=0.3&time_unit=month";
    let reply = post_tx(uri, &cdnow()).await;
    assert_eq!(reply.status, 200, "{}", reply.json);
    let cli = cli_json(&[
        "forecast",
        "clv",
        CDNOW,
        "--date-col",
        "date",
        "--calibration-end",
        "1997-09-30",
        "--horizon-months",
        "12",
        "--discount-rate",
        "0.01",
        "--margin",
        "0.3",
        "--time-unit",
        "month",
    ]);
    assert_eq!(reply.json, cli, "differs from `ltv forecast clv`");
    assert_eq!(reply.json["margin"], "0.3");
    assert_eq!(reply.json["horizon_months"], 12);
    assert_eq!(reply.json["customers"].as_array().unwrap().len(), 2357);
    assert_snapshot!("forecast_clv_json", pretty_rounded(&trimmed(&reply.json)));
}

#[tokio::test]
async fn purchases_and_clv_options_are_400() {
    let tx = tx();
    for (uri, field) in [
        (
            "/v1/forecast/purchases?calibration_end=2023-09-30&holdout_end=2023-09-01",
            Some("holdout_end"),
        ),
        (
            "/v1/forecast/clv?calibration_end=2023-09-30&horizon_months=0",
            Some("horizon_months"),
        ),
        (
            "/v1/forecast/clv?calibration_end=2023-09-30&horizon_months=12&margin=1.5",
            Some("margin"),
        ),
        (
            "/v1/forecast/clv?calibration_end=2023-09-30&horizon_months=12&discount_rate=-0.1",
            Some("discount_rate"),
        ),
    ] {
        let reply = post_tx(uri, &tx).await;
        assert_eq!(reply.status, 400, "{uri}: {}", reply.json);
        assert_eq!(
            reply.json["error"]["field"].as_str(),
            field,
            "{uri}: {}",
            reply.json
        );
    }
    for uri in [
        "/v1/forecast/purchases",
        "/v1/forecast/purchases?calibration_end=soon",
        "/v1/forecast/purchases?calibration_end=2023-09-30&time_unit=year",
        "/v1/forecast/purchases?calibration_end=2023-09-30&holdout_end=later",
        "/v1/forecast/clv?calibration_end=2023-09-30",
        "/v1/forecast/clv?calibration_end=2023-09-30&horizon_months=x",
        "/v1/forecast/clv?calibration_end=2023-09-30&horizon_months=12&margin=lots",
    ] {
        let reply = post_tx(uri, &tx).await;
        assert_eq!(reply.status, 400, "{uri}: {}", reply.json);
        assert_eq!(reply.code(), "invalid_query", "{uri}");
    }
    // a calibration end before every order: not enough data
    let reply = post_tx("/v1/forecast/purchases?calibration_end=1990-01-01", &tx).await;
    assert_eq!(reply.status, 422, "{}", reply.json);
}
