//! A report from uploaded bytes: what the server's `POST /v1/report` (and its upload
//! page) builds, so no front end repeats how the three files are read.

use ltv_planner::PlanFile;
use ltv_segments::{read_spend, CsvFile, LoadOptions, Spend, Transactions};

use crate::build::{build, report_data, ReportInput, ReportOptions};
use crate::data::ReportData;
use crate::document::Document;
use crate::error::ReportError;

/// An uploaded file: its name (for messages) and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
    /// File name as uploaded, e.g. `orders.csv`.
    pub name: String,
    /// The contents.
    pub bytes: Vec<u8>,
}

/// The files of one report request.
#[derive(Debug, Clone)]
pub struct Uploads {
    /// Transactions CSV (required).
    pub transactions: Upload,
    /// How to read it (columns, date format, as-of, skip-invalid).
    pub read: LoadOptions,
    /// Field delimiter of the transactions CSV.
    pub delimiter: u8,
    /// CAC file: `channel,spend[,new_customers]`, or `spend[,new_customers]` for all
    /// customers.
    pub cac: Option<Upload>,
    /// Initiatives file: JSON when its name ends in `.json`, TOML otherwise.
    pub plan: Option<Upload>,
}

/// Reads the uploads and builds the report.
///
/// # Errors
/// A data error (file, line, column) in any of the files; an invalid initiatives file;
/// the errors of [`build`].
pub fn from_uploads(uploads: Uploads, options: &ReportOptions) -> Result<Document, ReportError> {
    let (tx, spend, plan) = read(uploads)?;
    build(
        &ReportInput {
            transactions: &tx,
            spend: spend.as_ref(),
            plan: plan.as_ref(),
            board: None,
        },
        options,
    )
}

/// Reads the uploads and computes the report's numbers (`POST /v1/report?format=json`).
///
/// # Errors
/// As for [`from_uploads`].
pub fn data_from_uploads(
    uploads: Uploads,
    options: &ReportOptions,
) -> Result<ReportData, ReportError> {
    let (tx, spend, plan) = read(uploads)?;
    report_data(
        &ReportInput {
            transactions: &tx,
            spend: spend.as_ref(),
            plan: plan.as_ref(),
            board: None,
        },
        options,
    )
}

type Read = (Transactions, Option<Spend>, Option<PlanFile>);

fn read(uploads: Uploads) -> Result<Read, ReportError> {
    let tx = Transactions::from_csv(
        &uploads.transactions.name,
        uploads.transactions.bytes,
        uploads.delimiter,
        &uploads.read,
    )?;
    let spend = match uploads.cac {
        Some(f) => Some(read_spend(&CsvFile::from_bytes(&f.name, f.bytes, b',')?)?),
        None => None,
    };
    let plan = match uploads.plan {
        Some(f) => {
            let text = String::from_utf8(f.bytes).map_err(|_| {
                ReportError::Unavailable(format!(
                    "{}: the initiatives file is not UTF-8 text",
                    f.name
                ))
            })?;
            Some(if f.name.to_ascii_lowercase().ends_with(".json") {
                PlanFile::from_json_str(&text)?
            } else {
                PlanFile::from_toml_str(&text)?
            })
        }
        None => None,
    };
    Ok((tx, spend, plan))
}
