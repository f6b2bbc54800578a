//! The CSV readers: the fixture reads as hand-parsed, bad rows name file/line/column,
//! duplicates name both lines, events convert by the month-end rule.

use ltv_saas::{
    read_events_table, read_mrr, EventReadOptions, MrrColumns, MrrReadOptions, SaasError,
};
use ltv_segments::{CsvFile, CsvOptions};

use crate::{d, load};

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/mrr_fixture.csv");
const EVENTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/events_fixture.csv");

fn mem(text: &str) -> CsvFile {
    CsvFile::from_bytes("mrr.csv", text.as_bytes().to_vec(), b',').unwrap()
}

fn mrr_err(text: &str) -> String {
    read_mrr(&mem(text), &MrrReadOptions::default())
        .unwrap_err()
        .to_string()
}

#[test]
fn fixture_reads_like_the_hand_parser() {
    let file = CsvFile::open(FIXTURE, b',').unwrap();
    let (table, skipped) = read_mrr(&file, &MrrReadOptions::default()).unwrap();
    assert_eq!(skipped.skipped, 0);
    assert_eq!(table, load(FIXTURE));
    let a = &table.customers()[0];
    assert_eq!(
        (a.plan.as_deref(), a.channel.as_deref()),
        (Some("growth"), Some("organic"))
    );
}

#[test]
fn bad_rows_name_file_line_column_and_text() {
    assert_eq!(
        mrr_err("customer_id,month,mrr\na,2024-01,10\nb,2024-13,10\n"),
        "mrr.csv:3: column 'month': not a month in the format YYYY-MM: '2024-13'"
    );
    assert_eq!(
        mrr_err("customer_id,month,mrr\na,2024-01,-5\n"),
        "mrr.csv:2: column 'mrr': mrr must be >= 0: '-5'"
    );
    assert_eq!(
        mrr_err("customer_id,month,mrr\na,2024-01,ten\n"),
        "mrr.csv:2: column 'mrr': not a decimal amount (expected digits with an optional sign and '.'): 'ten'"
    );
    assert_eq!(
        mrr_err("customer_id,month,mrr\n,2024-01,1\n"),
        "mrr.csv:2: column 'customer_id': missing value: ''"
    );
    let err = mrr_err("customer,month,mrr\na,2024-01,1\n");
    assert_eq!(
        err,
        "mrr.csv: no column 'customer_id' (set by --customer-col); the header has: customer, month, mrr"
    );
}

#[test]
fn column_mapping() {
    let file = CsvFile::from_bytes(
        "mrr.csv",
        b"acct;period;amount\na;2024-01;1\n".to_vec(),
        b';',
    )
    .unwrap();
    let options = MrrReadOptions {
        columns: MrrColumns {
            customer: "acct".into(),
            month: "period".into(),
            mrr: "amount".into(),
            ..MrrColumns::default()
        },
        ..MrrReadOptions::default()
    };
    let (table, _) = read_mrr(&file, &options).unwrap();
    assert_eq!(table.customers()[0].mrr(d("2024-01")), 1.into());
}

#[test]
fn duplicates_name_both_file_lines() {
    // the blank line is skipped by the reader but still counts as a line
    let text = "customer_id,month,mrr\na,2024-01,10\n\nb,2024-01,5\na,2024-01,20\n";
    assert_eq!(
        mrr_err(text),
        "mrr.csv: duplicate rows for customer a in 2024-01: lines 2 and 5 (use --sum-duplicates to add them)"
    );
    let options = MrrReadOptions {
        sum_duplicates: true,
        ..MrrReadOptions::default()
    };
    let (table, _) = read_mrr(&mem(text), &options).unwrap();
    assert_eq!(table.customers()[0].mrr(d("2024-01")), 30.into());
}

#[test]
fn skip_invalid_reports_what_it_skipped() {
    let options = MrrReadOptions {
        csv: CsvOptions {
            skip_invalid: true,
            job: Default::default(),
        },
        ..MrrReadOptions::default()
    };
    let text = "customer_id,month,mrr\na,2024-01,10\nb,24-01,5\nc,2024-01,x\nd,2024-02,1\n";
    let (table, report) = read_mrr(&mem(text), &options).unwrap();
    assert_eq!(table.customers().len(), 2);
    assert_eq!(report.skipped, 2);
    assert_eq!(
        report.describe(),
        "skipped 2 invalid rows:\n  mrr.csv:3: column 'month': not a month in the format YYYY-MM: '24-01'\n  mrr.csv:4: column 'mrr': not a decimal amount (expected digits with an optional sign and '.'): 'x'"
    );
}

#[test]
fn events_convert_at_month_end() {
    let file = CsvFile::open(EVENTS, b',').unwrap();
    let (table, _) = read_events_table(&file, &EventReadOptions::default()).unwrap();
    // the events file describes the same history as the MRR fixture
    assert_eq!(table.customers().len(), 6);
    for (from_events, from_mrr) in table.customers().iter().zip(load(FIXTURE).customers()) {
        assert_eq!(from_events.id, from_mrr.id);
        assert_eq!(
            from_events.series(),
            from_mrr.series(),
            "{}",
            from_events.id
        );
    }
}

#[test]
fn contradicting_event_names_its_file_line() {
    let text = "customer_id,date,event,mrr\na,2024-01-05,start,10\nb,2024-01-09,start,10\n\na,2024-02-01,start,20\n";
    let file = CsvFile::from_bytes("events.csv", text.as_bytes().to_vec(), b',').unwrap();
    let err = read_events_table(&file, &EventReadOptions::default()).unwrap_err();
    assert!(matches!(err, SaasError::Event { line: 5, .. }));
    assert_eq!(
        err.to_string(),
        "events.csv:5: customer a: start while a subscription is already active"
    );
}

#[test]
fn parallel_read_equals_in_memory_table() {
    // large enough to be split into several chunks read in parallel
    let rows = ltv_saas::synthetic::generate(3000, 36, 5);
    let mut csv = Vec::new();
    ltv_saas::synthetic::write_csv(&rows, &mut csv).unwrap();
    let file = CsvFile::from_bytes("synthetic.csv", csv, b',').unwrap();
    let (table, _) = read_mrr(&file, &MrrReadOptions::default()).unwrap();
    assert_eq!(table, ltv_saas::MrrTable::from_rows(rows, false).unwrap());
    // a duplicate far into the file still names both file lines
    let mut text = String::from_utf8(file_bytes(&table)).unwrap();
    text.push_str("c000001,2022-01,1\nc000001,2022-01,2\n");
    let lines = text.lines().count() as u64;
    let err = read_mrr(
        &CsvFile::from_bytes("x.csv", text.into_bytes(), b',').unwrap(),
        &MrrReadOptions::default(),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("x.csv: duplicate rows for customer c000001 in 2022-01: lines {} and {lines} (use --sum-duplicates to add them)", lines - 1)
    );
}

/// A CSV of the table with every customer-month row (customer c000001 never in 2022-01).
fn file_bytes(table: &ltv_saas::MrrTable) -> Vec<u8> {
    let mut out = b"customer_id,month,mrr\n".to_vec();
    for c in table.customers() {
        for (m, v) in c.series() {
            if c.id == "c000001" && *m == d("2022-01") {
                continue;
            }
            out.extend(format!("{},{m},{v}\n", c.id).as_bytes());
        }
    }
    out
}
