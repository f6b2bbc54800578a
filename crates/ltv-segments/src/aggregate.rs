//! The fast path of [`CustomerTable::load`]: one streaming pass over the file that
//! aggregates every customer's totals without keeping the orders.
//!
//! The body is read in blocks of [`BLOCK`] bytes. Each block is cut into one piece per
//! thread; a piece's rows are parsed into compact records and bucketed by a hash of the
//! customer id into one of P partitions. Then every partition (on any thread) absorbs
//! its records from each piece, in file order, into its own small hash table, which
//! stays in the cache. A customer lives in exactly one partition, so no tables are
//! merged and no thread waits for another. The file's pages are released block by
//! block, so memory is the customers' totals plus one block of records.
//!
//! Distinct order days are counted on the fly when a customer's rows come in date
//! order (the usual export order); a customer whose rows do not is recounted exactly
//! at the end from the partition's log of (customer, day).
//!
//! The pass gives up (returns `None`) on anything it leaves to the general loader,
//! which then produces exactly the general errors and results: a bad row of any kind,
//! an amount with more than 18 digits or 9 decimals, an id longer than 65,535 bytes,
//! amounts whose absolute values add up to 2^96 / 10^9 (≈ 7.9e19) or more, no rows.

use rayon::prelude::*;
use rust_decimal::Decimal;

use crate::cell::DateFormat;
use crate::customer_table::{CustomerTable, Totals, NO_CHANNEL};
use crate::day::Day;
use crate::hash::FxMap;
use crate::table::{chunk_bounds, split, trim_cr, CsvFile, SkipReport, Span};
use crate::transactions::{id_text, LoadOptions, Resolved};

/// Bytes parsed before the records are absorbed (about a million rows).
const BLOCK: usize = 32 << 20;
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

/// One parsed row.
#[derive(Clone, Copy)]
struct Rec {
    /// The id packed (≤ 15 bytes, length in the top byte) or, for a longer id, its
    /// hash and (offset in the body | length << 40 | [`LONG`]).
    key: [u64; 2],
    amount: i64,
    day: i32,
    /// Start of the row, relative to the block.
    offset: u32,
    /// Piece-local channel number or [`NO_LOCAL_CHANNEL`].
    channel: u16,
    scale: u8,
    /// After the as-of day: counts for first appearance only.
    after: bool,
}

/// What the parse of one piece of a block produces.
struct Piece<'a> {
    buckets: Vec<Vec<Rec>>,
    channels: FxMap<&'a [u8], u16>,
    channel_keys: Vec<&'a [u8]>,
    max_day: Option<Day>,
    after_as_of: u64,
    spans: Vec<Span>,
    /// The last date cell (packed) and its day (exports are sorted by date: most rows
    /// repeat it).
    last_date: ([u64; 2], Day),
    /// Up to 16 short channel names (packed) for a lookup without hashing.
    recent_channels: Vec<([u64; 2], u16)>,
}

impl Piece<'_> {
    fn new(parts: usize) -> Self {
        Piece {
            buckets: (0..parts).map(|_| Vec::new()).collect(),
            channels: FxMap::default(),
            channel_keys: Vec::new(),
            max_day: None,
            after_as_of: 0,
            spans: Vec::new(),
            last_date: ([0; 2], Day::from_days(0)),
            recent_channels: Vec::new(),
        }
    }

    fn clear(&mut self) {
        self.buckets.iter_mut().for_each(Vec::clear);
        self.channels.clear();
        self.channel_keys.clear();
        self.recent_channels.clear();
    }
}

/// One customer while aggregating.
#[derive(Clone, Copy)]
struct Entry {
    /// As [`Rec::key`]; a long id's offset is into the partition's arena.
    key: [u64; 2],
    /// Σ amount at [`SCALE`] decimals.
    sum: i128,
    /// Offset of the customer's first row in the body.
    first_seen: u64,
    first_day: i32,
    last_day: i32,
    orders: u32,
    days: u32,
    channel: u32,
    /// Largest number of decimals among the amounts.
    scale: u8,
    /// Rows came out of date order: `days` is recounted from the log.
    unordered: bool,
}

