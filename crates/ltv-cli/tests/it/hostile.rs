//! Hostile and messy input on the command line: unbounded inputs are refused at a
//! limit, bad values say exactly what is wrong on one line, and nothing from a file
//! reaches the terminal raw.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::{fails, ok};

/// Runs `ltv args` with `input` on stdin; (status, stdout, stderr).
fn with_stdin(args: &[&str], input: &[u8]) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ltv"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let out = child.wait_with_output().unwrap();
    let _ = writer.join();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[cfg(unix)]
#[test]
fn settings_files_are_read_up_to_a_limit() {
    for args in [
        &["plan", "/dev/zero"][..],
        &["levers", "--baseline", "/dev/zero"],
        &["rfm", "tests/it/data/orders.csv", "--segments", "/dev/zero"],
        &["report", "tests/it/data/orders.csv", "--plan", "/dev/zero"],
        &["forecast", "retention", "--cohorts", "/dev/zero"],
    ] {
        let err = fails(args);
        assert!(err.contains("larger than 16 MiB"), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{err}");
    }
}

#[test]
fn a_line_without_end_on_stdin_is_refused_at_the_limit() {
    let mut input = b"customer_id,order_date,amount\na,2024-01-01,1\n".to_vec();
    input.extend(std::iter::repeat_n(b'x', 3 << 20));
    let (code, _, err) = with_stdin(&["rfm", "-"], &input);
    assert_eq!(code, 2);
    assert!(err.starts_with("error: -:3: "), "{err}");
    assert!(err.contains("longer than 1 MiB"), "{err}");
}

#[test]
fn too_precise_and_too_large_decimals_say_so() {
    let err = fails(&[
        "calc",
        "subscription",
        "--arpu",
        "1.11111111111111111111111111111111111",
        "--churn",
        "0.05",
    ]);
    assert!(err.contains("too precise"), "{err}");
    assert!(err.lines().count() <= 2, "{err}");
    let err = fails(&["calc", "subscription", "--arpu", "1e30", "--churn", "0.05"]);
    assert!(err.contains("too large"), "{err}");
}

#[test]
fn usage_errors_are_one_line_and_a_hint() {
    let err = fails(&[
        "calc",
        "subscription",
        "--arpu",
        "10000",
        "--churn",
        "0.05",
        "--discount-rate",
        "1e30",
    ]);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 2, "{err}");
    assert!(lines[0].starts_with("error: "), "{err}");
    assert!(lines[1].starts_with("hint: "), "{err}");
    let err = fails(&["rfm", "--no-such-flag"]);
    assert!(err.lines().count() <= 2, "{err}");
}

