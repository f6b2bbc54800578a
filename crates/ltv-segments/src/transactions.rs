//! Loading a transactions file into per-customer order histories: [`Transactions`].
//!
//! Rows are parsed in parallel (one chunk per thread); each chunk interns its customer
//! ids in its own map and keeps compact rows; the chunks are merged once, orders are
//! grouped per customer (customers in order of first appearance in the file) and
//! sorted by day. Memory is about 24 bytes per row while loading and 20 bytes per row
//! plus the ids afterwards.

use rayon::prelude::*;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::cell::{parse_amount_as, AmountFormat, DateFormat};
use crate::day::Day;
use crate::error::{Result, SegmentsError};
use crate::hash::Names;
use crate::id_map::{IdMap, Key};
use crate::table::{CsvFile, CsvOptions, FieldError, Record, SkipReport};

/// Which columns hold what. Defaults: `customer_id`, `order_date`, `amount`, and
/// `channel` if the header has it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransactionColumns {
    /// Customer id column.
    pub customer: String,
    /// Order date column.
    pub date: String,
    /// Amount column (decimal; negative = refund).
    pub amount: String,
    /// Acquisition channel column: `None` uses `channel` when present; `Some(name)`
    /// requires that column.
    pub channel: Option<String>,
}

impl Default for TransactionColumns {
    fn default() -> Self {
        TransactionColumns {
            customer: "customer_id".into(),
            date: "order_date".into(),
            amount: "amount".into(),
            channel: None,
        }
    }
}

/// Everything that controls how a transactions file is read.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Column names.
    pub columns: TransactionColumns,
    /// How dates are written.
    pub date_format: DateFormat,
    /// Reader options (skip invalid rows, progress).
    pub csv: CsvOptions,
    /// Ignore orders after this day; default: the latest order day in the data.
    pub as_of: Option<Day>,
    /// How amounts are written: plain digits (default) or with thousands separators
    /// and a currency sign.
    pub amount_format: AmountFormat,
}

/// One order: its day and amount (negative for a refund).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Order {
    /// The order's calendar day.
    pub day: Day,
    /// The amount (money); negative for a refund.
    pub amount: Decimal,
}

/// All purchases of one customer on one day, merged (the unit of the BTYD models).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DailyPurchase {
    /// The day.
    pub day: Day,
    /// Sum of that day's amounts.
    pub amount: Decimal,
    /// Number of rows merged.
    pub orders: u32,
}

/// One customer's view into [`Transactions`].
#[derive(Debug, Clone, Copy)]
pub struct Customer<'t> {
    /// The id as written in the file.
    pub id: &'t str,
    /// Acquisition channel: the channel of the first order (earliest day; on a tie, the
    /// earlier row in the file); `None` without a channel column or for an empty cell.
    pub channel: Option<&'t str>,
    /// Orders on or before the as-of day, sorted by day (rows of one day in file order).
    pub orders: &'t [Order],
}

impl Customer<'_> {
    /// The purchase history with same-day orders merged, sorted by day.
    pub fn daily_history(&self) -> Vec<DailyPurchase> {
        self.daily_history_until(Day::from_days(i32::MAX))
    }

    /// Like [`Customer::daily_history`], keeping only days on or before `until` (for a
    /// calibration / holdout split).
    pub fn daily_history_until(&self, until: Day) -> Vec<DailyPurchase> {
        let mut out: Vec<DailyPurchase> = Vec::new();
        for order in self.orders.iter().take_while(|o| o.day <= until) {
            match out.last_mut() {
                Some(last) if last.day == order.day => {
                    last.amount += order.amount;
                    last.orders += 1;
                }
                _ => out.push(DailyPurchase {
                    day: order.day,
                    amount: order.amount,
                    orders: 1,
                }),
            }
        }
        out
    }

    /// The first order's day.
    pub fn first_day(&self) -> Option<Day> {
        self.orders.first().map(|o| o.day)
    }

    /// The last order's day.
    pub fn last_day(&self) -> Option<Day> {
        self.orders.last().map(|o| o.day)
    }
}

