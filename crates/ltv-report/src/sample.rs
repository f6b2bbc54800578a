//! The bundled sample: synthetic transactions, a CAC file and an initiatives file,
//! generated deterministically by `cargo xtask gen-sample` (see `data/README.md`).

/// Transactions: `customer_id,order_date,amount,channel`.
pub const TRANSACTIONS: &str = include_str!("../data/sample_transactions.csv");
/// Acquisition spend per channel: `channel,spend,new_customers`.
pub const CAC: &str = include_str!("../data/sample_cac.csv");
/// Initiatives with a baseline derived from the sample's own drivers.
pub const INITIATIVES: &str = include_str!("../data/sample_initiatives.toml");
