//! The web board in headless Chromium, driven as a person would through the DevTools
//! protocol (over `--remote-debugging-pipe`, no extra crate): sign in with a token, add
//! an initiative, rate it, move it with a button and by dragging, meet a stale ETag,
//! read the board in Japanese, and under `--require-auth` see it only after signing
//! in. No script error and no content-security-policy violation may occur; screenshots
//! land in `target/browser-artifacts/`. Runs when `LTV_BROWSER_TESTS=1` (`.ci/run`).

use std::io::{BufRead, BufReader, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use ltv_server::{router, serve, AuthOptions, ServeOptions};
use ltv_store::{InitiativeKey, NewInitiative, Scores, Store};
use serde_json::{json, Value};
use tokio::net::TcpListener;

use crate::backlog_api::snapshot_request;
use crate::team::{sqlite_url, Team};

fn enabled() -> bool {
    let on = std::env::var("LTV_BROWSER_TESTS").as_deref() == Ok("1");
    if !on {
        eprintln!("browser test skipped: set LTV_BROWSER_TESTS=1 (and install chromium)");
    }
    on
}

fn artifacts() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/browser-artifacts");
    std::fs::create_dir_all(&dir).expect("create target/browser-artifacts");
    dir
}

/// Headless Chromium with one page, spoken to over the DevTools pipe (messages are
/// JSON, each ended by a NUL byte; Chromium reads fd 3 and writes fd 4).
struct Browser {
    child: Child,
    to: ChildStdin,
    from: BufReader<ChildStdout>,
    next: u64,
    session: String,
    /// Events seen: console calls, exceptions, log entries.
    events: Vec<Value>,
    profile: PathBuf,
}

