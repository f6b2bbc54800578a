//! A strict, parallel reader for CSV files with a header: "rows with named columns".
//!
//! [`CsvFile::open`] maps the file into memory (or reads stdin for `-`), parses the
//! header, and [`CsvFile::fold_chunks`] / [`CsvFile::rows`] hand each record to a
//! closure on all cores, chunk by chunk, without allocating per row. A closure rejects a
//! cell by returning a [`FieldError`]; the reader turns it into a [`DataError`] naming
//! file, line, column and text. With [`CsvOptions::skip_invalid`] bad rows are skipped
//! and counted in a [`SkipReport`] instead; nothing is dropped silently.
//!
//! Dialect: RFC 4180 fields (double-quoted fields may contain the delimiter and `""`,
//! read as one `"` wherever a field is read), `\n` or `\r\n` line ends, an optional
//! UTF-8 byte-order mark, empty lines ignored. A quoted field may not span lines: that
//! is an error, and under `skip_invalid` the whole record (every line up to the
//! closing quote) is skipped as one row. Every row must have exactly as many fields as
//! the header, and no two header columns may have the same name. A line (or a
//! record) longer than [`MAX_LINE_BYTES`] is an error naming it, also under
//! `skip_invalid`; stdin is read with the same check, so a stream without line ends
//! is refused at the limit instead of filling memory.
//!
//! ```
//! use ltv_segments::{CsvFile, CsvOptions, FieldError};
//! let file = CsvFile::from_bytes("plans.csv", b"plan,price\nbasic,10\npro,x\n".to_vec(), b',')?;
//! let price = file.column("price", "--price-col")?;
//! let err = file
//!     .rows(&CsvOptions::default(), |rec| {
//!         let text = rec.text(price)?;
//!         text.parse::<u32>().map_err(|_| FieldError::new(price, "not a whole number"))
//!     })
//!     .unwrap_err();
//! assert_eq!(err.to_string(), "plans.csv:3: column 'price': not a whole number: 'x'");
//! # Ok::<(), ltv_segments::SegmentsError>(())
//! ```

use std::borrow::Cow;
use std::io::Read;
use std::sync::atomic::{AtomicU64, Ordering};

use ltv_core::{Cancelled, Job};
use rayon::prelude::*;

use crate::encoding::Encoding;
use crate::error::{DataError, Result, SegmentsError};

/// How many rejected rows a [`SkipReport`] keeps the reason of.
pub const SKIP_REASONS_KEPT: usize = 5;

/// The longest line (or record) of a data file: 1 MiB. A row of a data file is a few
/// hundred bytes; a longer line is a file without line ends (or with CR-only ones) or
/// not a CSV file at all.
pub const MAX_LINE_BYTES: usize = 1 << 20;

/// The error for a line longer than [`MAX_LINE_BYTES`] at line `line` of `file`.
fn long_line(file: &str, line: u64, text: &[u8]) -> SegmentsError {
    let cr = memchr::memchr(b'\r', text).is_some();
    SegmentsError::Data(DataError {
        file: file.to_string(),
        line,
        column: "#1".into(),
        text: String::new(),
        reason: format!(
            "the line is longer than {} MiB{}",
            MAX_LINE_BYTES >> 20,
            if cr {
                ": its lines seem to end with CR only (an old Mac export): save it with LF or CRLF line ends"
            } else {
                ": is this a CSV file with one row per line?"
            }
        ),
    })
}

/// The largest settings file read whole (an initiatives or baseline file, a segment
/// map, a cohort matrix): 16 MiB, a hundred thousand initiatives.
pub const MAX_TEXT_FILE_BYTES: u64 = 16 << 20;

/// Reads the text file `path` (`-` for stdin) of at most [`MAX_TEXT_FILE_BYTES`];
/// `what` names what it should be, for the error (`an initiatives file`). A UTF-8
/// byte-order mark is dropped; a Shift_JIS or UTF-16 file is read as such
/// ([`Encoding::Auto`]).
///
/// # Errors
/// [`SegmentsError::Io`] if it cannot be read, is larger than the limit (`/dev/zero`
/// is refused at the limit, not read until memory runs out) or is not UTF-8.
pub fn read_text_file(path: &str, what: &str) -> Result<String> {
    let io = |e: std::io::Error| SegmentsError::io(path, e);
    let mut bytes = Vec::new();
    let limit = MAX_TEXT_FILE_BYTES;
    if path == "-" {
        std::io::stdin()
            .lock()
            .take(limit + 1)
            .read_to_end(&mut bytes)
            .map_err(io)?;
    } else {
        std::fs::File::open(path)
            .map_err(io)?
            .take(limit + 1)
            .read_to_end(&mut bytes)
            .map_err(io)?;
    }
    if bytes.len() as u64 > limit {
        return Err(io(std::io::Error::other(format!(
            "larger than {} MiB: is it {what}?",
            limit >> 20
        ))));
    }
    // a Shift_JIS or UTF-16 file (Japanese Windows) is read as such
    let bytes = Encoding::Auto.to_utf8(bytes);
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    match std::str::from_utf8(text) {
        Ok(text) => Ok(text.to_owned()),
        Err(e) => Err(io(std::io::Error::other(format!(
            "not UTF-8 text (at byte {}): is it {what}?",
            e.valid_up_to()
        )))),
    }
}

