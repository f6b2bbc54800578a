//! `POST /v1/customers`, `/v1/rfm`, `/v1/cohorts`, `/v1/channels`: equal to the CLI's
//! `--format json`, bad files and options 4xx (for the forecast endpoints too).

use axum::body::Body;
use axum::http::{header, Request};
use insta::assert_snapshot;
use ltv_server::{router, AppState, Limits};

use crate::report::{multipart, BOUNDARY};
use crate::{cli_json, send_to, temp_file, Reply};

/// Forty customers of different recency, frequency and spend (deterministic).
pub fn tx() -> String {
    let mut text = String::from("customer_id,order_date,amount\n");
    for i in 0..40u32 {
        for k in 0..(1 + i % 5) {
            let month = 1 + (i + k * 2) % 12;
            let day = 1 + (i * 7 + k) % 28;
            let amount = 20 + (i * 37 + k * 11) % 400;
            text.push_str(&format!("c{i},2023-{month:02}-{day:02},{amount}\n"));
        }
    }
    text
}

pub async fn post_tx(uri: &str, body: &str) -> Reply {
    let req = Request::post(uri)
        .header("content-type", "text/csv")
        .body(Body::from(body.to_owned()))
        .unwrap();
    send_to(router(AppState::default()), req).await
}

#[tokio::test]
async fn rfm_equals_the_cli() {
    let tx = tx();
    let path = temp_file("tx.csv", &tx);
    let file = path.to_str().unwrap();
    let reply = post_tx("/v1/rfm", &tx).await;
    assert_eq!(reply.status, 200, "{}", reply.json);
    assert_eq!(
        reply.json,
        cli_json(&["rfm", file]),
        "differs from `ltv rfm`"
    );
    assert_snapshot!(
        "rfm_json",
        serde_json::to_string_pretty(&reply.json).unwrap()
    );

    let uri = "/v1/rfm?r_breaks=7,30,60,90&segments=rf-grid&as_of=2023-12-31";
    let reply = post_tx(uri, &tx).await;
    assert_eq!(reply.status, 200, "{}", reply.json);
    let cli = cli_json(&[
        "rfm",
        file,
        "--r-breaks",
        "7,30,60,90",
        "--segments",
        "rf-grid",
        "--as-of",
        "2023-12-31",
    ]);
    assert_eq!(reply.json, cli);
}

#[tokio::test]
async fn bad_files_and_options_are_4xx() {
    let tx = tx();
    let bad = tx.replacen("c1,2023-02-08,57", "c1,2023-02-08,lots", 1);
    assert_ne!(bad, tx);
    let reply = post_tx("/v1/rfm", &bad).await;
    assert_eq!(reply.status, 422, "{}", reply.json);
    assert_eq!(reply.code(), "invalid_data");
    assert_eq!(reply.json["error"]["line"], 3, "{}", reply.json);
    assert_eq!(reply.json["error"]["field"], "amount");
    assert_snapshot!(
        "rfm_bad_row_body",
        serde_json::to_string_pretty(&reply.json).unwrap()
    );
    for body in ["", "customer_id,order_date,amount\n", "who,when\nx,y\n"] {
        let reply = post_tx("/v1/rfm", body).await;
        assert_eq!(reply.status, 422, "{body:?}: {}", reply.json);
    }
    let reply = post_tx("/v1/rfm?bins=3", &tx).await; // the default map needs 5 bins
    assert_eq!(reply.status, 400, "{}", reply.json);
    assert_eq!(reply.json["error"]["field"], "segments");
    let reply = post_tx("/v1/rfm?bins=12", &tx).await;
    assert_eq!(reply.status, 400, "{}", reply.json);
    assert_eq!(reply.json["error"]["field"], "bins");
    let reply = post_tx("/v1/rfm?segments=/etc/passwd", &tx).await;
    assert_eq!(reply.status, 400, "{}", reply.json);
    for uri in [
        "/v1/rfm?bins=x",
        "/v1/rfm?r_breaks=1,x",
        "/v1/rfm?as_of=yesterday",
        "/v1/rfm?delimiter=ab",
        "/v1/rfm?bin=3",
    ] {
        let reply = post_tx(uri, &tx).await;
        assert_eq!(reply.status, 400, "{uri}: {}", reply.json);
        assert_eq!(reply.code(), "invalid_query", "{uri}");
    }
}

