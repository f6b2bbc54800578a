//! The backlog API on SQLite and on a real PostgreSQL: the loop through HTTP (add,
//! change, rate, approve, run, snapshots before and after, measure), the audit log
//! naming the token, `If-Match`, tokens over the API, and the JSON equal to `ltv
//! backlog … --format json` on the same database.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use insta::assert_snapshot;
use serde_json::{json, Value};

use crate::team::{databases, redact, request, Team};
use crate::{send_to, Reply};

pub const SAMPLE: &str = include_str!("../../../ltv-report/data/sample_transactions.csv");
const SAMPLE_CAC: &str = include_str!("../../../ltv-report/data/sample_cac.csv");

/// A `multipart/form-data` body with the files `(field, file name, bytes)`.
pub fn multipart(files: &[(&str, &str, &str)]) -> (String, String) {
    let boundary = "ltv-test-boundary-7d9f";
    let mut body = String::new();
    for (field, name, text) in files {
        body.push_str(&format!(
            "--{boundary}\r\ncontent-disposition: form-data; name=\"{field}\"; filename=\"{name}\"\r\ncontent-type: text/csv\r\n\r\n{text}\r\n"
        ));
    }
    body.push_str(&format!("--{boundary}--\r\n"));
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// `POST /v1/snapshots` of the sample data at `as_of`, with its CAC file.
pub fn snapshot_request(token: &str, as_of: &str) -> Request<Body> {
    let (content_type, body) = multipart(&[
        ("transactions", "sample_transactions.csv", SAMPLE),
        ("cac", "sample_cac.csv", SAMPLE_CAC),
    ]);
    Request::post(format!(
        "/v1/snapshots?margin=0.4&channel_col=channel&as_of={as_of}"
    ))
    .header("authorization", format!("Bearer {token}"))
    .header("content-type", content_type)
    .body(Body::from(body))
    .unwrap()
}

/// What `ltv backlog --db URL ARGS --format json` prints.
async fn cli(url: &str, args: &[&str]) -> Value {
    let mut all: Vec<String> = ["ltv", "backlog", "--db", url, "--as", "cli"]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    all.extend(args.iter().map(|s| (*s).to_owned()));
    all.extend(["--format".to_owned(), "json".to_owned()]);
    // the CLI runs its own runtime: on a thread of its own
    tokio::task::spawn_blocking(move || {
        let mut out = Vec::new();
        ltv_cli::run(all, &mut out).unwrap();
        serde_json::from_slice(&out).unwrap()
    })
    .await
    .unwrap()
}

fn etag(r: &Reply) -> String {
    r.headers["etag"].to_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_loop_through_the_api() {
    let mut first: Option<Vec<Value>> = None;
    for (backend, url) in databases("api-loop") {
        let team = Team::new(&url).await;
        let app = team.app();
        let send = |r| send_to(app.clone(), r);
        let ed = Some(team.editor.as_str());

        // marketing proposes
        let body = json!({
            "name": "Search onboarding",
            "team": "marketing",
            "driver": "churn",
            "change": "-2pt",
            "yearly_cost": "1200",
            "ramp_months": 2,
            "hypothesis": "a welcome series keeps search customers"
        })
        .to_string();
        let created = send(request("POST", "/v1/backlog", ed, None, Some(&body))).await;
        assert_eq!(
            created.status,
            StatusCode::CREATED,
            "{backend}: {}",
            created.json
        );
        assert_eq!(created.headers["location"], "/v1/backlog/1");
        assert_eq!(etag(&created), "\"1-1\"");
        let got = send(request("GET", "/v1/backlog/1", None, None, None)).await;
        assert_eq!((got.status, etag(&got)), (StatusCode::OK, "\"1-1\"".into()));
        assert_eq!(got.json, created.json);

        // a target channel, then someone with a stale ETag is refused
        let patch = r#"{"target": {"kind": "channel", "name": "search"}}"#;
        let patched = send(request(
            "PATCH",
            "/v1/backlog/1",
            ed,
            Some("\"1-1\""),
            Some(patch),
        ))
        .await;
        assert_eq!(
            (patched.status, etag(&patched)),
            (StatusCode::OK, "\"1-2\"".into()),
            "{backend}"
        );
        let stale = send(request(
            "PATCH",
            "/v1/backlog/1",
            ed,
            Some("\"1-1\""),
            Some(r#"{"hypothesis": "x"}"#),
        ))
        .await;
        assert_eq!(
            (stale.status, stale.code()),
            (StatusCode::PRECONDITION_FAILED, "version_mismatch")
        );
        assert_eq!(
            stale.json["error"]["message"],
            "initiative \"Search onboarding\" has changed: version 2, the change was made against version 1"
        );

        // sales and finance rate (the rater defaults to the token's name)
        let rated = send(request(
            "POST",
            "/v1/backlog/1/ratings",
            ed,
            Some("\"1-2\""),
            Some(r#"{"impact": 7, "confidence": 8, "ease": 6}"#),
        ))
        .await;
        assert_eq!(rated.status, StatusCode::OK, "{}", rated.json);
        assert_eq!(rated.json["ratings"][0]["rater"], "aiko (marketing)");
        let rated = send(request("POST", "/v1/backlog/1/ratings", ed, Some(&etag(&rated)),
            Some(r#"{"rater": "finance", "impact": {"low": "5", "likely": "6", "high": "8"}, "confidence": "5", "ease": "6"}"#))).await;
        assert_eq!(rated.status, StatusCode::OK, "{}", rated.json);
        let rice = send(request("POST", "/v1/backlog/1/ratings", ed, Some(&etag(&rated)),
            Some(r#"{"rater": "finance", "method": "rice", "reach": 58, "impact": 1, "confidence": "0.5", "effort": 2}"#))).await;
        assert_eq!(rice.status, StatusCode::OK, "{}", rice.json);
        let bad = send(request(
            "POST",
            "/v1/backlog/1/ratings",
            ed,
            Some("*"),
            Some(r#"{"impact": 11, "confidence": 8, "ease": 6}"#),
        ))
        .await;
        assert_eq!(
            (bad.status, bad.code()),
            (StatusCode::BAD_REQUEST, "invalid_value")
        );
        assert_eq!(bad.json["error"]["field"], "impact");

        // measured baselines: three before the start, two after
        for as_of in [
            "2023-01-31",
            "2023-02-28",
            "2023-03-31",
            "2023-09-30",
            "2023-12-31",
        ] {
            let s = send(snapshot_request(&team.editor, as_of)).await;
            assert_eq!(
                s.status,
                StatusCode::CREATED,
                "{backend} {as_of}: {}",
                s.json
            );
            assert_eq!(s.json["taken_by"], "aiko (marketing)");
            assert_eq!(s.json["source"], "sample_transactions.csv");
        }
        let not_yet = send(request(
            "GET",
            "/v1/backlog/1/measurement",
            None,
            None,
            None,
        ))
        .await;
        assert_eq!(
            (not_yet.status, not_yet.code()),
            (StatusCode::CONFLICT, "unavailable")
        );

        // the head of growth approves, the team runs it
        let approved = send(request(
            "POST",
            "/v1/backlog/1/status",
            ed,
            Some(&etag(&rice)),
            Some(r#"{"to": "approved", "date": "2023-04-01"}"#),
        ))
        .await;
        assert_eq!(approved.status, StatusCode::OK, "{}", approved.json);
        let illegal = send(request(
            "POST",
            "/v1/backlog/1/status",
            ed,
            Some(&etag(&approved)),
            Some(r#"{"to": "done"}"#),
        ))
        .await;
        assert_eq!(
            (illegal.status, illegal.code()),
            (StatusCode::CONFLICT, "illegal_move")
        );
        let running = send(request(
            "POST",
            "/v1/backlog/1/status",
            ed,
            Some(&etag(&approved)),
            Some(r#"{"to": "running", "date": "2023-04-15"}"#),
        ))
        .await;
        assert_eq!(running.status, StatusCode::OK, "{}", running.json);
        assert_eq!(running.json["start_date"], "2023-04-15");

        // a second initiative, added and dropped, for the board and the filters
        let other =
            json!({"name": "Bundle offer", "team": "sales", "driver": "aov", "change": "+5%"})
                .to_string();
        let bundle = send(request("POST", "/v1/backlog", ed, None, Some(&other))).await;
        assert_eq!(bundle.status, StatusCode::CREATED);
        let dup = send(request("POST", "/v1/backlog", ed, None, Some(&other))).await;
        assert_eq!(
            (dup.status, dup.code()),
            (StatusCode::CONFLICT, "duplicate")
        );

        // reads: the list, filters, history, measurement, board, snapshots
        let list = send(request("GET", "/v1/backlog", None, None, None)).await;
        assert_eq!(list.status, StatusCode::OK);
        assert_eq!(list.json["baseline_source"]["kind"], "snapshot");
        let running_only = send(request(
            "GET",
            "/v1/backlog?status=running",
            None,
            None,
            None,
        ))
        .await;
        assert_eq!(running_only.json["entries"].as_array().unwrap().len(), 1);
        let sales = send(request(
            "GET",
            "/v1/backlog?status=open&team=sales",
            None,
            None,
            None,
        ))
        .await;
        assert_eq!(
            sales.json["entries"][0]["initiative"]["name"],
            "Bundle offer"
        );
        let rice_ranked = send(request(
            "GET",
            "/v1/backlog?mode=rice&lang=ja",
            None,
            None,
            None,
        ))
        .await;
        assert_eq!(rice_ranked.json["mode"], "rice", "{}", rice_ranked.json);
        let bad_status = send(request(
            "GET",
            "/v1/backlog?status=started",
            None,
            None,
            None,
        ))
        .await;
        assert_eq!(
            (bad_status.status, bad_status.code()),
            (StatusCode::BAD_REQUEST, "invalid_value")
        );
        let history = send(request("GET", "/v1/backlog/1/history", None, None, None)).await;
        let actors: Vec<&str> = history.json["changes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["actor"].as_str().unwrap())
            .collect();
        assert_eq!(
            actors, ["aiko (marketing)"; 7],
            "{backend}: every change names the token"
        );
        let measurement = send(request(
            "GET",
            "/v1/backlog/1/measurement",
            None,
            None,
            None,
        ))
        .await;
        assert_eq!(measurement.status, StatusCode::OK, "{}", measurement.json);
        assert_eq!(measurement.json["kpi"], "monthly_churn");
        assert!(
            measurement.json["did"]["channel"] == "search",
            "{}",
            measurement.json
        );
        let board = send(request("GET", "/v1/board", None, None, None)).await;
        assert_eq!(board.json["columns"][2]["count"], 1);
        let snapshots = send(request("GET", "/v1/snapshots", None, None, None)).await;
        assert_eq!(snapshots.json.as_array().unwrap().len(), 5);

        // the same documents as the CLI's --format json on the same database
        assert_eq!(list.json, cli(&url, &["list"]).await, "{backend}: list");
        assert_eq!(
            history.json,
            cli(&url, &["history", "Search onboarding"]).await,
            "{backend}: history"
        );
        assert_eq!(
            measurement.json,
            cli(&url, &["measure", "Search onboarding"]).await,
            "{backend}: measure"
        );
        assert_eq!(board.json, cli(&url, &["board"]).await, "{backend}: board");

        // an admin deletes (an editor may not); the history outlives it
        let by_editor = send(request("DELETE", "/v1/backlog/2", ed, Some("*"), None)).await;
        assert_eq!(
            (by_editor.status, by_editor.code()),
            (StatusCode::FORBIDDEN, "forbidden")
        );
        let deleted = send(request(
            "DELETE",
            "/v1/backlog/2",
            Some(&team.admin),
            Some("\"2-1\""),
            None,
        ))
        .await;
        assert_eq!(deleted.status, StatusCode::NO_CONTENT);
        let gone = send(request("GET", "/v1/backlog/2", None, None, None)).await;
        assert_eq!(
            (gone.status, gone.code()),
            (StatusCode::NOT_FOUND, "unknown_initiative")
        );
        let log = team.store.audit_log().await.unwrap();
        let last = log.last().unwrap();
        assert_eq!(
            (
                last.operation.as_str(),
                last.actor.as_str(),
                last.subject.as_str()
            ),
            ("delete", "admin", "Bundle offer")
        );

        let documents: Vec<Value> = [&created, &list, &history, &measurement]
            .iter()
            .map(|r| redact(r.json.clone()))
            .collect();
        match &first {
            None => first = Some(documents),
            Some(sqlite) => assert_eq!(&documents, sqlite, "{backend} answers as SQLite does"),
        }
    }
    let docs = first.unwrap();
    for (name, doc) in ["api_created", "api_list", "api_history", "api_measurement"]
        .iter()
        .zip(&docs)
    {
        assert_snapshot!(*name, serde_json::to_string_pretty(doc).unwrap());
    }
}

#[tokio::test]
async fn tokens_over_the_api() {
    for (backend, url) in databases("api-tokens") {
        let team = Team::new(&url).await;
        let app = team.app();
        let send = |r| send_to(app.clone(), r);
        let admin = Some(team.admin.as_str());
        let made = send(request(
            "POST",
            "/v1/tokens",
            admin,
            None,
            Some(r#"{"name": "yui (cs)", "role": "editor"}"#),
        ))
        .await;
        assert_eq!(made.status, StatusCode::CREATED, "{backend}: {}", made.json);
        assert_eq!(made.headers["cache-control"], "no-store");
        let secret = made.json["secret"].as_str().unwrap().to_owned();
        let me = send(request("GET", "/v1/whoami", Some(&secret), None, None)).await;
        assert_eq!(
            (me.json["name"].as_str(), me.json["role"].as_str()),
            (Some("yui (cs)"), Some("editor"))
        );
        assert!(me.json.get("secret").is_none());

        let by_editor = send(request(
            "POST",
            "/v1/tokens",
            Some(&team.editor),
            None,
            Some(r#"{"name": "x", "role": "admin"}"#),
        ))
        .await;
        assert_eq!(
            (by_editor.status, by_editor.code()),
            (StatusCode::FORBIDDEN, "forbidden")
        );
        assert_eq!(
            by_editor.json["error"]["message"],
            "token \"aiko (marketing)\" is an editor: this needs an admin token"
        );
        let bad_role = send(request(
            "POST",
            "/v1/tokens",
            admin,
            None,
            Some(r#"{"name": "x", "role": "owner"}"#),
        ))
        .await;
        assert_eq!(
            (bad_role.status, bad_role.code()),
            (StatusCode::UNPROCESSABLE_ENTITY, "invalid_json")
        );
        let dup = send(request(
            "POST",
            "/v1/tokens",
            admin,
            None,
            Some(r#"{"name": "yui (cs)", "role": "viewer"}"#),
        ))
        .await;
        assert_eq!(
            (dup.status, dup.code()),
            (StatusCode::CONFLICT, "duplicate")
        );

        let list = send(request("GET", "/v1/tokens", admin, None, None)).await;
        let names: Vec<&str> = list
            .json
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["name"].as_str().unwrap())
            .collect();
        assert_eq!(
            names,
            [
                "admin",
                "aiko (marketing)",
                "ken (finance)",
                "gone",
                "yui (cs)"
            ]
        );
        assert!(
            !list.json.to_string().contains(&secret[4..]),
            "no token is ever listed"
        );

        let revoked = send(request(
            "DELETE",
            "/v1/tokens/yui%20(cs)",
            admin,
            None,
            None,
        ))
        .await;
        assert_eq!(revoked.status, StatusCode::OK, "{}", revoked.json);
        assert_eq!(revoked.json["revoked_by"], "admin");
        let after = send(request("GET", "/v1/whoami", Some(&secret), None, None)).await;
        assert_eq!(
            (after.status, after.code()),
            (StatusCode::UNAUTHORIZED, "invalid_token")
        );
        let unknown = send(request("DELETE", "/v1/tokens/nobody", admin, None, None)).await;
        assert_eq!(
            (unknown.status, unknown.code()),
            (StatusCode::NOT_FOUND, "unknown_token")
        );
        let log = team.store.audit_log().await.unwrap();
        let ops: Vec<(&str, &str, &str)> = log
            .iter()
            .filter(|e| e.subject == "yui (cs)")
            .map(|e| (e.operation.as_str(), e.actor.as_str(), e.entity.as_str()))
            .collect();
        assert_eq!(
            ops,
            [("create", "admin", "token"), ("revoke", "admin", "token")]
        );
    }
}

#[tokio::test]
async fn without_db_the_backlog_is_not_enabled() {
    let app = crate::router(crate::AppState::default());
    let r = send_to(app.clone(), request("GET", "/v1/backlog", None, None, None)).await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::NOT_FOUND, "backlog_disabled")
    );
    assert_eq!(
        r.json["error"]["message"],
        "the backlog is not enabled on this server: start it with --db URL"
    );
    let page = app.oneshot_text("/backlog").await;
    assert_eq!(page.0, StatusCode::NOT_FOUND);
    assert!(page.1.contains("start it with --db URL"), "{}", page.1);
}

/// `GET path` as text.
trait OneshotText {
    async fn oneshot_text(&self, path: &str) -> (StatusCode, String);
}

impl OneshotText for axum::Router {
    async fn oneshot_text(&self, path: &str) -> (StatusCode, String) {
        use tower::ServiceExt;
        let response = self
            .clone()
            .oneshot(Request::get(path).body(Body::empty()).unwrap())
            .await
            .unwrap();
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        (status, String::from_utf8(bytes.to_vec()).unwrap())
    }
}