/// Reads all of `reader` (stdin, a request body) into memory, refusing a line longer
/// than [`MAX_LINE_BYTES`] as soon as it is (the error names the file and the line).
///
/// # Errors
/// [`SegmentsError::Io`] if reading fails; [`SegmentsError::Data`] for a line too long.
pub fn read_lines_bounded(name: &str, mut reader: impl Read) -> Result<Vec<u8>> {
    const CHUNK: usize = 64 << 10;
    let mut data: Vec<u8> = Vec::new();
    let mut line_start = 0;
    loop {
        let len = data.len();
        data.resize(len + CHUNK, 0);
        let n = loop {
            match reader.read(&mut data[len..]) {
                Ok(n) => break n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(SegmentsError::io(name, e)),
            }
        };
        data.truncate(len + n);
        if n == 0 {
            return Ok(data);
        }
        if let Some(i) = memchr::memrchr(b'\n', &data[len..]) {
            line_start = len + i + 1;
        }
        if data.len() - line_start > MAX_LINE_BYTES {
            let line = 1 + memchr::memchr_iter(b'\n', &data[..line_start]).count() as u64;
            return Err(long_line(name, line, &data[line_start..]));
        }
    }
}

/// Parses a field delimiter as users write it: one ASCII character other than a quote
/// or a line break, or `tab` (also `\t` or a literal tab). The CLI's `--delimiter` and
/// the server's `delimiter` parameter both use it.
///
/// # Errors
/// A message saying what is allowed.
///
/// ```
/// assert_eq!(ltv_segments::parse_delimiter(";"), Ok(b';'));
/// assert_eq!(ltv_segments::parse_delimiter("tab"), Ok(b'\t'));
/// assert!(ltv_segments::parse_delimiter("\"").is_err());
/// ```
pub fn parse_delimiter(text: &str) -> std::result::Result<u8, String> {
    match text.as_bytes() {
        b"tab" | b"\\t" | b"\t" => Ok(b'\t'),
        [c] if c.is_ascii() && !matches!(c, b'"' | b'\n' | b'\r') => Ok(*c),
        _ => Err(format!(
            "delimiter must be one ASCII character other than a quote, or `tab`, got '{text}'"
        )),
    }
}

/// Options of the CSV reader shared by every command that reads a data file.
#[derive(Debug, Clone, Default)]
pub struct CsvOptions {
    /// Skip rows with a bad value instead of stopping (they are counted and the first
    /// [`SKIP_REASONS_KEPT`] reasons kept in the [`SkipReport`]).
    pub skip_invalid: bool,
    /// The job reading the file: told the bytes done now and then (from any thread)
    /// and checked for cancellation every few megabytes.
    pub job: Job,
}

/// A rejected cell: the column index and why. The reader adds file, line and text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// Index of the column in the header.
    pub column: usize,
    /// Why it was rejected, lower-case.
    pub reason: Cow<'static, str>,
}

impl FieldError {
    /// A rejection of column `column` for `reason`.
    pub fn new(column: usize, reason: impl Into<Cow<'static, str>>) -> Self {
        FieldError {
            column,
            reason: reason.into(),
        }
    }
}

/// Rows skipped under [`CsvOptions::skip_invalid`]: how many and the first few reasons.
///
/// Reports that read with skipping carry it (`"skipped": {"rows": 9, "first": [..]}`
/// in their JSON, left out when nothing was skipped), so a count is never only on
/// stderr.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SkipReport {
    /// Number of rows skipped.
    #[serde(rename = "rows")]
    pub skipped: u64,
    /// The first (in file order) up to [`SKIP_REASONS_KEPT`] of them.
    pub first: Vec<DataError>,
}

impl SkipReport {
    /// Whether no row was skipped.
    pub fn is_empty(&self) -> bool {
        self.skipped == 0
    }

    /// The report as lines for stderr; empty when nothing was skipped.
    pub fn describe(&self) -> String {
        if self.skipped == 0 {
            return String::new();
        }
        let mut text = format!(
            "skipped {} invalid row{}",
            self.skipped,
            if self.skipped == 1 { "" } else { "s" }
        );
        if self.skipped > self.first.len() as u64 {
            text.push_str(&format!("; the first {}:", self.first.len()));
        } else {
            text.push(':');
        }
        for err in &self.first {
            text.push_str("\n  ");
            text.push_str(&err.to_string());
        }
        text
    }
}

enum Bytes {
    Owned(Vec<u8>),
    Mapped(memmap2::Mmap),
}

/// Granularity of [`Bytes::release`]: a multiple of every common page size.
const RELEASE_ALIGN: usize = 64 << 10;

impl Bytes {
    /// Lets the OS drop the mapped pages of `from..to` from this process's memory:
    /// they were read already, so resident memory stays flat instead of growing to the
    /// file's size. Touching them again (an error's line count, a long id) reads them
    /// back from the file. No effect on owned bytes or off Unix.
    fn release(&self, from: usize, to: usize) {
        #[cfg(unix)]
        if let Bytes::Mapped(map) = self {
            let start = from.div_ceil(RELEASE_ALIGN) * RELEASE_ALIGN;
            let end = (to / RELEASE_ALIGN) * RELEASE_ALIGN;
            if end > start && end <= map.len() {
                drop_pages(map, start, end - start);
            }
        }
        #[cfg(not(unix))]
        let _ = (from, to);
    }

    fn get(&self) -> &[u8] {
        match self {
            Bytes::Owned(v) => v,
            Bytes::Mapped(m) => m,
        }
    }
}

/// An opened CSV file: its bytes, delimiter and parsed header.
pub struct CsvFile {
    name: String,
    encoding: &'static str,
    bytes: Bytes,
    delimiter: u8,
    header: Vec<String>,
    body_start: usize,
}

