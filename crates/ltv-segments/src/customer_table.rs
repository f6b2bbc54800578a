//! [`CustomerTable`]: every customer's totals (first and last order, orders, distinct
//! order days, exact monetary total, channel) without the individual orders: what
//! summaries and RFM need, built in one streaming pass over a file.

use rayon::prelude::*;
use rust_decimal::Decimal;

use crate::aggregate;
use crate::customers::CustomerSummary;
use crate::day::Day;
use crate::error::{Result, SegmentsError};
use crate::table::{CsvFile, SkipReport};
use crate::transactions::{resolve, Customer, LoadOptions, Transactions};

/// One customer's totals as stored in a [`CustomerTable`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Totals {
    pub(crate) first: Day,
    pub(crate) last: Day,
    pub(crate) orders: u32,
    pub(crate) days: u32,
    pub(crate) monetary: Decimal,
    /// Index into the channel names; `u32::MAX` for none.
    pub(crate) channel: u32,
}

/// No channel.
pub(crate) const NO_CHANNEL: u32 = u32::MAX;

impl Totals {
    /// A customer's totals from its orders (sorted by day): the exact sum in that
    /// order, distinct days; `None` without orders or if the sum does not fit.
    pub(crate) fn of(customer: &Customer<'_>, channel: u32) -> Option<Totals> {
        let mut monetary = Decimal::ZERO;
        let mut days = 0u32;
        let mut prev = None;
        for o in customer.orders {
            monetary = monetary.checked_add(o.amount)?;
            if prev != Some(o.day) {
                days += 1;
                prev = Some(o.day);
            }
        }
        Some(Totals {
            first: customer.first_day()?,
            last: customer.last_day()?,
            orders: u32::try_from(customer.orders.len()).ok()?,
            days,
            monetary,
            channel,
        })
    }

    /// The summary of these totals at `as_of`.
    pub(crate) fn summary(&self, id: &str, channel: Option<&str>, as_of: Day) -> CustomerSummary {
        let orders = u64::from(self.orders);
        CustomerSummary {
            customer_id: id.to_string(),
            first_order: self.first,
            last_order: self.last,
            orders,
            frequency: u64::from(self.days.saturating_sub(1)),
            monetary_total: self.monetary,
            // orders ≥ 1 and |mean| ≤ |total|: the division cannot fail
            monetary_mean: self
                .monetary
                .checked_div(Decimal::from(orders.max(1)))
                .unwrap_or(self.monetary)
                .normalize(),
            recency_days: i64::from(as_of - self.last),
            tenure_days: i64::from(as_of - self.first),
            channel: channel.map(str::to_string),
        }
    }
}

/// Every customer's totals at the as-of day, in order of first appearance in the file
/// (the order of [`Transactions::customers`]).
///
/// [`CustomerTable::open`] builds it in one pass over the file without keeping the
/// orders (about 50 bytes per customer instead of 20 per order), which is what
/// `ltv rfm` and `ltv customers` need; [`CustomerTable::from_transactions`] builds the
/// same table from loaded transactions. Both give identical tables for the same data.
///
/// ```
/// use ltv_segments::{CustomerTable, CsvFile, LoadOptions};
/// let csv = "customer_id,order_date,amount,channel\n\
///            a,2024-01-05,10.00,ads\n\
///            b,2024-01-06,5,\n\
///            a,2024-01-05,2.50,email\n\
///            a,2024-02-01,-1.25,email\n";
/// let file = CsvFile::from_bytes("orders.csv", csv.as_bytes().to_vec(), b',')?;
/// let table = CustomerTable::load(&file, &LoadOptions::default())?;
/// assert_eq!(table.len(), 2);
/// let a = table.summary(0);
/// assert_eq!((a.customer_id.as_str(), a.channel.as_deref()), ("a", Some("ads")));
/// assert_eq!((a.orders, a.frequency, a.recency_days), (3, 1, 0));
/// assert_eq!(a.monetary_total.to_string(), "11.25");
/// # Ok::<(), ltv_segments::SegmentsError>(())
/// ```
#[derive(Debug, Clone)]
pub struct CustomerTable {
    pub(crate) file: String,
    pub(crate) as_of: Day,
    /// All ids back to back; customer i's id is `id_text[id_ends[i-1]..id_ends[i]]`.
    pub(crate) id_text: String,
    pub(crate) id_ends: Vec<usize>,
    pub(crate) totals: Vec<Totals>,
    pub(crate) channel_names: Vec<String>,
    pub(crate) rows_after_as_of: u64,
    pub(crate) skipped: SkipReport,
}