/// A loaded transactions file: every customer's sorted order history up to the as-of day.
///
/// ```
/// use ltv_segments::{Day, LoadOptions, Transactions};
/// let csv = "customer_id,order_date,amount,channel\n\
///            a,2024-01-05,10.00,ads\n\
///            b,2024-01-06,5,\n\
///            a,2024-01-05,2.50,email\n\
///            a,2024-02-01,-1.25,email\n";
/// let tx = Transactions::from_csv("orders.csv", csv.as_bytes().to_vec(), b',', &LoadOptions::default())?;
/// assert_eq!(tx.len(), 2);
/// let a = tx.customer(0);
/// assert_eq!((a.id, a.channel), ("a", Some("ads")));
/// let days = a.daily_history();
/// assert_eq!(days.len(), 2);
/// assert_eq!(days[0].amount.to_string(), "12.50");
/// assert_eq!(tx.as_of(), Day::from_ymd(2024, 2, 1).unwrap());
/// # Ok::<(), ltv_segments::SegmentsError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Transactions {
    file: String,
    /// All ids back to back; customer i's id is `id_text[id_ends[i-1]..id_ends[i]]`.
    id_text: String,
    id_ends: Vec<usize>,
    channel_of: Vec<Option<u32>>,
    channel_names: Vec<String>,
    offsets: Vec<usize>,
    orders: Vec<Order>,
    as_of: Day,
    rows_after_as_of: u64,
    skipped: SkipReport,
}

/// A row as kept while loading.
#[derive(Clone, Copy)]
struct Row {
    customer: u32,
    day: Day,
    amount: Decimal,
}

/// Per customer while loading: number, rows on or before the as-of limit, first
/// order day and its channel.
#[derive(Clone, Copy)]
struct Slot {
    id: u32,
    count: u32,
    first_day: Day,
    channel: Option<u32>,
}

/// Per customer while merging: a handle, its first appearance, rows, first order.
#[derive(Clone, Copy)]
struct Merged {
    handle: u32,
    first_seen: u64,
    count: u32,
    first_day: Day,
    channel: Option<u32>,
}

/// What one chunk of the file produces.
struct Chunk<'a> {
    ids: IdMap<'a, Slot>,
    channels: Names<'a>,
    rows: Vec<Row>,
    max_day: Option<Day>,
    /// Rows after this day are not counted (they will be dropped).
    limit: Day,
}

impl<'a> Chunk<'a> {
    fn new(limit: Option<Day>) -> Self {
        Chunk {
            ids: IdMap::with_capacity(1 << 16),
            channels: Names::default(),
            rows: Vec::new(),
            max_day: None,
            limit: limit.unwrap_or(Day::from_days(i32::MAX)),
        }
    }

    fn push(&mut self, id: &'a [u8], channel: Option<&'a [u8]>, day: Day, amount: Decimal) {
        let channel = channel.map(|c| self.channels.number(c));
        let (slot, _) = self.ids.entry(id, |n| Slot {
            id: n,
            count: 0,
            first_day: day,
            channel,
        });
        if day < slot.first_day {
            slot.first_day = day;
            slot.channel = channel;
        }
        if day <= self.limit {
            slot.count += 1;
        }
        let customer = slot.id;
        self.max_day = Some(self.max_day.map_or(day, |m| m.max(day)));
        self.rows.push(Row {
            customer,
            day,
            amount,
        });
    }
}

/// Column indices resolved against a header.
pub(crate) struct Resolved {
    pub(crate) customer: usize,
    pub(crate) date: usize,
    pub(crate) amount: usize,
    pub(crate) channel: Option<usize>,
}

pub(crate) fn resolve(file: &CsvFile, columns: &TransactionColumns) -> Result<Resolved> {
    Ok(Resolved {
        customer: file.column(&columns.customer, "--customer-col")?,
        date: file.column(&columns.date, "--date-col")?,
        amount: file.column(&columns.amount, "--amount-col")?,
        channel: match &columns.channel {
            Some(name) => Some(file.column(name, "--channel-col")?),
            None => file.optional_column("channel"),
        },
    })
}

/// The reason for a cell that is not UTF-8.
pub(crate) const NOT_UTF8: &str =
    "not valid UTF-8 (for a Shift_JIS file, set the encoding to shift_jis)";