impl std::fmt::Debug for CsvFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CsvFile")
            .field("name", &self.name)
            .field("header", &self.header)
            .field("len", &self.bytes.get().len())
            .finish()
    }
}

// SAFETY: see the comment inside.
#[allow(unsafe_code)]
fn map_file(file: &std::fs::File) -> std::io::Result<memmap2::Mmap> {
    // SAFETY: the map is read-only and lives inside `CsvFile`. If another process
    // truncates or rewrites the file while we read it, the contents we see may change
    // (as with any reader of a file being written); we never hand out references that
    // outlive the `CsvFile`, and parsing treats the bytes as untrusted input.
    unsafe { memmap2::Mmap::map(file) }
}

#[cfg(unix)]
#[allow(unsafe_code)]
fn drop_pages(map: &memmap2::Mmap, offset: usize, len: usize) {
    // SAFETY: the map is a read-only mapping of a file that we never write through.
    // MADV_DONTNEED only removes the pages from this process's page tables; the next
    // access faults them in again from the file (the page cache), with the same
    // contents, so every outstanding `&[u8]` into the map stays valid and unchanged.
    // The range lies inside the map (checked by the caller). Failure is harmless.
    let _ = unsafe { map.unchecked_advise_range(memmap2::UncheckedAdvice::DontNeed, offset, len) };
}

impl CsvFile {
    /// Opens `path` (`-` reads all of stdin) and parses its header.
    ///
    /// # Errors
    /// [`SegmentsError::Io`] if it cannot be read; [`SegmentsError::Header`] if it is
    /// empty or the header is malformed.
    pub fn open(path: &str, delimiter: u8) -> Result<CsvFile> {
        CsvFile::open_encoded(path, delimiter, Encoding::Auto)
    }

    /// [`CsvFile::open`] with the file's character encoding given (or
    /// [`Encoding::Auto`], what `open` uses).
    ///
    /// # Errors
    /// As for [`CsvFile::open`].
    pub fn open_encoded(path: &str, delimiter: u8, encoding: Encoding) -> Result<CsvFile> {
        if path == "-" {
            let data = read_lines_bounded("-", std::io::stdin().lock())?;
            return CsvFile::from_bytes_encoded("-", data, delimiter, encoding);
        }
        let file = std::fs::File::open(path).map_err(|e| SegmentsError::io(path, e))?;
        let len = file
            .metadata()
            .map_err(|e| SegmentsError::io(path, e))?
            .len();
        let bytes = if len == 0 {
            Bytes::Owned(Vec::new())
        } else {
            match map_file(&file) {
                Ok(map) => Bytes::Mapped(map),
                // Not mappable (a pipe, a special file): read it instead.
                Err(_) => Bytes::Owned(read_lines_bounded(path, &file)?),
            }
        };
        CsvFile::new(path.to_string(), bytes, delimiter, encoding)
    }

    /// A CSV file read from `reader` (a request body, a pipe) with the line-length
    /// check of [`read_lines_bounded`], named `name` in errors.
    ///
    /// # Errors
    /// As [`read_lines_bounded`] and [`CsvFile::from_bytes`].
    pub fn from_reader(name: &str, reader: impl Read, delimiter: u8) -> Result<CsvFile> {
        CsvFile::from_reader_encoded(name, reader, delimiter, Encoding::Auto)
    }

    /// [`CsvFile::from_reader`] in the given encoding.
    ///
    /// # Errors
    /// As for [`CsvFile::from_reader`].
    pub fn from_reader_encoded(
        name: &str,
        reader: impl Read,
        delimiter: u8,
        encoding: Encoding,
    ) -> Result<CsvFile> {
        let data = read_lines_bounded(name, reader)?;
        CsvFile::from_bytes_encoded(name, data, delimiter, encoding)
    }

    /// A CSV file from bytes in memory, named `name` in errors.
    ///
    /// # Errors
    /// [`SegmentsError::Header`] if it is empty or the header is malformed.
    pub fn from_bytes(name: &str, data: Vec<u8>, delimiter: u8) -> Result<CsvFile> {
        CsvFile::from_bytes_encoded(name, data, delimiter, Encoding::Auto)
    }

    /// [`CsvFile::from_bytes`] in the given encoding.
    ///
    /// # Errors
    /// As for [`CsvFile::from_bytes`].
    pub fn from_bytes_encoded(
        name: &str,
        data: Vec<u8>,
        delimiter: u8,
        encoding: Encoding,
    ) -> Result<CsvFile> {
        CsvFile::new(name.to_string(), Bytes::Owned(data), delimiter, encoding)
    }

