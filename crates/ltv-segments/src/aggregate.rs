//! The fast path of [`CustomerTable::load`]: one streaming pass over the file that
//! aggregates every customer's totals without keeping the orders.
//!
//! The file is read in rounds of at most [`ROUND_BYTES`]; each round:
//!
//! 1. **Parse** (all threads, several pieces per thread): each row becomes a 32-byte
//!    record — the id packed into 16 bytes (or hashed, if longer), the amount as an
//!    integer and its scale, the day, the channel and the row's offset — and goes into
//!    one of P buckets chosen by a hash of the id. A row's fields are found from a bit
//!    mask of the delimiters, line ends and quotes of each 64 bytes; a line with a
//!    quote goes through the general splitter. The file's pages are released as they
//!    are parsed.
//! 2. **Absorb** (all threads, one partition at a time): each partition takes its
//!    buckets from every piece, in file order, into its own small open-addressing
//!    table (sized to stay in a core's cache, entries prefetched a few records ahead).
//!    A customer lives in exactly one partition, so no tables are merged.
//!
//! The next round parses into the same buffers. Then, **order**: customers are put in
//! order of first appearance (their first row's offset) by a parallel bucket sort and
//! gathered into the [`CustomerTable`].
//!
//! Memory is one round's records (32 bytes a row) and the customers.
//!
//! Distinct order days are counted on the fly when a customer's rows come in date
//! order (the usual export order). A customer whose rows do not needs all its records
//! for an exact recount: from the round that meets the first such customer on, every
//! record is kept, and at the end the rounds before it are read again for those
//! customers' records only. Such customers are recounted from the records at the end.
//!
//! The pass gives up (returns `None`) on anything it leaves to the general loader,
//! which then produces exactly the general errors and results: a bad row of any kind,
//! an amount with more than 18 digits or 9 decimals, an id longer than 65,535 bytes,
//! amounts whose absolute values add up to 2^96 / 10^9 (≈ 7.9e19) or more, no rows.

use std::sync::atomic::{AtomicU64, Ordering};

use rayon::prelude::*;
use rust_decimal::Decimal;

use crate::cell::{short_amount, ungroup, AmountFormat, DateFormat};
use crate::customer_table::{CustomerTable, Totals, NO_CHANNEL};
use crate::day::Day;
use crate::hash::{FxMap, Names};
use crate::table::{split, trim_cr, CsvFile, SkipReport, Span};
use crate::transactions::{id_text, LoadOptions, Order, Resolved, Transactions};

/// Most partitions: 2.85 M customers in 512 partitions keep each partition's table
/// (about 400 KB) inside a core's L2 cache while its records are absorbed.
const MAX_PARTS: usize = 512;
/// Amounts are summed as integers at this many decimals.
const SCALE: u8 = 9;
const POW10: [i128; 10] = [
    1,
    10,
    100,
    1_000,
    10_000,
    100_000,
    1_000_000,
    10_000_000,
    100_000_000,
    1_000_000_000,
];
/// Σ |amount| at [`SCALE`] must stay below this (2^96) for every sum to be exact in a
/// [`Decimal`] at its own scale.
const ABS_LIMIT: i128 = 1 << 96;
const NO_LOCAL_CHANNEL: u16 = u16::MAX;
const EMPTY: u32 = u32::MAX;
/// Top byte of a long id's key (a short key's top byte is its length, ≤ 15).
const LONG: u64 = 0xFF << 56;

/// One parsed row, packed into 32 bytes (all rows are kept until aggregated).
#[derive(Clone, Copy)]
struct Rec {
    /// The id packed (≤ 15 bytes, length in the top byte) or, for a longer id, its
    /// hash and (offset in the body | length << 40 | [`LONG`]).
    key: [u64; 2],
    /// Amount mantissa (48 bits, signed) | piece-local channel << 48.
    a: u64,
    /// Row offset in the body (37 bits) | biased day << 37 (22 bits) | scale << 59
    /// (4 bits) | after the as-of day << 63.
    b: u64,
}

const EMPTY_REC: Rec = Rec {
    key: [0; 2],
    a: 0,
    b: 0,
};

/// Days are stored as day + DAY_BIAS: 0000-01-01 is day −719,528, 9999-12-31 day
/// 2,932,896, so every valid day fits in 22 bits.
const DAY_BIAS: i64 = 719_528;
const AMOUNT_BITS: u32 = 48;
const OFFSET_BITS: u32 = 37;

impl Rec {
    /// The record, or `None` if a value does not fit its bits (left to the general
    /// loader: amounts of 2^47 or more, files of 128 GiB or more).
    fn new(
        key: [u64; 2],
        amount: i64,
        scale: u8,
        channel: u16,
        day: Day,
        offset: usize,
        after: bool,
    ) -> Option<Rec> {
        let limit = 1i64 << (AMOUNT_BITS - 1);
        let day = i64::from(day.days()) + DAY_BIAS;
        let offset = offset as u64;
        if !(-limit..limit).contains(&amount)
            || !(0..1 << 22).contains(&day)
            || offset >= 1 << OFFSET_BITS
            || scale > 15
        {
            return None;
        }
        Some(Rec {
            key,
            a: (amount as u64 & ((1 << AMOUNT_BITS) - 1)) | u64::from(channel) << AMOUNT_BITS,
            b: offset
                | (day as u64) << OFFSET_BITS
                | u64::from(scale) << 59
                | u64::from(after) << 63,
        })
    }

    fn amount(&self) -> i64 {
        ((self.a << (64 - AMOUNT_BITS)) as i64) >> (64 - AMOUNT_BITS)
    }

    fn channel(&self) -> u16 {
        (self.a >> AMOUNT_BITS) as u16
    }

    fn offset(&self) -> u64 {
        self.b & ((1 << OFFSET_BITS) - 1)
    }

    fn day(&self) -> i32 {
        (((self.b >> OFFSET_BITS) & ((1 << 22) - 1)) as i64 - DAY_BIAS) as i32
    }

    fn scale(&self) -> u8 {
        ((self.b >> 59) & 0xF) as u8
    }

    fn after(&self) -> bool {
        self.b >> 63 == 1
    }
}

/// What the parse of one piece of the file produces.
struct Piece<'a> {
    buckets: Vec<Vec<Rec>>,
    /// Per bucket, records not yet in it (see [`Piece::push`]) and how many.
    stage: Vec<[Rec; STAGE]>,
    fill: Vec<u8>,
    channels: FxMap<&'a [u8], u16>,
    channel_keys: Vec<&'a [u8]>,
    max_day: Option<Day>,
    after_as_of: u64,
    spans: Vec<Span>,
    /// The last date cell (packed), its day and whether it is after the as-of day
    /// (exports are sorted by date: most rows repeat it).
    last_date: ([u64; 2], Day, bool),
    /// The first [`SHORT_CHANNELS`] short channel names (packed) and their numbers:
    /// a few compares instead of hashing the bytes.
    short_channels: Vec<([u64; 2], u16)>,
}

/// Records staged per bucket before they are copied to it together.
const STAGE: usize = 8;

impl Piece<'_> {
    /// Adds `rec` to bucket `p` through the bucket's stage: writing 8 records (256
    /// bytes) at a time to each of the many buckets costs far fewer cache and TLB
    /// misses than writing them one by one.
    #[inline]
    fn push(&mut self, p: usize, rec: Rec) -> bool {
        let (Some(stage), Some(fill)) = (self.stage.get_mut(p), self.fill.get_mut(p)) else {
            return false;
        };
        if let Some(slot) = stage.get_mut(usize::from(*fill)) {
            *slot = rec;
        }
        *fill += 1;
        if usize::from(*fill) == STAGE {
            *fill = 0;
            if let Some(bucket) = self.buckets.get_mut(p) {
                bucket.extend_from_slice(stage);
            }
        }
        true
    }

    /// Empties the piece for another part of the file, keeping its buffers.
    fn clear(&mut self) {
        self.buckets.iter_mut().for_each(Vec::clear);
        self.fill.iter_mut().for_each(|f| *f = 0);
        self.channels.clear();
        self.channel_keys.clear();
        self.max_day = None;
        self.after_as_of = 0;
        self.last_date = ([0; 2], Day::from_days(0), false);
        self.short_channels.clear();
    }

    /// Moves the staged records into their buckets.
    fn flush(&mut self) {
        for ((bucket, stage), fill) in self.buckets.iter_mut().zip(&self.stage).zip(&mut self.fill)
        {
            bucket.extend_from_slice(stage.get(..usize::from(*fill)).unwrap_or(&[]));
            *fill = 0;
        }
    }

    /// A piece of about `rows` rows: its buckets are sized for them (5 % spare; the
    /// hash spreads rows evenly), so they are not copied as they grow.
    fn new(parts: usize, rows: usize) -> Self {
        let each = rows / parts + rows / parts / 20 + 16;
        Piece {
            buckets: (0..parts).map(|_| Vec::with_capacity(each)).collect(),
            stage: vec![[EMPTY_REC; STAGE]; parts],
            fill: vec![0; parts],
            channels: FxMap::default(),
            channel_keys: Vec::new(),
            max_day: None,
            after_as_of: 0,
            spans: Vec::new(),
            last_date: ([0; 2], Day::from_days(0), false),
            short_channels: Vec::with_capacity(SHORT_CHANNELS),
        }
    }
}

/// One customer while aggregating: 64 bytes, aligned to a cache line so that an
/// entry is one line, not two.
#[derive(Clone, Copy)]
#[repr(align(64))]
struct Entry {
    /// As [`Rec::key`]; a long id's offset is into the partition's arena.
    key: [u64; 2],
    /// Σ amount at `scale` decimals.
    sum: i128,
    first_day: i32,
    last_day: i32,
    orders: u32,
    days: u32,
    channel: u32,
    /// Largest number of decimals among the amounts.
    scale: u8,
    /// Rows came out of date order: `days` is recounted from the records.
    unordered: bool,
}

