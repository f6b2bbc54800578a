//! Reliability of the team service under load, on SQLite and on a real PostgreSQL:
//!
//! - 50 concurrent clients rate, change and move the same 10 initiatives for 10 s on a
//!   real socket, each reading the initiative and writing with its `ETag`: every
//!   acknowledged (2xx) change is in the audit log, no two acknowledged changes got the
//!   same version (no lost update), stale writes get 412, nothing is a 5xx.
//! - The same with the `ltv-server` binary killed (SIGKILL) and restarted in the
//!   middle: nothing acknowledged is lost.
//!
//! The numbers (requests, 2xx, 412, latency) are printed; run with `--nocapture`.

use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use ltv_server::{router, serve, AuthOptions, ServeOptions};
use ltv_store::{InitiativeKey, NewInitiative, Status, Store};
use tokio::net::TcpListener;
use tokio::sync::Mutex;

use crate::team::{databases, Conn, Team};

const CLIENTS: usize = 50;
const INITIATIVES: i64 = 10;
const LOAD: Duration = Duration::from_secs(10);

/// An acknowledged change.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Ack {
    /// A rating by this (unique) rater.
    Rated {
        id: i64,
        rater: String,
        version: i64,
    },
    /// A field change or a move, answered with this version.
    Changed {
        id: i64,
        op: &'static str,
        version: i64,
    },
}

#[derive(Debug, Default)]
struct Tally {
    acks: Vec<Ack>,
    /// When each acknowledgement arrived.
    acked_at: Vec<Instant>,
    requests: u64,
    reads: u64,
    stale: u64,
    conflicts: u64,
    /// Connections that failed or closed without an answer (the restart).
    unanswered: u64,
    /// Any other status: (status, body).
    unexpected: Vec<(u16, String)>,
    latencies_ms: Vec<f64>,
}

/// A small xorshift generator: each client its own, reproducible sequence.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Ten initiatives, each rated once.
async fn seed(store: &Store) {
    for i in 1..=INITIATIVES {
        let mut new =
            NewInitiative::new(&format!("Initiative {i}"), "cs", "churn", "-1pt").unwrap();
        new.yearly_cost = 1000.into();
        store.add(new, "setup").await.unwrap();
        let scores = ltv_store::Scores::ice("x", "5", "5", "5").unwrap();
        store
            .rate(&InitiativeKey::Id(i), "setup", &scores, None, "setup")
            .await
            .unwrap();
    }
}

