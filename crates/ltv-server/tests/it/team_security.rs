//! Every endpoint of the team service against the wrong caller and the wrong input: no
//! token, a revoked token, a viewer on a write, malformed JSON, an unknown id, no or a
//! stale `If-Match`; `--require-auth` on every endpoint, analyses included; the limit on
//! failed authentications per address; the page's security headers.

use std::fmt::Write;
use std::net::SocketAddr;
use std::time::Duration;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode};
use insta::assert_snapshot;
use ltv_server::AuthOptions;

use crate::backlog_api::multipart;
use crate::send_to;
use crate::team::{databases, request, sqlite_url, Team};

/// Who may call an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Needs {
    /// Anyone (any token under --require-auth).
    Read,
    /// Any valid token.
    Token,
    Editor,
    Admin,
}

struct Endpoint {
    method: &'static str,
    path: &'static str,
    needs: Needs,
    /// A change of an initiative: needs If-Match.
    if_match: bool,
    /// A valid body, for the JSON endpoints.
    json: Option<&'static str>,
    /// The path with an unknown id or name, where the path has one.
    unknown: Option<&'static str>,
}

const ENDPOINTS: &[Endpoint] = &[
    Endpoint {
        method: "GET",
        path: "/v1/backlog",
        needs: Needs::Read,
        if_match: false,
        json: None,
        unknown: None,
    },
    Endpoint {
        method: "POST",
        path: "/v1/backlog",
        needs: Needs::Editor,
        if_match: false,
        json: Some(
            r#"{"name": "Win-back mail", "team": "marketing", "driver": "churn", "change": "-0.5pt"}"#,
        ),
        unknown: None,
    },
    Endpoint {
        method: "GET",
        path: "/v1/backlog/1",
        needs: Needs::Read,
        if_match: false,
        json: None,
        unknown: Some("/v1/backlog/999"),
    },
    Endpoint {
        method: "PATCH",
        path: "/v1/backlog/1",
        needs: Needs::Editor,
        if_match: true,
        json: Some(r#"{"hypothesis": "new"}"#),
        unknown: Some("/v1/backlog/999"),
    },
    Endpoint {
        method: "POST",
        path: "/v1/backlog/1/ratings",
        needs: Needs::Editor,
        if_match: true,
        json: Some(r#"{"impact": 5, "confidence": 5, "ease": 5}"#),
        unknown: Some("/v1/backlog/999/ratings"),
    },
    Endpoint {
        method: "POST",
        path: "/v1/backlog/1/status",
        needs: Needs::Editor,
        if_match: true,
        json: Some(r#"{"to": "approved", "date": "2024-01-01"}"#),
        unknown: Some("/v1/backlog/999/status"),
    },
    Endpoint {
        method: "GET",
        path: "/v1/backlog/1/history",
        needs: Needs::Read,
        if_match: false,
        json: None,
        unknown: Some("/v1/backlog/999/history"),
    },
    Endpoint {
        method: "GET",
        path: "/v1/backlog/1/measurement",
        needs: Needs::Read,
        if_match: false,
        json: None,
        unknown: Some("/v1/backlog/999/measurement"),
    },
    Endpoint {
        method: "GET",
        path: "/v1/board",
        needs: Needs::Read,
        if_match: false,
        json: None,
        unknown: None,
    },
    Endpoint {
        method: "GET",
        path: "/backlog/board",
        needs: Needs::Read,
        if_match: false,
        json: None,
        unknown: None,
    },
    Endpoint {
        method: "GET",
        path: "/v1/snapshots",
        needs: Needs::Read,
        if_match: false,
        json: None,
        unknown: None,
    },
    Endpoint {
        method: "POST",
        path: "/v1/snapshots",
        needs: Needs::Editor,
        if_match: false,
        json: None,
        unknown: None,
    },
    Endpoint {
        method: "GET",
        path: "/v1/tokens",
        needs: Needs::Admin,
        if_match: false,
        json: None,
        unknown: None,
    },
    Endpoint {
        method: "POST",
        path: "/v1/tokens",
        needs: Needs::Admin,
        if_match: false,
        json: Some(r#"{"name": "new person", "role": "viewer"}"#),
        unknown: None,
    },
    Endpoint {
        method: "DELETE",
        path: "/v1/tokens/new%20person",
        needs: Needs::Admin,
        if_match: false,
        json: None,
        unknown: Some("/v1/tokens/nobody"),
    },
    Endpoint {
        method: "GET",
        path: "/v1/whoami",
        needs: Needs::Token,
        if_match: false,
        json: None,
        unknown: None,
    },
    // last: it deletes initiative 1
    Endpoint {
        method: "DELETE",
        path: "/v1/backlog/1",
        needs: Needs::Admin,
        if_match: true,
        json: None,
        unknown: Some("/v1/backlog/999"),
    },
];

/// The request of `e` with `token`, `If-Match` and its body (`json` replaced by
/// `body` when given).
fn call(
    e: &Endpoint,
    path: &str,
    token: Option<&str>,
    if_match: Option<&str>,
    body: Option<&str>,
) -> Request<Body> {
    if e.path == "/v1/snapshots" && e.method == "POST" {
        let (content_type, form) =
            multipart(&[("transactions", "orders.csv", crate::backlog_api::SAMPLE)]);
        let mut r = Request::post(path).header("content-type", content_type);
        if let Some(t) = token {
            r = r.header("authorization", format!("Bearer {t}"));
        }
        return r.body(Body::from(form)).unwrap();
    }
    request(e.method, path, token, if_match, body.or(e.json))
}

fn role_token(team: &Team, needs: Needs) -> &str {
    match needs {
        Needs::Read | Needs::Token | Needs::Editor => &team.editor,
        Needs::Admin => &team.admin,
    }
}

/// The matrix of one back end: `METHOD path | case → status code`.
async fn matrix(team: &Team, auth: AuthOptions) -> String {
    let app = team.app_with(auth);
    let send = |r| send_to(app.clone(), r);
    // initiative 1, to act on
    let one = r#"{"name": "Onboarding calls", "team": "cs", "driver": "churn", "change": "-1pt"}"#;
    let created = send(request(
        "POST",
        "/v1/backlog",
        Some(&team.editor),
        None,
        Some(one),
    ))
    .await;
    assert_eq!(created.status, StatusCode::CREATED);
    let mut out = String::new();
    for e in ENDPOINTS {
        let mut cases: Vec<(&str, Request<Body>)> = vec![
            ("no token", call(e, e.path, None, Some("*"), None)),
            (
                "revoked token",
                call(e, e.path, Some(&team.revoked), Some("*"), None),
            ),
            (
                "malformed token",
                call(e, e.path, Some("ltv_not-a-token"), Some("*"), None),
            ),
        ];
        if matches!(e.needs, Needs::Editor | Needs::Admin) {
            cases.push((
                "viewer token",
                call(e, e.path, Some(&team.viewer), Some("*"), None),
            ));
        }
        if e.needs == Needs::Admin {
            cases.push((
                "editor token",
                call(e, e.path, Some(&team.editor), Some("*"), None),
            ));
        }
        let token = role_token(team, e.needs);
        if e.json.is_some() {
            cases.push((
                "malformed JSON",
                call(e, e.path, Some(token), Some("*"), Some("{,}")),
            ));
            cases.push((
                "unknown field",
                call(e, e.path, Some(token), Some("*"), Some(r#"{"nmae": "x"}"#)),
            ));
        }
        if let Some(unknown) = e.unknown {
            cases.push(("unknown id", call(e, unknown, Some(token), Some("*"), None)));
        }
        if e.if_match {
            cases.push(("no If-Match", call(e, e.path, Some(token), None, None)));
            cases.push((
                "stale If-Match",
                call(e, e.path, Some(token), Some("\"1-999\""), None),
            ));
            cases.push((
                "If-Match of another",
                call(e, e.path, Some(token), Some("\"2-1\""), None),
            ));
        }
        if e.method != "GET" && e.method != "DELETE" {
            let mut r = call(e, e.path, Some(token), Some("*"), None);
            r.headers_mut()
                .insert("content-type", "text/plain".parse().unwrap());
            cases.push(("wrong content type", r));
        }
        if e.path.starts_with("/v1/backlog/1") {
            cases.push((
                "id not a number",
                call(
                    e,
                    &e.path.replace("/1", "/abc"),
                    Some(token),
                    Some("*"),
                    None,
                ),
            ));
        }
        let good_if_match = e.if_match.then_some("*");
        cases.push((
            "right token",
            call(e, e.path, Some(token), good_if_match, None),
        ));
        for (case, req) in cases {
            let r = send(req).await;
            assert!(
                r.status.as_u16() < 500,
                "{} {} {case}: {} {}",
                e.method,
                e.path,
                r.status,
                r.json
            );
            if !r.status.is_success() {
                assert!(
                    r.json["error"]["code"].is_string() && r.json["error"]["message"].is_string(),
                    "{} {} {case}: not the error shape: {:?}",
                    e.method,
                    e.path,
                    r.json
                );
                if r.status == StatusCode::UNAUTHORIZED {
                    assert!(r.headers["www-authenticate"]
                        .to_str()
                        .unwrap()
                        .starts_with("Bearer realm=\"ltv\""));
                }
            }
            writeln!(
                out,
                "{:<6} {:<30} {:<20} {} {}",
                e.method,
                e.path,
                case,
                r.status.as_u16(),
                r.code()
            )
            .unwrap();
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_endpoint_refuses_the_wrong_caller_and_input() {
    let mut seen: Option<String> = None;
    for (backend, url) in databases("matrix") {
        let team = Team::new(&url).await;
        let table = matrix(
            &team,
            AuthOptions {
                max_failures: 1000,
                ..AuthOptions::default()
            },
        )
        .await;
        match &seen {
            None => seen = Some(table),
            Some(sqlite) => assert_eq!(&table, sqlite, "{backend} answers as SQLite does"),
        }
    }
    assert_snapshot!("team_matrix", seen.unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn require_auth_closes_every_endpoint_but_the_public_ones() {
    let team = Team::new(&sqlite_url("require-auth")).await;
    let auth = AuthOptions {
        require_auth: true,
        max_failures: 1000,
        ..AuthOptions::default()
    };
    let table = matrix(&team, auth).await;
    // analyses, reports and pages too
    let app = team.app_with(auth);
    let calc = r#"{"arpu": "10000", "churn": "0.05", "margin": "0.7"}"#;
    let mut out = table;
    for (method, path, body) in [
        ("POST", "/v1/calc/subscription", Some(calc)),
        ("GET", "/", None),
        ("GET", "/sample", None),
        ("GET", "/no/such/path", None),
        ("GET", "/healthz", None),
        ("GET", "/openapi.json", None),
        ("GET", "/backlog", None),
        ("GET", "/assets/board.js", None),
        ("GET", "/assets/board.css", None),
    ] {
        for (who, token) in [
            ("no token", None),
            ("viewer token", Some(team.viewer.as_str())),
        ] {
            let r = send_to(app.clone(), request(method, path, token, None, body)).await;
            writeln!(
                out,
                "{method:<6} {path:<30} {who:<20} {} {}",
                r.status.as_u16(),
                r.code()
            )
            .unwrap();
        }
    }
    // the page asks for a token instead of showing the board
    let page = send_to(app.clone(), request("GET", "/backlog", None, None, None)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_snapshot!("team_matrix_require_auth", out);
}

#[tokio::test]
async fn failed_authentications_are_limited_per_address() {
    let team = Team::new(&sqlite_url("auth-limit")).await;
    let app = team.app_with(AuthOptions {
        require_auth: false,
        max_failures: 3,
        failure_window: Duration::from_secs(60),
    });
    let from = |ip: &str, token: &str| {
        let mut r = request("GET", "/v1/whoami", Some(token), None, None);
        let addr: SocketAddr = format!("{ip}:40000").parse().unwrap();
        r.extensions_mut().insert(ConnectInfo(addr));
        r
    };
    let attacker = "203.0.113.9";
    for i in 0..3 {
        let r = send_to(app.clone(), from(attacker, &format!("ltv_{i:064x}"))).await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::UNAUTHORIZED, "invalid_token")
        );
    }
    // blocked for the rest of the minute, whatever it sends (a valid token tells nothing)
    for token in ["ltv_x", team.viewer.as_str()] {
        let r = send_to(app.clone(), from(attacker, token)).await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::TOO_MANY_REQUESTS, "too_many_attempts")
        );
        let retry: u64 = r.headers["retry-after"].to_str().unwrap().parse().unwrap();
        assert!((1..=60).contains(&retry), "{retry}");
    }
    // another address, and requests without a token, are not affected
    let r = send_to(app.clone(), from("198.51.100.4", &team.viewer)).await;
    assert_eq!(r.status, StatusCode::OK);
    let mut open = request("GET", "/v1/backlog", None, None, None);
    open.extensions_mut().insert(ConnectInfo(
        "203.0.113.9:40001".parse::<SocketAddr>().unwrap(),
    ));
    assert_eq!(send_to(app.clone(), open).await.status, StatusCode::OK);
}

#[tokio::test]
async fn the_board_page_runs_only_its_own_script() {
    let team = Team::new(&sqlite_url("page-headers")).await;
    let app = team.app();
    use tower::ServiceExt;
    let get = |path: &'static str| {
        let app = app.clone();
        async move {
            let response = app
                .oneshot(Request::get(path).body(Body::empty()).unwrap())
                .await
                .unwrap();
            let headers = response.headers().clone();
            let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
                .await
                .unwrap();
            (headers, String::from_utf8(bytes.to_vec()).unwrap())
        }
    };
    for path in ["/backlog", "/backlog?lang=ja", "/backlog/board"] {
        let (headers, html) = get(path).await;
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert_eq!(csp, ltv_server_board_policy(), "{path}");
        assert!(
            !csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"),
            "{csp}"
        );
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert_eq!(headers["referrer-policy"], "no-referrer");
        // no inline script, no inline handler, nothing from another origin
        for (i, _) in html.match_indices("<script") {
            assert!(
                html[i..].starts_with("<script src=\"/assets/"),
                "{path}: inline script"
            );
        }
        for handler in [
            " onclick=",
            " onload=",
            " onsubmit=",
            " onerror=",
            "javascript:",
        ] {
            assert!(!html.contains(handler), "{path}: {handler}");
        }
        assert!(
            !html.contains("http://") && !html.contains("https://"),
            "{path}: another origin"
        );
    }
    let (headers, js) = get("/assets/board.js").await;
    assert_eq!(headers["content-type"], "text/javascript; charset=utf-8");
    assert!(js.contains("sessionStorage") && js.contains("'Bearer '"));
    assert!(
        !js.contains("localStorage") && !js.contains("document.cookie"),
        "the token stays in the tab"
    );
    let (headers, _) = get("/assets/board.css").await;
    assert_eq!(headers["content-type"], "text/css; charset=utf-8");
}

fn ltv_server_board_policy() -> &'static str {
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
}