impl Entry {
    /// Adds an amount (mantissa, scale) to the sum exactly as `Decimal` addition does
    /// when the general loader sums a customer's orders from zero: adding to a zero
    /// gives the amount as written (its scale), adding a zero changes nothing, otherwise
    /// the larger scale is kept. |sum| ≤ Σ |amount| at [`SCALE`], which is checked to
    /// stay below 2^96: nothing here can overflow.
    #[inline]
    fn add(&mut self, amount: i64, scale: u8) {
        if scale == self.scale {
            // the common case; a zero sum at this scale takes the amount as it is too
            self.sum += i128::from(amount);
        } else if self.sum == 0 {
            self.sum = i128::from(amount);
            self.scale = scale;
        } else if amount != 0 {
            let (from, to) = (self.scale.min(scale), self.scale.max(scale));
            let up = POW10.get(usize::from(to - from)).copied().unwrap_or(1);
            if scale > self.scale {
                self.sum = self.sum * up + i128::from(amount);
                self.scale = scale;
            } else {
                self.sum += i128::from(amount) * up;
            }
        }
    }
}

/// One partition: a small open-addressing table of its customers.
#[derive(Default)]
struct Part {
    slots: Vec<u32>,
    entries: Vec<Entry>,
    /// Each entry's first row offset, apart from the entries: ordering the customers
    /// reads these 8 bytes instead of the entries' 64.
    firsts: Vec<u64>,
    /// Entries without an order on or before the as-of day (all their rows after it).
    without_orders: usize,
    arena: Vec<u8>,
    unordered: bool,
    /// Σ |amount| at [`SCALE`].
    abs: i128,
}

/// Everything the parse needs to know about the file.
struct Ctx<'a> {
    file: &'a CsvFile,
    body_start: usize,
    job: &'a ltv_core::Job,
    /// Whether bytes are reported to the job (not when rounds are read again).
    report: bool,
    done: AtomicU64,
    body: &'a [u8],
    delimiter: u8,
    columns: usize,
    cols: &'a Resolved,
    dates: &'a DateFormat,
    amounts: AmountFormat,
    as_of: Option<Day>,
    parts: usize,
}

impl Ctx<'_> {
    /// `body[from..to]` has been parsed: report progress and let the OS drop the
    /// file's pages (long ids read back from the file later fault them in again).
    fn step(&self, from: usize, to: usize) {
        self.file
            .release(self.body_start + from, self.body_start + to);
        if self.report {
            let add = (to - from) as u64;
            let done = self.done.fetch_add(add, Ordering::Relaxed) + add;
            self.job.bytes(done, self.body.len() as u64);
        }
    }
}

/// Aggregates `file` into a [`CustomerTable`], or `None` to leave it to the general
/// loader (see the module docs).
pub(crate) fn aggregate(
    file: &CsvFile,
    cols: &Resolved,
    options: &LoadOptions,
) -> Option<CustomerTable> {
    let len = file.body().1.len();
    let threads = rayon::current_num_threads().max(1);
    // several pieces per thread so that a slow thread does not hold up the rest
    let pieces = (len >> 20).clamp(1, threads * 4);
    let parts = (len >> 19).clamp(1, MAX_PARTS).next_power_of_two();
    aggregate_in(
        file,
        cols,
        options,
        (pieces, parts, len.div_ceil(ROUND_BYTES)),
        false,
    )
    .map(|(table, _)| table)
}

/// Loads `file` as [`Transactions`] through the same pass, or `None` to leave it to the
/// general loader (see the module docs).
///
/// The pass counts every customer's orders and puts the customers in order of first
/// appearance; then the file is parsed a second time and each order is written
/// straight to its place among its customer's orders (each partition writes only its
/// own customers' places), and each customer's orders are sorted by day (stably, so
/// orders of one day keep their file order) — exactly what the general loader builds.
/// Memory is the orders (20 bytes each) and one round's records.
pub(crate) fn transactions(
    file: &CsvFile,
    cols: &Resolved,
    options: &LoadOptions,
) -> Option<Transactions> {
    let len = file.body().1.len();
    let threads = rayon::current_num_threads().max(1);
    let pieces = (len >> 20).clamp(1, threads * 4);
    let parts = (len >> 19).clamp(1, MAX_PARTS).next_power_of_two();
    let (table, orders) = aggregate_in(
        file,
        cols,
        options,
        (pieces, parts, len.div_ceil(ROUND_BYTES)),
        true,
    )?;
    Transactions::from_table(table, orders?)
}

/// Bytes of the file parsed per round at most (see [`aggregate_in`]). Fewer rounds
/// hold more records at once; more rounds bring every partition's table back into
/// the cache more often. On 10 M rows (330 MB) three rounds were fastest when this was
/// measured: 1.46–1.52 s and 436 MB, against 1.49–1.68 s and 593 MB for one round
/// and 1.52–1.73 s and 383 MB for four.
const ROUND_BYTES: usize = 128 << 20;

/// [`aggregate`] in `rounds` rounds of `pieces` parse pieces each, into `parts`
/// partitions (a power of two).
///
/// Each round's records are absorbed before the next round is parsed into the same
/// buffers, so memory holds one round's records and is touched once. A customer whose
/// rows come out of date order needs all its records for the recount: from the round
/// that meets the first such customer on, every record is kept, and at the end the
/// rounds before it are read again for the records of such customers only.
fn aggregate_in(
    file: &CsvFile,
    cols: &Resolved,
    options: &LoadOptions,
    (pieces, parts, rounds): (usize, usize, usize),
    with_orders: bool,
) -> Option<(CustomerTable, Option<Vec<Order>>)> {
    let (body_start, body) = file.body();
    let ctx = Ctx {
        file,
        body_start,
        job: &options.csv.job,
        report: true,
        done: AtomicU64::new(0),
        body,
        delimiter: file.delimiter(),
        columns: file.header().len(),
        cols,
        dates: &options.date_format,
        amounts: options.amount_format,
        as_of: options.as_of,
        parts,
    };
    let rounds = rounds.max(1);
    let bounds = piece_bounds(body, pieces.max(1) * rounds);
    let rows_per_byte = estimate_rows_per_byte(body);
    // Room for as many customers as rows, reserved (not touched: untouched pages cost
    // no memory), so the entries are never copied as they grow; at most 1 GiB of
    // entries in all, beyond which they grow as usual.
    let rows = body.len() as f64 * rows_per_byte;
    let cap = (1 << 30) / std::mem::size_of::<Entry>() / parts;
    let each = ((rows / parts as f64 * 1.05) as usize + 64).min(cap);
    let mut table: Vec<Part> = (0..parts)
        .map(|_| Part {
            entries: Vec::with_capacity(each),
            firsts: Vec::with_capacity(each),
            ..Part::default()
        })
        .collect();
    // piece-local channel numbers → global ones, first appearance in file order
    let mut channels = Names::default();
    let mut max_day: Option<Day> = None;
    let mut rows_after_as_of = 0;
    let parse = |ctx, bounds, old| parse_into(ctx, bounds, old, rows_per_byte);
    let rounds: Vec<&[(usize, usize)]> = bounds
        .chunks(bounds.len().div_ceil(rounds).max(1))
        .collect();
    // Every piece from round `keep_from` on once `keeping` (their records recount
    // unordered customers), else the last round's pieces, whose buffers the next round
    // reuses.
    let mut keeping = false;
    let mut keep_from = 0;
    let mut kept: Vec<Piece<'_>> = Vec::new();
    for (k, round) in rounds.iter().enumerate() {
        let mut reuse: Vec<Option<Piece<'_>>> = match keeping {
            true => Vec::new(),
            false => kept.drain(..).map(Some).collect(),
        };
        reuse.resize_with(round.len(), || None);
        let pieces: Vec<Piece<'_>> = round
            .par_iter()
            .zip(reuse.into_par_iter())
            .map(|(&bounds, old)| parse(&ctx, bounds, old))
            .collect::<Option<_>>()?;
        let remaps: Vec<Vec<u32>> = pieces
            .iter()
            .map(|piece| channels.numbers(&piece.channel_keys))
            .collect();
        max_day = pieces.iter().filter_map(|p| p.max_day).chain(max_day).max();
        rows_after_as_of += pieces.iter().map(|p| p.after_as_of).sum::<u64>();
        // each partition takes its records from every piece, in file order
        let absorbed = table.par_iter_mut().enumerate().all(|(p, part)| {
            pieces.iter().zip(&remaps).all(|(piece, remap)| {
                piece
                    .buckets
                    .get(p)
                    .is_some_and(|recs| part.absorb(recs, remap, body))
            })
        });
        if !absorbed {
            return None;
        }
        if !keeping && table.iter().any(|part| part.unordered) {
            (keeping, keep_from) = (true, k);
        }
        kept.extend(pieces);
    }
    // The records of unordered customers in the rounds before `keep_from`, read again
    // (without progress reports: the file was reported done).
    let mut earlier: Vec<Vec<Rec>> = (0..parts).map(|_| Vec::new()).collect();
    if keep_from > 0 {
        let again = Ctx {
            report: false,
            done: AtomicU64::new(0),
            ..ctx
        };
        for round in rounds.get(..keep_from).unwrap_or(&[]) {
            let pieces: Vec<Piece<'_>> = round
                .par_iter()
                .map(|&bounds| parse(&again, bounds, None))
                .collect::<Option<_>>()?;
            earlier
                .par_iter_mut()
                .zip(table.par_iter())
                .enumerate()
                .filter(|(_, (_, part))| part.unordered)
                .for_each(|(p, (records, part))| {
                    let recs = pieces.iter().filter_map(|piece| piece.buckets.get(p));
                    for r in recs.flatten() {
                        let unordered = part
                            .find(r, body)
                            .and_then(|i| part.entries.get(i as usize));
                        if unordered.is_some_and(|e| e.unordered) {
                            records.push(*r);
                        }
                    }
                });
        }
    }
    // Each partition's records from every piece, freed as the partition finishes.
    let mut inputs: Vec<Vec<Vec<Rec>>> = earlier
        .into_iter()
        .map(|records| {
            let mut input = Vec::with_capacity(kept.len() + 1);
            input.push(records);
            input
        })
        .collect();
    for piece in kept {
        for (input, bucket) in inputs.iter_mut().zip(piece.buckets) {
            input.push(bucket);
        }
    }
    table
        .par_iter_mut()
        .zip(inputs.into_par_iter())
        .for_each(|(part, input)| part.finish(&input, body, with_orders));
    let as_of = options.as_of.or(max_day)?;
    let abs = table
        .iter()
        .try_fold(0i128, |acc, part| acc.checked_add(part.abs))?;
    if abs >= ABS_LIMIT {
        return None;
    }
    let order = first_appearance(&table, body.len() as u64);
    let orders = match with_orders {
        true => Some(place_orders(&ctx, &rounds, &table, &order, as_of)?),
        false => None,
    };
    let customers = finish(
        file.name(),
        table,
        order,
        channels.into_names(),
        as_of,
        rows_after_as_of,
    )?;
    Some((customers, orders))
}

