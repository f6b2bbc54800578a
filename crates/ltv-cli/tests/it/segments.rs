//! `ltv customers|rfm|cohort|channels|drivers` on the small fixture and the CDNOW sample,
//! and every kind of bad row.

use std::io::Write;
use std::process::{Command, Stdio};

use insta::assert_snapshot;

use crate::{fails, json, ok, Run};

const SMALL: &str = "../ltv-segments/tests/data/small.csv";
const CAC: &str = "../ltv-segments/tests/data/small_cac.csv";
const CDNOW: &str = "../ltv-segments/tests/data/cdnow_sample.csv";

fn with_stdin(args: &[&str], input: &str) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ltv"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run ltv");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

/// Runs `args` on `input` via stdin; it must fail with status 2; returns stderr.
fn fails_on(args: &[&str], input: &str) -> String {
    let run = with_stdin(args, input);
    assert_eq!(run.code, 2, "should fail: {}", run.stdout);
    assert!(run.stdout.is_empty());
    run.stderr
}

#[test]
fn customers_small() {
    assert_snapshot!("customers_small_text", ok(&["customers", SMALL]));
    assert_snapshot!(
        "customers_small_csv",
        ok(&["customers", SMALL, "--format", "csv"])
    );
    let j = json(&["customers", SMALL]);
    assert_eq!(j["as_of"], "2024-06-20");
    let alice = &j["customers"][0];
    assert_eq!(alice["customer_id"], "alice");
    assert_eq!(alice["orders"], 4);
    assert_eq!(alice["frequency"], 2); // two orders on 2024-01-03 count as one day
    assert_eq!(alice["monetary_total"], "275.50");
    assert_eq!(alice["monetary_mean"], "68.875");
    assert_eq!(alice["channel"], "ads"); // channel of the first order, not the later email
    assert_eq!(j["customers"][1]["monetary_total"], "65.00"); // refund counted
}

#[test]
fn rfm_small() {
    assert_snapshot!("rfm_small_text", ok(&["rfm", SMALL]));
    assert_snapshot!("rfm_small_csv", ok(&["rfm", SMALL, "--format", "csv"]));
    assert_snapshot!("rfm_small_summary", ok(&["rfm", SMALL, "--summary"]));
    assert_snapshot!("rfm_small_json", ok(&["rfm", SMALL, "--format", "json"]));
    assert_snapshot!(
        "rfm_small_rf_grid",
        ok(&["rfm", SMALL, "--segments", "rf-grid", "--format", "csv"])
    );
    let breaks = ok(&[
        "rfm",
        SMALL,
        "--r-breaks",
        "15,30,60,90",
        "--f-breaks",
        "1,2,3,4",
        "--m-breaks",
        "30,60,100,150",
        "--format",
        "csv",
    ]);
    assert_snapshot!("rfm_small_breaks", breaks);
}

#[test]
fn rfm_bins_and_user_map() {
    let err = fails(&["rfm", SMALL, "--bins", "3"]);
    assert_eq!(
        err,
        "error: segment map default: the preset is defined for 5 bins, not 3: with --bins 3 give your own TOML map with --segments PATH\n"
    );
    let err = fails(&["rfm", SMALL, "--bins", "12"]);
    assert_eq!(
        err,
        "error: invalid value for --bins: must be in 2..=9, got 12\n"
    );
    let err = fails(&["rfm", SMALL, "--f-breaks", "1,2"]);
    assert_eq!(
        err,
        "error: invalid value for --f-breaks: must be 4 ascending values (bins − 1), got 1,2\n"
    );
    let map = "../ltv-segments/tests/data/three_bins.toml";
    assert_snapshot!(
        "rfm_small_user_map",
        ok(&["rfm", SMALL, "--bins", "3", "--segments", map, "--summary"])
    );
}

