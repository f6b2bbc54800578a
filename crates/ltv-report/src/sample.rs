//! The bundled sample: synthetic transactions of a small B2B e-commerce shop, a CAC file
//! and an initiatives file, generated deterministically by `cargo xtask gen-sample` from
//! the same seeded generator as `cargo xtask gen-data`.

use ltv_planner::PlanFile;
use ltv_segments::{read_spend, CsvFile, LoadOptions, Spend, Transactions};

use crate::build::{build, ReportInput, ReportOptions};
use crate::document::Document;
use crate::error::ReportError;
use crate::i18n::Lang;

/// Transactions: `customer_id,order_date,amount,channel`.
pub const TRANSACTIONS: &str = include_str!("../data/sample_transactions.csv");
/// Acquisition spend per channel: `channel,spend,new_customers`.
pub const CAC: &str = include_str!("../data/sample_cac.csv");
/// Initiatives (their baseline is measured from the sample's transactions).
pub const INITIATIVES: &str = include_str!("../data/sample_initiatives.toml");
/// The sample business's gross margin.
pub const MARGIN: &str = "0.4";
/// The sample's currency.
pub const CURRENCY: &str = "$";

/// The sample's transactions, CAC file and initiatives.
///
/// # Errors
/// Only if the bundled files were broken (a test guards against it).
pub fn load() -> Result<(Transactions, Spend, PlanFile), ReportError> {
    let tx = Transactions::from_csv(
        "sample_transactions.csv",
        TRANSACTIONS.as_bytes().to_vec(),
        b',',
        &LoadOptions::default(),
    )?;
    let spend = read_spend(&CsvFile::from_bytes(
        "sample_cac.csv",
        CAC.as_bytes().to_vec(),
        b',',
    )?)?;
    let plan = PlanFile::from_toml_str(INITIATIVES)?;
    Ok((tx, spend, plan))
}

/// The options the sample is shown with: its margin and currency.
pub fn options(lang: Lang) -> ReportOptions {
    ReportOptions {
        margin: MARGIN.parse().unwrap_or(ltv_core::Decimal::ONE),
        lang,
        currency: CURRENCY.into(),
        ..ReportOptions::default()
    }
}

/// The numbers of the sample report (what `ltv report --sample --format json` prints).
///
/// # Errors
/// Only if the bundled files were broken.
pub fn data(lang: Lang) -> Result<crate::ReportData, ReportError> {
    let (tx, spend, plan) = load()?;
    crate::build::report_data(
        &ReportInput {
            transactions: &tx,
            spend: Some(&spend),
            plan: Some(&plan),
            board: None,
        },
        &options(lang),
    )
}

/// The sample report (what `ltv report --sample` renders).
///
/// # Errors
/// Only if the bundled files were broken.
pub fn report(lang: Lang) -> Result<Document, ReportError> {
    let (tx, spend, plan) = load()?;
    build(
        &ReportInput {
            transactions: &tx,
            spend: Some(&spend),
            plan: Some(&plan),
            board: None,
        },
        &options(lang),
    )
}