#[test]
fn control_characters_never_reach_the_terminal() {
    let dir = std::env::temp_dir().join(format!("ltv-esc-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("esc.csv");
    std::fs::write(
        &path,
        "customer_id,order_date,amount\n\x1b[31mred\x07,2024-01-01,1\nb,2024-01-02,x\x1b]0;t\x07\n",
    )
    .unwrap();
    let path = path.to_str().unwrap();
    let err = fails(&["customers", path]);
    assert!(!err.contains('\x1b') && !err.contains('\x07'), "{err:?}");
    assert!(err.contains("\\u{1b}"), "{err}");
    let (_, out, err) = with_stdin(
        &["customers", "-", "--skip-invalid"],
        &std::fs::read(path).unwrap(),
    );
    assert!(!out.contains('\x1b') && !out.contains('\x07'), "{out:?}");
    assert!(!err.contains('\x1b') && !err.contains('\x07'), "{err:?}");
    let _ = std::fs::remove_dir_all(&dir);
    let _ = ok(&["calc", "subscription", "--arpu", "1", "--churn", "0.5"]);
}

/// A scratch directory for one test's files.
fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("ltv-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn csv_output_is_safe_to_open_in_a_spreadsheet() {
    let dir = scratch("formula");
    let path = dir.join("orders.csv");
    std::fs::write(
        &path,
        "customer_id,order_date,amount,channel\n\
         \"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",2024-01-01,10,@SUM(A1)\n\
         -2+3+cmd,2024-01-02,5,+cmd|' /C calc'!A0\n\
         -7,2024-01-03,-1.5,ads\n",
    )
    .unwrap();
    let path = path.to_str().unwrap();
    for command in ["customers", "rfm"] {
        let out = ok(&[command, path, "--format", "csv"]);
        assert!(
            out.contains("\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""),
            "{command}: {out}"
        );
        assert!(out.contains("\n'-2+3+cmd,"), "{command}: {out}");
        // a number stays a number
        assert!(out.contains("\n-7,"), "{command}: {out}");
        let raw = ok(&[command, path, "--format", "csv", "--raw-csv"]);
        assert!(raw.contains("\n-2+3+cmd,"), "{command}: {raw}");
    }
    let out = ok(&["customers", path, "--format", "csv"]);
    assert!(out.contains(",'@SUM(A1)\n"), "{out}");
    let out = ok(&["cohort", path, "--by", "channel", "--format", "csv"]);
    assert!(out.contains("\n'@SUM(A1),"), "{out}");
    let out = ok(&["channels", path, "--format", "csv"]);
    assert!(out.contains("'+cmd|' /C calc'!A0"), "{out}");
    let excel = ok(&["customers", path, "--format", "csv", "--excel"]);
    assert!(excel.starts_with('\u{feff}'), "{excel:?}");
    assert!(excel.contains("\r\n") && !excel.replace("\r\n", "").contains('\n'));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn markdown_plan_output_is_inert() {
    let dir = scratch("md");
    let path = dir.join("plan.toml");
    std::fs::write(
        &path,
        r#"[baseline]
model = "subscription"
arpu = 10000
churn = 0.05
margin = 0.7
cac = 56000
customers = 1000

[[initiatives]]
name = "Evil\n| x | <script>alert(1)</script>"
team = "growth"
driver = "churn"
change = "-1pt"
impact = 5
confidence = 5
ease = 5
"#,
    )
    .unwrap();
    let out = ok(&["plan", path.to_str().unwrap(), "--format", "md"]);
    assert!(!out.contains("<script>"), "{out}");
    assert!(out.contains("&lt;script&gt;"), "{out}");
    let table: Vec<&str> = out.lines().take_while(|l| l.starts_with('|')).collect();
    assert_eq!(table.len(), 3, "{out}");
    assert!(table[2].contains("Evil \\| x \\|"), "{out}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn japanese_excel_files_are_read() {
    let dir = scratch("sjis");
    let csv = "customer_id,order_date,amount,channel\n山田商事,2024年01月05日,\"¥9,800\",紹介\n佐藤,2024年02月01日,\"1,200円\",広告\n";
    let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(csv);
    let path = dir.join("sjis.csv");
    std::fs::write(&path, &sjis).unwrap();
    let path = path.to_str().unwrap();
    // the date format is needed: the error says which, from the value itself
    let run = crate::ltv(&["customers", path]);
    assert_eq!(run.code, 2);
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert!(
        lines.iter().any(|l| l.contains("2024年01月05日")),
        "{}",
        run.stderr
    );
    assert!(
        lines.contains(&"hint: add --date-format '%Y年%m月%d日'"),
        "{}",
        run.stderr
    );
    // grouped amounts only when asked
    let err = fails(&["customers", path, "--date-format", "%Y年%m月%d日"]);
    assert!(err.contains("column 'amount'"), "{err}");
    let out = ok(&[
        "customers",
        path,
        "--date-format",
        "%Y年%m月%d日",
        "--amount-format",
        "grouped",
        "--as-of",
        "2024年02月01日",
        "--format",
        "csv",
    ]);
    assert!(
        out.contains("山田商事,2024-01-05,2024-01-05,1,0,9800,"),
        "{out}"
    );
    assert!(out.contains(",紹介\n"), "{out}");
    let explicit = ok(&[
        "customers",
        path,
        "--encoding",
        "cp932",
        "--date-format",
        "%Y年%m月%d日",
        "--amount-format",
        "grouped",
        "--format",
        "csv",
    ]);
    assert_eq!(explicit, out);
    // text tables line up double-width names
    let text = ok(&[
        "customers",
        path,
        "--date-format",
        "%Y年%m月%d日",
        "--amount-format",
        "grouped",
    ]);
    let rows: Vec<&str> = text.lines().skip(1).collect();
    let width = |s: &str| unicode_width::UnicodeWidthStr::width(s);
    assert!(rows.iter().all(|r| width(r) <= width(rows[1])), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn skipped_rows_are_in_the_json() {
    let csv =
        b"customer_id,order_date,amount\na,2024-01-01,1\nb,2024-13-01,2\n\"c\nx\",2024-01-02,3\n";
    let (code, out, err) = with_stdin(
        &["customers", "-", "--skip-invalid", "--format", "json"],
        csv,
    );
    assert_eq!(code, 0, "{err}");
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["skipped"]["rows"], 2, "{json}");
    assert_eq!(json["customers"].as_array().unwrap().len(), 1, "{json}");
    assert!(err.contains("skipped 2 invalid rows"), "{err}");
}

#[test]
fn skipped_mrr_rows_are_in_the_saas_json() {
    let csv = b"customer_id,month,mrr\na,2024-01,100\nb,2024-13,100\na,2024-02,100\n";
    for extra in [&[][..], &["--cohorts"]] {
        let mut args = vec![
            "saas",
            "-",
            "--skip-invalid",
            "--lifetime-cap",
            "36",
            "--format",
            "json",
        ];
        args.extend_from_slice(extra);
        let (code, out, err) = with_stdin(&args, csv);
        assert_eq!(code, 0, "{err}");
        let json: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(json["skipped"]["rows"], 1, "{extra:?}: {json}");
        assert_eq!(json["skipped"]["first"][0]["line"], 3, "{json}");
    }
}

#[test]
fn a_shift_jis_initiatives_file_is_read() {
    let dir = scratch("plan-sjis");
    let toml = "[baseline]\nmodel = \"subscription\"\narpu = 10000\nchurn = 0.05\nmargin = 0.7\ncac = 56000\ncustomers = 1000\n\n[[initiatives]]\nname = \"オンボーディング\"\nteam = \"CS\"\ndriver = \"churn\"\nchange = \"-1pt\"\nimpact = 7\nconfidence = 6\nease = 5\n";
    let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(toml);
    let path = dir.join("plan.toml");
    std::fs::write(&path, &sjis).unwrap();
    let out = ok(&["plan", path.to_str().unwrap(), "--format", "json"]);
    assert!(out.contains("オンボーディング"), "{out}");
    let _ = std::fs::remove_dir_all(&dir);
}