#[test]
fn cohort_small() {
    assert_snapshot!(
        "cohort_small_retention_csv",
        ok(&["cohort", SMALL, "--format", "csv"])
    );
    assert_snapshot!("cohort_small_retention_text", ok(&["cohort", SMALL]));
    assert_snapshot!(
        "cohort_small_revenue_quarter",
        ok(&["cohort", SMALL, "--by", "quarter", "--metric", "revenue"])
    );
    assert_snapshot!(
        "cohort_small_ltv_channel_csv",
        ok(&["cohort", SMALL, "--by", "channel", "--metric", "ltv", "--format", "csv"])
    );
    assert_snapshot!(
        "cohort_small_week_json",
        ok(&[
            "cohort",
            SMALL,
            "--by",
            "week",
            "--as-of",
            "2024-01-31",
            "--format",
            "json"
        ])
    );
}

/// A JSON decimal string, rounded to 10 places (the basis divides by 12, so the last
/// of 28 digits may carry a rounding).
fn dec10(v: &serde_json::Value) -> String {
    v.as_str()
        .unwrap()
        .parse::<ltv_core::Decimal>()
        .unwrap()
        .round_dp(10)
        .normalize()
        .to_string()
}

#[test]
fn channels_small() {
    let args = [
        "channels",
        SMALL,
        "--cac",
        CAC,
        "--horizon-months",
        "3",
        "--inactive-days",
        "45",
        "--margin",
        "0.5",
    ];
    assert_snapshot!("channels_small_text", ok(&args));
    let j = json(&args);
    let ads = &j["channels"][0];
    // ads: alice (4 orders, 275.50, live), dave (2 orders, 35, live), frank (1 order,
    // 25, churned after 53 days): 7 orders, 335.50, 12 active customer-months, 1 churned.
    // LTV = AOV × margin × orders per month ÷ churn = 335.5/7 × 0.5 × 7/12 × 12 = 167.75
    assert_eq!(ads["monthly_churn"], "0.0833333333333333333333333333");
    assert_eq!(dec10(&ads["ltv"]), "167.75");
    assert_eq!(ads["cac"], "100");
    assert_eq!(dec10(&ads["ltv_cac_ratio"]), "1.6775");
    assert_eq!(ads["band"], "needs_improvement");
    assert_eq!(dec10(&ads["max_cac"]), "55.9166666667");
    // the revenue view is labelled revenue and has no band
    assert_eq!(ads["revenue_at_horizon"], "90.16666666666666666666666667");
    // seo's one customer has not churned: no LTV, no band, but its CAC is shown
    let seo = &j["channels"][2];
    assert_eq!(seo["channel"], "seo");
    assert_eq!((seo["ltv"].is_null(), seo["band"].is_null()), (true, true));
    assert_eq!(seo["cac"], "50");
    // the CAC file's `display` has no customers: named in a warning, in no CAC
    let warnings = j["warnings"].as_array().unwrap();
    assert!(warnings.iter().any(|w| w
        .as_str()
        .unwrap()
        .starts_with("CAC file: channel 'display' matches no channel in the data")));
    assert_snapshot!(
        "channels_small_json",
        serde_json::to_string_pretty(&j).unwrap()
    );
}

#[test]
fn drivers_small() {
    assert_snapshot!(
        "drivers_small_text",
        ok(&["drivers", SMALL, "--inactive-days", "60"])
    );
    let j = json(&["drivers", SMALL, "--inactive-days", "60", "--margin", "0.5"]);
    let h = &j["headline"];
    assert_eq!(h["monthly_churn"], "0.08");
    assert_eq!(h["aov"], "59");
    // 59 × 0.5 × 14/25 orders per month × 12.5 months
    assert_eq!(dec10(&h["ltv"]), "206.5");
    assert_eq!(j["baseline"]["model"], "ecommerce");
}