/// One partition: a small open-addressing table of its customers.
#[derive(Default)]
struct Part {
    slots: Vec<u32>,
    entries: Vec<Entry>,
    arena: Vec<u8>,
    /// (entry, day) of every counted row, to recount unordered customers exactly.
    log: Vec<(u32, i32)>,
    unordered: bool,
    /// Σ |amount| at [`SCALE`].
    abs: i128,
}

/// Everything the parse needs to know about the file.
struct Ctx<'a> {
    body: &'a [u8],
    delimiter: u8,
    columns: usize,
    cols: &'a Resolved,
    dates: &'a DateFormat,
    as_of: Option<Day>,
    parts: usize,
}

/// Aggregates `file` into a [`CustomerTable`], or `None` to leave it to the general
/// loader (see the module docs).
pub(crate) fn aggregate(
    file: &CsvFile,
    cols: &Resolved,
    options: &LoadOptions,
) -> Option<CustomerTable> {
    let (body_start, body) = file.body();
    let threads = rayon::current_num_threads().max(1);
    let max_parts: usize = std::env::var("LTV_PARTS").ok().and_then(|v| v.parse().ok()).unwrap_or(1024);
    let parts = (body.len() / (256 << 10)).clamp(1, max_parts).next_power_of_two();
    let ctx = Ctx {
        body,
        delimiter: file.delimiter(),
        columns: file.header().len(),
        cols,
        dates: &options.date_format,
        as_of: options.as_of,
        parts,
    };
    let mut pieces: Vec<Piece<'_>> = (0..threads).map(|_| Piece::new(parts)).collect();
    let mut table: Vec<Part> = (0..parts).map(|_| Part::default()).collect();
    let mut channels: FxMap<&[u8], u32> = FxMap::default();
    let mut channel_keys: Vec<&[u8]> = Vec::new();
    let mut start = 0usize;
    while start < body.len() {
        let mut end = (start + BLOCK).min(body.len());
        if end < body.len() {
            end = memchr::memchr(b'\n', body.get(end..)?).map_or(body.len(), |i| end + i + 1);
        }
        let block = body.get(start..end)?;
        pieces.iter_mut().for_each(Piece::clear);
        let bounds = chunk_bounds(block, threads);
        let t0 = std::time::Instant::now();
        let parsed = pieces
            .par_iter_mut()
            .zip(bounds.par_iter())
            .all(|(piece, &(from, to))| {
                let t = std::time::Instant::now();
                let ok = parse_piece(&ctx, start + from, start + to, start, piece);
                if std::env::var_os("LTV_TIMING").is_some() {
                    eprintln!("  piece {} bytes {:?} {:?}", to - from, t.elapsed(), std::thread::current().id());
                }
                ok
            });
        if !parsed {
            return None;
        }
        // Piece-local channel numbers → global ones, first appearance in file order.
        let remaps: Vec<Vec<u32>> = pieces
            .iter()
            .map(|piece| {
                piece
                    .channel_keys
                    .iter()
                    .map(|&k| {
                        let next = channel_keys.len() as u32;
                        *channels.entry(k).or_insert_with(|| {
                            channel_keys.push(k);
                            next
                        })
                    })
                    .collect()
            })
            .collect();
        let t1 = std::time::Instant::now();
        let absorbed = table.par_iter_mut().enumerate().all(|(p, part)| {
            pieces.iter().zip(&remaps).all(|(piece, remap)| {
                piece
                    .buckets
                    .get(p)
                    .is_some_and(|recs| part.absorb(recs, remap, start as u64, body))
            })
        });
        if !absorbed {
            return None;
        }
        let t2 = std::time::Instant::now();
        if std::env::var_os("LTV_TIMING").is_some() {
            eprintln!("block parse {:?} absorb {:?}", t1 - t0, t2 - t1);
        }
        file.release(body_start + start, body_start + end);
        if let Some(progress) = options.csv.progress {
            progress(end as u64, body.len() as u64);
        }
        start = end;
    }
    let max_day = pieces.iter().filter_map(|p| p.max_day).max()?;
    let as_of = options.as_of.unwrap_or(max_day);
    let rows_after_as_of = pieces.iter().map(|p| p.after_as_of).sum();
    drop(pieces);
    let abs = table
        .iter()
        .try_fold(0i128, |acc, part| acc.checked_add(part.abs))?;
    if abs >= ABS_LIMIT {
        return None;
    }
    let t0 = std::time::Instant::now();
    table.par_iter_mut().for_each(Part::recount);
    let t1 = std::time::Instant::now();
    let r = finish(file.name(), table, channel_keys, as_of, rows_after_as_of);
    if std::env::var_os("LTV_TIMING").is_some() {
        eprintln!("recount {:?} finish {:?}", t1 - t0, t1.elapsed());
    }
    r
}

