//! The hand-checked fixture `tests/data/mrr_fixture.csv` (six customers, 2024-01 to
//! 2025-01). MRR by month:
//!
//! ```text
//! month    A    B    C    D    E    F   total  movements
//! 2024-01  100  200  50   300  -    -   650    new 650 (A, B, C, D; first month of data)
//! 2024-02  100  200  50   300  60   -   710    new 60 (E)
//! 2024-03  150  200  -    300  60   -   710    expansion 50 (A), churned 50 (C)
//! 2024-04  150  200  -    0    60   -   410    churned 300 (D downgrades to 0)
//! 2024-05  150  120  -    -    60   -   330    contraction 80 (B)
//! 2024-06  150  120  80   -    60   -   410    reactivation 80 (C returns)
//! 2024-07 … 2024-11 unchanged           410
//! 2024-12  150  120  80   -    60   40  450    new 40 (F)
//! 2025-01  150  140  80   -    -    40  410    expansion 20 (B), churned 60 (E)
//! ```

use ltv_saas::{analyze, cohorts, LtvBasis, MonthMetrics, SaasError, SaasOptions};
use rust_decimal::Decimal;

use crate::{d, load};

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/mrr_fixture.csv");

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn ratio(a: i64, b: i64) -> Option<Decimal> {
    Some((Decimal::from(a) / Decimal::from(b)).normalize())
}

fn month<'a>(months: &'a [MonthMetrics], m: &str) -> &'a MonthMetrics {
    months.iter().find(|x| x.month == d(m)).unwrap()
}