fn parse_row<'a>(
    chunk: &mut Chunk<'a>,
    rec: &Record<'a, '_>,
    cols: &Resolved,
    dates: &DateFormat,
    amounts: AmountFormat,
) -> Result<(), FieldError> {
    let id = rec.raw(cols.customer).trim_ascii();
    if id.is_empty() {
        return Err(FieldError::new(cols.customer, "missing value"));
    }
    // validate UTF-8 once per row (ids are stored as text)
    if std::str::from_utf8(id).is_err() {
        return Err(FieldError::new(cols.customer, NOT_UTF8));
    }
    let day = dates
        .parse(rec.raw(cols.date))
        .map_err(|r| FieldError::new(cols.date, r))?;
    let amount = parse_amount_as(rec.raw(cols.amount), amounts)
        .map_err(|r| FieldError::new(cols.amount, r))?;
    let channel = match cols.channel {
        Some(c) => {
            let raw = rec.raw(c).trim_ascii();
            if std::str::from_utf8(raw).is_err() {
                return Err(FieldError::new(c, NOT_UTF8));
            }
            (!raw.is_empty()).then_some(raw)
        }
        None => None,
    };
    chunk.push(id, channel, day, amount);
    Ok(())
}

impl Transactions {
    /// Opens and loads `path` (`-` for stdin).
    ///
    /// # Errors
    /// [`SegmentsError::Io`], [`SegmentsError::Header`], [`SegmentsError::UnknownColumn`],
    /// a [`crate::DataError`] for the first bad row (unless skipping), and
    /// [`SegmentsError::NoData`] if no row is on or before the as-of day.
    pub fn open(path: &str, delimiter: u8, options: &LoadOptions) -> Result<Transactions> {
        let file = CsvFile::open(path, delimiter)?;
        Transactions::load(&file, options)
    }

    /// Loads a CSV held in memory; `name` is used in errors.
    ///
    /// # Errors
    /// As for [`Transactions::open`].
    pub fn from_csv(
        name: &str,
        data: Vec<u8>,
        delimiter: u8,
        options: &LoadOptions,
    ) -> Result<Transactions> {
        let file = CsvFile::from_bytes(name, data, delimiter)?;
        Transactions::load(&file, options)
    }

    /// Loads an opened [`CsvFile`].
    ///
    /// # Errors
    /// As for [`Transactions::open`].
    pub fn load(file: &CsvFile, options: &LoadOptions) -> Result<Transactions> {
        let cols = resolve(file, &options.columns)?;
        options.csv.job.check()?;
        if let Some(tx) = crate::aggregate::transactions(file, &cols, options) {
            return tx.bounded();
        }
        Transactions::load_general(file, &cols, options)
    }

    /// The general loader: every row through the CSV reader, per-chunk id maps merged
    /// in file order. Everything the fast pass leaves to it (bad rows, skipping, huge
    /// amounts, quoted ids) comes here, and the proptests pin the two to one result.
    pub(crate) fn load_general(
        file: &CsvFile,
        cols: &Resolved,
        options: &LoadOptions,
    ) -> Result<Transactions> {
        let (chunks, skipped) = file.fold_chunks(
            &options.csv,
            || Chunk::new(options.as_of),
            |chunk, rec| {
                parse_row(
                    chunk,
                    rec,
                    cols,
                    &options.date_format,
                    options.amount_format,
                )
            },
        )?;
        assemble(file.name(), chunks, options.as_of, skipped)?.bounded()
    }