    /// The character encoding the file was read with (`UTF-8`, `Shift_JIS`, …).
    pub fn encoding(&self) -> &'static str {
        self.encoding
    }

    fn new(name: String, bytes: Bytes, delimiter: u8, encoding: Encoding) -> Result<CsvFile> {
        let (encoding, decoded) = crate::encoding::to_utf8(bytes.get(), encoding);
        let bytes = match decoded {
            Some(text) => Bytes::Owned(text),
            None => bytes,
        };
        let header_err = |reason: &str| SegmentsError::Header {
            file: name.clone(),
            reason: reason.to_string(),
        };
        if matches!(delimiter, b'"' | b'\n' | b'\r') {
            return Err(SegmentsError::InvalidOption {
                field: "delimiter",
                value: (delimiter as char).escape_default().to_string(),
                allowed: "one character other than a quote or a line end".into(),
            });
        }
        let data = bytes.get();
        let mut start = 0;
        if data.starts_with(b"\xEF\xBB\xBF") {
            start = 3;
        }
        let end = memchr::memchr(b'\n', &data[start..]).map_or(data.len(), |i| start + i);
        if end - start > MAX_LINE_BYTES {
            return Err(long_line(&name, 1, &data[start..start + MAX_LINE_BYTES]));
        }
        let line = trim_cr(&data[start..end]);
        if line.iter().all(u8::is_ascii_whitespace) {
            return Err(header_err(
                "the file is empty or its first line is blank (expected a header line)",
            ));
        }
        let mut spans = Vec::new();
        split(line, delimiter, &mut spans)
            .map_err(|_| header_err("the header line has an unterminated quote"))?;
        let mut header = Vec::with_capacity(spans.len());
        for span in &spans {
            let text = span_text(line, span)
                .map_err(|_| {
                header_err("the header line is not valid UTF-8 (for a Shift_JIS file, set the encoding to shift_jis)")
            })?;
            header.push(text.trim().to_string());
        }
        let mut seen: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
        for (i, h) in header.iter().enumerate().filter(|(_, h)| !h.is_empty()) {
            if let Some(first) = seen.insert(h, i) {
                return Err(header_err(&format!(
                    "the header names column '{h}' twice (columns {} and {}): rename one",
                    first + 1,
                    i + 1
                )));
            }
        }
        let body_start = (end + 1).min(data.len());
        Ok(CsvFile {
            name,
            encoding,
            bytes,
            delimiter,
            header,
            body_start,
        })
    }

    /// The file as the user named it (`-` for stdin).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The header's column names.
    pub fn header(&self) -> &[String] {
        &self.header
    }

    /// Size of the data in bytes.
    pub fn len(&self) -> usize {
        self.bytes.get().len()
    }

    /// Whether the data has no bytes at all.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The bytes after the header line and where they start in the data.
    pub(crate) fn body(&self) -> (usize, &[u8]) {
        let data = self.bytes.get();
        (self.body_start, data.get(self.body_start..).unwrap_or(&[]))
    }

    /// The field delimiter.
    pub(crate) fn delimiter(&self) -> u8 {
        self.delimiter
    }

    /// Lets the OS drop the mapped pages of `from..to` (offsets into the data) once
    /// they have been parsed; see `Bytes::release`.
    pub(crate) fn release(&self, from: usize, to: usize) {
        self.bytes.release(from, to);
    }

    /// Index of the column called `name` (exact match after trimming blanks);
    /// `flag` names the option that chose it, for the error.
    ///
    /// # Errors
    /// [`SegmentsError::UnknownColumn`] listing the columns the header has.
    pub fn column(&self, name: &str, flag: &str) -> Result<usize> {
        self.optional_column(name)
            .ok_or_else(|| SegmentsError::UnknownColumn {
                file: self.name.clone(),
                column: name.to_string(),
                flag: flag.to_string(),
                available: self.header.join(", "),
            })
    }

    /// Index of the column called `name`, if the header has it.
    pub fn optional_column(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name.trim())
    }

    /// Runs `row` on every record, in parallel: the body is cut into one chunk per
    /// thread at line ends, each chunk folds its records into its own state made by
    /// `init`, and the states come back in file order.
    ///
    /// # Errors
    /// Without `skip_invalid`, the first bad row in file order as a [`DataError`]
    /// (a rejection by `row`, a missing or extra field, an unterminated quote).
    pub fn fold_chunks<'a, S, I, F>(
        &'a self,
        options: &CsvOptions,
        init: I,
        row: F,
    ) -> Result<(Vec<S>, SkipReport)>
    where
        S: Send,
        I: Fn() -> S + Sync,
        F: Fn(&mut S, &Record<'a, '_>) -> Result<(), FieldError> + Sync,
    {
        options.job.check()?;
        let data = self.bytes.get();
        let body = &data[self.body_start..];
        let chunks = chunk_bounds(body, rayon::current_num_threads());
        let done = AtomicU64::new(0);
        let total = body.len() as u64;
        let run = |from: usize, to: usize| {
            self.fold_chunk(
                self.body_start + from,
                self.body_start + to,
                options,
                &init,
                &row,
                &done,
                total,
            )
        };
        let mut results: Vec<ChunkResult<S>> =
            chunks.par_iter().map(|&(from, to)| run(from, to)).collect();
        // A record skipped whole (a quoted field over several lines) may run past its
        // chunk's end: the next chunk then starts inside it and is read again from
        // where the record ends (rare: only files with such records).
        let mut reached = 0;
        for (result, &(from, to)) in results.iter_mut().zip(&chunks) {
            if reached > self.body_start + from {
                *result = if reached < self.body_start + to {
                    run(reached - self.body_start, to)
                } else {
                    ChunkResult::Done {
                        state: init(),
                        skipped: 0,
                        first: Vec::new(),
                        end: reached,
                    }
                };
            }
            match result {
                ChunkResult::Done { end, .. } => reached = reached.max(*end),
                ChunkResult::Failed(_) | ChunkResult::Cancelled => break,
            }
        }
        let mut states = Vec::with_capacity(results.len());
        let mut report = SkipReport::default();
        let mut pending = Vec::new();
        for result in results {
            match result {
                ChunkResult::Failed(err) => return Err(self.data_error(&err).into()),
                ChunkResult::Cancelled => return Err(Cancelled.into()),
                ChunkResult::Done {
                    state,
                    skipped,
                    first,
                    ..
                } => {
                    states.push(state);
                    report.skipped += skipped;
                    if pending.len() < SKIP_REASONS_KEPT {
                        pending.extend(first);
                    }
                }
            }
        }
        pending.truncate(SKIP_REASONS_KEPT);
        report.first = pending.iter().map(|p| self.data_error(p)).collect();
        Ok((states, report))
    }

    /// Maps every record through `row` (in parallel) and returns the values in file order.
    ///
    /// # Errors
    /// As for [`CsvFile::fold_chunks`].
    pub fn rows<'a, T, F>(&'a self, options: &CsvOptions, row: F) -> Result<(Vec<T>, SkipReport)>
    where
        T: Send,
        F: Fn(&Record<'a, '_>) -> Result<T, FieldError> + Sync,
    {
        let (chunks, report) = self.fold_chunks(options, Vec::new, |acc: &mut Vec<T>, rec| {
            acc.push(row(rec)?);
            Ok(())
        })?;
        Ok((chunks.into_iter().flatten().collect(), report))
    }

    #[allow(clippy::too_many_arguments)]
    fn fold_chunk<'a, S, I, F>(
        &'a self,
        from: usize,
        to: usize,
        options: &CsvOptions,
        init: &I,
        row: &F,
        done: &AtomicU64,
        total: u64,
    ) -> ChunkResult<S>
    where
        I: Fn() -> S,
        F: Fn(&mut S, &Record<'a, '_>) -> Result<(), FieldError>,
    {
        const PROGRESS_EVERY: usize = 8 << 20;
        let data = self.bytes.get();
        let mut state = init();
        let mut spans: Vec<Span> = Vec::with_capacity(self.header.len() + 1);
        let mut skipped = 0u64;
        let mut first = Vec::new();
        let mut pos = from;
        let mut reported = from;
        while pos < to {
            let end = memchr::memchr(b'\n', &data[pos..to]).map_or(to, |i| pos + i);
            if end - pos > MAX_LINE_BYTES {
                return ChunkResult::Failed(Pending {
                    offset: pos,
                    column: None,
                    text: None,
                    reason: String::new(),
                    long: true,
                });
            }
            let line = trim_cr(&data[pos..end]);
            let offset = pos;
            pos = end + 1;
            if line.is_empty() {
                continue;
            }
            let outcome = match split(line, self.delimiter, &mut spans) {
                Err(at) => {
                    // under skip_invalid the whole record goes: every line up to the
                    // closing quote, if it closes within the line limit
                    let record = options
                        .skip_invalid
                        .then(|| record_end(data, offset, self.delimiter))
                        .flatten()
                        .filter(|&e| e > end);
                    let reason = match record {
                        Some(record_end) => {
                            let lines =
                                1 + memchr::memchr_iter(b'\n', &data[offset..record_end]).count();
                            pos = record_end + 1;
                            format!("a quoted field spans {lines} lines (a quoted field may not span lines); the record was skipped whole")
                        }
                        None => "unterminated quote (a quoted field may not span lines)".into(),
                    };
                    Err(Pending {
                        offset,
                        column: Some(at),
                        text: None,
                        reason,
                        long: false,
                    })
                }
                Ok(()) if spans.len() != self.header.len() => {
                    Err(self.shape_error(offset, line, &spans))
                }
                Ok(()) => {
                    let record = Record {
                        line,
                        spans: &spans,
                    };
                    row(&mut state, &record).map_err(|e| Pending {
                        long: false,
                        offset,
                        text: Some(
                            spans
                                .get(e.column)
                                .map(|s| {
                                    String::from_utf8_lossy(&line[s.start..s.end]).into_owned()
                                })
                                .unwrap_or_default(),
                        ),
                        column: Some(e.column),
                        reason: e.reason.into_owned(),
                    })
                }
            };
            if let Err(pending) = outcome {
                if !options.skip_invalid {
                    return ChunkResult::Failed(pending);
                }
                skipped += 1;
                if first.len() < SKIP_REASONS_KEPT {
                    first.push(pending);
                }
            }
            if pos - reported >= PROGRESS_EVERY {
                let now = done.fetch_add((pos - reported) as u64, Ordering::Relaxed);
                options.job.bytes(now + (pos - reported) as u64, total);
                if options.job.is_cancelled() {
                    return ChunkResult::Cancelled;
                }
                self.bytes.release(reported, pos);
                reported = pos;
            }
        }
        let add = (to.max(reported) - reported) as u64;
        let now = done.fetch_add(add, Ordering::Relaxed);
        options.job.bytes(now + add, total);
        ChunkResult::Done {
            state,
            skipped,
            first,
            end: pos.max(to),
        }
    }

    fn shape_error(&self, offset: usize, line: &[u8], spans: &[Span]) -> Pending {
        let n = spans.len();
        let want = self.header.len();
        if n < want {
            Pending {
                long: false,
                offset,
                column: Some(n),
                text: Some(String::from_utf8_lossy(line).into_owned()),
                reason: format!("missing field (the row has {n} of the header's {want} fields)"),
            }
        } else {
            Pending {
                long: false,
                offset,
                column: None,
                text: Some(String::from_utf8_lossy(line).into_owned()),
                reason: format!("extra field (the row has {n} fields, the header {want})"),
            }
        }
    }

    fn data_error(&self, p: &Pending) -> DataError {
        let data = self.bytes.get();
        let line = 1 + memchr::memchr_iter(b'\n', &data[..p.offset.min(data.len())]).count() as u64;
        if p.long {
            let text = data.get(p.offset..).unwrap_or_default();
            let text = text.get(..MAX_LINE_BYTES).unwrap_or(text);
            if let SegmentsError::Data(err) = long_line(&self.name, line, text) {
                return err;
            }
        }
        let column = match p.column {
            Some(i) => self
                .header
                .get(i)
                .cloned()
                .unwrap_or_else(|| format!("#{}", i + 1)),
            None => format!("#{}", self.header.len() + 1),
        };
        let mut text = p.text.clone().unwrap_or_default();
        if text.chars().count() > 80 {
            text = text.chars().take(77).collect::<String>() + "...";
        }
        DataError {
            file: self.name.clone(),
            line,
            column,
            text,
            reason: p.reason.clone(),
        }
    }
}

