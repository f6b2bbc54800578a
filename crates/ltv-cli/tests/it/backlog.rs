//! `ltv backlog` end to end: the loop on SQLite (snapshots of every output), bad input
//! on both back ends, 20 concurrent processes on both back ends, and a SIGKILL in the
//! middle of an import.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use insta::assert_snapshot;

const SAMPLE: &str = "../ltv-report/data/sample_transactions.csv";
const SAMPLE_CAC: &str = "../ltv-report/data/sample_cac.csv";
const PLAN: &str = "../../examples/backlog.toml";

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs `ltv backlog --db URL --as tester ARGS…`.
fn backlog(db: &str, args: &[&str]) -> Out {
    let out = Command::new(env!("CARGO_BIN_EXE_ltv"))
        .args(["backlog", "--db", db, "--as", "tester"])
        .args(args)
        .env_remove("LTV_DATABASE_URL")
        .output()
        .expect("run ltv");
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

fn ok(db: &str, args: &[&str]) -> String {
    let o = backlog(db, args);
    assert_eq!(o.code, 0, "ltv backlog {args:?} failed: {}", o.stderr);
    o.stdout
}

fn json(db: &str, args: &[&str]) -> serde_json::Value {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    serde_json::from_str(&ok(db, &all)).unwrap()
}

fn temp_dir(test: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("backlog-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn sqlite(test: &str) -> (PathBuf, String) {
    let dir = temp_dir(test);
    let url = format!("sqlite://{}", dir.join("ltv.db").display());
    (dir, url)
}

/// A fresh database of each back end.
fn databases(test: &str) -> Vec<(&'static str, String)> {
    let mut out = vec![("sqlite", sqlite(test).1)];
    if let Some(pg) = ltv_store::testing::postgres() {
        out.push(("postgres", pg.new_database()));
    }
    out
}

/// Replaces times (RFC 3339 and `YYYY-MM-DD HH:MM:SS UTC`) by `[time]`.
fn scrub(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let digit = |j: usize| b.get(j).is_some_and(u8::is_ascii_digit);
    let date_at = |j: usize| {
        (0..4).all(|k| digit(j + k))
            && b.get(j + 4) == Some(&b'-')
            && digit(j + 5)
            && digit(j + 6)
            && b.get(j + 7) == Some(&b'-')
            && digit(j + 8)
            && digit(j + 9)
    };
    while i < b.len() {
        if date_at(i)
            && matches!(b.get(i + 10), Some(b'T' | b' '))
            && digit(i + 11)
            && b.get(i + 13) == Some(&b':')
        {
            let mut j = i + 19;
            if b.get(j) == Some(&b'.') {
                j += 1;
                while digit(j) {
                    j += 1;
                }
            }
            if b.get(j) == Some(&b'Z') {
                j += 1;
            } else if text[j..].starts_with(" UTC") {
                j += 4;
            }
            out.push_str("[time]");
            i = j;
        } else {
            let c = text[i..].chars().next().unwrap();
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

#[test]
fn the_loop_across_departments() {
    let (dir, db) = sqlite("loop");
    let shown = dir.join("ltv.db").display().to_string();
    let init = ok(&db, &["init"]).replace(&shown, "[db]");
    assert_snapshot!("backlog_init", init);
    assert_snapshot!("backlog_import", ok(&db, &["import", PLAN]));
    assert_snapshot!("backlog_reimport", ok(&db, &["import", PLAN]));
    // measured baselines at month ends: three before the initiatives start, two after
    for as_of in ["2023-01-31", "2023-02-28", "2023-03-31", "2023-09-30"] {
        ok(
            &db,
            &[
                "snapshot", SAMPLE, "--margin", "0.4", "--cac", SAMPLE_CAC, "--as-of", as_of,
            ],
        );
    }
    let snap = ok(
        &db,
        &[
            "snapshot",
            SAMPLE,
            "--margin",
            "0.4",
            "--cac",
            SAMPLE_CAC,
            "--as-of",
            "2023-12-31",
            "--currency",
            "$",
        ],
    );
    assert_snapshot!("backlog_snapshot", snap);
    // marketing proposes, sales and finance rate, the head of growth approves
    assert_snapshot!(
        "backlog_add",
        ok(
            &db,
            &[
                "add",
                "--name",
                "Search onboarding",
                "--team",
                "marketing",
                "--driver",
                "churn",
                "--change",
                "-2pt",
                "--target",
                "channel:search",
                "--yearly-cost",
                "1200",
                "--ramp-months",
                "2",
                "--hypothesis",
                "a welcome series keeps search customers",
            ]
        )
    );
    assert_snapshot!(
        "backlog_rate",
        ok(
            &db,
            &[
                "rate",
                "Search onboarding",
                "--rater",
                "sales",
                "--impact",
                "7",
                "--confidence",
                "8",
                "--ease",
                "6"
            ]
        )
    );
    ok(
        &db,
        &[
            "rate",
            "Search onboarding",
            "--rater",
            "finance",
            "--impact",
            "5/6/8",
            "--confidence",
            "5",
            "--ease",
            "6",
        ],
    );
    ok(
        &db,
        &[
            "rate",
            "Search onboarding",
            "--rater",
            "finance",
            "--reach",
            "58",
            "--rice-impact",
            "1",
            "--rice-confidence",
            "0.5",
            "--effort",
            "2",
        ],
    );
    ok(
        &db,
        &[
            "move",
            "Search onboarding",
            "--to",
            "approved",
            "--date",
            "2023-04-01",
        ],
    );
    assert_snapshot!(
        "backlog_move",
        ok(
            &db,
            &[
                "move",
                "Search onboarding",
                "--to",
                "running",
                "--date",
                "2023-04-15"
            ]
        )
    );
    assert_snapshot!("backlog_list", ok(&db, &["list"]));
    assert_snapshot!(
        "backlog_list_csv",
        ok(
            &db,
            &[
                "list",
                "--status",
                "all",
                "--team",
                "marketing",
                "--format",
                "csv"
            ]
        )
    );
    assert_snapshot!(
        "backlog_list_json",
        scrub(&ok(
            &db,
            &["list", "--team", "marketing", "--format", "json"]
        ))
    );
    assert_snapshot!(
        "backlog_measure",
        ok(&db, &["measure", "Search onboarding"])
    );
    assert_snapshot!(
        "backlog_measure_ja",
        ok(&db, &["measure", "Search onboarding", "--lang", "ja"])
    );
    assert_snapshot!(
        "backlog_measure_json",
        ok(&db, &["measure", "Search onboarding", "--format", "json"])
    );
    ok(
        &db,
        &[
            "move",
            "Search onboarding",
            "--to",
            "done",
            "--date",
            "2023-12-31",
        ],
    );
    assert_snapshot!("backlog_calibration", ok(&db, &["calibration"]));
    assert_snapshot!("backlog_board", ok(&db, &["board"]));
    assert_snapshot!(
        "backlog_history",
        scrub(&ok(&db, &["history", "Search onboarding"]))
    );

    let export = json(&db, &["export"]);
    assert_eq!(export["initiatives"].as_array().unwrap().len(), 6);
    assert_eq!(export["snapshots"].as_array().unwrap().len(), 5);
    // every change is in the audit log: 2 migrations (schema 1, and 2: the team
    // service's tokens), 1 baseline, 5 + 1 creations, 9 + 3 ratings, 3 moves, 5 snapshots
    assert_eq!(
        export["audit_log"].as_array().unwrap().len(),
        2 + 1 + 6 + 12 + 3 + 5
    );
    let first = scrub(&serde_json::to_string_pretty(&export["initiatives"][5]).unwrap());
    assert_snapshot!("backlog_export_initiative", first);

    // the environment variable names the database when --db is not given
    let listed = Command::new(env!("CARGO_BIN_EXE_ltv"))
        .args(["backlog", "list", "--status", "done", "--format", "csv"])
        .env("LTV_DATABASE_URL", &db)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&listed.stdout).contains("Search onboarding"));

    // the report shows the backlog: board, KPI trend, measured initiatives, calibration
    let report = Command::new(env!("CARGO_BIN_EXE_ltv"))
        .args([
            "report",
            SAMPLE,
            "--margin",
            "0.4",
            "--cac",
            SAMPLE_CAC,
            "--as-of",
            "2023-12-31",
            "--currency",
            "$",
            "--db",
            &db,
            "--format",
            "outline",
        ])
        .output()
        .unwrap();
    assert!(
        report.status.success(),
        "{}",
        String::from_utf8_lossy(&report.stderr)
    );
    let text = String::from_utf8(report.stdout).unwrap();
    let backlog = &text[text.find("## 7. The backlog").expect("a backlog section")..];
    assert_snapshot!("report_backlog_section", backlog);
    let data = Command::new(env!("CARGO_BIN_EXE_ltv"))
        .args([
            "report",
            SAMPLE,
            "--margin",
            "0.4",
            "--as-of",
            "2023-12-31",
            "--db",
            &db,
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let data: serde_json::Value = serde_json::from_slice(&data.stdout).unwrap();
    assert_eq!(data["backlog"]["trend"].as_array().unwrap().len(), 5);
}

#[test]
fn bad_input_exits_2_with_one_line_and_writes_nothing() {
    for (backend, db) in databases("bad-input") {
        ok(&db, &["init"]);
        ok(
            &db,
            &[
                "add",
                "--name",
                "Win-back",
                "--team",
                "sales",
                "--driver",
                "frequency",
                "--change",
                "+5%",
            ],
        );
        let before = json(&db, &["export"]);
        let cases: [(&[&str], &str); 7] = [
            (&["rate", "Nope", "--rater", "ken", "--impact", "5", "--confidence", "5", "--ease", "5"], "error: unknown initiative \"Nope\"\n"),
            (&["move", "Win-back", "--to", "done"], "error: initiative \"Win-back\" cannot move from idea to done: allowed from idea: approved, dropped\n"),
            (&["rate", "Win-back", "--rater", "ken", "--impact", "11", "--confidence", "5", "--ease", "5"], "error: initiative \"Win-back\": impact must be in [1, 10], got 11\n"),
            (&["rate", "Win-back", "--rater", "ken", "--reach", "10", "--rice-impact", "4", "--rice-confidence", "0.5", "--effort", "1"], "error: initiative \"Win-back\": rice_impact must be one of 3 (massive), 2 (high), 1 (medium), 0.5 (low), 0.25 (minimal), got 4\n"),
            (&["add", "--name", "Win-back", "--team", "sales", "--driver", "aov", "--change", "+1%"], "error: initiative \"Win-back\" exists already\n"),
            (&["add", "--name", "X", "--team", "sales", "--driver", "expansion", "--change", "+1%"], "error: initiative \"X\": driver must be one of arpu, aov, price, frequency, churn, lifespan, margin, cac or new_customers, got expansion\n"),
            (&["move", "Win-back", "--to", "approved", "--date", "2024-13-01"], "error: invalid value for --date: must be a date YYYY-MM-DD, got 2024-13-01\n"),
        ];
        for (args, line) in cases {
            let o = backlog(&db, args);
            assert_eq!(
                (o.code, o.stderr.as_str()),
                (2, line),
                "{backend}: {args:?}"
            );
            assert!(o.stdout.is_empty());
        }
        assert_eq!(json(&db, &["export"]), before, "{backend}: nothing written");
    }
    // databases that cannot be used
    let dir = temp_dir("bad-db");
    let text = dir.join("orders.csv");
    std::fs::write(&text, "customer_id,order_date,amount\n").unwrap();
    for (db, line) in [
        (format!("sqlite://{}", text.display()), format!("error: {} is not a database\n", text.display())),
        (dir.join("none.db").display().to_string(), format!("error: no backlog database at {}: initialise it first (`ltv backlog init`)\n", dir.join("none.db").display())),
        ("postgres://ltv:secret@127.0.0.1:9/ltv".to_owned(), "error: cannot connect to postgres://ltv:***@127.0.0.1:9/ltv: error communicating with database: Connection refused (os error 111)\n".to_owned()),
        ("mysql://h/db".to_owned(), "error: database URL 'mysql://h/db' is not supported: use sqlite://FILE (or a file path) or postgres://USER@HOST/DB\n".to_owned()),
    ] {
        let o = backlog(&db, &["list"]);
        assert_eq!((o.code, o.stderr.as_str()), (2, line.as_str()));
    }
    assert!(!dir.join("none.db").exists());
}

/// 20 processes at once, each adding its own initiative, rating it and a shared one,
/// and moving its own along: nothing lost, no duplicate, every change audited.
#[test]
fn twenty_concurrent_processes() {
    const N: usize = 20;
    for (backend, db) in databases("concurrent") {
        ok(&db, &["init"]);
        ok(
            &db,
            &[
                "add", "--name", "Shared", "--team", "product", "--driver", "aov", "--change",
                "+2%",
            ],
        );
        let workers: Vec<_> = (0..N)
            .map(|i| {
                let db = db.clone();
                std::thread::spawn(move || {
                    let name = format!("P{i:02}");
                    let rater = format!("rater{i:02}");
                    let steps: Vec<Vec<String>> = vec![
                        vec![
                            "add",
                            "--name",
                            &name,
                            "--team",
                            "sales",
                            "--driver",
                            "frequency",
                            "--change",
                            "+3%",
                        ],
                        vec![
                            "rate",
                            &name,
                            "--rater",
                            &rater,
                            "--impact",
                            "6",
                            "--confidence",
                            "7",
                            "--ease",
                            "8",
                        ],
                        vec![
                            "rate",
                            "Shared",
                            "--rater",
                            &rater,
                            "--impact",
                            "5",
                            "--confidence",
                            "5",
                            "--ease",
                            "5",
                        ],
                        vec!["move", &name, "--to", "approved", "--date", "2024-05-01"],
                        vec!["move", &name, "--to", "running", "--date", "2024-05-02"],
                    ]
                    .into_iter()
                    .map(|s| s.into_iter().map(str::to_owned).collect())
                    .collect();
                    for step in steps {
                        let args: Vec<&str> = step.iter().map(String::as_str).collect();
                        let o = backlog(&db, &args);
                        assert_eq!(o.code, 0, "{args:?}: {}", o.stderr);
                    }
                })
            })
            .collect();
        for w in workers {
            w.join().unwrap();
        }
        let export = json(&db, &["export"]);
        let initiatives = export["initiatives"].as_array().unwrap();
        assert_eq!(initiatives.len(), N + 1, "{backend}");
        let mut names: Vec<&str> = initiatives
            .iter()
            .map(|i| i["name"].as_str().unwrap())
            .collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), N + 1, "{backend}: no duplicates");
        for i in initiatives {
            if i["name"] == "Shared" {
                assert_eq!(i["version"], 1 + N as i64, "{backend}");
                assert_eq!(i["ratings"].as_array().unwrap().len(), N);
            } else {
                assert_eq!(
                    (i["status"].as_str(), i["version"].as_i64()),
                    (Some("running"), Some(4)),
                    "{backend}"
                );
            }
        }
        let audit = export["audit_log"].as_array().unwrap();
        let count = |op: &str| audit.iter().filter(|e| e["operation"] == op).count();
        assert_eq!(
            (
                count("migrate"),
                count("create"),
                count("rate"),
                count("move")
            ),
            (2, N + 1, 2 * N, 2 * N),
            "{backend}: every change audited once (two schema versions migrated once)"
        );
        assert_eq!(export["ratings"].as_array().unwrap().len(), 2 * N);
    }
}

const TEAMS: [&str; 5] = ["marketing", "sales", "cs", "product", "finance"];

/// A plan file of `n` initiatives with two raters each.
fn big_plan(dir: &Path, n: usize) -> PathBuf {
    let initiatives: Vec<serde_json::Value> = (0..n)
        .map(|i| {
            serde_json::json!({
                "name": format!("Initiative {i:05}"),
                "team": TEAMS[i % 5],
                "driver": "frequency",
                "change": "+1%",
                "yearly_cost": "1000",
                "raters": [
                    {"name": "a", "impact": 5, "confidence": 6, "ease": 7},
                    {"name": "b", "impact": 6, "confidence": 5, "ease": 4}
                ]
            })
        })
        .collect();
    let file = serde_json::json!({
        "baseline": {"model": "ecommerce", "aov": "80", "frequency": "4", "lifespan": "2",
                     "margin": "0.4", "customers": "1000"},
        "initiatives": initiatives
    });
    let path = dir.join("big.json");
    std::fs::write(&path, file.to_string()).unwrap();
    path
}

#[test]
fn sigkill_in_the_middle_of_an_import_leaves_the_database_consistent() {
    const N: usize = 3000;
    for (backend, db) in databases("sigkill") {
        let dir = temp_dir(&format!("sigkill-{backend}"));
        let plan = big_plan(&dir, N);
        ok(&db, &["init"]);
        let mut child = Command::new(env!("CARGO_BIN_EXE_ltv"))
            .args(["backlog", "--db", &db, "--as", "tester", "import"])
            .arg(&plan)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // wait until the import's transaction holds the writer lock, then kill it
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            assert!(
                child.try_wait().unwrap().is_none(),
                "{backend}: the import finished before it could be killed"
            );
            if ltv_store::testing::writer_lock_held(&db) {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "{backend}: the import never started writing"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
        std::thread::sleep(Duration::from_millis(50));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        // nothing of the import is there, and the database still works
        let export = json(&db, &["export"]);
        assert_eq!(
            export["initiatives"].as_array().unwrap().len(),
            0,
            "{backend}"
        );
        assert_eq!(
            export["audit_log"].as_array().unwrap().len(),
            2,
            "only the migrations (schema 1 and 2)"
        );
        // the import can be run again, completely
        let report = json(&db, &["import", plan.to_str().unwrap()]);
        assert_eq!(report["created"].as_array().unwrap().len(), N, "{backend}");
        let export = json(&db, &["export"]);
        assert_eq!(export["initiatives"].as_array().unwrap().len(), N);
        assert_eq!(export["ratings"].as_array().unwrap().len(), 2 * N);
    }
}