/// The second pass of [`transactions`]: every order on or before `as_of` at its place
/// (customers in `order`, each customer's orders in file order, then sorted by day).
fn place_orders(
    ctx: &Ctx<'_>,
    rounds: &[&[(usize, usize)]],
    table: &[Part],
    order: &[(u64, u32, u32)],
    as_of: Day,
) -> Option<Vec<Order>> {
    // where each customer's orders start, and each entry's customer
    let mut starts: Vec<usize> = Vec::with_capacity(order.len() + 1);
    let mut dense: Vec<Vec<u32>> = table
        .iter()
        .map(|p| vec![u32::MAX; p.entries.len()])
        .collect();
    let mut total = 0usize;
    for (d, &(_, p, i)) in order.iter().enumerate() {
        let e = table.get(p as usize)?.entries.get(i as usize)?;
        *dense.get_mut(p as usize)?.get_mut(i as usize)? = u32::try_from(d).ok()?;
        starts.push(total);
        total += e.orders as usize;
    }
    starts.push(total);
    let blank = Order {
        day: as_of,
        amount: Decimal::ZERO,
    };
    let mut orders: Vec<Order> = Vec::with_capacity(total);
    orders.par_extend(rayon::iter::repeat_n(blank, total));
    let again = Ctx {
        report: false,
        done: AtomicU64::new(0),
        ..*ctx
    };
    // orders placed so far per entry
    let mut placed: Vec<Vec<u32>> = table.iter().map(|p| vec![0; p.entries.len()]).collect();
    let out = Places::new(&mut orders);
    for round in rounds {
        let pieces: Vec<Piece<'_>> = round
            .par_iter()
            .map(|&bounds| parse_into(&again, bounds, None, estimate_rows_per_byte(ctx.body)))
            .collect::<Option<_>>()?;
        let ok = table
            .par_iter()
            .zip(placed.par_iter_mut())
            .zip(dense.par_iter())
            .enumerate()
            .all(|(p, ((part, placed), dense))| {
                pieces
                    .iter()
                    .filter_map(|piece| piece.buckets.get(p))
                    .all(|recs| {
                        recs.iter().filter(|r| !r.after()).all(|r| {
                            let Some(i) = part.find(r, ctx.body) else {
                                return false;
                            };
                            let (Some(e), Some(&d), Some(n)) = (
                                part.entries.get(i as usize),
                                dense.get(i as usize),
                                placed.get_mut(i as usize),
                            ) else {
                                return false;
                            };
                            let (Some(&start), true) = (starts.get(d as usize), *n < e.orders)
                            else {
                                return false;
                            };
                            let Some(amount) = Decimal::try_from_i128_with_scale(
                                i128::from(r.amount()),
                                u32::from(r.scale()),
                            )
                            .ok() else {
                                return false;
                            };
                            let placed_ok = out.put(
                                start + *n as usize,
                                Order {
                                    day: Day::from_days(r.day()),
                                    amount,
                                },
                            );
                            *n += 1;
                            placed_ok
                        })
                    })
            });
        if !ok || again.job.is_cancelled() {
            return None;
        }
    }
    // every customer's run by day, stably (the general loader's order)
    let mut runs: Vec<&mut [Order]> = Vec::with_capacity(order.len());
    let mut rest: &mut [Order] = &mut orders;
    for w in starts.windows(2) {
        let (run, tail) = rest.split_at_mut_checked(w[1] - w[0])?;
        runs.push(run);
        rest = tail;
    }
    runs.par_iter_mut().for_each(|run| {
        if !run.windows(2).all(|w| w[0].day <= w[1].day) {
            run.sort_by_key(|o| o.day);
        }
    });
    drop(runs);
    Some(orders)
}

/// The orders being placed, written from several threads at once.
///
/// Each write goes to its own index: customer `d`'s orders go to
/// `starts[d]..starts[d + 1]`, at most `entry.orders` of them (checked before the
/// write), each customer lives in exactly one partition and each partition is placed
/// by one thread, so no index is written twice and none is read while placing.
struct Places<'a> {
    ptr: *mut Order,
    len: usize,
    _orders: std::marker::PhantomData<&'a mut [Order]>,
}

// SAFETY: see the type's docs: the threads write disjoint indices and read none.
#[allow(unsafe_code)]
unsafe impl Sync for Places<'_> {}

impl<'a> Places<'a> {
    fn new(orders: &'a mut [Order]) -> Self {
        Places {
            ptr: orders.as_mut_ptr(),
            len: orders.len(),
            _orders: std::marker::PhantomData,
        }
    }

    /// Writes `order` at `index`; `false` if out of range.
    #[allow(unsafe_code)]
    fn put(&self, index: usize, order: Order) -> bool {
        if index >= self.len {
            return false;
        }
        // SAFETY: in range, and no other thread writes or reads this index (see the
        // type's docs); `Order` is `Copy`, so nothing is dropped.
        unsafe { self.ptr.add(index).write(order) };
        true
    }
}

/// The piece `from..to` of the body parsed, into the buffers of `old` if given (else
/// sized for about `rows_per_byte` rows a byte); `None` on anything left to the general
/// loader.
fn parse_into<'a>(
    ctx: &Ctx<'a>,
    (from, to): (usize, usize),
    old: Option<Piece<'a>>,
    rows_per_byte: f64,
) -> Option<Piece<'a>> {
    let mut piece = match old {
        Some(mut piece) => {
            piece.clear();
            piece
        }
        None => Piece::new(ctx.parts, ((to - from) as f64 * rows_per_byte) as usize),
    };
    let parsed = parse_piece(ctx, from, to, &mut piece);
    piece.flush();
    parsed.then_some(piece)
}

/// `body` cut into about `pieces` pieces that end at line ends.
fn piece_bounds(body: &[u8], pieces: usize) -> Vec<(usize, usize)> {
    let mut bounds = Vec::with_capacity(pieces);
    let mut start = 0;
    for k in 1..=pieces.max(1) {
        if start >= body.len() {
            break;
        }
        let mut end = (body.len() * k / pieces.max(1)).max(start);
        if end < body.len() {
            end = body
                .get(end..)
                .and_then(|rest| memchr::memchr(b'\n', rest))
                .map_or(body.len(), |i| end + i + 1);
        }
        bounds.push((start, end));
        start = end;
    }
    bounds
}

/// Rows per byte in the first MiB of `body` (to size the buckets up front), at most
/// one row per 8 bytes (a valid row is longer), so a file of blank lines cannot make
/// the buckets larger than four times the file.
fn estimate_rows_per_byte(body: &[u8]) -> f64 {
    let sample = body.get(..body.len().min(1 << 20)).unwrap_or(body);
    let rows = memchr::memchr_iter(b'\n', sample).count() + 1;
    (rows as f64 / sample.len().max(1) as f64).min(0.125)
}

/// Parses the rows of `body[from..to]` into `piece`; `false` on anything left to the
/// general loader.
///
/// A row's fields are read off the [`Structurals`] (its delimiters and line end); a
/// line with a quote, a missing or extra field goes through the general splitter
/// instead.
fn parse_piece<'a>(ctx: &Ctx<'a>, from: usize, to: usize, piece: &mut Piece<'a>) -> bool {
    /// Bytes between progress reports and page releases.
    const STEP: usize = 8 << 20;
    let Some(text) = ctx.body.get(..to) else {
        return false;
    };
    let mut structurals = Structurals::new(text, ctx.delimiter, from);
    let mut pos = from;
    let mut reported = from;
    while pos < to {
        let next = match fast_row(ctx, &mut structurals, text, pos) {
            Some((fields, next)) => {
                if !record(ctx, piece, fields, pos) {
                    return false;
                }
                next
            }
            None => match slow_row(ctx, piece, text, pos) {
                Some(next) => {
                    structurals.restart(next);
                    next
                }
                None => return false,
            },
        };
        // a line past the limit is the general loader's error
        if next - pos > crate::table::MAX_LINE_BYTES + 1 {
            return false;
        }
        pos = next;
        if pos - reported >= STEP || pos >= to {
            ctx.step(reported, pos.min(to));
            reported = pos;
            // a cancelled job stops here; the general loader then reports it
            if ctx.job.is_cancelled() {
                return false;
            }
        }
    }
    true
}