enum ChunkResult<S> {
    Done {
        state: S,
        skipped: u64,
        first: Vec<Pending>,
        /// Where reading stopped: the chunk's end, or past it for a record skipped
        /// whole that ran over it.
        end: usize,
    },
    Failed(Pending),
    /// The job was cancelled.
    Cancelled,
}

/// A rejected row before its line number is counted.
struct Pending {
    /// A line longer than [`MAX_LINE_BYTES`] (never skipped).
    long: bool,
    offset: usize,
    column: Option<usize>,
    text: Option<String>,
    reason: String,
}

/// One record (row) of a [`CsvFile`]: the record lives during the callback (`'r`),
/// the bytes it points into as long as the file (`'a`).
#[derive(Debug)]
pub struct Record<'a, 'r> {
    line: &'a [u8],
    spans: &'r [Span],
}

impl<'a> Record<'a, '_> {
    /// The raw bytes of field `column`, without surrounding quotes (doubled `""` inside
    /// a quoted field are left as they are); empty if out of range.
    pub fn raw(&self, column: usize) -> &'a [u8] {
        match self.spans.get(column) {
            Some(s) => &self.line[s.start..s.end],
            None => &[],
        }
    }

    /// Field `column` as text, with `""` unescaped.
    ///
    /// # Errors
    /// A [`FieldError`] if it is not valid UTF-8.
    pub fn text(&self, column: usize) -> Result<Cow<'a, str>, FieldError> {
        match self.spans.get(column) {
            Some(s) => span_text(self.line, s)
                .map_err(|_| FieldError::new(column, crate::transactions::NOT_UTF8)),
            None => Ok(Cow::Borrowed("")),
        }
    }

    /// Number of fields.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// Whether the record has no fields.
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Span {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) escaped: bool,
}