#[test]
fn cdnow_sample() {
    let j = json(&["customers", CDNOW, "--date-col", "date"]);
    let customers = j["customers"].as_array().unwrap();
    assert_eq!(customers.len(), 2357);
    let orders: u64 = customers
        .iter()
        .map(|c| c["orders"].as_u64().unwrap())
        .sum();
    assert_eq!(orders, 6919);
    assert_eq!(j["as_of"], "1998-06-30");
    assert_snapshot!(
        "cdnow_rfm_summary",
        ok(&["rfm", CDNOW, "--date-col", "date", "--summary"])
    );
    assert_snapshot!(
        "cdnow_cohort_retention_csv",
        ok(&["cohort", CDNOW, "--date-col", "date", "--format", "csv"])
    );
    assert_snapshot!(
        "cdnow_cohort_ltv_quarter",
        ok(&[
            "cohort",
            CDNOW,
            "--date-col",
            "date",
            "--by",
            "quarter",
            "--metric",
            "ltv"
        ])
    );
    assert_snapshot!(
        "cdnow_drivers",
        ok(&["drivers", CDNOW, "--date-col", "date"])
    );
    assert_snapshot!(
        "cdnow_channels",
        ok(&["channels", CDNOW, "--date-col", "date"])
    );
    let rfm = ok(&["rfm", CDNOW, "--date-col", "date", "--format", "csv"]);
    assert_eq!(rfm.lines().count(), 2358);
    assert_snapshot!(
        "cdnow_rfm_head",
        rfm.lines().take(12).collect::<Vec<_>>().join("\n")
    );
}

const HEAD: &str = "customer_id,order_date,amount\n";

#[test]
fn bad_rows_stop_with_file_line_column_text() {
    let cases = [
        ("x,2024-01-01,10\ny,2024-02-30,5\n", "-:3: column 'order_date': not a date in the format YYYY-MM-DD: '2024-02-30'"),
        ("x,2024-01-01,10\ny,2024-01-02,1.2.3\n", "-:3: column 'amount': not a decimal amount (expected digits with an optional sign and '.'): '1.2.3'"),
        ("x,2024-01-01,10\ny,2024-01-02,\n", "-:3: column 'amount': missing value: ''"),
        ("x,2024-01-01\n", "-:2: column 'amount': missing field (the row has 2 of the header's 3 fields): 'x,2024-01-01'"),
        ("x,2024-01-01,1,extra\n", "-:2: column '#4': extra field (the row has 4 fields, the header 3): 'x,2024-01-01,1,extra'"),
        (",2024-01-01,1\n", "-:2: column 'customer_id': missing value: ''"),
        ("\"x,2024-01-01,1\n", "-:2: column 'customer_id': unterminated quote (a quoted field may not span lines): ''"),
    ];
    for (rows, want) in cases {
        let err = fails_on(&["customers", "-"], &format!("{HEAD}{rows}"));
        assert_eq!(err, format!("error: {want}\n"), "{rows}");
    }
}

#[test]
fn header_and_option_errors() {
    let err = fails_on(&["rfm", "-"], "id,order_date,amount\n1,2024-01-01,1\n");
    assert_eq!(
        err,
        "error: -: no column 'customer_id' (set by --customer-col); the header has: id, order_date, amount\n"
    );
    let err = fails_on(
        &["rfm", "-", "--channel-col", "source"],
        "customer_id,order_date,amount\n",
    );
    assert_eq!(
        err,
        "error: -: no column 'source' (set by --channel-col); the header has: customer_id, order_date, amount\n"
    );
    let err = fails_on(&["customers", "-"], "");
    assert_eq!(
        err,
        "error: -: the file is empty or its first line is blank (expected a header line)\n"
    );
    let err = fails_on(&["customers", "-"], HEAD);
    assert_eq!(err, "error: -: no rows after the header\n");
    let err = fails(&["customers", "no/such/file.csv"]);
    assert!(
        err.starts_with("error: cannot read no/such/file.csv: "),
        "{err}"
    );
    let err = fails(&["channels", SMALL, "--horizon-months", "0"]);
    assert_eq!(
        err,
        "error: invalid value for --horizon-months: must be >= 1, got 0\n"
    );
}

