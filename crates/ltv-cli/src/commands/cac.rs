//! `ltv cac`.

use std::io::Write;

use anyhow::Result;
use ltv_core::present::money;
use ltv_core::CacRequest;

use crate::args::{CacArgs, Format};
use crate::error;
use crate::output::{self, KvTable};

pub fn run(args: &CacArgs, out: &mut dyn Write) -> Result<()> {
    let report = CacRequest {
        marketing: args.marketing,
        sales: args.sales,
        new_customers: args.new_customers,
    }
    .evaluate()
    .map_err(error::core)?;
    let text = match args.format.format {
        Format::Json => output::json(&report)?,
        Format::Text => KvTable::new("CAC = (marketing + sales cost) ÷ new customers")
            .row("marketing cost", money(report.marketing))
            .row("sales cost", money(report.sales))
            .row("new customers", report.new_customers.to_string())
            .row("CAC", money(report.cac))
            .render(),
    };
    output::write(out, &text)
}