/// Whether a spreadsheet would read `text` as a formula: it starts with `=`, `+`,
/// `-`, `@`, a tab or a carriage return and is not a number (OWASP's rule against
/// CSV injection: `=HYPERLINK(…)`, `+cmd|' /C calc'!A0`, `@SUM(…)`, `-2+3+cmd`).
pub fn is_formula_like(text: &str) -> bool {
    let risky = text.starts_with(['=', '+', '-', '@', '\t', '\r']);
    risky && !is_number(text)
}

fn is_number(text: &str) -> bool {
    let unsigned = text.strip_prefix(['+', '-']).unwrap_or(text);
    let (mantissa, exponent) = match unsigned.split_once(['e', 'E']) {
        Some((m, e)) => (m, Some(e.strip_prefix(['+', '-']).unwrap_or(e))),
        None => (unsigned, None),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    !(int.is_empty() && frac.is_empty())
        && digits(int)
        && digits(frac)
        && exponent.is_none_or(|e| !e.is_empty() && digits(e))
}

/// `text` as a field of a CSV file we write: a `'` before a text a spreadsheet would
/// run as a formula (see [`is_formula_like`]) unless `raw`, then quoted (with `"`
/// doubled) when it holds a comma, a quote or a line end.
///
/// ```
/// use ltv_segments::csv_field;
/// assert_eq!(csv_field("=HYPERLINK(\"x\")", false), "\"'=HYPERLINK(\"\"x\"\")\"");
/// assert_eq!(csv_field("-12.5", false), "-12.5");
/// assert_eq!(csv_field("@SUM(A1)", true), "@SUM(A1)");
/// ```
pub fn csv_field(text: &str, raw: bool) -> Cow<'_, str> {
    let text: Cow<'_, str> = if !raw && is_formula_like(text) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    };
    if text.contains([',', '"', '\n', '\r']) {
        Cow::Owned(format!("\"{}\"", text.replace('"', "\"\"")))
    } else {
        text
    }
}

/// A field kept as raw bytes (an id, a channel name) as text, with the doubled quotes
/// of a quoted field read as one, as [`Record::text`] reads them.
pub(crate) fn unescaped_text(raw: &[u8]) -> String {
    let text = String::from_utf8_lossy(raw);
    if memchr::memmem::find(raw, b"\"\"").is_some() {
        text.replace("\"\"", "\"")
    } else {
        text.into_owned()
    }
}

pub(crate) fn trim_cr(line: &[u8]) -> &[u8] {
    line.strip_suffix(b"\r").unwrap_or(line)
}

fn span_text<'a>(line: &'a [u8], s: &Span) -> Result<Cow<'a, str>, std::str::Utf8Error> {
    let text = std::str::from_utf8(&line[s.start..s.end])?;
    Ok(if s.escaped {
        Cow::Owned(text.replace("\"\"", "\""))
    } else {
        Cow::Borrowed(text)
    })
}