/// The transactions of [`tx`] with an acquisition channel per customer.
fn tx_with_channels() -> String {
    let mut lines = tx().lines().map(str::to_owned).collect::<Vec<_>>();
    for line in &mut lines {
        let channel = match line.split(',').next() {
            Some("customer_id") => "channel",
            Some(id) if id.len() % 2 == 0 => "ads",
            Some(id) if id.ends_with('3') => "",
            _ => "referral",
        };
        line.push(',');
        line.push_str(channel);
    }
    lines.join("\n") + "\n"
}

const CAC: &str = "channel,spend,new_customers\nads,3000,\nreferral,500,10\nevents,800,4\n";

#[tokio::test]
async fn customers_equals_the_cli() {
    let tx = tx();
    let path = temp_file("customers.csv", &tx);
    let file = path.to_str().unwrap();
    let reply = post_tx("/v1/customers", &tx).await;
    assert_eq!(reply.status, 200, "{}", reply.json);
    assert_eq!(reply.json, cli_json(&["customers", file]));
    assert_eq!(reply.json["as_of"], "2023-12-26");
    assert_eq!(reply.json["customers"].as_array().unwrap().len(), 40);
    assert_snapshot!(
        "customers_json",
        serde_json::to_string_pretty(&reply.json).unwrap()
    );
    let reply = post_tx("/v1/customers?as_of=2023-06-30&skip_invalid=true", &tx).await;
    assert_eq!(reply.status, 200, "{}", reply.json);
    let cli = cli_json(&["customers", file, "--as-of", "2023-06-30", "--skip-invalid"]);
    assert_eq!(reply.json, cli);
}

#[tokio::test]
async fn cohorts_equal_the_cli() {
    let tx = tx_with_channels();
    let path = temp_file("cohorts.csv", &tx);
    let file = path.to_str().unwrap();
    let reply = post_tx("/v1/cohorts", &tx).await;
    assert_eq!(reply.status, 200, "{}", reply.json);
    assert_eq!(reply.json, cli_json(&["cohort", file]));
    assert_snapshot!(
        "cohorts_json",
        serde_json::to_string_pretty(&reply.json).unwrap()
    );
    let reply = post_tx("/v1/cohorts?by=quarter&metric=survival", &tx).await;
    assert_eq!(reply.status, 200, "{}", reply.json);
    let cli = cli_json(&["cohort", file, "--by", "quarter", "--metric", "survival"]);
    assert_eq!(reply.json, cli);
    assert_snapshot!(
        "cohorts_quarter_survival_json",
        serde_json::to_string_pretty(&reply.json).unwrap()
    );
    for (by, metric) in [
        ("week", "revenue"),
        ("channel", "ltv"),
        ("month", "retention"),
    ] {
        let reply = post_tx(&format!("/v1/cohorts?by={by}&metric={metric}"), &tx).await;
        assert_eq!(reply.status, 200, "{}", reply.json);
        let cli = cli_json(&["cohort", file, "--by", by, "--metric", metric]);
        assert_eq!(reply.json, cli, "{by} {metric}");
    }
    for uri in ["/v1/cohorts?by=year", "/v1/cohorts?metric=churn"] {
        let reply = post_tx(uri, &tx).await;
        assert_eq!(reply.status, 400, "{uri}: {}", reply.json);
        assert_eq!(reply.code(), "invalid_query", "{uri}");
    }
}

fn form_request(uri: &str, parts: &[(&str, Option<&str>, &[u8])]) -> Request<Body> {
    Request::post(uri)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(Body::from(multipart(parts)))
        .unwrap()
}