/// The raw cells a record needs: id, date, amount, channel.
type Fields<'a> = (&'a [u8], &'a [u8], &'a [u8], Option<&'a [u8]>);

/// Reads the row at `pos` when it is plain (no quote, the header's number of fields,
/// not empty): its cells and where the next row starts. `structurals` is at `pos`;
/// when the row is not plain it is left anywhere in the row (see
/// [`Structurals::restart`]).
#[inline]
fn fast_row<'a>(
    ctx: &Ctx<'a>,
    structurals: &mut Structurals<'_>,
    text: &'a [u8],
    pos: usize,
) -> Option<(Fields<'a>, usize)> {
    let cols = ctx.cols;
    let (mut id, mut date, mut amount, mut channel) = (None, None, None, None);
    let mut start = pos;
    let last = ctx.columns.checked_sub(1)?;
    for c in 0..ctx.columns {
        let end = structurals.next();
        let terminator = *text.get(end).unwrap_or(&b'\n');
        let cell_end = if c == last {
            if terminator != b'\n' {
                return None;
            }
            // a CRLF line end
            if end > start && text.get(end - 1) == Some(&b'\r') {
                end - 1
            } else {
                end
            }
        } else if terminator == ctx.delimiter {
            end
        } else {
            return None;
        };
        let cell = text.get(start..cell_end)?;
        if c == cols.customer {
            id = Some(cell);
        }
        if c == cols.date {
            date = Some(cell);
        }
        if c == cols.amount {
            amount = Some(cell);
        }
        if Some(c) == cols.channel {
            channel = Some(cell);
        }
        start = end + 1;
    }
    // an empty line (one column, nothing in it) is skipped by the general path
    if ctx.columns == 1 && start - pos <= 2 {
        return None;
    }
    Some(((id?, date?, amount?, channel), start))
}

/// Reads the row at `pos` through the general splitter; where the next row starts.
fn slow_row<'a>(ctx: &Ctx<'a>, piece: &mut Piece<'a>, text: &'a [u8], pos: usize) -> Option<usize> {
    let end = text
        .get(pos..)
        .and_then(|r| memchr::memchr(b'\n', r))
        .map_or(text.len(), |k| pos + k);
    let line = text.get(pos..end).map(trim_cr)?;
    if line.is_empty() {
        return Some(end + 1);
    }
    let mut spans = std::mem::take(&mut piece.spans);
    let ok = split(line, ctx.delimiter, &mut spans).is_ok() && spans.len() == ctx.columns && {
        let raw = |c: usize| -> &'a [u8] {
            spans
                .get(c)
                .and_then(|s| line.get(s.start..s.end))
                .unwrap_or(&[])
        };
        let fields = (
            raw(ctx.cols.customer),
            raw(ctx.cols.date),
            raw(ctx.cols.amount),
            ctx.cols.channel.map(raw),
        );
        record(ctx, piece, fields, pos)
    };
    piece.spans = spans;
    ok.then_some(end + 1)
}

/// Short channel names looked up by comparing packed keys (a file usually has a
/// handful of channels).
const SHORT_CHANNELS: usize = 8;

/// The positions of the delimiters, line ends and quotes of a text in order, found 64
/// bytes at a time: a bit mask of them per block, then one bit per call.
struct Structurals<'a> {
    text: &'a [u8],
    delimiter: u8,
    /// Where the current block starts.
    base: usize,
    /// The block's positions not yet returned, as bits (bit i: `text[base + i]`).
    mask: u64,
}

impl<'a> Structurals<'a> {
    /// Positions from `pos` on.
    fn new(text: &'a [u8], delimiter: u8, pos: usize) -> Self {
        let mut s = Structurals {
            text,
            delimiter,
            base: 0,
            mask: 0,
        };
        s.restart(pos);
        s
    }

    /// Goes on from `pos` instead.
    fn restart(&mut self, pos: usize) {
        self.base = pos;
        self.mask = self.block(pos);
    }

    /// The next position, or `text.len()` after the last.
    #[inline]
    fn next(&mut self) -> usize {
        while self.mask == 0 {
            self.base += 64;
            if self.base >= self.text.len() {
                self.base = self.text.len();
                return self.text.len();
            }
            self.mask = self.block(self.base);
        }
        let at = self.base + self.mask.trailing_zeros() as usize;
        self.mask &= self.mask - 1;
        at
    }

    /// The mask of the 64 bytes from `at` (bytes past the end match nothing).
    #[inline]
    fn block(&self, at: usize) -> u64 {
        match self.text.get(at..at + 64) {
            Some(bytes) => {
                let mut block = [0u8; 64];
                block.copy_from_slice(bytes);
                block_mask(&block, self.delimiter)
            }
            None => {
                let rest = self.text.get(at..).unwrap_or(&[]);
                let mut block = [0u8; 64];
                if let Some(head) = block.get_mut(..rest.len()) {
                    head.copy_from_slice(rest);
                }
                let valid = if rest.len() >= 64 {
                    u64::MAX
                } else {
                    (1u64 << rest.len()) - 1
                };
                block_mask(&block, self.delimiter) & valid
            }
        }
    }
}

/// Bit i set when `block[i]` is `delimiter`, a line end or a quote: SSE2 compares, 16
/// bytes at a time.
#[cfg(target_arch = "x86_64")]
#[inline]
#[allow(unsafe_code)]
fn block_mask(block: &[u8; 64], delimiter: u8) -> u64 {
    #[target_feature(enable = "sse2")]
    fn sse2(block: &[u8; 64], delimiter: u8) -> u64 {
        use std::arch::x86_64::{
            _mm_cmpeq_epi8, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8, _mm_set_epi64x,
        };
        let d = _mm_set1_epi8(delimiter as i8);
        let n = _mm_set1_epi8(b'\n' as i8);
        let q = _mm_set1_epi8(b'"' as i8);
        let mut mask = 0u64;
        for (k, chunk) in block.chunks_exact(16).enumerate() {
            let mut lo = [0u8; 8];
            let mut hi = [0u8; 8];
            lo.copy_from_slice(chunk.get(..8).unwrap_or(&[0; 8]));
            hi.copy_from_slice(chunk.get(8..).unwrap_or(&[0; 8]));
            let v = _mm_set_epi64x(i64::from_le_bytes(hi), i64::from_le_bytes(lo));
            let hits = _mm_or_si128(
                _mm_or_si128(_mm_cmpeq_epi8(v, d), _mm_cmpeq_epi8(v, n)),
                _mm_cmpeq_epi8(v, q),
            );
            mask |= u64::from(_mm_movemask_epi8(hits) as u16) << (16 * k);
        }
        mask
    }
    // SAFETY: `sse2` only needs the SSE2 instructions, which every x86_64 CPU has
    // (they are part of the x86_64 baseline the target is compiled for).
    unsafe { sse2(block, delimiter) }
}

/// Bit i set when `block[i]` is `delimiter`, a line end or a quote.
#[cfg(not(target_arch = "x86_64"))]
#[inline]
fn block_mask(block: &[u8; 64], delimiter: u8) -> u64 {
    block_mask_swar(block, delimiter)
}

/// [`block_mask`] eight bytes at a time (SWAR), for any target.
#[cfg(any(test, not(target_arch = "x86_64")))]
fn block_mask_swar(block: &[u8; 64], delimiter: u8) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let mut mask = 0u64;
    for (k, chunk) in block.chunks_exact(8).enumerate() {
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(chunk);
        let w = u64::from_le_bytes(bytes);
        let hits = zero_bytes(w ^ (ONES * u64::from(delimiter)))
            | zero_bytes(w ^ (ONES * u64::from(b'\n')))
            | zero_bytes(w ^ (ONES * u64::from(b'"')));
        // the top bit of each byte, gathered into the low eight bits
        mask |= ((hits >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56) << (8 * k);
    }
    mask
}

/// 0x80 in every byte of `v` that is zero, 0 elsewhere (exact, no false positives).
#[inline]
fn zero_bytes(v: u64) -> u64 {
    const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    !(((v & LOW7).wrapping_add(LOW7)) | v | LOW7)
}