/// Splits one line into field spans; `Err(field index)` on an unterminated quote.
pub(crate) fn split(line: &[u8], delimiter: u8, spans: &mut Vec<Span>) -> Result<(), usize> {
    spans.clear();
    let mut pos = 0;
    loop {
        if line.get(pos) == Some(&b'"') {
            let start = pos + 1;
            let mut i = start;
            let mut escaped = false;
            loop {
                match memchr::memchr(b'"', &line[i..]) {
                    None => return Err(spans.len()),
                    Some(q) => {
                        let at = i + q;
                        if line.get(at + 1) == Some(&b'"') {
                            escaped = true;
                            i = at + 2;
                        } else {
                            spans.push(Span {
                                start,
                                end: at,
                                escaped,
                            });
                            pos = at + 1;
                            break;
                        }
                    }
                }
            }
            match line.get(pos) {
                None => return Ok(()),
                Some(&b) if b == delimiter => pos += 1,
                // text after the closing quote: treat as part of a malformed field
                Some(_) => return Err(spans.len() - 1),
            }
        } else {
            match memchr::memchr(delimiter, &line[pos..]) {
                Some(d) => {
                    spans.push(Span {
                        start: pos,
                        end: pos + d,
                        escaped: false,
                    });
                    pos += d + 1;
                }
                None => {
                    spans.push(Span {
                        start: pos,
                        end: line.len(),
                        escaped: false,
                    });
                    return Ok(());
                }
            }
        }
    }
}

/// Where the record starting at `start` ends (the index of its line end), reading
/// quoted fields over line ends: the first line end after an even number of quotes.
/// `None` when that is more than [`MAX_LINE_BYTES`] away or the data ends first.
fn record_end(data: &[u8], start: usize, _delimiter: u8) -> Option<usize> {
    let limit = data.len().min(start.saturating_add(MAX_LINE_BYTES));
    let window = data.get(start..limit)?;
    let mut quoted = false;
    for at in memchr::memchr2_iter(b'"', b'\n', window) {
        match window.get(at) {
            Some(b'"') => quoted = !quoted,
            _ if !quoted => return Some(start + at),
            _ => {}
        }
    }
    None
}