/// (month, mrr, customers, new, expansion, contraction, churned, reactivation, net_new)
type Expected = (&'static str, i64, u64, i64, i64, i64, i64, i64, i64);

const MOVEMENTS: [Expected; 13] = [
    ("2024-01", 650, 4, 650, 0, 0, 0, 0, 650),
    ("2024-02", 710, 5, 60, 0, 0, 0, 0, 60),
    ("2024-03", 710, 4, 0, 50, 0, 50, 0, 0),
    ("2024-04", 410, 3, 0, 0, 0, 300, 0, -300),
    ("2024-05", 330, 3, 0, 0, 80, 0, 0, -80),
    ("2024-06", 410, 4, 0, 0, 0, 0, 80, 80),
    ("2024-07", 410, 4, 0, 0, 0, 0, 0, 0),
    ("2024-08", 410, 4, 0, 0, 0, 0, 0, 0),
    ("2024-09", 410, 4, 0, 0, 0, 0, 0, 0),
    ("2024-10", 410, 4, 0, 0, 0, 0, 0, 0),
    ("2024-11", 410, 4, 0, 0, 0, 0, 0, 0),
    ("2024-12", 450, 5, 40, 0, 0, 0, 0, 40),
    ("2025-01", 410, 4, 0, 20, 0, 60, 0, -40),
];

#[test]
fn movements_match_hand_computation() {
    let report = analyze(&load(FIXTURE), &SaasOptions::default()).unwrap();
    assert_eq!(report.months.len(), 13);
    for (m, row) in MOVEMENTS.iter().zip(&report.months) {
        let got = (
            row.month.to_string(),
            row.mrr,
            row.customers,
            row.new,
            row.expansion,
            row.contraction,
            row.churned,
            row.reactivation,
            row.net_new,
        );
        let want = (
            m.0.to_string(),
            Decimal::from(m.1),
            m.2,
            Decimal::from(m.3),
            Decimal::from(m.4),
            Decimal::from(m.5),
            Decimal::from(m.6),
            Decimal::from(m.7),
            Decimal::from(m.8),
        );
        assert_eq!(got, want, "{}", m.0);
    }
    assert_eq!(report.months[5].reactivated_customers, 1);
}

#[test]
fn ratios_match_hand_computation() {
    let report = analyze(&load(FIXTURE), &SaasOptions::default()).unwrap();
    let ms = &report.months;
    // first month: no starting MRR, every ratio undefined
    let jan = month(ms, "2024-01");
    assert_eq!(
        (jan.logo_churn, jan.grr, jan.nrr, jan.quick_ratio),
        (None, None, None, None)
    );
    // 2024-03: 1 of 5 customers lost; GRR (710 − 50) ÷ 710; NRR (710 + 50 − 50) ÷ 710
    let mar = month(ms, "2024-03");
    assert_eq!(mar.logo_churn, Some(dec("0.2")));
    assert_eq!(mar.grr, ratio(660, 710));
    assert_eq!(mar.nrr, Some(Decimal::ONE));
    assert_eq!(mar.gross_revenue_churn, ratio(50, 710));
    assert_eq!(mar.net_revenue_churn, Some(Decimal::ZERO));
    assert_eq!(mar.quick_ratio, Some(Decimal::ONE));
    // 2024-04: D's downgrade to 0 is a churn of 300
    let apr = month(ms, "2024-04");
    assert_eq!(apr.logo_churn, Some(dec("0.25")));
    assert_eq!(apr.grr, ratio(410, 710));
    assert_eq!(apr.nrr, ratio(410, 710));
    assert_eq!(apr.quick_ratio, Some(Decimal::ZERO));
    // 2024-05: contraction only
    let may = month(ms, "2024-05");
    assert_eq!(may.logo_churn, Some(Decimal::ZERO));
    assert_eq!(may.grr, ratio(330, 410));
    // 2024-06: nothing lost, so the quick ratio is undefined (not infinite, not 0)
    let jun = month(ms, "2024-06");
    assert_eq!(
        (jun.grr, jun.nrr, jun.quick_ratio),
        (Some(Decimal::ONE), Some(Decimal::ONE), None)
    );
    // 2025-01: expansion 20, churn 60 on a start of 450
    let last = month(ms, "2025-01");
    assert_eq!(last.logo_churn, Some(dec("0.2")));
    assert_eq!(last.grr, ratio(390, 450));
    assert_eq!(last.nrr, ratio(410, 450));
    assert_eq!(last.net_revenue_churn, ratio(40, 450));
    assert_eq!(last.quick_ratio, ratio(20, 60));
    assert_eq!(last.arpa, Some(dec("102.5")));
}

#[test]
fn trailing_twelve_months() {
    let report = analyze(&load(FIXTURE), &SaasOptions::default()).unwrap();
    let t = report.summary.trailing_12m.clone().unwrap();
    // customers active in 2024-01: A 100, B 200, C 50, D 300 = 650;
    // now A 150, B 140, C 80 (reactivated), D 0 = 370; capped 100 + 140 + 50 + 0 = 290
    assert_eq!(t.base_month, d("2024-01"));
    assert_eq!((t.base_customers, t.base_mrr), (4, dec("650")));
    assert_eq!((t.current_mrr, t.capped_mrr), (dec("370"), dec("290")));
    assert_eq!(t.nrr, ratio(370, 650));
    assert_eq!(t.grr, ratio(290, 650));
    // not available before 12 months of history
    assert_eq!(month(&report.months, "2024-12").nrr_12m, None);
    let short = analyze(
        &load(FIXTURE),
        &SaasOptions {
            to: Some(d("2024-12")),
            lifetime_cap: Some(24),
            ..SaasOptions::default()
        },
    )
    .unwrap();
    assert_eq!(short.summary.trailing_12m, None);
}

#[test]
fn saas_ltv_from_trailing_churn() {
    let options = SaasOptions {
        margin: dec("0.8"),
        ..SaasOptions::default()
    };
    let ltv = analyze(&load(FIXTURE), &options).unwrap().summary.ltv;
    // window 2024-08 … 2025-01: 4 + 4 + 4 + 4 + 4 + 5 = 25 customers at risk, 1 lost
    assert_eq!(
        (
            ltv.churn_months_used,
            ltv.customers_at_risk,
            ltv.churned_customers
        ),
        (6, 25, 1)
    );
    assert_eq!(ltv.average_logo_churn, dec("0.04"));
    assert_eq!(ltv.arpa, dec("102.5"));
    // 102.5 × 0.8 ÷ 0.04
    assert_eq!(ltv.ltv, dec("2050"));
    assert_eq!(ltv.basis, LtvBasis::Churn);
    assert_eq!(ltv.expected_lifetime_months, Some(dec("25")));
}

#[test]
fn saas_ltv_zero_churn_needs_a_cap() {
    let options = SaasOptions {
        to: Some(d("2024-12")),
        ..SaasOptions::default()
    };
    // 2024-07 … 2024-12: nobody churned
    let err = analyze(&load(FIXTURE), &options).unwrap_err();
    assert!(matches!(err, SaasError::ZeroChurn { window: 6, .. }));
    assert!(err.to_string().contains("--lifetime-cap"));
    let capped = SaasOptions {
        lifetime_cap: Some(24),
        ..options
    };
    let ltv = analyze(&load(FIXTURE), &capped).unwrap().summary.ltv;
    // ARPA 450 ÷ 5 = 90, 24 months, nobody leaves
    assert_eq!(ltv.ltv, dec("2160"));
    assert_eq!(ltv.basis, LtvBasis::LifetimeCap);
    assert_eq!(ltv.expected_lifetime_months, None);
}

#[test]
fn lifetime_cap_with_churn_is_a_finite_geometric_sum() {
    let options = SaasOptions {
        lifetime_cap: Some(12),
        ..SaasOptions::default()
    };
    let ltv = analyze(&load(FIXTURE), &options).unwrap().summary.ltv;
    // 102.5 × (1 − 0.96¹²) ÷ 0.04
    let q12 = (0..12).fold(Decimal::ONE, |acc, _| acc * dec("0.96"));
    let want = dec("102.5") * ((Decimal::ONE - q12) / dec("0.04"));
    assert!(
        (ltv.ltv - want).abs() < dec("0.000000001"),
        "{} vs {want}",
        ltv.ltv
    );
    assert_eq!(ltv.ltv.round_dp(2), dec("992.43"));
}

#[test]
fn window_and_range() {
    let options = SaasOptions {
        churn_window: 3,
        from: Some(d("2024-06")),
        ..SaasOptions::default()
    };
    let report = analyze(&load(FIXTURE), &options).unwrap();
    // history before --from still counts: June's 80 is a reactivation
    assert_eq!(report.months[0].month, d("2024-06"));
    assert_eq!(report.months[0].reactivation, dec("80"));
    // 2024-11 … 2025-01: 4 + 4 + 5 at risk, 1 lost
    assert_eq!(report.summary.ltv.average_logo_churn, ratio(1, 13).unwrap());
}

#[test]
fn cohort_revenue_retention() {
    let m = cohorts(&load(FIXTURE), &SaasOptions::default()).unwrap();
    assert_eq!(m.periods, 13);
    let jan = &m.cohorts[0];
    assert_eq!(
        (jan.cohort, jan.customers, jan.start_mrr),
        (d("2024-01"), 4, dec("650"))
    );
    let want: Vec<Decimal> = [
        650, 650, 650, 350, 270, 350, 350, 350, 350, 350, 350, 350, 370,
    ]
    .into_iter()
    .map(Decimal::from)
    .collect();
    assert_eq!(jan.mrr, want);
    assert_eq!(jan.nrr[3], ratio(350, 650).unwrap());
    assert_eq!(jan.nrr[12], ratio(370, 650).unwrap());
    assert_eq!(
        jan.active_customers,
        [4, 4, 3, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3]
    );
    let feb = &m.cohorts[1];
    assert_eq!(
        (feb.cohort, feb.customers, feb.mrr.len()),
        (d("2024-02"), 1, 12)
    );
    assert_eq!(feb.nrr[10], Decimal::ONE);
    assert_eq!(feb.nrr[11], Decimal::ZERO);
    let dec_cohort = &m.cohorts[2];
    assert_eq!((dec_cohort.cohort, dec_cohort.nrr.len()), (d("2024-12"), 2));
    assert_eq!(m.cohorts.len(), 3);
}

#[test]
fn option_errors_name_the_field() {
    let table = load(FIXTURE);
    let bad = |o: SaasOptions| analyze(&table, &o).unwrap_err();
    let err = bad(SaasOptions {
        margin: dec("1.5"),
        ..SaasOptions::default()
    });
    assert_eq!(err.to_string(), "margin must be in [0, 1], got 1.5");
    let err = bad(SaasOptions {
        churn_window: 0,
        ..SaasOptions::default()
    });
    assert_eq!(err.to_string(), "churn_window must be >= 1 month, got 0");
    let err = bad(SaasOptions {
        from: Some(d("2024-05")),
        to: Some(d("2024-03")),
        ..SaasOptions::default()
    });
    assert_eq!(
        err.to_string(),
        "empty month range: --from 2024-05 is after --to 2024-03"
    );
    let err = bad(SaasOptions {
        to: Some(d("2024-01")),
        ..SaasOptions::default()
    });
    assert!(matches!(err, SaasError::NoChurnHistory { .. }));
}