/// Parses the rows of `body[from..to]` into `piece`; `false` on anything left to the
/// general loader.
///
/// One SIMD scan finds every delimiter, line end and quote of the piece; a line with a
/// quote is split by the general splitter instead.
fn parse_piece<'a>(
    ctx: &Ctx<'a>,
    from: usize,
    to: usize,
    block_start: usize,
    piece: &mut Piece<'a>,
) -> bool {
    let body = ctx.body;
    let Some(text) = body.get(..to) else {
        return false;
    };
    let mut spans = std::mem::take(&mut piece.spans);
    spans.clear();
    let mut line_start = from;
    let mut field_start = from;
    let mut scan = Scan::new(text, from, ctx.delimiter);
    let mut ok = true;
    while let Some(at) = scan.next() {
        match text.get(at) {
            Some(&b) if b == ctx.delimiter => {
                spans.push(Span {
                    start: field_start - line_start,
                    end: at - line_start,
                    escaped: false,
                });
                field_start = at + 1;
            }
            Some(b'"') => {
                // a quoted field somewhere on this line: split it the general way
                let end = text
                    .get(at..)
                    .and_then(|r| memchr::memchr(b'\n', r))
                    .map_or(to, |k| at + k);
                let Some(line) = text.get(line_start..end).map(trim_cr) else {
                    ok = false;
                    break;
                };
                if split(line, ctx.delimiter, &mut spans).is_err()
                    || !row(ctx, piece, line, &spans, line_start - block_start)
                {
                    ok = false;
                    break;
                }
                spans.clear();
                line_start = end + 1;
                field_start = line_start;
                scan.skip_to(line_start);
            }
            _ => {
                if !end_line(ctx, piece, &mut spans, line_start, field_start, at, block_start) {
                    ok = false;
                    break;
                }
                line_start = at + 1;
                field_start = line_start;
            }
        }
    }
    // the last line may lack its line end
    ok = ok
        && (line_start >= to
            || end_line(ctx, piece, &mut spans, line_start, field_start, to, block_start));
    piece.spans = spans;
    ok
}

/// Finds the delimiters, line ends and quotes of a text eight bytes at a time (SWAR).
struct Scan<'t> {
    text: &'t [u8],
    /// Where the next word starts.
    next_word: usize,
    /// Where the current word starts and its matches (0x80 in each matching byte).
    word: usize,
    mask: u64,
    delimiter: u64,
}

const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
const ONES: u64 = 0x0101_0101_0101_0101;

/// 0x80 in every byte of `v` that is zero, 0 elsewhere (exact, no false positives).
#[inline]
fn zero_bytes(v: u64) -> u64 {
    !(((v & LOW7).wrapping_add(LOW7)) | v | LOW7)
}

impl<'t> Scan<'t> {
    fn new(text: &'t [u8], from: usize, delimiter: u8) -> Self {
        Scan {
            text,
            next_word: from,
            word: from,
            mask: 0,
            delimiter: ONES * u64::from(delimiter),
        }
    }

    #[inline]
    fn matches(&self, w: u64) -> u64 {
        zero_bytes(w ^ self.delimiter)
            | zero_bytes(w ^ (ONES * u64::from(b'\n')))
            | zero_bytes(w ^ (ONES * u64::from(b'"')))
    }