impl CustomerTable {
    /// Opens and reads `path` (`-` for stdin) into a table.
    ///
    /// # Errors
    /// As for [`Transactions::open`]: the same errors, with the same messages.
    pub fn open(path: &str, delimiter: u8, options: &LoadOptions) -> Result<CustomerTable> {
        let file = CsvFile::open(path, delimiter)?;
        CustomerTable::load(&file, options)
    }

    /// Reads an opened [`CsvFile`] into a table.
    ///
    /// One streaming pass aggregates every customer; when that pass meets something it
    /// leaves to the general loader (a bad row, an amount with more than 18 digits or
    /// 9 decimals, a huge id), the file is loaded through [`Transactions::load`]
    /// instead, so errors, skip reports and results are exactly the general ones.
    ///
    /// # Errors
    /// As for [`Transactions::load`].
    pub fn load(file: &CsvFile, options: &LoadOptions) -> Result<CustomerTable> {
        let cols = resolve(file, &options.columns)?;
        options.csv.job.check()?;
        if let Some(table) = aggregate::aggregate(file, &cols, options) {
            return Ok(table);
        }
        CustomerTable::from_transactions(&Transactions::load(file, options)?)
    }

    /// The totals of loaded transactions.
    ///
    /// # Errors
    /// [`ltv_core::CoreError::Overflow`] if a customer's amounts do not add up in a
    /// decimal (cannot happen for transactions loaded from a file, whose amounts are
    /// bounded).
    pub fn from_transactions(tx: &Transactions) -> Result<CustomerTable> {
        let totals = tx
            .par_customers()
            .enumerate()
            .map(|(i, c)| {
                Totals::of(&c, tx.channel_index(i).unwrap_or(NO_CHANNEL)).ok_or(
                    SegmentsError::Core(ltv_core::CoreError::Overflow {
                        what: "customer monetary total",
                    }),
                )
            })
            .collect::<Result<Vec<_>>>()?;
        let mut id_text = String::new();
        let mut id_ends = Vec::with_capacity(tx.len());
        for i in 0..tx.len() {
            id_text.push_str(tx.customer_id(i));
            id_ends.push(id_text.len());
        }
        Ok(CustomerTable {
            file: tx.file().to_string(),
            as_of: tx.as_of(),
            id_text,
            id_ends,
            totals,
            channel_names: tx.channel_names().to_vec(),
            rows_after_as_of: tx.rows_after_as_of(),
            skipped: tx.skip_report().clone(),
        })
    }

    /// Number of customers.
    pub fn len(&self) -> usize {
        self.totals.len()
    }

    /// Whether there are no customers.
    pub fn is_empty(&self) -> bool {
        self.totals.is_empty()
    }

    /// The file the data came from.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// The as-of day: given, or the latest order day in the data.
    pub fn as_of(&self) -> Day {
        self.as_of
    }

    /// Rows ignored because they are after the as-of day.
    pub fn rows_after_as_of(&self) -> u64 {
        self.rows_after_as_of
    }

    /// Rows skipped as invalid (with `skip_invalid`).
    pub fn skip_report(&self) -> &SkipReport {
        &self.skipped
    }

    /// The distinct channel names, in order of first appearance.
    pub fn channel_names(&self) -> &[String] {
        &self.channel_names
    }

    /// The id of customer `index` (`""` if out of range).
    pub fn customer_id(&self, index: usize) -> &str {
        let start = match index {
            0 => 0,
            i => self.id_ends.get(i - 1).copied().unwrap_or(0),
        };
        let end = self.id_ends.get(index).copied().unwrap_or(start);
        self.id_text.get(start..end).unwrap_or("")
    }

    /// The summary of customer `index` (the same as [`CustomerSummary::of`] on the
    /// customer's orders).
    ///
    /// # Panics
    /// If `index >= self.len()`.
    #[allow(clippy::indexing_slicing)]
    pub fn summary(&self, index: usize) -> CustomerSummary {
        let t = &self.totals[index];
        let channel = self.channel_names.get(t.channel as usize);
        t.summary(
            self.customer_id(index),
            channel.map(String::as_str),
            self.as_of,
        )
    }

    /// Every customer's summary, in table order.
    pub fn summaries(&self) -> Vec<CustomerSummary> {
        (0..self.len())
            .into_par_iter()
            .map(|i| self.summary(i))
            .collect()
    }

    /// Customer `index`'s totals.
    #[allow(clippy::indexing_slicing)]
    pub(crate) fn totals(&self, index: usize) -> &Totals {
        &self.totals[index]
    }
}