/// Parses one row's cells into a record of `piece`.
fn record<'a>(ctx: &Ctx<'a>, piece: &mut Piece<'a>, fields: Fields<'a>, row_offset: usize) -> bool {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let body = ctx.body;
    let (id, date, amount, channel) = fields;
    let id = id.trim_ascii();
    let date = date.trim_ascii();
    let key = if id.len() <= 15 {
        let key = pack_in(body, id);
        // not ASCII (a byte ≥ 0x80; the length byte is < 16): check it is UTF-8
        if id.is_empty()
            || ((key[0] | (key[1] & !(0xFF << 56))) & HIGH != 0 && std::str::from_utf8(id).is_err())
        {
            return false;
        }
        key
    } else {
        let offset = id.as_ptr() as usize - body.as_ptr() as usize;
        if id.len() > 0xFFFF
            || offset >= 1 << 40
            || (!id.is_ascii() && std::str::from_utf8(id).is_err())
        {
            return false;
        }
        [
            hash_bytes(id),
            offset as u64 | (id.len() as u64) << 40 | LONG,
        ]
    };
    let date_key = if date.len() <= 15 {
        pack_in(body, date)
    } else {
        [0; 2]
    };
    let (day, after) = if date_key == piece.last_date.0 && date_key != [0; 2] {
        (piece.last_date.1, piece.last_date.2)
    } else {
        let day = match ctx.dates {
            DateFormat::Iso => Day::parse_iso(date),
            other => other.parse(date).ok(),
        };
        let Some(day) = day else { return false };
        // the latest day and the as-of test change only when the date does
        piece.max_day = Some(piece.max_day.map_or(day, |m| m.max(day)));
        let after = ctx.as_of.is_some_and(|a| day > a);
        piece.last_date = (date_key, day, after);
        (day, after)
    };
    let parts = amount_parts(body, amount).or_else(|| match ctx.amounts {
        AmountFormat::Plain => None,
        // `9,800` and `¥9,800` read as the general loader reads them
        AmountFormat::Grouped => ungroup(amount).and_then(|plain| amount_parts(&[], &plain)),
    });
    let Some((amount, scale)) = parts else {
        return false;
    };
    let channel = match channel.map(<[u8]>::trim_ascii) {
        None => NO_LOCAL_CHANNEL,
        Some([]) => NO_LOCAL_CHANNEL,
        Some(name) => match piece.channel(body, name) {
            Some(n) => n,
            None => return false,
        },
    };
    piece.after_as_of += u64::from(after);
    let p = (partition_hash(&key) >> 32) as usize & (ctx.parts - 1);
    let Some(rec) = Rec::new(key, amount, scale, channel, day, row_offset, after) else {
        return false;
    };
    piece.push(p, rec)
}

impl<'a> Piece<'a> {
    /// The piece-local number of channel `name` (not empty); `None` if it is not UTF-8
    /// or there are too many channels.
    fn channel(&mut self, body: &'a [u8], name: &'a [u8]) -> Option<u16> {
        let short = (name.len() <= 15).then(|| pack_in(body, name));
        if let Some(key) = short {
            if let Some(&(_, n)) = self.short_channels.iter().find(|(k, _)| *k == key) {
                return Some(n);
            }
        }
        if let Some(&n) = self.channels.get(name) {
            return Some(n);
        }
        if (!name.is_ascii() && std::str::from_utf8(name).is_err())
            || self.channel_keys.len() >= usize::from(NO_LOCAL_CHANNEL)
        {
            return None;
        }
        let n = self.channel_keys.len() as u16;
        self.channel_keys.push(name);
        self.channels.insert(name, n);
        if let Some(key) = short.filter(|_| self.short_channels.len() < SHORT_CHANNELS) {
            self.short_channels.push((key, n));
        }
        Some(n)
    }
}

/// An amount as (signed mantissa, decimals) when it has at most 18 digits and 9
/// decimals; the syntax is that of [`crate::parse_amount`].
#[inline]
fn amount_parts(body: &[u8], raw: &[u8]) -> Option<(i64, u8)> {
    let raw = raw.trim_ascii();
    if let Some(parts) = eight_byte_amount(body, raw) {
        return Some(parts);
    }
    let (mantissa, scale) = short_amount(raw).ok()?;
    let scale = u8::try_from(scale).ok().filter(|&s| s <= SCALE)?;
    Some((mantissa, scale))
}

/// [`short_amount`] of an amount of at most eight bytes besides a `-` (`-1234.50`,
/// `7`, `.5`), eight digits at a time (SWAR); `None` for anything else, left to
/// [`short_amount`]. When `raw` is a part of `body` with eight bytes up to its end, they
/// are read in one load.
#[inline]
fn eight_byte_amount(body: &[u8], raw: &[u8]) -> Option<(i64, u8)> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let (negative, text) = match raw.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, raw),
    };
    let n = text.len();
    if !(1..=8).contains(&n) {
        return None;
    }
    // right-aligned behind '0's: byte 0 (the lowest) is the leftmost character
    let window = offset_in(body, text)
        .and_then(|at| (at + n).checked_sub(8))
        .and_then(|from| body.get(from..from + 8));
    let mut w = match window {
        Some(window) => {
            let mut bytes = [0u8; 8];
            bytes.copy_from_slice(window);
            let keep = u64::MAX << (8 * (8 - n));
            (u64::from_le_bytes(bytes) & keep) | ((ONES * u64::from(b'0')) & !keep)
        }
        None => {
            let mut bytes = [b'0'; 8];
            bytes.get_mut(8 - n..)?.copy_from_slice(text);
            u64::from_le_bytes(bytes)
        }
    };
    let mut scale = 0;
    let dots = zero_bytes(w ^ (ONES * u64::from(b'.')));
    if dots != 0 {
        // one point, and a digit besides it
        if dots & (dots - 1) != 0 || n == 1 {
            return None;
        }
        let k = dots.trailing_zeros() / 8;
        scale = 7 - k;
        // drop the point: the bytes before it move up one, a '0' comes in at the front
        let before = (1u64 << (8 * k)) - 1;
        let after = !((before << 8) | 0xFF);
        w = (w & after) | ((w & before) << 8) | u64::from(b'0');
    }
    // every byte a digit
    if (w.wrapping_add(0x4646_4646_4646_4646) | w.wrapping_sub(0x3030_3030_3030_3030))
        & 0x8080_8080_8080_8080
        != 0
    {
        return None;
    }
    // eight digits to a number, pairs then fours then all (as in fast_float)
    let v = w - 0x3030_3030_3030_3030;
    let v = v.wrapping_mul(10).wrapping_add(v >> 8);
    const MASK: u64 = 0x0000_00FF_0000_00FF;
    let v = ((v & MASK)
        .wrapping_mul(100 + (1_000_000 << 32))
        .wrapping_add(((v >> 16) & MASK).wrapping_mul(1 + (10_000 << 32))))
        >> 32;
    let value = v as i64;
    Some((if negative { -value } else { value }, scale as u8))
}

/// Up to 15 bytes and the length in the top byte.
fn pack(id: &[u8]) -> [u64; 2] {
    let mut buf = [0u8; 16];
    if let Some(dst) = buf.get_mut(..id.len()) {
        dst.copy_from_slice(id);
    }
    buf[15] = id.len() as u8;
    let w = u128::from_le_bytes(buf);
    [w as u64, (w >> 64) as u64]
}

/// [`pack`] of `part`, a slice of `body`, with one 16-byte load when the body has 16
/// bytes from its start.
#[inline]
fn pack_in(body: &[u8], part: &[u8]) -> [u64; 2] {
    match offset_in(body, part).and_then(|at| body.get(at..at + 16)) {
        Some(bytes) if part.len() <= 15 => {
            let mut buf = [0u8; 16];
            buf.copy_from_slice(bytes);
            let mask = (1u128 << (8 * part.len())) - 1;
            let w = (u128::from_le_bytes(buf) & mask) | (part.len() as u128) << 120;
            [w as u64, (w >> 64) as u64]
        }
        _ => pack(part),
    }
}

/// Where `part` starts in `body`, if it is a part of it.
#[inline]
fn offset_in(body: &[u8], part: &[u8]) -> Option<usize> {
    let at = (part.as_ptr() as usize).checked_sub(body.as_ptr() as usize)?;
    (at.checked_add(part.len())? <= body.len()).then_some(at)
}

fn is_long(key: &[u64; 2]) -> bool {
    key[1] >> 56 == 0xFF
}

fn long_span(key: &[u64; 2]) -> (usize, usize) {
    let offset = (key[1] & ((1 << 40) - 1)) as usize;
    let len = ((key[1] >> 40) & 0xFFFF) as usize;
    (offset, offset + len)
}

fn hash_bytes(bytes: &[u8]) -> u64 {
    use std::hash::Hasher;
    let mut h = crate::hash::FxHasher::default();
    h.write(bytes);
    h.finish()
}

/// A 64 × 64 → 128-bit multiply, folded (as in wyhash).
#[inline]
fn fold(a: u64, b: u64) -> u64 {
    let m = u128::from(a) * u128::from(b);
    (m as u64) ^ ((m >> 64) as u64)
}

/// The first half of [`key_hash`]: enough to pick a key's partition (from bits 32..),
/// one multiply per row while parsing.
#[inline]
fn partition_hash(key: &[u64; 2]) -> u64 {
    if is_long(key) {
        key[0]
    } else {
        fold(
            key[0] ^ 0xA076_1D64_78BD_642F,
            key[1] ^ 0xE703_7ED1_A0B4_28DB,
        )
    }
}

/// The hash of a key, whose low bits pick its slot in the partition's table.
///
/// Short keys use two folded multiplies: every input bit reaches the bits used, at a
/// fraction of the cost of two finalisers.
#[inline]
fn key_hash(key: &[u64; 2]) -> u64 {
    let h = partition_hash(key);
    if is_long(key) {
        h
    } else {
        fold(h ^ 0x8EBC_6AF0_9C88_C6E3, 0x5899_65CC_7537_4CC3)
    }
}

