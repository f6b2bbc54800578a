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
