use crate::fails;
use insta::assert_snapshot;

#[test]
fn out_of_range_names_flag_and_range() {
    let err = fails(&["calc", "subscription", "--arpu", "10000", "--churn", "1.5"]);
    assert_eq!(
        err,
        "error: invalid value for --churn: must be in (0, 1], got 1.5\n"
    );
    let err = fails(&[
        "calc",
        "general",
        "--price",
        "1",
        "--margin",
        "1.2",
        "--frequency",
        "1",
        "--lifespan",
        "1",
    ]);
    assert_eq!(
        err,
        "error: invalid value for --margin: must be in [0, 1], got 1.2\n"
    );
    let err = fails(&[
        "cac",
        "--marketing",
        "1",
        "--sales",
        "1",
        "--new-customers",
        "0",
    ]);
    assert_eq!(
        err,
        "error: invalid value for --new-customers: must be >= 1, got 0\n"
    );
    let err = fails(&["unit-economics", "--ltv", "1", "--cac", "0"]);
    assert_eq!(err, "error: invalid value for --cac: must be > 0, got 0\n");
    let err = fails(&[
        "calc",
        "subscription",
        "--arpu",
        "1",
        "--churn",
        "0.1",
        "--discount-rate",
        "-0.01",
    ]);
    assert_eq!(
        err,
        "error: invalid value for --discount-rate: must be >= 0, got -0.01\n"
    );
}

#[test]
fn zero_churn_asks_for_horizon() {
    let err = fails(&["calc", "subscription", "--arpu", "10000", "--churn", "0"]);
    assert_snapshot!("zero_churn", err);
}

#[test]
fn non_numeric_and_missing_flags() {
    let err = fails(&["calc", "subscription", "--arpu", "ten", "--churn", "0.05"]);
    assert!(
        err.starts_with("error: invalid value 'ten' for '--arpu <ARPU>'"),
        "{err}"
    );
    let err = fails(&["calc", "subscription", "--arpu", "10000"]);
    assert!(err.contains("--churn"), "{err}");
    let err = fails(&[
        "calc",
        "subscription",
        "--arpu",
        "1",
        "--churn",
        "0.1",
        "--format",
        "xml",
    ]);
    assert!(err.contains("[possible values: text, json]"), "{err}");
}

#[test]
fn overflow_is_reported() {
    let err = fails(&[
        "calc",
        "ecommerce",
        "--aov",
        "79228162514264337593543950335",
        "--frequency",
        "4",
        "--lifespan",
        "5",
    ]);
    assert!(err.starts_with("error: arithmetic overflow"), "{err}");
}

/// A typo'd year (0001 or 9999) must not make a cohort matrix that exhausts memory: the
/// commands stop with an error naming the span instead.
#[test]
fn absurd_date_spans_are_refused_not_allocated() {
    let dir = std::env::temp_dir().join(format!("ltv-span-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let orders = dir.join("orders.csv");
    std::fs::write(
        &orders,
        "customer_id,order_date,amount\na,0001-01-01,5\nb,9999-12-31,5\n",
    )
    .unwrap();
    let err = fails(&["cohort", orders.to_str().unwrap()]);
    assert!(
        err.contains("the orders span 119988 periods (0001-01-01 to 9999-12-31)"),
        "{err}"
    );
    let mrr = dir.join("mrr.csv");
    std::fs::write(&mrr, "customer_id,month,mrr\na,0001-01,5\nb,9999-12,5\n").unwrap();
    let err = fails(&["saas", mrr.to_str().unwrap(), "--cohorts"]);
    assert!(
        err.contains("the months 0001-01 to 9999-12 make a cohort matrix"),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