/// Cuts `body` into about `parts` pieces that end at line ends.
fn chunk_bounds(body: &[u8], parts: usize) -> Vec<(usize, usize)> {
    const MIN_CHUNK: usize = 1 << 20;
    let parts = parts.clamp(1, (body.len() / MIN_CHUNK).max(1));
    let mut bounds = Vec::with_capacity(parts);
    let mut start = 0;
    for k in 1..=parts {
        if start >= body.len() {
            break;
        }
        let mut end = if k == parts {
            body.len()
        } else {
            (body.len() * k / parts).max(start)
        };
        if end < body.len() {
            end = memchr::memchr(b'\n', &body[end..]).map_or(body.len(), |i| end + i + 1);
        }
        bounds.push((start, end));
        start = end;
    }
    bounds
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans(line: &str) -> Result<Vec<String>, usize> {
        let mut s = Vec::new();
        split(line.as_bytes(), b',', &mut s)?;
        Ok(s.iter()
            .map(|sp| span_text(line.as_bytes(), sp).unwrap().into_owned())
            .collect())
    }

    #[test]
    fn splits_quoted_fields() {
        assert_eq!(spans("a,b,c").unwrap(), ["a", "b", "c"]);
        assert_eq!(spans("a,,").unwrap(), ["a", "", ""]);
        assert_eq!(
            spans("\"x,y\",\"say \"\"hi\"\"\"").unwrap(),
            ["x,y", "say \"hi\""]
        );
        assert_eq!(spans("\"open,b"), Err(0));
        assert_eq!(spans("\"a\"b,c"), Err(0));
    }

    #[test]
    fn chunks_cover_body_at_line_ends() {
        let body: Vec<u8> = (0..300_000)
            .flat_map(|i| format!("{i},x\n").into_bytes())
            .collect();
        let b = chunk_bounds(&body, 4);
        assert_eq!(b.first().map(|c| c.0), Some(0));
        assert_eq!(b.last().map(|c| c.1), Some(body.len()));
        for w in b.windows(2) {
            assert_eq!(w[0].1, w[1].0);
            assert_eq!(body[w[0].1 - 1], b'\n');
        }
    }

    #[test]
    fn errors_name_line_column_and_text() {
        let f = CsvFile::from_bytes(
            "t.csv",
            b"\xEF\xBB\xBFa,b\r\n1,2\r\n\r\n3\r\n".to_vec(),
            b',',
        )
        .unwrap();
        assert_eq!(f.header(), ["a", "b"]);
        let err = f
            .rows(&CsvOptions::default(), |r| Ok(r.raw(0).len()))
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "t.csv:4: column 'b': missing field (the row has 1 of the header's 2 fields): '3'"
        );
        let opts = CsvOptions {
            skip_invalid: true,
            ..CsvOptions::default()
        };
        let (rows, report) = f.rows(&opts, |r| Ok(r.raw(1).to_vec())).unwrap();
        assert_eq!(rows, [b"2".to_vec()]);
        assert_eq!(report.skipped, 1);
        assert_eq!(report.first[0].line, 4);
    }

    /// Bytes borrowed before their pages are released read the same afterwards.
    #[test]
    fn released_pages_read_back_from_the_file() {
        let path = std::env::temp_dir().join(format!("ltv-release-{}.csv", std::process::id()));
        let mut data = b"id,v\n".to_vec();
        for i in 0..2_500_000u32 {
            data.extend_from_slice(format!("c{i},{}\n", i % 10).as_bytes());
        }
        std::fs::write(&path, &data).unwrap();
        let file = CsvFile::open(path.to_str().unwrap(), b',').unwrap();
        let (chunks, _) = file
            .fold_chunks(
                &CsvOptions::default(),
                || (None, 0u64),
                |st: &mut (Option<&[u8]>, u64), rec| {
                    st.0.get_or_insert(rec.raw(0));
                    st.1 += 1;
                    Ok(())
                },
            )
            .unwrap();
        let _ = std::fs::remove_file(&path);
        assert_eq!(chunks.iter().map(|c| c.1).sum::<u64>(), 2_500_000);
        assert_eq!(chunks[0].0, Some(b"c0".as_slice()));
        assert!(data.len() > 2 * (8 << 20));
    }

    #[test]
    fn a_record_over_several_lines_is_skipped_whole() {
        let csv = "id,v\na,1\n\"b\n\nx\",2\nc,3\n";
        let f = CsvFile::from_bytes("t.csv", csv.as_bytes().to_vec(), b',').unwrap();
        let err = f
            .rows(&CsvOptions::default(), |r| Ok(r.text(0)?.into_owned()))
            .unwrap_err();
        assert!(err.to_string().starts_with("t.csv:3: "), "{err}");
        let opts = CsvOptions {
            skip_invalid: true,
            ..CsvOptions::default()
        };
        let (rows, report) = f.rows(&opts, |r| Ok(r.text(0)?.into_owned())).unwrap();
        assert_eq!(rows, ["a", "c"]);
        assert_eq!(report.skipped, 1);
        assert_eq!(report.first[0].line, 3);
        assert!(
            report.first[0].reason.contains("spans 3 lines"),
            "{report:?}"
        );
        // a quote that never closes skips only its line
        let csv = "id,v\na,1\n\"b,2\nc,3\n";
        let f = CsvFile::from_bytes("t.csv", csv.as_bytes().to_vec(), b',').unwrap();
        let (rows, report) = f.rows(&opts, |r| Ok(r.text(0)?.into_owned())).unwrap();
        assert_eq!(rows, ["a", "c"]);
        assert_eq!(report.skipped, 1);
    }

    /// A record skipped whole that runs over a chunk's end: the next chunk starts
    /// after it (two threads, the record across the cut between their chunks).
    #[test]
    fn a_skipped_record_across_chunks() {
        let half: String = (0..300_000).map(|i| format!("c{i},1\n")).collect();
        let record = format!("\"open,{}more\",1\n", "\n".repeat(50));
        let csv = format!("id,v\n{half}{record}{half}");
        let f = CsvFile::from_bytes("t.csv", csv.into_bytes(), b',').unwrap();
        let (_, body) = f.body();
        let bounds = chunk_bounds(body, 2);
        let cut = bounds[0].1;
        assert!(cut > half.len() && cut < half.len() + record.len(), "{cut}");
        let opts = CsvOptions {
            skip_invalid: true,
            ..CsvOptions::default()
        };
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        let (rows, report) = pool
            .install(|| f.rows(&opts, |r| Ok(r.text(0)?.into_owned())))
            .unwrap();
        assert_eq!(rows.len(), 600_000);
        assert!(rows.iter().all(|r| r.starts_with('c')), "a phantom row");
        assert_eq!(report.skipped, 1);
        assert_eq!(report.first[0].line, 300_002);
    }

    #[test]
    fn duplicate_header_names_are_refused() {
        let err = CsvFile::from_bytes("t.csv", b"id,amount,amount\n".to_vec(), b',').unwrap_err();
        assert_eq!(
            err.to_string(),
            "t.csv: the header names column 'amount' twice (columns 2 and 3): rename one"
        );
        // blank names (trailing delimiters) are not names
        assert!(CsvFile::from_bytes("t.csv", b"id,,\n".to_vec(), b',').is_ok());
    }

    #[test]
    fn long_lines_are_refused_naming_the_line() {
        let mut data = b"id,v\na,1\n".to_vec();
        data.extend(std::iter::repeat_n(b'x', MAX_LINE_BYTES + 10));
        let err = read_lines_bounded("-", data.as_slice()).unwrap_err();
        assert!(err.to_string().starts_with("-:3: "), "{err}");
        assert!(err.to_string().contains("longer than 1 MiB"), "{err}");
        // a file in memory: also under skip_invalid
        data.extend_from_slice(b"\nb,2\n");
        let f = CsvFile::from_bytes("t.csv", data, b',').unwrap();
        let opts = CsvOptions {
            skip_invalid: true,
            ..CsvOptions::default()
        };
        let err = f.rows(&opts, |r| Ok(r.raw(0).len())).unwrap_err();
        assert!(err.to_string().starts_with("t.csv:3: "), "{err}");
        // CR-only line ends get a hint
        let mac = "id,v\r".repeat(MAX_LINE_BYTES / 4);
        let err = read_lines_bounded("mac.csv", mac.as_bytes()).unwrap_err();
        assert!(err.to_string().contains("CR only"), "{err}");
        // a long header
        let err = CsvFile::from_bytes("h.csv", vec![b'a'; MAX_LINE_BYTES + 1], b',').unwrap_err();
        assert!(err.to_string().contains("longer than 1 MiB"), "{err}");
    }

    #[test]
    fn empty_and_unknown_columns() {
        let err = CsvFile::from_bytes("e.csv", Vec::new(), b',').unwrap_err();
        assert!(
            err.to_string().starts_with("e.csv: the file is empty"),
            "{err}"
        );
        let f = CsvFile::from_bytes("t.csv", b"a;b\n".to_vec(), b';').unwrap();
        assert_eq!(f.column("b", "--b").unwrap(), 1);
        assert_eq!(
            f.column("c", "--c-col").unwrap_err().to_string(),
            "t.csv: no column 'c' (set by --c-col); the header has: a, b"
        );
    }
}
