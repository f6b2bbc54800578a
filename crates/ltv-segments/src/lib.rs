//! Transactions → customer summaries, RFM segments, cohorts and channel LTV.
//!
//! `ltv-segments` reads a transactions CSV (one row per order: customer, date, amount,
//! optional acquisition channel) strictly and fast — in parallel, exact
//! [`rust_decimal::Decimal`] money, every bad row reported with file, line, column and
//! text — and turns it into per-customer summaries, RFM scores and named segments,
//! cohort matrices, channel economics and data-driven LTV drivers.
//!
//! Layers, each usable on its own:
//! - [`CsvFile`] / [`CsvOptions`] / [`Record`]: a strict parallel reader for any CSV
//!   with named columns ([`DataError`] carries file, line, column and text).
//! - [`Transactions`] ([`LoadOptions`], [`TransactionColumns`], [`DateFormat`]): the
//!   loaded orders, per customer, sorted by [`Day`], with
//!   [`Customer::daily_history`] for models that need same-day purchases merged.
//! - [`CustomerTable`]: every customer's totals without the orders, read in one
//!   streaming pass (10 million rows in about 1.4 s on two cores; memory is one round
//!   of at most 128 MiB of the file as 32-byte records, plus the customers);
//!   [`rfm_table`] and [`CustomersReport::of_table`] work on it.
//! - Analyses on top: [`summarize`] (per customer), [`rfm`] with a [`SegmentMap`]
//!   (presets `default` and `rf-grid`, or TOML), [`cohorts`] (retention, revenue,
//!   cumulative LTV by month/week/quarter/channel), [`channel_economics`] (revenue per
//!   channel at a horizon), [`read_spend`] / [`match_spend`] (a CAC file and how its
//!   channels meet the data's) and [`drivers`] / [`drivers_by`] (AOV, frequency, churn,
//!   lifespan, repeat rate, year-over-year retention, for all customers or per group).
//! - [`generate`]: a seeded synthetic transactions file (benchmarks, demos).
//!
//! ```
//! use ltv_segments::{summarize, LoadOptions, Transactions};
//! let csv = "customer_id,order_date,amount\n\
//!            alice,2024-01-03,120.00\n\
//!            bob,2024-01-10,40.00\n\
//!            alice,2024-03-01,80.50\n";
//! let tx = Transactions::from_csv("orders.csv", csv.as_bytes().to_vec(), b',', &LoadOptions::default())?;
//! let summaries = summarize(&tx)?;
//! assert_eq!(summaries[0].customer_id, "alice");
//! assert_eq!(summaries[0].monetary_total.to_string(), "200.50");
//! assert_eq!(summaries[1].recency_days, 51);
//! # Ok::<(), ltv_segments::SegmentsError>(())
//! ```
#![warn(missing_docs)]

mod aggregate;
mod cell;
mod channels;
mod cohort;
mod customer_table;
mod customers;
mod day;
mod drivers;
mod encoding;
mod error;
mod hash;
mod id_map;
mod rfm;
mod segment_map;
mod synth;
mod table;
mod transactions;

pub use cell::{
    exact_decimal, guess_date_formats, parse_amount, parse_amount_as, AmountFormat, DateFormat,
    DecimalProblem,
};
pub use channels::{
    channel_economics, match_spend, read_spend, ChannelReport, ChannelRow, ChannelSpend,
    MatchedSpend, Spend, SpendMatch,
};
pub use cohort::{cohorts, CohortKey, CohortMatrix, CohortMetric, CohortRow, MAX_CELLS};
pub use customer_table::CustomerTable;
pub use customers::{summarize, CustomerSummary, CustomersReport};
pub use day::Day;
pub use drivers::{
    drivers, drivers_by, grouped, DriverOptions, Drivers, GroupBy, GroupDrivers, Grouped,
    YearOverYear, DEFAULT_INACTIVE_DAYS, DEFAULT_REPEAT_DAYS,
};
pub use encoding::Encoding;
pub use error::{DataError, Result, SegmentsError};
pub use rfm::{
    rank_scores, rfm, rfm_table, DimensionScoring, RfmOptions, RfmReport, RfmRow, ScoreRange,
    SegmentSummary, MAX_BINS,
};
pub use segment_map::{Rule, SegmentMap};
pub use synth::{generate, SplitMix64, SynthConfig, SynthStats, CHANNELS};
pub use table::{
    csv_field, is_formula_like, parse_delimiter, read_lines_bounded, read_text_file, CsvFile,
    CsvOptions, FieldError, Record, SkipReport, MAX_LINE_BYTES, MAX_TEXT_FILE_BYTES,
    SKIP_REASONS_KEPT,
};
pub use transactions::{
    Customer, DailyPurchase, LoadOptions, Order, TransactionColumns, Transactions,
};
