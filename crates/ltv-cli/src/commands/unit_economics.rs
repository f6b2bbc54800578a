//! `ltv unit-economics`.

use std::io::Write;

use anyhow::Result;
use ltv_core::present::money;
use ltv_core::UnitEconomicsRequest;

use crate::args::{Format, UnitEconomicsArgs};
use crate::error;
use crate::output::{self, KvTable};

pub fn run(args: &UnitEconomicsArgs, out: &mut dyn Write) -> Result<()> {
    let ue = UnitEconomicsRequest {
        ltv: args.ltv,
        cac: args.cac,
        arpu: args.arpu,
        margin: args.margin,
    }
    .evaluate()
    .map_err(error::core)?;
    let text = match args.format.format {
        Format::Json => output::json(&ue)?,
        Format::Text => {
            let mut t = KvTable::new("Unit economics");
            t.row("LTV", money(ue.ltv)).row("CAC", money(ue.cac)).note(
                "LTV/CAC",
                money(ue.ratio),
                ue.band.describe(ltv_core::Lang::En),
            );
            match ue.payback_periods {
                Some(Some(p)) => {
                    t.row("CAC payback", format!("{} periods", money(p)));
                }
                Some(None) => {
                    t.row("CAC payback", "never (gross profit per period is 0)");
                }
                None => {}
            }
            t.render()
        }
    };
    output::write(out, &text)
}
