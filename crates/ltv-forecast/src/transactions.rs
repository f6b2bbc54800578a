//! Loaded `ltv-segments` transactions as the neutral purchase histories the models take.

use ltv_segments::Transactions;

use crate::history::{CustomerHistory, Purchase};

/// Every customer's orders as a [`CustomerHistory`] (day numbers and exact amounts, in
/// date order); same-day purchases are merged later by [`crate::summarise`].
///
/// The one conversion the CLI, the server and the report share.
pub fn histories(tx: &Transactions) -> Vec<CustomerHistory> {
    tx.customers()
        .map(|c| CustomerHistory {
            customer_id: c.id.to_string(),
            purchases: c
                .orders
                .iter()
                .map(|o| Purchase {
                    day: i64::from(o.day.days()),
                    amount: o.amount,
                })
                .collect(),
        })
        .collect()
}
