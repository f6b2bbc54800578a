//! The report built from the bundled sample: its structure is a snapshot, its HTML is
//! self-contained.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use ltv_report::{sample, Document, Lang};

fn sample_report(lang: Lang) -> Document {
    sample::report(lang).unwrap()
}

#[test]
fn sample_report_structure_en() {
    let doc = sample_report(Lang::En);
    insta::assert_snapshot!("sample_outline_en", doc.outline());
}

#[test]
fn sample_report_structure_ja() {
    let doc = sample_report(Lang::Ja);
    insta::assert_snapshot!("sample_outline_ja", doc.outline());
}

#[test]
fn html_is_self_contained() {
    let html = sample_report(Lang::En).to_html().unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    for section in [
        "headline", "drivers", "rfm", "cohorts", "channels", "forecast", "plan",
    ] {
        assert!(
            html.contains(&format!("<section id=\"{section}\">")),
            "{section}"
        );
    }
    assert_eq!(html.matches("<svg").count(), 10);
    // nothing is fetched from the network: no external scripts, styles, fonts or images
    for needle in ["<script", "http://", "https://", "<link", "@import", "url("] {
        let hits: Vec<_> = html
            .match_indices(needle)
            .map(|(i, _)| &html[i.saturating_sub(40)..(i + 60).min(html.len())])
            .collect();
        assert!(
            hits.iter().all(|h| h.contains("www.w3.org/2000/svg")),
            "{needle}: {hits:?}"
        );
    }
}

/// A report whose job is cancelled stops with `Cancelled`; until then its phases are
/// reported in order.
#[test]
fn a_cancelled_report_stops_and_phases_are_reported() {
    use std::sync::{Arc, Mutex};

    use ltv_core::{Job, Phase, Watcher};
    use ltv_report::{build, ReportError, ReportInput};

    #[derive(Default, Clone)]
    struct Phases(Arc<Mutex<Vec<Phase>>>);
    impl Watcher for Phases {
        fn phase(&self, phase: Phase) {
            self.0.lock().unwrap().push(phase);
        }
        fn bytes(&self, _: u64, _: u64) {}
    }

    let (tx, spend, plan) = sample::load().unwrap();
    let input = ReportInput {
        transactions: &tx,
        spend: Some(&spend),
        plan: Some(&plan),
        board: None,
    };
    let phases = Phases::default();
    let mut options = sample::options(Lang::En);
    options.job = Job::new(Some(Box::new(phases.clone())));
    build(&input, &options).unwrap();
    assert_eq!(
        *phases.0.lock().unwrap(),
        [
            Phase::Aggregate,
            Phase::Fit,
            Phase::Segment,
            Phase::Plan,
            Phase::Render
        ]
    );
    options.job = Job::new(None);
    options.job.cancel();
    let err = build(&input, &options).unwrap_err();
    assert!(matches!(err, ReportError::Cancelled(_)), "{err}");
}