impl Browser {
    fn start(tag: &str) -> Browser {
        let profile = std::env::temp_dir().join(format!("ltv-board-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&profile);
        std::fs::create_dir_all(&profile).unwrap();
        let chromium = std::env::var("LTV_CHROMIUM").unwrap_or_else(|_| "chromium".into());
        // the shell hands our pipes to Chromium as fd 3 (commands) and fd 4 (answers)
        let mut child = Command::new("sh")
            .arg("-c")
            .arg(r#"exec "$0" "$@" 3<&0 4>&1 0</dev/null 1>/dev/null"#)
            .arg(chromium)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
                "--remote-debugging-pipe",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("run chromium");
        let to = child.stdin.take().unwrap();
        let from = BufReader::new(child.stdout.take().unwrap());
        let mut b = Browser {
            child,
            to,
            from,
            next: 0,
            session: String::new(),
            events: Vec::new(),
            profile,
        };
        let target = b.call("Target.createTarget", json!({"url": "about:blank"}), false);
        let id = target["targetId"].as_str().unwrap().to_owned();
        let attached = b.call(
            "Target.attachToTarget",
            json!({"targetId": id, "flatten": true}),
            false,
        );
        b.session = attached["sessionId"].as_str().unwrap().to_owned();
        for domain in ["Runtime.enable", "Log.enable", "Page.enable"] {
            b.call(domain, json!({}), true);
        }
        b.call(
            "Emulation.setDeviceMetricsOverride",
            json!({"width": 1440, "height": 1400, "deviceScaleFactor": 1, "mobile": false}),
            true,
        );
        b
    }

    /// Sends a command (to the page when `page`) and returns its result.
    fn call(&mut self, method: &str, params: Value, page: bool) -> Value {
        self.next += 1;
        let id = self.next;
        let mut msg = json!({"id": id, "method": method, "params": params});
        if page {
            msg["sessionId"] = Value::from(self.session.clone());
        }
        let mut bytes = serde_json::to_vec(&msg).unwrap();
        bytes.push(0);
        self.to.write_all(&bytes).unwrap();
        self.to.flush().unwrap();
        loop {
            let mut buf = Vec::new();
            let n = self.from.read_until(0, &mut buf).unwrap();
            assert!(n > 0, "chromium closed the pipe during {method}");
            buf.pop();
            let v: Value = serde_json::from_slice(&buf).unwrap();
            if v["id"].as_u64() == Some(id) {
                assert!(v.get("error").is_none(), "{method}: {}", v["error"]);
                return v["result"].clone();
            }
            if v.get("method").is_some() {
                self.events.push(v);
            }
        }
    }

    /// Evaluates `js` in the page (awaiting a promise) and returns its value.
    fn eval(&mut self, js: &str) -> Value {
        let r = self.call(
            "Runtime.evaluate",
            json!({"expression": js, "awaitPromise": true, "returnByValue": true}),
            true,
        );
        assert!(
            r.get("exceptionDetails").is_none(),
            "{js}: {}",
            r["exceptionDetails"]
        );
        r["result"]["value"].clone()
    }

    /// Waits until `js` is true (10 s at most).
    fn wait_for(&mut self, what: &str, js: &str) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while self.eval(js) != Value::Bool(true) {
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}; message: {:?}",
                self.eval("document.getElementById('message') && document.getElementById('message').textContent")
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn open(&mut self, url: &str) {
        self.call("Page.navigate", json!({"url": url}), true);
        self.wait_for(
            "the page to load",
            "document.readyState === 'complete' && location.href !== 'about:blank'",
        );
    }

    fn screenshot(&mut self, path: &Path) {
        let shot = self.call(
            "Page.captureScreenshot",
            json!({"format": "png", "captureBeyondViewport": true}),
            true,
        );
        let png = base64(shot["data"].as_str().unwrap());
        assert!(png.len() > 10_000, "screenshot of {} bytes", png.len());
        std::fs::write(path, png).unwrap();
    }

    /// Script errors, console messages and policy violations seen so far (network
    /// errors the test provoked are not among them).
    fn problems(&mut self) -> Vec<String> {
        // collect what arrived since the last command
        self.call("Runtime.evaluate", json!({"expression": "1"}), true);
        self.events
            .iter()
            .filter_map(|e| match e["method"].as_str()? {
                "Runtime.exceptionThrown" => Some(e["params"]["exceptionDetails"].to_string()),
                "Runtime.consoleAPICalled" => Some(e["params"].to_string()),
                "Log.entryAdded" => {
                    let entry = &e["params"]["entry"];
                    let network = entry["source"] == "network";
                    (!network).then(|| entry.to_string())
                }
                _ => None,
            })
            .collect()
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

/// Standard base64 (the screenshot).
fn base64(text: &str) -> Vec<u8> {
    let value = |c: u8| -> u32 {
        match c {
            b'A'..=b'Z' => u32::from(c - b'A'),
            b'a'..=b'z' => u32::from(c - b'a') + 26,
            b'0'..=b'9' => u32::from(c - b'0') + 52,
            b'+' => 62,
            b'/' => 63,
            _ => 0,
        }
    };
    let clean: Vec<u8> = text.bytes().filter(|c| !c.is_ascii_whitespace()).collect();
    let mut out = Vec::with_capacity(clean.len() / 4 * 3);
    for chunk in clean.chunks(4) {
        let pad = chunk.iter().filter(|c| **c == b'=').count();
        let n = chunk.iter().fold(0u32, |acc, c| (acc << 6) | value(*c));
        let n = n << (6 * (4 - chunk.len()));
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&bytes[..3 - pad.min(2)]);
    }
    out
}

/// The service on `team`'s database with `auth`, on a fresh port.
async fn start(team: &Team, auth: AuthOptions) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(serve(
        listener,
        router(team.state(auth)),
        ServeOptions::default(),
        std::future::pending(),
    ));
    addr
}

/// The id of the card named `name` and the status of its column, as the page shows.
fn card_in(name: &str) -> String {
    format!(
        "(() => {{ const c = [...document.querySelectorAll('.card')].find(c => c.dataset.name === {name:?}); \
         return c ? c.closest('.column').dataset.status : null; }})()"
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_board_in_chromium() {
    if !enabled() {
        return;
    }
    let dir = artifacts();
    let team = Team::new(&sqlite_url("browser")).await;
    // the data measured once, and one idea from sales, rated
    let snap = crate::send_to(team.app(), snapshot_request(&team.editor, "2023-12-31")).await;
    assert_eq!(snap.status, 201, "{}", snap.json);
    let mut bundle = NewInitiative::new("Bundle offer", "sales", "aov", "+5%").unwrap();
    bundle.one_off_cost = 500.into();
    bundle.yearly_cost = 1200.into();
    team.store.add(bundle, "setup").await.unwrap();
    let scores = Scores::ice("Bundle offer", "6", "7", "8").unwrap();
    team.store
        .rate(&InitiativeKey::Id(1), "sales lead", &scores, None, "setup")
        .await
        .unwrap();
    let addr = start(&team, AuthOptions::default()).await;
    let base = format!("http://{addr}");
    let editor = team.editor.clone();
    let store = team.store.clone();
    let rt = tokio::runtime::Handle::current();
    let dir2 = dir.clone();
    tokio::task::spawn_blocking(move || drive(&base, &editor, &store, &rt, &dir2))
        .await
        .unwrap();

    // every change the browser made is in the audit log under the token's name
    let log = team.store.audit_log().await.unwrap();
    let by_browser: Vec<(String, String)> = log
        .iter()
        .filter(|e| e.subject == "Win-back mail")
        .map(|e| (e.operation.clone(), e.actor.clone()))
        .collect();
    let aiko = "aiko (marketing)".to_owned();
    assert_eq!(
        by_browser,
        [
            ("create".to_owned(), aiko.clone()),
            ("rate".to_owned(), aiko.clone()),
            ("move".to_owned(), aiko.clone()),
            ("move".to_owned(), aiko.clone()),
        ],
    );

    // --require-auth: the page shows nothing until a token signs in
    let closed = start(
        &team,
        AuthOptions {
            require_auth: true,
            ..AuthOptions::default()
        },
    )
    .await;
    let (base, viewer, dir2) = (format!("http://{closed}"), team.viewer.clone(), dir.clone());
    tokio::task::spawn_blocking(move || {
        let mut b = Browser::start("closed");
        b.open(&format!("{base}/backlog"));
        b.wait_for(
            "the sign-in prompt",
            "!!document.getElementById('needs-token')",
        );
        assert_eq!(
            b.eval("document.querySelectorAll('.card').length"),
            json!(0)
        );
        sign_in(&mut b, &viewer);
        b.wait_for(
            "the board after signing in",
            "document.querySelectorAll('.card').length === 2",
        );
        // a viewer sees no editing controls
        assert_eq!(
            b.eval("document.body.classList.contains('can-edit')"),
            json!(false)
        );
        assert_eq!(
            b.eval("getComputedStyle(document.querySelector('.moves')).display"),
            json!("none")
        );
        b.screenshot(&dir2.join("backlog-board-viewer.png"));
        let problems = b.problems();
        assert!(problems.is_empty(), "{problems:#?}");
    })
    .await
    .unwrap();
    eprintln!("screenshots in {}", dir.display());
}

fn sign_in(b: &mut Browser, token: &str) {
    b.eval(&format!(
        "document.getElementById('token').value = {token:?}; \
         document.getElementById('signin').requestSubmit(); true"
    ));
    b.wait_for(
        "the sign-in",
        "!document.getElementById('signed-in').hidden",
    );
}

fn drive(base: &str, editor: &str, store: &Store, rt: &tokio::runtime::Handle, dir: &Path) {
    let mut b = Browser::start("open");
    b.open(&format!("{base}/backlog"));
    // readers see the board without signing in, but no editing controls
    assert_eq!(b.eval(&card_in("Bundle offer")), json!("idea"));
    assert_eq!(
        b.eval("document.body.classList.contains('can-edit')"),
        json!(false)
    );

    sign_in(&mut b, editor);
    assert_eq!(
        b.eval("document.getElementById('who').textContent"),
        json!("aiko (marketing)")
    );
    assert_eq!(
        b.eval("document.body.classList.contains('can-edit')"),
        json!(true)
    );
    // the token lives in this tab's sessionStorage, not in the URL or a cookie
    assert_eq!(b.eval("sessionStorage.getItem('ltv-token')"), json!(editor));
    assert_eq!(b.eval("location.href"), json!(format!("{base}/backlog")));
    assert_eq!(b.eval("document.cookie"), json!(""));

    // add an initiative through the form
    b.eval(
        "{ const f = document.getElementById('add-form'); \
         f.elements.name.value = 'Win-back mail'; f.elements.team.value = 'marketing'; \
         f.elements.driver.value = 'churn'; f.elements.change.value = '-0.3pt/-0.5pt/-1pt'; \
         f.elements.hypothesis.value = 'a mail after 60 quiet days brings buyers back'; \
         f.elements.yearly_cost.value = '2400'; f.requestSubmit(); true }",
    );
    b.wait_for(
        "the new card",
        &format!("{} === 'idea'", card_in("Win-back mail")),
    );

    // rate it on its card
    b.eval(
        "{ const c = [...document.querySelectorAll('.card')].find(c => c.dataset.name === 'Win-back mail'); \
         c.querySelector('details.rate').open = true; const f = c.querySelector('form.rate-form'); \
         f.elements.impact.value = '8'; f.elements.confidence.value = '6'; f.elements.ease.value = '5'; \
         f.requestSubmit(); true }",
    );
    b.wait_for(
        "the score on the card",
        "[...document.querySelectorAll('.card')].some(c => c.dataset.name === 'Win-back mail' && c.querySelector('.score').textContent === '240')",
    );

    // approve it with its button
    b.eval(
        "[...document.querySelectorAll('.card')].find(c => c.dataset.name === 'Win-back mail') \
         .querySelector('button.move[data-to=approved]').click(); true",
    );
    b.wait_for(
        "the card in Approved",
        &format!("{} === 'approved'", card_in("Win-back mail")),
    );

    // drag it to Running
    b.eval(
        "{ const card = [...document.querySelectorAll('.card')].find(c => c.dataset.name === 'Win-back mail'); \
         const column = document.querySelector('.column[data-status=running]'); \
         const dt = new DataTransfer(); \
         card.dispatchEvent(new DragEvent('dragstart', {bubbles: true, dataTransfer: dt})); \
         column.dispatchEvent(new DragEvent('dragover', {bubbles: true, cancelable: true, dataTransfer: dt})); \
         column.dispatchEvent(new DragEvent('drop', {bubbles: true, cancelable: true, dataTransfer: dt})); true }",
    );
    b.wait_for(
        "the card in Running",
        &format!("{} === 'running'", card_in("Win-back mail")),
    );

    // someone else rates the other card meanwhile: this page's ETag is stale
    rt.block_on(async {
        let scores = Scores::ice("Bundle offer", "7", "7", "7").unwrap();
        store
            .rate(&InitiativeKey::Id(1), "finance", &scores, None, "ken")
            .await
            .unwrap();
    });
    b.eval(
        "[...document.querySelectorAll('.card')].find(c => c.dataset.name === 'Bundle offer') \
         .querySelector('button.move[data-to=approved]').click(); true",
    );
    b.wait_for(
        "the stale message",
        "document.getElementById('message').classList.contains('error') && \
         document.getElementById('message').textContent.includes('changed this initiative')",
    );
    // the board is fetched again (the message shows first): the fresh ETag, the card
    // still an idea
    b.wait_for(
        "the fresh ETag",
        "[...document.querySelectorAll('.card')].find(c => c.dataset.name === 'Bundle offer').dataset.etag === '\"1-3\"'",
    );
    assert_eq!(b.eval(&card_in("Bundle offer")), json!("idea"));
    b.screenshot(&dir.join("backlog-board.png"));

    // the same tab in Japanese: still signed in (sessionStorage), labels in Japanese
    b.open(&format!("{base}/backlog?lang=ja"));
    b.wait_for(
        "the session",
        "!document.getElementById('signed-in').hidden",
    );
    assert_eq!(
        b.eval("document.querySelector('h1').textContent"),
        json!("施策バックログ")
    );
    assert_eq!(
        b.eval("document.querySelector('.column[data-status=running] h2').firstChild.textContent.trim()"),
        json!("実行中")
    );
    b.screenshot(&dir.join("backlog-board-ja.png"));
    let problems = b.problems();
    assert!(problems.is_empty(), "{problems:#?}");
}