#[tokio::test]
async fn channels_equal_the_cli_with_and_without_cac() {
    let tx = tx_with_channels();
    let path = temp_file("channels.csv", &tx);
    let file = path.to_str().unwrap();
    let cac_path = temp_file("channels-cac.csv", CAC);
    let cac = cac_path.to_str().unwrap();

    let reply = post_tx("/v1/channels?horizon_months=6", &tx).await;
    assert_eq!(reply.status, 200, "{}", reply.json);
    let cli = cli_json(&["channels", file, "--horizon-months", "6"]);
    assert_eq!(reply.json, cli);

    let uri = "/v1/channels?horizon_months=6";
    let parts: &[(&str, Option<&str>, &[u8])] = &[
        ("transactions", Some("orders.csv"), tx.as_bytes()),
        ("cac", Some("cac.csv"), CAC.as_bytes()),
    ];
    let reply = send_to(router(AppState::default()), form_request(uri, parts)).await;
    assert_eq!(reply.status, 200, "{}", reply.json);
    let cli = cli_json(&["channels", file, "--cac", cac, "--horizon-months", "6"]);
    assert_eq!(reply.json, cli);
    // the CAC file's `events` has no customers in the data: a warning, not a row
    assert_eq!(
        reply.json["channels"].as_array().unwrap().len(),
        3,
        "{}",
        reply.json
    );
    assert!(reply.json["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|w| w.as_str().unwrap().contains("'events'")));
    assert_snapshot!(
        "channels_cac_json",
        serde_json::to_string_pretty(&reply.json).unwrap()
    );

    // a form without cac (or with an empty one) is the text/csv answer
    let parts: &[(&str, Option<&str>, &[u8])] = &[
        ("transactions", Some("orders.csv"), tx.as_bytes()),
        ("cac", Some(""), b""),
    ];
    let reply = send_to(router(AppState::default()), form_request(uri, parts)).await;
    assert_eq!(reply.status, 200, "{}", reply.json);
    assert_eq!(
        reply.json,
        cli_json(&["channels", file, "--horizon-months", "6"])
    );
}

#[tokio::test]
async fn channels_form_errors() {
    let tx = tx_with_channels();
    let send = |parts: Vec<(&'static str, Option<&'static str>, Vec<u8>)>| async move {
        let parts: Vec<(&str, Option<&str>, &[u8])> = parts
            .iter()
            .map(|(n, f, b)| (*n, *f, b.as_slice()))
            .collect();
        send_to(
            router(AppState::default()),
            form_request("/v1/channels", &parts),
        )
        .await
    };
    let reply = send(vec![("cac", Some("cac.csv"), CAC.into())]).await;
    assert_eq!(reply.status, 400, "{}", reply.json);
    assert_eq!(reply.json["error"]["field"], "transactions");
    let reply = send(vec![
        ("transactions", Some("t.csv"), tx.clone().into_bytes()),
        ("horizon_months", None, b"6".to_vec()),
    ])
    .await;
    assert_eq!(reply.status, 400, "{}", reply.json);
    assert_eq!(reply.code(), "unknown_field");
    let reply = send(vec![
        ("transactions", Some("t.csv"), tx.clone().into_bytes()),
        ("cac", Some("cac.csv"), b"channel,spend\nads,-5\n".to_vec()),
    ])
    .await;
    assert_eq!(reply.status, 422, "{}", reply.json);
    assert_eq!(reply.json["error"]["line"], 2, "{}", reply.json);
    assert_eq!(reply.json["error"]["field"], "spend", "{}", reply.json);
    let bad = tx.replacen(",2023-", ",2023/", 1);
    let reply = send(vec![("transactions", Some("t.csv"), bad.into_bytes())]).await;
    assert_eq!(reply.status, 422, "{}", reply.json);
    assert_eq!(reply.json["error"]["line"], 2, "{}", reply.json);
    let req = Request::post("/v1/channels")
        .header(header::CONTENT_TYPE, "multipart/form-data")
        .body(Body::from("garbage"))
        .unwrap();
    let reply = send_to(router(AppState::default()), req).await;
    assert_eq!(reply.status, 400, "{}", reply.json);
    assert_eq!(reply.code(), "invalid_form");

    // the body limit holds for both kinds of body, above axum's default 2 MB too
    let small = AppState::new(Limits {
        max_body_bytes: 1024,
        ..Limits::default()
    });
    let parts: &[(&str, Option<&str>, &[u8])] = &[("transactions", Some("t.csv"), tx.as_bytes())];
    let reply = send_to(router(small.clone()), form_request("/v1/channels", parts)).await;
    assert_eq!(reply.status, 413, "{}", reply.json);
    let req = Request::post("/v1/channels")
        .header(header::CONTENT_TYPE, "text/csv")
        .body(Body::from(tx.clone()))
        .unwrap();
    assert_eq!(send_to(router(small), req).await.status, 413);
    let big = "c0,2023-01-01,20,ads\n".repeat(150_000); // 3 MB
                                                        // c1 churned long ago, so churn can be measured
    let big = format!("customer_id,order_date,amount,channel\nc1,2022-01-01,20,ads\n{big}");
    let parts: &[(&str, Option<&str>, &[u8])] = &[("transactions", Some("t.csv"), big.as_bytes())];
    let reply = send_to(
        router(AppState::default()),
        form_request("/v1/channels", parts),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.json);
    assert_eq!(reply.json["channels"][0]["customers"], 2);
}

/// Every endpoint reading a transactions CSV, with the query it needs.
const TX_ENDPOINTS: &[&str] = &[
    "/v1/customers",
    "/v1/rfm",
    "/v1/cohorts",
    "/v1/channels",
    "/v1/forecast/purchases?calibration_end=2023-09-30",
    "/v1/forecast/clv?calibration_end=2023-09-30&horizon_months=12",
];

fn with_param(uri: &str, param: &str) -> String {
    let sep = if uri.contains('?') { '&' } else { '?' };
    format!("{uri}{sep}{param}")
}

#[tokio::test]
async fn every_transactions_endpoint_refuses_bad_input() {
    let tx = tx();
    let broken = tx.replacen("c1,2023-02-08,57", "c1,2023-02-08,lots", 1);
    for &uri in TX_ENDPOINTS {
        let reply = post_tx(uri, &tx).await;
        assert_eq!(reply.status, 200, "{uri}: {}", reply.json);

        let reply = post_tx(uri, &broken).await;
        assert_eq!(reply.status, 422, "{uri}: {}", reply.json);
        assert_eq!(reply.code(), "invalid_data", "{uri}");
        assert_eq!(reply.json["error"]["line"], 3, "{uri}: {}", reply.json);
        assert_eq!(reply.json["error"]["field"], "amount", "{uri}");

        for body in ["", "customer_id,order_date,amount\n", "who,when\nx,y\n"] {
            let reply = post_tx(uri, body).await;
            assert_eq!(reply.status, 422, "{uri} {body:?}: {}", reply.json);
        }

        for ct in [Some("application/json"), Some("text/plain"), None] {
            let mut req = Request::post(uri);
            if let Some(ct) = ct {
                req = req.header(header::CONTENT_TYPE, ct);
            }
            let reply = send_to(
                router(AppState::default()),
                req.body(Body::from(tx.clone())).unwrap(),
            )
            .await;
            assert_eq!(reply.status, 415, "{uri} {ct:?}: {}", reply.json);
            assert_eq!(reply.code(), "unsupported_media_type", "{uri}");
        }

        for param in [
            "unknown=1",
            "as_of=yesterday",
            "delimiter=ab",
            "skip_invalid=maybe",
        ] {
            let bad = with_param(uri, param);
            let reply = post_tx(&bad, &tx).await;
            assert_eq!(reply.status, 400, "{bad}: {}", reply.json);
            assert_eq!(reply.code(), "invalid_query", "{bad}");
        }
        // an unknown parameter's message lists the endpoint's parameters
        let reply = post_tx(&with_param(uri, "customer=x"), &tx).await;
        let message = reply.json["error"]["message"].as_str().unwrap();
        assert!(
            message.contains("unknown field `customer`")
                && message.contains("the parameters are customer_col, date_col,"),
            "{uri}: {message}"
        );

        let semicolons = tx.replace(',', ";");
        let reply = post_tx(
            &with_param(uri, "delimiter=%3B&skip_invalid=false"),
            &semicolons,
        )
        .await;
        assert_eq!(reply.status, 200, "{uri}: {}", reply.json);
    }
}