    /// Position of the next delimiter, line end or quote.
    #[inline]
    fn next(&mut self) -> Option<usize> {
        loop {
            if self.mask != 0 {
                let k = self.mask.trailing_zeros() as usize / 8;
                self.mask &= self.mask - 1;
                return Some(self.word + k);
            }
            let at = self.next_word;
            if let Some(bytes) = self.text.get(at..at + 8) {
                let mut buf = [0u8; 8];
                buf.copy_from_slice(bytes);
                self.word = at;
                self.mask = self.matches(u64::from_le_bytes(buf));
                self.next_word = at + 8;
            } else {
                let tail = self.text.get(at..)?;
                if tail.is_empty() {
                    return None;
                }
                let mut buf = [0u8; 8];
                buf[..tail.len()].copy_from_slice(tail);
                let valid = (1u64 << (8 * tail.len())) - 1;
                self.word = at;
                self.mask = self.matches(u64::from_le_bytes(buf)) & valid;
                self.next_word = self.text.len();
            }
        }
    }

    /// Continues the scan at `pos`.
    fn skip_to(&mut self, pos: usize) {
        self.mask = 0;
        self.next_word = pos;
    }
}

/// Finishes the line `body[line_start..end]` whose last field starts at `field_start`.
fn end_line<'a>(
    ctx: &Ctx<'a>,
    piece: &mut Piece<'a>,
    spans: &mut Vec<Span>,
    line_start: usize,
    field_start: usize,
    end: usize,
    block_start: usize,
) -> bool {
    let Some(line) = ctx.body.get(line_start..end).map(trim_cr) else {
        return false;
    };
    if line.is_empty() {
        spans.clear();
        return true;
    }
    spans.push(Span {
        start: field_start - line_start,
        end: line.len(),
        escaped: false,
    });
    let ok = row(ctx, piece, line, spans, line_start - block_start);
    spans.clear();
    ok
}

/// Parses one row (its fields in `spans`) into a record of `piece`.
fn row<'a>(
    ctx: &Ctx<'a>,
    piece: &mut Piece<'a>,
    line: &'a [u8],
    spans: &[Span],
    row_offset: usize,
) -> bool {
    if spans.len() != ctx.columns {
        return false;
    }
    let raw = |c: usize| -> &'a [u8] {
        spans
            .get(c)
            .and_then(|s| line.get(s.start..s.end))
            .unwrap_or(&[])
    };
    let body = ctx.body;
    let id = raw(ctx.cols.customer).trim_ascii();
    let date = raw(ctx.cols.date).trim_ascii();
    let amount = raw(ctx.cols.amount);
    if id.is_empty() || (!id.is_ascii() && std::str::from_utf8(id).is_err()) {
        return false;
    }
    let date_key = if date.len() <= 15 {
        pack_in(body, date)
    } else {
        [0; 2]
    };
    let day = if date_key == piece.last_date.0 && date_key != [0; 2] {
        piece.last_date.1
    } else {
        let day = match ctx.dates {
            DateFormat::Iso => Day::parse_iso(date),
            other => other.parse(date).ok(),
        };
        let Some(day) = day else { return false };
        piece.last_date = (date_key, day);
        day
    };
    let Some((amount, scale)) = amount_parts(amount) else {
        return false;
    };
    let channel = match ctx.cols.channel.map(|c| raw(c).trim_ascii()) {
        None => NO_LOCAL_CHANNEL,
        Some([]) => NO_LOCAL_CHANNEL,
        Some(name) => match piece.channel(body, name) {
            Some(n) => n,
            None => return false,
        },
    };
    piece.max_day = Some(piece.max_day.map_or(day, |m| m.max(day)));
    let after = ctx.as_of.is_some_and(|a| day > a);
    piece.after_as_of += u64::from(after);
    let key = if id.len() <= 15 {
        pack_in(body, id)
    } else {
        let offset = id.as_ptr() as usize - body.as_ptr() as usize;
        if id.len() > 0xFFFF || offset >= 1 << 40 {
            return false;
        }
        [
            hash_bytes(id),
            offset as u64 | (id.len() as u64) << 40 | LONG,
        ]
    };
    let p = (key_hash(&key) >> 32) as usize & (ctx.parts - 1);
    let (Some(bucket), Ok(offset)) = (piece.buckets.get_mut(p), u32::try_from(row_offset)) else {
        return false;
    };
    bucket.push(Rec {
        key,
        amount,
        day: day.days(),
        offset,
        channel,
        scale,
        after,
    });
    true
}

