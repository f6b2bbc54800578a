//! `POST /v1/saas`: equal to `ltv saas FILE --format json` (report and cohorts), and
//! bad files or options are the right 4xx.

use axum::body::Body;
use axum::http::Request;
use insta::assert_snapshot;
use ltv_server::{router, AppState};

use crate::{cli_json, send_to, temp_file, Reply};

const MRR: &str = "customer_id,month,mrr\n\
                   a,2024-01,100\nb,2024-01,200\nc,2024-01,50\n\
                   a,2024-02,120\nb,2024-02,200\n\
                   a,2024-03,120\nb,2024-03,150\nd,2024-03,80\n\
                   a,2024-04,120\nd,2024-04,80\n";

async fn post_mrr(uri: &str, body: &str) -> Reply {
    let req = Request::post(uri)
        .header("content-type", "text/csv")
        .body(Body::from(body.to_owned()))
        .unwrap();
    send_to(router(AppState::default()), req).await
}

#[tokio::test]
async fn saas_equals_the_cli() {
    let path = temp_file("mrr.csv", MRR);
    let file = path.to_str().unwrap();

    let reply = post_mrr("/v1/saas?margin=0.8&churn_window=3", MRR).await;
    assert_eq!(reply.status, 200, "{}", reply.json);
    let cli = cli_json(&["saas", file, "--margin", "0.8", "--churn-window", "3"]);
    assert_eq!(reply.json, cli, "differs from `ltv saas --format json`");
    assert_snapshot!(
        "saas_json",
        serde_json::to_string_pretty(&reply.json).unwrap()
    );

    let reply = post_mrr("/v1/saas?cohorts=true", MRR).await;
    assert_eq!(reply.status, 200, "{}", reply.json);
    assert_eq!(reply.json, cli_json(&["saas", file, "--cohorts"]));
    assert_snapshot!(
        "saas_cohorts_json",
        serde_json::to_string_pretty(&reply.json).unwrap()
    );

    let semicolons = MRR.replace(',', ";");
    let reply = post_mrr(
        "/v1/saas?delimiter=%3B&margin=0.8&churn_window=3",
        &semicolons,
    )
    .await;
    assert_eq!(reply.json, cli, "delimiter");
}

#[tokio::test]
async fn bad_files_and_options_are_4xx() {
    let negative = MRR.replace("d,2024-04,80", "d,2024-04,-80");
    let reply = post_mrr("/v1/saas", &negative).await;
    assert_eq!(reply.status, 422, "{}", reply.json);
    assert_eq!(reply.code(), "invalid_data");
    assert_eq!(reply.json["error"]["line"], 11, "{}", reply.json);
    assert_snapshot!(
        "saas_bad_row_body",
        serde_json::to_string_pretty(&reply.json).unwrap()
    );
    for body in [
        "",
        "customer_id,month,mrr\n",
        "who,when\nx,y\n",
        "customer_id,month,mrr\na,2024-13,1\n",
    ] {
        let reply = post_mrr("/v1/saas", body).await;
        assert_eq!(reply.status, 422, "{body:?}: {}", reply.json);
    }
    let reply = post_mrr("/v1/saas?margin=1.5", MRR).await;
    assert_eq!(reply.status, 400, "{}", reply.json);
    assert_eq!(reply.json["error"]["field"], "margin");
    for uri in [
        "/v1/saas?delimiter=ab",
        "/v1/saas?from=2024-1x",
        "/v1/saas?cohort=true",
        "/v1/saas?churn_window=-1",
    ] {
        let reply = post_mrr(uri, MRR).await;
        assert_eq!(reply.status, 400, "{uri}: {}", reply.json);
        assert_eq!(reply.code(), "invalid_query", "{uri}");
    }
}