impl Part {
    /// Adds `recs` (in file order) to this partition's customers.
    fn absorb(&mut self, recs: &[Rec], remap: &[u32], body: &[u8]) -> bool {
        // The tables are larger than the cache: fetch the slot of the record AHEAD
        // places on, then the entry of the one AHEAD / 2 places on, so that many
        // memory accesses are in flight instead of one at a time.
        const AHEAD: usize = 16;
        let mut hashes = [0u64; AHEAD];
        for (i, r) in recs.iter().take(AHEAD).enumerate() {
            hashes[i] = key_hash(&r.key);
            self.prefetch_slot(hashes[i]);
        }
        for (i, r) in recs.iter().enumerate() {
            let hash = hashes[i % AHEAD];
            if let Some(next) = recs.get(i + AHEAD) {
                let h = key_hash(&next.key);
                hashes[i % AHEAD] = h;
                self.prefetch_slot(h);
            }
            if i + AHEAD / 2 < recs.len() {
                self.prefetch_entry(hashes[(i + AHEAD / 2) % AHEAD]);
            }
            let Some(idx) = self.find_or_insert(r, hash, body) else {
                return false;
            };
            if r.after() {
                continue;
            }
            let channel = remap
                .get(usize::from(r.channel()))
                .copied()
                .unwrap_or(NO_CHANNEL);
            let (day, scale, amount) = (r.day(), r.scale(), r.amount());
            let Some(&factor) = POW10.get(usize::from(SCALE.saturating_sub(scale))) else {
                return false;
            };
            // |amount| < 2^47 and factor ≤ 10^9 < 2^30, over fewer than 2^37 rows (the
            // offsets' bits): the sum stays below 2^114 and cannot overflow
            self.abs += (i128::from(amount) * factor).abs();
            let Some(e) = self.entries.get_mut(idx as usize) else {
                return false;
            };
            e.add(amount, scale);
            if e.orders == 0 {
                self.without_orders -= 1;
                e.first_day = day;
                e.last_day = day;
                e.days = 1;
                e.channel = channel;
            } else if day > e.last_day {
                e.last_day = day;
                e.days += 1;
            } else if day < e.last_day {
                e.unordered = true;
                self.unordered = true;
                if day < e.first_day {
                    e.first_day = day;
                    e.channel = channel;
                }
            }
            let Some(orders) = e.orders.checked_add(1) else {
                return false;
            };
            e.orders = orders;
        }
        true
    }

    fn prefetch_slot(&self, hash: u64) {
        let mask = self.slots.len().wrapping_sub(1);
        if let Some(slot) = self.slots.get(hash as usize & mask) {
            prefetch(slot);
        }
    }

    fn prefetch_entry(&self, hash: u64) {
        let mask = self.slots.len().wrapping_sub(1);
        if let Some(e) = self
            .slots
            .get(hash as usize & mask)
            .and_then(|&s| self.entries.get(s as usize))
        {
            prefetch(e);
        }
    }

    /// The entry of `r`'s customer (whose key hashes to `hash`), created if new.
    fn find_or_insert(&mut self, r: &Rec, hash: u64, body: &[u8]) -> Option<u32> {
        if self.entries.len() * 2 >= self.slots.len() {
            self.grow();
        }
        let mask = self.slots.len() - 1;
        let mut i = hash as usize & mask;
        loop {
            let slot = *self.slots.get(i)?;
            if slot == EMPTY {
                return self.insert(i, r, body);
            }
            let e = self.entries.get(slot as usize)?;
            if self.same_key(e, r, body) {
                return Some(slot);
            }
            i = (i + 1) & mask;
        }
    }

    fn same_long(&self, entry: &[u64; 2], rec: &[u64; 2], body: &[u8]) -> bool {
        let (a, b) = long_span(entry);
        let (c, d) = long_span(rec);
        self.arena.get(a..b) == body.get(c..d)
    }

    fn insert(&mut self, slot: usize, r: &Rec, body: &[u8]) -> Option<u32> {
        let idx = u32::try_from(self.entries.len())
            .ok()
            .filter(|&i| i != EMPTY)?;
        let key = if is_long(&r.key) {
            let (from, to) = long_span(&r.key);
            let offset = self.arena.len() as u64;
            self.arena.extend_from_slice(body.get(from..to)?);
            [r.key[0], offset | ((to - from) as u64) << 40 | LONG]
        } else {
            r.key
        };
        self.firsts.push(r.offset());
        self.without_orders += 1;
        self.entries.push(Entry {
            key,
            sum: 0,
            first_day: r.day(),
            last_day: r.day(),
            orders: 0,
            days: 0,
            channel: NO_CHANNEL,
            scale: 0,
            unordered: false,
        });
        *self.slots.get_mut(slot)? = idx;
        Some(idx)
    }

    fn grow(&mut self) {
        let size = (self.slots.len() * 2).max(256);
        self.slots = vec![EMPTY; size];
        let mask = size - 1;
        for (idx, e) in self.entries.iter().enumerate() {
            let mut i = key_hash(&e.key) as usize & mask;
            while self.slots.get(i).is_some_and(|&s| s != EMPTY) {
                i = (i + 1) & mask;
            }
            if let Some(s) = self.slots.get_mut(i) {
                *s = idx as u32;
            }
        }
    }

    /// After all of the partition's records were absorbed: recounts the distinct days
    /// of customers whose rows came out of date order (from the records, still at
    /// hand), then frees the lookup table and spare room.
    fn finish(&mut self, inputs: &[Vec<Rec>], body: &[u8], keep_slots: bool) {
        if self.unordered {
            // (entry, day, amount, scale) of the unordered customers' rows, in file
            // order, then (stably) by customer and day: the general loader's order
            let mut rows: Vec<(u32, i32, i64, u8)> = Vec::new();
            for r in inputs.iter().flatten().filter(|r| !r.after()) {
                if let Some(idx) = self.find(r, body) {
                    if self.entries.get(idx as usize).is_some_and(|e| e.unordered) {
                        rows.push((idx, r.day(), r.amount(), r.scale()));
                    }
                }
            }
            rows.sort_by_key(|&(idx, day, _, _)| (idx, day));
            for e in self.entries.iter_mut().filter(|e| e.unordered) {
                (e.days, e.sum, e.scale) = (0, 0, 0);
            }
            let mut previous = None;
            for (idx, day, amount, scale) in rows {
                if let Some(e) = self.entries.get_mut(idx as usize) {
                    if previous != Some((idx, day)) {
                        e.days += 1;
                        previous = Some((idx, day));
                    }
                    e.add(amount, scale);
                }
            }
        }
        if !keep_slots {
            self.slots = Vec::new();
        }
        self.entries.shrink_to_fit();
    }

    /// The entry of `r`'s customer, if present.
    fn find(&self, r: &Rec, body: &[u8]) -> Option<u32> {
        let mask = self.slots.len().checked_sub(1)?;
        let mut i = key_hash(&r.key) as usize & mask;
        loop {
            let slot = *self.slots.get(i)?;
            if slot == EMPTY {
                return None;
            }
            let e = self.entries.get(slot as usize)?;
            if self.same_key(e, r, body) {
                return Some(slot);
            }
            i = (i + 1) & mask;
        }
    }

    fn same_key(&self, e: &Entry, r: &Rec, body: &[u8]) -> bool {
        e.key[0] == r.key[0]
            && (e.key[1] == r.key[1]
                || (is_long(&r.key) && is_long(&e.key) && self.same_long(&e.key, &r.key, body)))
    }
}

/// Every customer with an order as (first row's offset, partition, entry), sorted.
///
/// A parallel bucket sort on the offsets' top bits: groups of partitions each sort
/// their customers into 4,096 buckets (counting sort), then every bucket gathers its
/// share from each group and is sorted on its own. `end` bounds the offsets.
fn first_appearance(table: &[Part], end: u64) -> Vec<(u64, u32, u32)> {
    type Item = (u64, u32, u32);
    const BUCKETS: usize = 1 << 12;
    let shift = (64 - end.leading_zeros()).saturating_sub(BUCKETS.trailing_zeros());
    let bucket = |o: &Item| ((o.0 >> shift) as usize).min(BUCKETS - 1);
    let per_group = table
        .len()
        .div_ceil(rayon::current_num_threads().max(1) * 4)
        .max(1);
    // Per group: its customers ordered by bucket, and where each bucket starts.
    let groups: Vec<(Vec<Item>, Vec<usize>)> = table
        .par_chunks(per_group)
        .enumerate()
        .map(|(g, parts)| {
            let items = || {
                parts.iter().enumerate().flat_map(move |(k, part)| {
                    let p = (g * per_group + k) as u32;
                    // the entries are looked at only if some have no orders
                    let has_orders = move |i: usize| {
                        part.without_orders == 0
                            || part.entries.get(i).is_some_and(|e| e.orders > 0)
                    };
                    part.firsts
                        .iter()
                        .enumerate()
                        .filter(move |&(i, _)| has_orders(i))
                        .map(move |(i, &first)| (first, p, i as u32))
                })
            };
            let mut starts = vec![0usize; BUCKETS + 1];
            for o in items() {
                if let Some(c) = starts.get_mut(bucket(&o) + 1) {
                    *c += 1;
                }
            }
            for i in 1..starts.len() {
                starts[i] += starts[i - 1];
            }
            let mut sorted = vec![(0u64, 0u32, 0u32); starts.last().copied().unwrap_or(0)];
            let mut next = starts.clone();
            for o in items() {
                if let Some(n) = next.get_mut(bucket(&o)) {
                    if let Some(slot) = sorted.get_mut(*n) {
                        *slot = o;
                    }
                    *n += 1;
                }
            }
            (sorted, starts)
        })
        .collect();
    fn range(g: &(Vec<Item>, Vec<usize>), b: usize) -> &[Item] {
        let (from, to) = (g.1.get(b).copied(), g.1.get(b + 1).copied());
        from.zip(to).and_then(|(f, t)| g.0.get(f..t)).unwrap_or(&[])
    }
    let sizes: Vec<usize> = (0..BUCKETS)
        .map(|b| groups.iter().map(|g| range(g, b).len()).sum())
        .collect();
    let mut out = vec![(0u64, 0u32, 0u32); sizes.iter().sum()];
    let mut segments: Vec<&mut [Item]> = Vec::with_capacity(BUCKETS);
    let mut rest: &mut [Item] = &mut out;
    for &size in &sizes {
        let (segment, tail) = rest.split_at_mut(size.min(rest.len()));
        segments.push(segment);
        rest = tail;
    }
    segments
        .par_iter_mut()
        .enumerate()
        .for_each(|(b, segment)| {
            let mut at = 0;
            for g in &groups {
                let part = range(g, b);
                if let Some(dst) = segment.get_mut(at..at + part.len()) {
                    dst.copy_from_slice(part);
                }
                at += part.len();
            }
            segment.sort_unstable();
        });
    out
}