impl<'a> Piece<'a> {
    /// The piece-local number of channel `name` (not empty); `None` if it is not UTF-8
    /// or there are too many channels.
    fn channel(&mut self, body: &'a [u8], name: &'a [u8]) -> Option<u16> {
        let short = (name.len() <= 15).then(|| pack_in(body, name));
        if let Some(key) = short {
            if let Some(&(_, n)) = self.recent_channels.iter().find(|(k, _)| *k == key) {
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
        if let Some(key) = short.filter(|_| self.recent_channels.len() < 16) {
            self.recent_channels.push((key, n));
        }
        Some(n)
    }
}

/// An amount as (signed mantissa, decimals) when it has at most 18 digits and 9
/// decimals; the syntax is that of [`crate::parse_amount`].
fn amount_parts(raw: &[u8]) -> Option<(i64, u8)> {
    let raw = raw.trim_ascii();
    let (negative, digits) = match raw.first()? {
        b'-' => (true, raw.get(1..)?),
        b'+' => (false, raw.get(1..)?),
        _ => (false, raw),
    };
    let mut mantissa: i64 = 0;
    let mut count = 0u32;
    let mut scale: Option<u8> = None;
    for &b in digits {
        match b {
            b'0'..=b'9' => {
                count += 1;
                if count > 18 {
                    return None;
                }
                mantissa = mantissa * 10 + i64::from(b - b'0');
                if let Some(s) = scale.as_mut() {
                    *s += 1;
                }
            }
            b'.' if scale.is_none() => scale = Some(0),
            _ => return None,
        }
    }
    let scale = scale.unwrap_or(0);
    if count == 0 || scale > SCALE {
        return None;
    }
    Some((if negative { -mantissa } else { mantissa }, scale))
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
    let at = part.as_ptr() as usize - body.as_ptr() as usize;
    match body.get(at..at + 16) {
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

fn is_long(key: &[u64; 2]) -> bool {
    key[1] >> 56 == 0xFF
}

fn long_span(key: &[u64; 2]) -> (usize, usize) {
    let offset = (key[1] & ((1 << 40) - 1)) as usize;
    let len = ((key[1] >> 40) & 0xFFFF) as usize;
    (offset, offset + len)
}

/// The SplitMix64 finaliser.
fn fmix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn hash_bytes(bytes: &[u8]) -> u64 {
    use std::hash::Hasher;
    let mut h = crate::hash::FxHasher::default();
    h.write(bytes);
    h.finish()
}

/// The hash of a key: the partition is taken from bits 32.., the table slot from the
/// low bits.
fn key_hash(key: &[u64; 2]) -> u64 {
    if is_long(key) {
        key[0]
    } else {
        fmix(key[0] ^ fmix(key[1] ^ 0x9E37_79B9_7F4A_7C15))
    }
}

impl Part {
    /// Adds `recs` (in file order) to this partition's customers.
        fn absorb(&mut self, recs: &[Rec], remap: &[u32], block_start: u64, body: &[u8]) -> bool {
        for r in recs {
            let Some(idx) = self.find_or_insert(r, block_start, body) else {
                return false;
            };
            if r.after {
                continue;
            }
            let channel = remap.get(usize::from(r.channel)).copied().unwrap_or(NO_CHANNEL);
            let Some(&factor) = POW10.get(usize::from(SCALE - r.scale)) else {
                return false;
            };
            let amount = i128::from(r.amount) * factor;
            let Some(abs) = self.abs.checked_add(amount.abs()) else {
                return false;
            };
            self.abs = abs;
            let Some(e) = self.entries.get_mut(idx as usize) else {
                return false;
            };
            // |sum| ≤ abs < 2^127: cannot overflow
            e.sum += amount;
            e.scale = e.scale.max(r.scale);
            if e.orders == 0 {
                e.first_day = r.day;
                e.last_day = r.day;
                e.days = 1;
                e.channel = channel;
            } else if r.day > e.last_day {
                e.last_day = r.day;
                e.days += 1;
            } else if r.day < e.last_day {
                e.unordered = true;
                self.unordered = true;
                if r.day < e.first_day {
                    e.first_day = r.day;
                    e.channel = channel;
                }
            }
            let Some(orders) = e.orders.checked_add(1) else {
                return false;
            };
            e.orders = orders;
            self.log.push((idx, r.day));
        }
        true
    }

    /// The entry of `r`'s customer, created if new.
    fn find_or_insert(&mut self, r: &Rec, block_start: u64, body: &[u8]) -> Option<u32> {
        if self.entries.len() * 2 >= self.slots.len() {
            self.grow();
        }
        let mask = self.slots.len() - 1;
        let mut i = key_hash(&r.key) as usize & mask;
        loop {
            let slot = *self.slots.get(i)?;
            if slot == EMPTY {
                return self.insert(i, r, block_start, body);
            }
            let e = self.entries.get(slot as usize)?;
            if e.key[0] == r.key[0]
                && (e.key[1] == r.key[1]
                    || (is_long(&r.key) && is_long(&e.key) && self.same_long(&e.key, &r.key, body)))
            {
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

    fn insert(&mut self, slot: usize, r: &Rec, block_start: u64, body: &[u8]) -> Option<u32> {
        let idx = u32::try_from(self.entries.len()).ok().filter(|&i| i != EMPTY)?;
        let key = if is_long(&r.key) {
            let (from, to) = long_span(&r.key);
            let offset = self.arena.len() as u64;
            self.arena.extend_from_slice(body.get(from..to)?);
            [r.key[0], offset | ((to - from) as u64) << 40 | LONG]
        } else {
            r.key
        };
        self.entries.push(Entry {
            key,
            sum: 0,
            first_seen: block_start + u64::from(r.offset),
            first_day: r.day,
            last_day: r.day,
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

    /// Recounts the distinct days of customers whose rows came out of date order.
    fn recount(&mut self) {
        let log = std::mem::take(&mut self.log);
        self.slots = Vec::new();
        if !self.unordered {
            return;
        }
        let entries = &mut self.entries;
        let mut pairs: Vec<(u32, i32)> = log
            .into_iter()
            .filter(|(i, _)| entries.get(*i as usize).is_some_and(|e| e.unordered))
            .collect();
        pairs.sort_unstable();
        pairs.dedup();
        for e in entries.iter_mut().filter(|e| e.unordered) {
            e.days = 0;
        }
        for (i, _) in pairs {
            if let Some(e) = entries.get_mut(i as usize) {
                e.days += 1;
            }
        }
    }
}

/// Customers in order of first appearance, as a [`CustomerTable`].
fn finish(
    name: &str,
    table: Vec<Part>,
    channel_keys: Vec<&[u8]>,
    as_of: Day,
    rows_after_as_of: u64,
) -> Option<CustomerTable> {
    let mut order: Vec<(u64, u32, u32)> = table
        .par_iter()
        .enumerate()
        .flat_map_iter(|(p, part)| {
            part.entries
                .iter()
                .enumerate()
                .filter(|(_, e)| e.orders > 0)
                .map(move |(i, e)| (e.first_seen, p as u32, i as u32))
        })
        .collect();
    if order.is_empty() {
        return None;
    }
    order.par_sort_unstable();
    let entry = |&(_, p, i): &(u64, u32, u32)| -> Option<(&Part, &Entry)> {
        let part = table.get(p as usize)?;
        Some((part, part.entries.get(i as usize)?))
    };
    let totals = order
        .par_iter()
        .map(|o| {
            let (_, e) = entry(o)?;
            let down = POW10.get(usize::from(SCALE - e.scale))?;
            let monetary = Decimal::try_from_i128_with_scale(e.sum / down, u32::from(e.scale)).ok()?;
            Some(Totals {
                first: Day::from_days(e.first_day),
                last: Day::from_days(e.last_day),
                orders: e.orders,
                days: e.days,
                monetary,
                channel: e.channel,
            })
        })
        .collect::<Option<Vec<_>>>()?;
    // Ids, in parallel runs joined in order.
    let runs: Vec<(Vec<u8>, Vec<usize>)> = order
        .par_chunks(1 << 16)
        .map(|chunk| {
            let mut bytes = Vec::with_capacity(chunk.len() * 8);
            let mut ends = Vec::with_capacity(chunk.len());
            for o in chunk {
                if let Some((part, e)) = entry(o) {
                    if is_long(&e.key) {
                        let (from, to) = long_span(&e.key);
                        bytes.extend_from_slice(part.arena.get(from..to).unwrap_or(&[]));
                    } else {
                        let w = (u128::from(e.key[1]) << 64 | u128::from(e.key[0])).to_le_bytes();
                        let len = usize::from(w[15]).min(15);
                        bytes.extend_from_slice(&w[..len]);
                    }
                }
                ends.push(bytes.len());
            }
            (bytes, ends)
        })
        .collect();
    drop(order);
    drop(table);
    let mut id_bytes = Vec::with_capacity(runs.iter().map(|r| r.0.len()).sum());
    let mut id_ends = Vec::with_capacity(totals.len());
    for (bytes, ends) in runs {
        let base = id_bytes.len();
        id_bytes.extend_from_slice(&bytes);
        id_ends.extend(ends.into_iter().map(|e| e + base));
    }
    let (id_text, id_ends) = id_text(id_bytes, id_ends);
    Some(CustomerTable {
        file: name.to_string(),
        as_of,
        id_text,
        id_ends,
        totals,
        channel_names: channel_keys
            .iter()
            .map(|k| String::from_utf8_lossy(k).into_owned())
            .collect(),
        rows_after_as_of,
        skipped: SkipReport::default(),
    })
}

#[cfg(test)]
mod bench_tmp {
    use super::*;

    #[test]
    #[ignore]
    fn scan_speed() {
        let data = std::fs::read("/tmp/ltv-bench-2850000-42.csv").unwrap();
        let t = std::time::Instant::now();
        let mut sum = 0u64;
        for chunk in data.chunks_exact(8) {
            sum = sum.wrapping_add(u64::from_le_bytes(chunk.try_into().unwrap()));
        }
        eprintln!("sum words {:?} {sum}", t.elapsed());
        let t = std::time::Instant::now();
        let mut scan = Scan::new(&data, 0, b',');
        let mut n = 0usize;
        while let Some(at) = scan.next() {
            n += at & 1;
        }
        eprintln!("scan {:?} {n}", t.elapsed());
        let t = std::time::Instant::now();
        let n = memchr::memchr_iter(b'\n', &data).count();
        eprintln!("memchr lines {:?} {n}", t.elapsed());
        let file = CsvFile::from_bytes("x", data, b',').unwrap();
        let cols = crate::transactions::resolve(&file, &Default::default()).unwrap();
        let (_, body) = file.body();
        let ctx = Ctx {
            body,
            delimiter: b',',
            columns: 4,
            cols: &cols,
            dates: &DateFormat::Iso,
            as_of: None,
            parts: 1,
        };
        let mut piece = Piece::new(1);
        let t = std::time::Instant::now();
        assert!(parse_piece(&ctx, 0, body.len(), 0, &mut piece));
        eprintln!("parse_piece {:?} {}", t.elapsed(), piece.buckets[0].len());
        piece.clear();
        let t = std::time::Instant::now();
        assert!(parse_piece(&ctx, 0, body.len(), 0, &mut piece));
        eprintln!("parse_piece again {:?} {}", t.elapsed(), piece.buckets[0].len());
    }
}