/// One client: read an initiative, change it with its ETag, until `until`.
async fn client(n: usize, addr: Arc<Mutex<SocketAddr>>, token: String, until: Instant) -> Tally {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ (n as u64 + 1).wrapping_mul(0x2545_F491_4F6C_DD1D));
    let mut t = Tally::default();
    let auth = format!("Bearer {token}");
    let mut conn = Conn::new(*addr.lock().await);
    let mut k = 0u32;
    while Instant::now() < until {
        let id = 1 + rng.below(INITIATIVES as u64) as i64;
        t.requests += 1;
        let read = conn
            .send("GET", &format!("/v1/backlog/{id}"), &[], None)
            .await;
        let current = match read {
            Ok(r) if r.status == 200 => r,
            Ok(r) => {
                t.unexpected.push((r.status, r.body));
                continue;
            }
            Err(_) => {
                t.unanswered += 1;
                tokio::time::sleep(Duration::from_millis(20)).await;
                conn = Conn::new(*addr.lock().await);
                continue;
            }
        };
        t.reads += 1;
        let etag = current.header("etag").unwrap_or_default().to_owned();
        let status: Status = current.json()["status"]
            .as_str()
            .unwrap_or("idea")
            .parse()
            .unwrap();
        k += 1;
        let dice = rng.below(100);
        let (op, path, body) = if dice < 20 && !status.next().is_empty() {
            let to = status.next()[rng.below(status.next().len() as u64) as usize];
            (
                "move",
                format!("/v1/backlog/{id}/status"),
                format!(r#"{{"to": "{to}", "date": "2024-06-01"}}"#),
            )
        } else if dice < 45 {
            (
                "update",
                format!("/v1/backlog/{id}"),
                format!(r#"{{"hypothesis": "c{n} #{k}"}}"#),
            )
        } else {
            let rater = format!("c{n}-{k}");
            let body = format!(
                r#"{{"rater": "{rater}", "impact": {}, "confidence": {}, "ease": {}}}"#,
                1 + rng.below(10),
                1 + rng.below(10),
                1 + rng.below(10)
            );
            ("rate", format!("/v1/backlog/{id}/ratings"), body)
        };
        let method = if op == "update" { "PATCH" } else { "POST" };
        t.requests += 1;
        let started = Instant::now();
        let answer = conn
            .send(
                method,
                &path,
                &[
                    ("authorization", &auth),
                    ("if-match", &etag),
                    ("content-type", "application/json"),
                ],
                Some(&body),
            )
            .await;
        t.latencies_ms
            .push(started.elapsed().as_secs_f64() * 1000.0);
        match answer {
            Ok(r) if r.status == 200 => {
                let v = r.json();
                let version = v["version"].as_i64().unwrap();
                t.acks.push(match op {
                    "rate" => Ack::Rated {
                        id,
                        rater: format!("c{n}-{k}"),
                        version,
                    },
                    op => Ack::Changed { id, op, version },
                });
                t.acked_at.push(Instant::now());
            }
            Ok(r) if r.status == 412 => t.stale += 1,
            Ok(r) if r.status == 409 => t.conflicts += 1,
            Ok(r) => t.unexpected.push((r.status, r.body)),
            Err(_) => {
                t.unanswered += 1;
                tokio::time::sleep(Duration::from_millis(20)).await;
                conn = Conn::new(*addr.lock().await);
            }
        }
    }
    t
}

/// Runs the clients against `addr` until `until`; `during` runs meanwhile (the
/// restart). The tallies merged.
async fn load<T, F: std::future::Future<Output = T>>(
    addr: SocketAddr,
    token: &str,
    during: F,
) -> (Tally, T) {
    let until = Instant::now() + LOAD;
    let shared = Arc::new(Mutex::new(addr));
    let tasks: Vec<_> = (0..CLIENTS)
        .map(|n| tokio::spawn(client(n, Arc::clone(&shared), token.to_owned(), until)))
        .collect();
    let meanwhile = during.await;
    let mut all = Tally::default();
    for task in tasks {
        let t = task.await.unwrap();
        all.acks.extend(t.acks);
        all.acked_at.extend(t.acked_at);
        all.requests += t.requests;
        all.reads += t.reads;
        all.stale += t.stale;
        all.conflicts += t.conflicts;
        all.unanswered += t.unanswered;
        all.unexpected.extend(t.unexpected);
        all.latencies_ms.extend(t.latencies_ms);
    }
    (all, meanwhile)
}

/// Every acknowledged change is in the audit log; no version was acknowledged twice;
/// each initiative's version counts exactly its logged changes.
async fn verify(backend: &str, store: &Store, tally: &Tally) {
    assert!(
        tally.unexpected.is_empty(),
        "{backend}: {:?}",
        &tally.unexpected[..tally.unexpected.len().min(5)]
    );
    let log = store.audit_log().await.unwrap();
    let mut raters: BTreeSet<(i64, String)> = BTreeSet::new();
    let mut versions: BTreeSet<(i64, i64)> = BTreeSet::new();
    let mut changes: BTreeMap<i64, i64> = BTreeMap::new();
    for e in &log {
        let Some(id) = e.initiative_id else { continue };
        match e.operation.as_str() {
            "rate" => {
                let rater = e
                    .after
                    .as_ref()
                    .and_then(|a| a["rater"].as_str())
                    .unwrap_or_default();
                raters.insert((id, rater.to_owned()));
                *changes.entry(id).or_default() += 1;
            }
            "update" | "move" => {
                let v = e
                    .after
                    .as_ref()
                    .and_then(|a| a["version"].as_i64())
                    .unwrap();
                versions.insert((id, v));
                *changes.entry(id).or_default() += 1;
            }
            _ => {}
        }
    }
    let mut acked_versions: BTreeSet<(i64, i64)> = BTreeSet::new();
    for ack in &tally.acks {
        let (id, version) = match ack {
            Ack::Rated { id, rater, version } => {
                assert!(
                    raters.contains(&(*id, rater.clone())),
                    "{backend}: rating {rater} of #{id} acknowledged but not in the audit log"
                );
                (*id, *version)
            }
            Ack::Changed { id, op, version } => {
                assert!(versions.contains(&(*id, *version)), "{backend}: {op} of #{id} to version {version} acknowledged but not in the audit log");
                (*id, *version)
            }
        };
        assert!(
            acked_versions.insert((id, version)),
            "{backend}: version {version} of #{id} acknowledged twice: a lost update"
        );
    }
    for id in 1..=INITIATIVES {
        let i = store.get(&InitiativeKey::Id(id)).await.unwrap();
        assert_eq!(
            i.version,
            1 + changes.get(&id).copied().unwrap_or(0),
            "{backend}: #{id}: the version counts every logged change"
        );
    }
}

fn report(what: &str, tally: &Tally, seconds: f64) {
    let mut l = tally.latencies_ms.clone();
    l.sort_by(f64::total_cmp);
    let pct = |p: f64| {
        l.get(((l.len() as f64 - 1.0) * p) as usize)
            .copied()
            .unwrap_or(0.0)
    };
    eprintln!(
        "{what}: {} requests in {seconds:.1} s ({:.0}/s): {} reads, {} writes acknowledged, {} stale (412), {} illegal moves (409), {} unanswered; write latency p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        tally.requests,
        tally.requests as f64 / seconds,
        tally.reads,
        tally.acks.len(),
        tally.stale,
        tally.conflicts,
        tally.unanswered,
        pct(0.5),
        pct(0.99),
        l.last().copied().unwrap_or(0.0),
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_clients_for_ten_seconds_lose_nothing() {
    for (backend, url) in databases("load") {
        let team = Team::new(&url).await;
        seed(&team.store).await;
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let app = router(team.state(AuthOptions::default()));
        let server = tokio::spawn(serve(listener, app, ServeOptions::default(), async {
            let _ = stopped.await;
        }));
        let started = Instant::now();
        let (tally, ()) = load(addr, &team.editor, async {}).await;
        report(
            &format!("{backend}: 50 clients"),
            &tally,
            started.elapsed().as_secs_f64(),
        );
        let _ = stop.send(());
        server.await.unwrap().unwrap();
        assert_eq!(tally.unanswered, 0, "{backend}: every request answered");
        assert!(
            tally.stale > 0,
            "{backend}: concurrent writers meet stale ETags"
        );
        assert!(
            tally.acks.len() > 100,
            "{backend}: {} writes",
            tally.acks.len()
        );
        verify(backend, &team.store, &tally).await;
    }
}

/// The `ltv-server` binary on `addr` with `url`, up (its `/healthz` answers).
#[allow(clippy::zombie_processes)] // the caller kills and waits for the child it gets
async fn start_binary(url: &str, addr: SocketAddr) -> Child {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ltv-server"))
        .args([
            "--db",
            url,
            "--addr",
            &addr.to_string(),
            "--log-level",
            "error",
        ])
        .env_remove("LTV_REQUIRE_AUTH")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start ltv-server");
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(r) = crate::team::http(addr, "GET", "/healthz", &[], None).await {
            if r.status == 200 {
                return child;
            }
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("ltv-server did not come up on {addr}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn free_addr() -> SocketAddr {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_server_killed_and_restarted_under_load_loses_nothing_acknowledged() {
    for (backend, url) in databases("restart") {
        let team = Team::new(&url).await;
        seed(&team.store).await;
        let addr = free_addr();
        let first = start_binary(&url, addr).await;
        let started = Instant::now();
        let restarted = Arc::new(Mutex::new(None::<(Instant, Instant)>));
        let marker = Arc::clone(&restarted);
        let (tally, mut second) = load(addr, &team.editor, async move {
            tokio::time::sleep(Duration::from_secs(4)).await;
            let mut first = first;
            first.kill().expect("SIGKILL ltv-server");
            first.wait().unwrap();
            let killed = Instant::now();
            let second = start_binary(&url, addr).await;
            *marker.lock().await = Some((killed, Instant::now()));
            second
        })
        .await;
        let _ = second.kill();
        let _ = second.wait();
        report(
            &format!("{backend}: 50 clients, SIGKILL and restart"),
            &tally,
            started.elapsed().as_secs_f64(),
        );
        let (killed, up) = restarted.lock().await.unwrap();
        let before = tally.acked_at.iter().filter(|t| **t < killed).count();
        let after = tally.acked_at.iter().filter(|t| **t > up).count();
        eprintln!(
            "{backend}: the restarted server answered {:.0} ms after the kill; {before} writes acknowledged before the kill, {after} after the restart",
            (up - killed).as_secs_f64() * 1000.0
        );
        assert!(
            before > 0 && after > 0,
            "{backend}: writes before the kill and after the restart"
        );
        verify(backend, &team.store, &tally).await;
    }
}

#[test]
fn xorshift_is_reproducible() {
    let mut a = Rng(7);
    let mut b = Rng(7);
    assert_eq!((a.next(), a.below(10)), (b.next(), b.below(10)));
}