/// Asks the CPU to start loading `value`'s cache line (a hint; no effect elsewhere).
#[inline(always)]
#[allow(unsafe_code)]
fn prefetch<T>(value: &T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch only hints the cache: it reads no memory the program can
    // observe and cannot fault, and `value` is a valid reference anyway. SSE, which
    // the instruction needs, is part of every x86_64 target.
    unsafe {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        _mm_prefetch::<_MM_HINT_T0>((value as *const T).cast());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = value;
}

/// Customers in order of first appearance, as a [`CustomerTable`].
fn finish(
    name: &str,
    table: Vec<Part>,
    order: Vec<(u64, u32, u32)>,
    channel_keys: Vec<&[u8]>,
    as_of: Day,
    rows_after_as_of: u64,
) -> Option<CustomerTable> {
    if order.is_empty() {
        return None;
    }
    let entry = |&(_, p, i): &(u64, u32, u32)| -> Option<(&Part, &Entry)> {
        let part = table.get(p as usize)?;
        Some((part, part.entries.get(i as usize)?))
    };
    // One pass in the final order: each chunk fills its totals in place and its run of
    // ids, fetching entries a few customers ahead (they are scattered in memory).
    const CHUNK: usize = 1 << 15;
    const AHEAD: usize = 8;
    let blank = Totals {
        first: as_of,
        last: as_of,
        orders: 0,
        days: 0,
        monetary: Decimal::ZERO,
        channel: NO_CHANNEL,
    };
    // filled in parallel: the first touch of its pages is much of the cost
    let mut totals = Vec::with_capacity(order.len());
    totals.par_extend(rayon::iter::repeat_n(blank, order.len()));
    let runs: Vec<Option<(Vec<u8>, Vec<usize>)>> = totals
        .par_chunks_mut(CHUNK)
        .zip(order.par_chunks(CHUNK))
        .map(|(out, chunk)| {
            let mut bytes = Vec::with_capacity(chunk.len() * 8);
            let mut ends = Vec::with_capacity(chunk.len());
            for (k, (slot, o)) in out.iter_mut().zip(chunk).enumerate() {
                if let Some((_, e)) = chunk.get(k + AHEAD).and_then(entry) {
                    prefetch(e);
                }
                let (part, e) = entry(o)?;
                *slot = Totals {
                    first: Day::from_days(e.first_day),
                    last: Day::from_days(e.last_day),
                    orders: e.orders,
                    days: e.days,
                    monetary: Decimal::try_from_i128_with_scale(e.sum, u32::from(e.scale)).ok()?,
                    channel: e.channel,
                };
                if is_long(&e.key) {
                    let (from, to) = long_span(&e.key);
                    bytes.extend_from_slice(part.arena.get(from..to)?);
                } else {
                    let w = (u128::from(e.key[1]) << 64 | u128::from(e.key[0])).to_le_bytes();
                    bytes.extend_from_slice(w.get(..usize::from(w[15]))?);
                }
                ends.push(bytes.len());
            }
            Some((bytes, ends))
        })
        .collect();
    drop(order);
    drop(table);
    // The runs back to back, copied in parallel into zeroed (not yet touched) memory.
    let runs: Vec<(Vec<u8>, Vec<usize>)> = runs.into_iter().collect::<Option<_>>()?;
    let mut id_bytes = vec![0u8; runs.iter().map(|r| r.0.len()).sum()];
    let mut id_ends = vec![0usize; totals.len()];
    let mut jobs = Vec::with_capacity(runs.len());
    let (mut bytes_left, mut ends_left, mut base) = (&mut id_bytes[..], &mut id_ends[..], 0);
    for (bytes, ends) in &runs {
        let (to_bytes, rest_bytes) = bytes_left.split_at_mut_checked(bytes.len())?;
        let (to_ends, rest_ends) = ends_left.split_at_mut_checked(ends.len())?;
        jobs.push((to_bytes, to_ends, bytes, ends, base));
        (bytes_left, ends_left, base) = (rest_bytes, rest_ends, base + bytes.len());
    }
    jobs.into_par_iter()
        .for_each(|(to_bytes, to_ends, bytes, ends, base)| {
            to_bytes.copy_from_slice(bytes);
            for (to, end) in to_ends.iter_mut().zip(ends) {
                *to = end + base;
            }
        });
    drop(runs);
    let (id_text, id_ends) = id_text(id_bytes, id_ends);
    Some(CustomerTable {
        file: name.to_string(),
        as_of,
        id_text,
        id_ends,
        totals,
        channel_names: channel_keys
            .iter()
            .map(|k| crate::table::unescaped_text(k))
            .collect(),
        rows_after_as_of,
        skipped: SkipReport::default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transactions::{resolve, Transactions};
    use proptest::prelude::*;

    fn file(csv: &str) -> CsvFile {
        CsvFile::from_bytes("t.csv", csv.as_bytes().to_vec(), b',').unwrap()
    }

    fn fast(
        file: &CsvFile,
        options: &LoadOptions,
        pieces: usize,
        parts: usize,
        rounds: usize,
    ) -> Option<CustomerTable> {
        let cols = resolve(file, &options.columns).unwrap();
        aggregate_in(file, &cols, options, (pieces, parts, rounds), false).map(|(t, _)| t)
    }

    fn general_tx(file: &CsvFile, options: &LoadOptions) -> crate::Result<Transactions> {
        let cols = resolve(file, &options.columns).unwrap();
        Transactions::load_general(file, &cols, options)
    }

    fn general(file: &CsvFile, options: &LoadOptions) -> CustomerTable {
        CustomerTable::from_transactions(&general_tx(file, options).unwrap()).unwrap()
    }

    /// The fast loader's transactions, split as asked.
    fn fast_tx(
        file: &CsvFile,
        options: &LoadOptions,
        pieces: usize,
        parts: usize,
        rounds: usize,
    ) -> Option<Transactions> {
        let cols = resolve(file, &options.columns).unwrap();
        let (table, orders) = aggregate_in(file, &cols, options, (pieces, parts, rounds), true)?;
        Transactions::from_table(table, orders?)
    }

    /// Same customers in the same order, same ids, channels and orders (days, and
    /// amounts to the exact decimal text), same as-of and rows after it.
    fn assert_same_tx(a: &Transactions, b: &Transactions) {
        assert_eq!(a.len(), b.len());
        assert_eq!(a.as_of(), b.as_of());
        assert_eq!(a.first_day(), b.first_day());
        assert_eq!(a.rows_after_as_of(), b.rows_after_as_of());
        assert_eq!(a.channel_names(), b.channel_names());
        assert_eq!(a.order_count(), b.order_count());
        for i in 0..a.len() {
            let (x, y) = (a.customer(i), b.customer(i));
            assert_eq!((x.id, x.channel), (y.id, y.channel));
            let text = |c: &crate::Customer<'_>| -> Vec<(Day, String)> {
                c.orders
                    .iter()
                    .map(|o| (o.day, o.amount.to_string()))
                    .collect()
            };
            assert_eq!(text(&x), text(&y), "customer {}", x.id);
        }
    }

    fn assert_same(a: &CustomerTable, b: &CustomerTable) {
        assert_eq!(a.as_of(), b.as_of());
        assert_eq!(a.rows_after_as_of(), b.rows_after_as_of());
        assert_eq!(a.channel_names(), b.channel_names());
        assert_eq!(a.summaries(), b.summaries());
        // the exact decimal text, scale included
        for i in 0..a.len() {
            assert_eq!(
                a.summary(i).monetary_total.to_string(),
                b.summary(i).monetary_total.to_string()
            );
        }
    }

    #[test]
    fn unordered_rows_are_recounted_exactly() {
        let csv = "customer_id,order_date,amount,channel\n\
                   x,2024-01-05,1.5,late\n\
                   y,2024-01-02,2,\n\
                   x,2024-01-01,2.25,early\n\
                   x,2024-01-05,-0.75,other\n\
                   x,2024-01-03,1,other\n";
        let f = file(csv);
        let t = fast(&f, &LoadOptions::default(), 1, 1, 1).unwrap();
        let x = t.summary(0);
        assert_eq!((x.orders, x.frequency), (4, 2));
        assert_eq!(x.channel.as_deref(), Some("early"));
        assert_eq!(x.first_order.to_string(), "2024-01-01");
        assert_eq!(x.last_order.to_string(), "2024-01-05");
        assert_eq!(x.monetary_total.to_string(), "4.00");
        assert_same(&t, &general(&f, &LoadOptions::default()));
    }

    /// `Decimal` addition keeps the scale of a zero's partner (`0.0 + 0` is `0`, `1.5 +
    /// 0.000` is `1.5`), so the sum's text depends on the order the general loader
    /// adds in (by day): the streaming pass follows it, also for rows out of order.
    #[test]
    fn sums_carry_the_scale_decimal_addition_gives() {
        let csv = "customer_id,order_date,amount\n\
                   z,2024-01-01,0.0\n\
                   z,2024-01-01,0\n\
                   x,2024-01-03,0.00\n\
                   x,2024-01-01,1.5\n\
                   x,2024-01-02,-1.5\n\
                   y,2024-01-01,1.5\n\
                   y,2024-01-02,0.000\n";
        let f = file(csv);
        let t = fast(&f, &LoadOptions::default(), 1, 1, 1).unwrap();
        let text = |i: usize| t.summary(i).monetary_total.to_string();
        assert_eq!(
            (text(0), text(1), text(2)),
            ("0".into(), "0.00".into(), "1.5".into())
        );
        assert_same(&t, &general(&f, &LoadOptions::default()));
    }

    #[test]
    fn leaves_odd_files_to_the_general_loader() {
        let options = LoadOptions::default();
        for csv in [
            "customer_id,order_date,amount\nx,2024-01-01,0.1234567891\n",
            "customer_id,order_date,amount\nx,2024-01-01,1234567890123456789\n",
            "customer_id,order_date,amount\nx,2024-13-01,1\n",
            "customer_id,order_date,amount\nx,2024-01-01\n",
            "customer_id,order_date,amount\n",
        ] {
            assert!(fast(&file(csv), &options, 1, 1, 1).is_none(), "{csv}");
        }
        // …which then gives its own result or error
        let f = file("customer_id,order_date,amount\nx,2024-01-01,0.1234567891\n");
        let t = CustomerTable::load(&f, &options).unwrap();
        assert_eq!(t.summary(0).monetary_total.to_string(), "0.1234567891");
        let err = CustomerTable::load(
            &file("customer_id,order_date,amount\nx,2024-13-01,1\n"),
            &options,
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "t.csv:2: column 'order_date': not a date in the format YYYY-MM-DD: '2024-13-01'"
        );
    }

    /// Doubled quotes in a quoted id or channel read as one quote on both paths, as
    /// in the CAC file (`Record::text`), so channels match their spend.
    #[test]
    fn doubled_quotes_read_as_one() {
        let csv = "customer_id,order_date,amount,channel\n\
                   \"a\"\"1\",2024-01-01,1,\"x\"\"y\"\n\
                   \"a\"\"1\",2024-01-02,2,\"x\"\"y\"\n";
        let f = file(csv);
        let options = LoadOptions::default();
        let general = general(&f, &options);
        assert_eq!(general.channel_names(), ["x\"y"]);
        assert_eq!(general.summary(0).customer_id, "a\"1");
        let table = CustomerTable::load(&f, &options).unwrap();
        assert_same(&table, &general);
        if let Some(fast) = fast(&f, &options, 1, 1, 1) {
            assert_same(&fast, &general);
        }
    }

    #[test]
    fn structurals_in_order_across_blocks() {
        // 150 bytes: three blocks, the last one partial
        let row = "abc,\"d\",12345678901234567890,x\n";
        let text = row.repeat(5);
        let want: Vec<usize> = text
            .bytes()
            .enumerate()
            .filter(|&(_, b)| matches!(b, b',' | b'\n' | b'"'))
            .map(|(i, _)| i)
            .collect();
        let mut s = Structurals::new(text.as_bytes(), b',', 0);
        let got: Vec<usize> = (0..=want.len()).map(|_| s.next()).collect();
        assert_eq!(got[..want.len()], want[..]);
        // then the end, again and again
        assert_eq!((got[want.len()], s.next()), (text.len(), text.len()));
        // from the middle of a row
        s.restart(40);
        assert_eq!(s.next(), want[want.partition_point(|&p| p < 40)]);
    }

    /// `amount` as a person writes it: `"¥-12,345.5"`, quoted for the comma.
    fn grouped_text(amount: Decimal) -> String {
        let text = amount.abs().to_string();
        let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
        let mut groups: Vec<&str> = Vec::new();
        let mut end = whole.len();
        while end > 3 {
            groups.push(&whole[end - 3..end]);
            end -= 3;
        }
        groups.push(&whole[..end]);
        groups.reverse();
        let sign = if amount.is_sign_negative() { "-" } else { "" };
        let point = if text.contains('.') { "." } else { "" };
        format!("\"{sign}¥{}{point}{fraction}\"", groups.join(","))
    }

    fn id(kind: u8, n: u8) -> String {
        match kind {
            0 => format!("c{n}"),
            1 => format!("customer-with-a-long-identifier-{n}"),
            2 => format!("\"q,{n}\""),
            3 => format!("\"d\"\"{n}\""),
            _ => format!(" s{n} "),
        }
    }

    #[test]
    fn eight_byte_amounts() {
        for (text, want) in [
            ("15.06", Some((1506, 2))),
            ("-101.80", Some((-10180, 2))),
            ("12345678", Some((12_345_678, 0))),
            ("-1234.567", Some((-1_234_567, 3))),
            (".5", Some((5, 1))),
            ("5.", Some((5, 0))),
            ("0", Some((0, 0))),
            ("-0.00", Some((0, 2))),
            (".", None),
            ("-", None),
            ("", None),
            ("1.2.3", None),
            ("+1", None),
            ("123456789", None),
            ("1e5", None),
            ("1,5", None),
        ] {
            assert_eq!(eight_byte_amount(&[], text.as_bytes()), want, "{text}");
            // read in one load from the row it is in
            let row = format!("a,2024-01-01,{text}");
            let cell = &row.as_bytes()[13..];
            assert_eq!(eight_byte_amount(row.as_bytes(), cell), want, "{text}");
        }
    }

    proptest! {
        /// Whatever the SWAR parse accepts, it reads as `short_amount` does; and it
        /// accepts every plain amount of up to eight characters.
        #[test]
        fn eight_byte_amounts_match_short_amount(text in "-?[0-9.+ e-]{0,9}", plain in "-?[0-9]{1,4}(\\.[0-9]{0,3})?") {
            // the cells inside a row, eight bytes or more from its start
            let row = format!("12345678,{text},{plain}");
            let text_cell = &row.as_bytes()[9..9 + text.len()];
            let plain_cell = &row.as_bytes()[10 + text.len()..];
            for body in [&[][..], row.as_bytes()] {
                if let Some((m, s)) = eight_byte_amount(body, text_cell) {
                    prop_assert_eq!(short_amount(text_cell), Ok((m, u32::from(s))));
                }
                let (m, s) = short_amount(plain_cell).unwrap();
                prop_assert_eq!(eight_byte_amount(body, plain_cell), Some((m, s as u8)));
            }
        }

        #[test]
        fn block_masks_agree(block in proptest::collection::vec(any::<u8>(), 64), delimiter in any::<u8>(), salt in 0usize..64) {
            let mut block: [u8; 64] = block.try_into().unwrap();
            // make the special bytes common
            for (i, b) in block.iter_mut().enumerate() {
                if (i + salt) % 3 == 0 {
                    *b = [delimiter, b'\n', b'"', b'\r'][(i + salt) % 4];
                }
            }
            let want = block
                .iter()
                .enumerate()
                .filter(|&(_, &b)| b == delimiter || b == b'\n' || b == b'"')
                .fold(0u64, |m, (i, _)| m | 1 << i);
            prop_assert_eq!(block_mask(&block, delimiter), want);
            prop_assert_eq!(block_mask_swar(&block, delimiter), want);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(96))]
        /// The streaming pass and the general loader agree on any valid file, in any
        /// row order, split into any number of pieces and partitions.
        #[test]
        fn agrees_with_the_general_loader(
            rows in proptest::collection::vec(
                (0u8..5, 0u8..12, 0i32..60, prop_oneof![Just(0i64), -5_000i64..50_000], 0u32..4, 0usize..5, any::<bool>()),
                1..120,
            ),
            as_of in proptest::option::of(0i32..60),
            pieces in 1usize..5,
            parts in prop_oneof![Just(1usize), Just(2), Just(8)],
            rounds in 1usize..4,
            by_day in any::<bool>(),
            grouped in any::<bool>(),
        ) {
            // rows in date order (the usual export) let several rounds go through;
            // otherwise they start again in one round
            let mut rows = rows;
            if by_day {
                rows.sort_by_key(|r| r.2);
            }
            let channels = ["", "ads", "\"e,\"\"mail\"\"\"", "a-very-long-channel-name", " web "];
            let mut csv = String::from("customer_id,order_date,amount,channel\n");
            let start = Day::from_ymd(2024, 1, 1).unwrap();
            for &(kind, n, day, mantissa, scale, channel, crlf) in &rows {
                let day = Day::from_days(start.days() + day);
                let amount = Decimal::new(mantissa, scale);
                let amount = if grouped && n % 2 == 0 {
                    grouped_text(amount)
                } else {
                    amount.to_string()
                };
                csv.push_str(&format!("{},{day},{amount},{}", id(kind, n), channels[channel]));
                csv.push_str(if crlf { "\r\n" } else { "\n" });
                if n == 7 {
                    csv.push('\n');
                }
            }
            let options = LoadOptions {
                as_of: as_of.map(|d| Day::from_days(start.days() + d)),
                amount_format: if grouped { AmountFormat::Grouped } else { AmountFormat::Plain },
                ..LoadOptions::default()
            };
            let f = file(&csv);
            match general_tx(&f, &options) {
                Ok(tx) => {
                    let fast = fast(&f, &options, pieces, parts, rounds);
                    prop_assert!(fast.is_some());
                    if let Some(fast) = fast {
                        assert_same(&fast, &CustomerTable::from_transactions(&tx).unwrap());
                    }
                    let fast = fast_tx(&f, &options, pieces, parts, rounds);
                    prop_assert!(fast.is_some());
                    if let Some(fast) = fast {
                        assert_same_tx(&fast, &tx);
                    }
                    // and what `Transactions::load` gives is the same
                    assert_same_tx(&Transactions::load(&f, &options).unwrap(), &tx);
                }
                // nothing on or before the as-of day: the general loader's error
                Err(_) => {
                    prop_assert!(fast(&f, &options, pieces, parts, rounds).is_none());
                    prop_assert!(fast_tx(&f, &options, pieces, parts, rounds).is_none());
                }
            }
        }
    }
}