#[test]
fn skip_invalid_reports_on_stderr() {
    let input = format!("{HEAD}x,2024-01-01,10\ny,bad,5\nz,2024-01-03,abc\nx,2024-01-04,2\n");
    let run = with_stdin(
        &["customers", "-", "--skip-invalid", "--format", "csv"],
        &input,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_snapshot!("skip_invalid_stderr", run.stderr);
    assert_snapshot!("skip_invalid_stdout", run.stdout);
}

#[test]
fn column_mapping_delimiter_date_format_and_as_of() {
    let input = "who;when;paid;src\na;20240105;10,5;x\n";
    let err = fails_on(
        &[
            "customers",
            "-",
            "--customer-col",
            "who",
            "--date-col",
            "when",
            "--amount-col",
            "paid",
            "--delimiter",
            ";",
            "--date-format",
            "%Y%m%d",
        ],
        input,
    );
    assert_eq!(
        err,
        "error: -:2: column 'paid': not a decimal amount (expected digits with an optional sign and '.'): '10,5'\n"
    );
    let input = "who;when;paid;src\na;20240105;10.5;x\na;20240301;4;y\nb;20240401;1;y\n";
    let run = with_stdin(
        &[
            "customers",
            "-",
            "--customer-col",
            "who",
            "--date-col",
            "when",
            "--amount-col",
            "paid",
            "--channel-col",
            "src",
            "--delimiter",
            ";",
            "--date-format",
            "%Y%m%d",
            "--as-of",
            "2024-03-31",
            "--format",
            "csv",
        ],
        input,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "customer_id,first_order,last_order,orders,frequency,monetary_total,monetary_mean,recency_days,tenure_days,channel\na,2024-01-05,2024-03-01,2,1,14.5,7.25,30,86,x\n"
    );
    assert_eq!(
        run.stderr,
        "note: ignored 1 order(s) after the as-of date 2024-03-31\n"
    );
}

/// Progress is drawn on a terminal only: the bytes read and then the phases; nothing
/// when stderr is not a terminal, nor with `--quiet`. The terminal is script(1)'s
/// pseudo-terminal (util-linux, on every Debian).
#[test]
fn progress_is_drawn_on_a_terminal_only() {
    let piped = crate::ltv(&["report", CDNOW, "--date-col", "date", "--format", "json"]);
    assert_eq!(piped.code, 0, "{}", piped.stderr);
    assert!(!piped.stderr.contains("read"), "{}", piped.stderr);
    let on_terminal = |quiet: bool| {
        let bin = env!("CARGO_BIN_EXE_ltv");
        let q = if quiet { " --quiet" } else { "" };
        let command = format!("{bin}{q} report {CDNOW} --date-col date --format json > /dev/null");
        let out = std::process::Command::new("script")
            .args(["-qec", &command, "/dev/null"])
            .output();
        match out {
            Ok(out) if out.status.success() => {
                Some(String::from_utf8_lossy(&out.stdout).into_owned())
            }
            Ok(out) => panic!("script failed: {}", String::from_utf8_lossy(&out.stderr)),
            Err(e) if std::env::var_os("CI").is_some() => panic!("script(1) is needed in CI: {e}"),
            Err(e) => {
                eprintln!("skipped: script(1) is not installed ({e})");
                None
            }
        }
    };
    let Some(drawn) = on_terminal(false) else {
        return;
    };
    for phase in ["read", "aggregate", "fit", "segment"] {
        assert!(drawn.contains(phase), "no {phase} in {drawn:?}");
    }
    assert!(drawn.contains("KiB"), "no bytes read in {drawn:?}");
    let quiet = on_terminal(true).unwrap_or_default();
    assert!(!quiet.contains("read"), "--quiet drew {quiet:?}");
}
