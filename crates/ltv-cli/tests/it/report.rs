use crate::{fails, ltv, ok};

#[test]
fn sample_report_html_is_written() {
    let dir = std::env::temp_dir().join(format!("ltv-report-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("report.html");
    let run = ltv(&["report", "--sample", "-o", path.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.is_empty());
    let html = std::fs::read_to_string(&path).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert_eq!(html.matches("<svg").count(), 10);
    assert!(html.contains("LTV/CAC"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn sample_outline_in_japanese() {
    let text = ok(&["report", "--sample", "--lang", "ja", "--format", "outline"]);
    assert!(
        text.starts_with("# 顧客生涯価値 (LTV) レポート\n"),
        "{text}"
    );
    assert!(text.contains("## 7. 計画: 施策の優先順位と ROI (1 charts)"));
}

#[test]
fn report_of_a_file_without_cac_or_plan() {
    let text = ok(&[
        "report",
        "../ltv-segments/tests/data/cdnow_sample.csv",
        "--date-col",
        "date",
        "--format",
        "outline",
    ]);
    insta::assert_snapshot!("report_small_outline", text);
}

#[test]
fn report_errors_name_the_flag_or_file() {
    let err = fails(&["report"]);
    assert!(err.contains("FILE") || err.contains("--sample"), "{err}");
    let err = fails(&["report", "--sample", "--margin", "1.5"]);
    assert_eq!(
        err,
        "error: invalid value for --margin: must be in [0, 1], got 1.5\n"
    );
    let err = fails(&["report", "no/such/file.csv"]);
    assert!(err.contains("no/such/file.csv"), "{err}");
    let err = fails(&["report", "--sample", "x.csv"]);
    assert!(err.contains("cannot be used with"), "{err}");
}