    /// Builds transactions from rows `(customer id, channel, day, amount)` in memory
    /// (tests, other front ends), as if they were the rows of a file.
    ///
    /// # Errors
    /// [`SegmentsError::NoData`] if no row is on or before `as_of`.
    pub fn from_rows<'r>(
        rows: impl IntoIterator<Item = (&'r str, Option<&'r str>, Day, Decimal)>,
        as_of: Option<Day>,
    ) -> Result<Transactions> {
        let mut chunk = Chunk::new(as_of);
        for (id, channel, day, amount) in rows {
            chunk.push(
                id.as_bytes(),
                channel.filter(|c| !c.is_empty()).map(str::as_bytes),
                day,
                amount,
            );
        }
        assemble("<rows>", vec![chunk], as_of, SkipReport::default())?.bounded()
    }

    /// Transactions from the fast pass's customers (in order of first appearance) and
    /// their orders, placed in that order; `None` if they do not fit together.
    pub(crate) fn from_table(table: crate::CustomerTable, orders: Vec<Order>) -> Option<Self> {
        let mut offsets = Vec::with_capacity(table.totals.len() + 1);
        offsets.push(0usize);
        let mut total = 0usize;
        for t in &table.totals {
            total += t.orders as usize;
            offsets.push(total);
        }
        if total != orders.len() {
            return None;
        }
        let channel_of = table
            .totals
            .iter()
            .map(|t| (t.channel != crate::customer_table::NO_CHANNEL).then_some(t.channel))
            .collect();
        Some(Transactions {
            file: table.file,
            id_text: table.id_text,
            id_ends: table.id_ends,
            channel_of,
            channel_names: table.channel_names,
            offsets,
            orders,
            as_of: table.as_of,
            rows_after_as_of: table.rows_after_as_of,
            skipped: table.skipped,
        })
    }

    /// Number of customers (with at least one order on or before the as-of day).
    pub fn len(&self) -> usize {
        self.id_ends.len()
    }

    /// Whether there are no customers.
    pub fn is_empty(&self) -> bool {
        self.id_ends.is_empty()
    }

    /// Customer `index` (0-based, in order of first appearance in the file).
    ///
    /// # Panics
    /// If `index >= self.len()`.
    #[allow(clippy::indexing_slicing)]
    pub fn customer(&self, index: usize) -> Customer<'_> {
        Customer {
            id: self.customer_id(index),
            channel: self.channel_of[index]
                .and_then(|c| self.channel_names.get(c as usize).map(String::as_str)),
            orders: &self.orders[self.offsets[index]..self.offsets[index + 1]],
        }
    }

    /// Index into [`Transactions::channel_names`] of customer `index`'s channel.
    pub(crate) fn channel_index(&self, index: usize) -> Option<u32> {
        self.channel_of.get(index).copied().flatten()
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

    /// All customers in order of first appearance.
    pub fn customers(&self) -> impl ExactSizeIterator<Item = Customer<'_>> + '_ {
        (0..self.len()).map(|i| self.customer(i))
    }

    /// All customers as a parallel iterator (same order when collected).
    pub fn par_customers(&self) -> impl IndexedParallelIterator<Item = Customer<'_>> + '_ {
        (0..self.len()).into_par_iter().map(|i| self.customer(i))
    }

    /// The file the data came from.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// The as-of day: given, or the latest order day in the data.
    pub fn as_of(&self) -> Day {
        self.as_of
    }

    /// The earliest order day.
    pub fn first_day(&self) -> Day {
        self.orders
            .iter()
            .map(|o| o.day)
            .min()
            .unwrap_or(self.as_of)
    }

    /// Number of orders kept (on or before the as-of day).
    pub fn order_count(&self) -> usize {
        self.orders.len()
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

    /// Whether any customer has a channel.
    pub fn has_channels(&self) -> bool {
        !self.channel_names.is_empty()
    }

    /// Refuses data whose amounts are so large that Σ |amount| does not fit in a
    /// decimal. Every sum an analysis forms (per customer, day, cohort, channel or
    /// segment, with refunds in any order) is bounded by that, so after this check no
    /// sum of amounts can overflow and the analyses need no per-sum checks.
    fn bounded(self) -> Result<Transactions> {
        let bound = self
            .orders
            .par_iter()
            .map(|o| Some(o.amount.abs()))
            .try_reduce(|| Decimal::ZERO, |a, b| a.checked_add(b));
        match bound {
            Some(_) => Ok(self),
            None => Err(SegmentsError::NoData {
                file: self.file,
                reason: "the amounts are too large: their absolute values add up to more than a 96-bit decimal holds (about 7.9e28)".into(),
            }),
        }
    }

    /// Exact sum of all kept amounts.
    ///
    /// # Errors
    /// [`ltv_core::CoreError::Overflow`] if the sum does not fit.
    pub fn total_amount(&self) -> Result<Decimal> {
        self.orders
            .iter()
            .try_fold(Decimal::ZERO, |acc, o| acc.checked_add(o.amount))
            .ok_or(SegmentsError::Core(ltv_core::CoreError::Overflow {
                what: "total amount",
            }))
    }
}

fn assemble(
    name: &str,
    chunks: Vec<Chunk<'_>>,
    as_of: Option<Day>,
    skipped: SkipReport,
) -> Result<Transactions> {
    let no_data = |reason: String| SegmentsError::NoData {
        file: name.to_string(),
        reason,
    };
    let Some(max_day) = chunks.iter().filter_map(|c| c.max_day).max() else {
        return Err(no_data(if skipped.skipped > 0 {
            format!("no valid rows (all {} rows were invalid)", skipped.skipped)
        } else {
            "no rows after the header".into()
        }));
    };
    let as_of = as_of.unwrap_or(max_day);

    // Merge the chunks' tables, walking each table's memory in order. A customer's
    // place is its first appearance: (chunk, number within the chunk); on equal first
    // days the earlier chunk's channel wins (chunks are merged in file order).
    let most = chunks.iter().map(|c| c.ids.len()).max().unwrap_or(0);
    let mut ids: IdMap<'_, Merged> = IdMap::with_capacity(most);
    let mut channels = Names::default();
    let mut remaps: Vec<Vec<u32>> = Vec::with_capacity(chunks.len());
    let mut chunk_rows: Vec<Vec<Row>> = Vec::with_capacity(chunks.len());
    for (c, chunk) in chunks.into_iter().enumerate() {
        let channel_map = channels.numbers(chunk.channels.names());
        let mut remap = vec![u32::MAX; chunk.ids.len()];
        for (key, local) in chunk.ids.into_entries() {
            let channel = local
                .channel
                .and_then(|ch| channel_map.get(ch as usize).copied());
            let (slot, new) = ids.entry_key(key, |n| Merged {
                handle: n,
                first_seen: ((c as u64) << 32) | u64::from(local.id),
                count: 0,
                first_day: local.first_day,
                channel,
            });
            if !new && local.first_day < slot.first_day {
                slot.first_day = local.first_day;
                slot.channel = channel;
            }
            slot.count += local.count;
            if let Some(r) = remap.get_mut(local.id as usize) {
                *r = slot.handle;
            }
        }
        remaps.push(remap);
        chunk_rows.push(chunk.rows);
    }
    let channel_keys = channels.into_names();

    // Customers with an order on or before as-of, in order of first appearance.
    let handles = ids.len();
    let mut merged: Vec<(Key<'_>, Merged)> =
        ids.into_entries().filter(|(_, m)| m.count > 0).collect();
    merged.par_sort_unstable_by_key(|(_, m)| m.first_seen);
    let mut dense = vec![u32::MAX; handles];
    let mut offsets = Vec::with_capacity(merged.len() + 1);
    let mut id_bytes: Vec<u8> = Vec::with_capacity(merged.len() * 8);
    let mut id_ends = Vec::with_capacity(merged.len());
    let mut channel_of = Vec::with_capacity(merged.len());
    offsets.push(0usize);
    let mut total = 0usize;
    for (key, m) in &merged {
        if let Some(d) = dense.get_mut(m.handle as usize) {
            *d = id_ends.len() as u32;
        }
        key.bytes_into(&mut id_bytes);
        id_ends.push(id_bytes.len());
        channel_of.push(m.channel);
        total += m.count as usize;
        offsets.push(total);
    }
    drop(merged);
    let (id_text, id_ends) = id_text(id_bytes, id_ends);
    // Chunk-local number → dense number, one lookup per row below.
    for remap in &mut remaps {
        for id in remap.iter_mut() {
            *id = dense.get(*id as usize).copied().unwrap_or(u32::MAX);
        }
    }
    drop(dense);
    if id_ends.is_empty() {
        return Err(no_data(format!(
            "no orders on or before the as-of date {as_of} (the first is later)"
        )));
    }
    let channel_names: Vec<String> = channel_keys
        .iter()
        .map(|k| crate::table::unescaped_text(k))
        .collect();

    // Scatter the rows into per-customer runs, then sort each run by day.
    let mut cursor: Vec<usize> = offsets[..offsets.len() - 1].to_vec();
    let mut orders = vec![
        Order {
            day: as_of,
            amount: Decimal::ZERO
        };
        total
    ];
    let mut rows_after_as_of = 0u64;
    for (rows, remap) in chunk_rows.into_iter().zip(&remaps) {
        for row in rows {
            if row.day > as_of {
                rows_after_as_of += 1;
                continue;
            }
            let Some(&c) = remap.get(row.customer as usize) else {
                continue;
            };
            if let Some(pos) = cursor.get_mut(c as usize) {
                if let Some(slot) = orders.get_mut(*pos) {
                    *slot = Order {
                        day: row.day,
                        amount: row.amount,
                    };
                }
                *pos += 1;
            }
        }
    }
    let mut runs: Vec<&mut [Order]> = Vec::with_capacity(id_ends.len());
    let mut rest: &mut [Order] = &mut orders;
    for w in offsets.windows(2) {
        let (run, tail) = rest.split_at_mut(w[1] - w[0]);
        runs.push(run);
        rest = tail;
    }
    runs.par_iter_mut().for_each(|run| {
        if !run.windows(2).all(|w| w[0].day <= w[1].day) {
            run.sort_by_key(|o| o.day);
        }
    });
    drop(runs);
    Ok(Transactions {
        file: name.to_string(),
        id_text,
        id_ends,
        channel_of,
        channel_names,
        offsets,
        orders,
        as_of,
        rows_after_as_of,
        skipped,
    })
}

/// The ids as one text with end offsets. Ids were checked to be UTF-8 when read; a
/// quoted id with doubled quotes inside (`"a ""b"""`) is unescaped here.
pub(crate) fn id_text(bytes: Vec<u8>, ends: Vec<usize>) -> (String, Vec<usize>) {
    let escaped = memchr::memmem::find(&bytes, b"\"\"").is_some();
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    };
    if !escaped {
        return (text, ends);
    }
    let mut out = String::with_capacity(text.len());
    let mut new_ends = Vec::with_capacity(ends.len());
    let mut start = 0;
    for end in ends {
        let id = text.get(start..end).unwrap_or("");
        out.push_str(&id.replace("\"\"", "\""));
        new_ends.push(out.len());
        start = end;
    }
    (out, new_ends)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(csv: &str, options: &LoadOptions) -> Result<Transactions> {
        Transactions::from_csv("t.csv", csv.as_bytes().to_vec(), b',', options)
    }

    #[test]
    fn first_channel_is_earliest_order() {
        let tx = load(
            "customer_id,order_date,amount,channel\nx,2024-02-01,1,late\nx,2024-01-01,1,early\n",
            &LoadOptions::default(),
        )
        .unwrap();
        let c = tx.customer(0);
        assert_eq!(c.channel, Some("early"));
        assert_eq!(c.first_day(), Day::from_ymd(2024, 1, 1));
        assert_eq!(c.orders.len(), 2);
    }

    #[test]
    fn as_of_drops_later_orders_and_customers() {
        let options = LoadOptions {
            as_of: Day::from_ymd(2024, 1, 31),
            ..LoadOptions::default()
        };
        let tx = load(
            "customer_id,order_date,amount\nx,2024-01-01,1\ny,2024-02-01,1\nx,2024-03-01,1\n",
            &options,
        )
        .unwrap();
        assert_eq!(tx.len(), 1);
        assert_eq!(tx.rows_after_as_of(), 2);
        let err = load("customer_id,order_date,amount\ny,2024-02-01,1\n", &options).unwrap_err();
        assert_eq!(
            err.to_string(),
            "t.csv: no orders on or before the as-of date 2024-01-31 (the first is later)"
        );
    }

    #[test]
    fn bad_rows_name_line_column_text() {
        let csv =
            "customer_id,order_date,amount\nx,2024-01-01,1\nx,2024-13-01,1\ny,2024-01-02,abc\n";
        let err = load(csv, &LoadOptions::default()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "t.csv:3: column 'order_date': not a date in the format YYYY-MM-DD: '2024-13-01'"
        );
        let mut options = LoadOptions::default();
        options.csv.skip_invalid = true;
        let tx = load(csv, &options).unwrap();
        assert_eq!(tx.len(), 1);
        assert_eq!(tx.skip_report().skipped, 2);
        assert_eq!(tx.skip_report().first[1].column, "amount");
        assert_eq!(tx.skip_report().first[1].line, 4);
    }

    #[test]
    fn a_cancelled_job_stops_reading() {
        let job = ltv_core::Job::new(None);
        let mut options = LoadOptions::default();
        options.csv.job = job.clone();
        let csv = "customer_id,order_date,amount\nx,2024-01-01,1\n";
        assert!(load(csv, &options).is_ok());
        job.cancel();
        let err = load(csv, &options).unwrap_err();
        assert!(matches!(err, SegmentsError::Cancelled(_)), "{err}");
        let file = CsvFile::from_bytes("t.csv", csv.as_bytes().to_vec(), b',').unwrap();
        let err = crate::CustomerTable::load(&file, &options).unwrap_err();
        assert_eq!(err.to_string(), "the job was cancelled before it finished");
    }

    #[test]
    fn missing_id_and_unknown_column() {
        let err = load(
            "customer_id,order_date,amount\n,2024-01-01,1\n",
            &LoadOptions::default(),
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "t.csv:2: column 'customer_id': missing value: ''"
        );
        let err = load("id,order_date,amount\n", &LoadOptions::default()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "t.csv: no column 'customer_id' (set by --customer-col); the header has: id, order_date, amount"
        );
    }
}
