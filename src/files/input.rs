//! Reading configuration files with bounded memory, quoting values with bounded length, and
//! Latin-1 input.

use std::fmt;
use std::fs;
use std::io::{self, Read};
use std::path::Path;

use super::FileError;

/// At most this many characters of a value are quoted in an error cell or message; a longer
/// value is cut there, marked `…`, and its length in bytes is given.
///
/// ```
/// use lmr::files::{Quoted, QUOTE_CHARS};
/// let exact = "é".repeat(QUOTE_CHARS); // 64 characters (128 bytes): quoted whole
/// assert_eq!(Quoted(&exact).to_string(), format!("{exact:?}"));
/// ```
pub const QUOTE_CHARS: usize = 64;

/// A value quoted for a message: Rust string syntax, at most [`QUOTE_CHARS`] characters of it.
///
/// ```
/// use lmr::files::Quoted;
/// assert_eq!(Quoted("-40").to_string(), r#""-40""#);
/// let long = "x".repeat(1000);
/// assert_eq!(Quoted(&long).to_string(), format!("\"{}…\" (1000 bytes)", "x".repeat(64)));
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Quoted<'a>(pub &'a str);

impl fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.char_indices().nth(QUOTE_CHARS) {
            None => write!(f, "{:?}", self.0),
            Some((cut, _)) => {
                let head = format!("{:?}", &self.0[..cut]);
                let head = head.strip_suffix('"').unwrap_or(&head);
                write!(f, "{head}…\" ({} bytes)", self.0.len())
            }
        }
    }
}

/// Opens an input file for reading, or standard input for `-`, with the file's length (for a
/// progress bar; `None` for standard input).
///
/// # Errors
/// [`FileError::Io`] naming the path.
///
/// ```
/// let e = lmr::files::open_input(std::path::Path::new("no/such.csv")).err().unwrap();
/// assert!(e.to_string().starts_with("cannot read no/such.csv: "));
/// ```
pub fn open_input(path: &Path) -> Result<(Box<dyn Read + Send>, Option<u64>), FileError> {
    if path == Path::new("-") {
        return Ok((Box::new(io::stdin()), None));
    }
    let f = fs::File::open(path).map_err(|source| FileError::Io {
        path: path.to_path_buf(),
        action: "read",
        source,
    })?;
    let len = f.metadata().ok().map(|m| m.len());
    Ok((Box::new(io::BufReader::with_capacity(1 << 16, f)), len))
}

/// A field delimiter that cannot be used.
///
/// ```
/// use lmr::files::{parse_delimiter, DelimiterError};
///
/// assert_eq!(parse_delimiter("\n"), Err(DelimiterError)); // a line end
/// assert_eq!(parse_delimiter("§"), Err(DelimiterError)); // not ASCII
/// assert!(DelimiterError.to_string().ends_with("e.g. ';' (or `tab`)"));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("expected one ASCII character other than a quote or a line end, e.g. ';' (or `tab`)")]
pub struct DelimiterError;

/// Parses a CSV field delimiter: one ASCII character other than a quote or a line end, or `tab`
/// (also `\t` or a tab).
///
/// # Errors
/// [`DelimiterError`].
///
/// ```
/// use lmr::files::parse_delimiter;
/// assert_eq!(parse_delimiter(";"), Ok(b';'));
/// assert_eq!(parse_delimiter("tab"), Ok(b'\t'));
/// assert!(parse_delimiter("\"").is_err());
/// assert!(parse_delimiter(";;").is_err());
/// ```
pub fn parse_delimiter(text: &str) -> Result<u8, DelimiterError> {
    match text {
        "tab" | "\\t" | "\t" => Ok(b'\t'),
        t if t.len() == 1 && t.is_ascii() && !matches!(t, "\"" | "\n" | "\r") => {
            Ok(t.as_bytes()[0])
        }
        _ => Err(DelimiterError),
    }
}

/// A byte count that `--max-record-size` cannot use.
///
/// ```
/// use lmr::files::{parse_size, SizeError};
///
/// assert_eq!(parse_size("1.5M"), Err(SizeError::NotPositive)); // not a whole number
/// assert_eq!(parse_size("1P"), Err(SizeError::Unit)); // K, M or G only
/// assert_eq!(SizeError::Unit.to_string(), "expected a number of bytes, e.g. 1048576, 512K or 4M");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SizeError {
    /// A suffix other than K, M or G.
    #[error("expected a number of bytes, e.g. 1048576, 512K or 4M")]
    Unit,
    /// Not a whole number above zero.
    #[error("expected a positive number of bytes, e.g. 1048576, 512K or 4M")]
    NotPositive,
    /// More bytes than a 64-bit count holds.
    #[error("too large")]
    TooLarge,
}

/// Parses a number of bytes, optionally with a suffix K, M or G (binary: 1K = 1024).
///
/// # Errors
/// [`SizeError`].
///
/// ```
/// use lmr::files::{parse_size, SizeError};
/// assert_eq!(parse_size("1M"), Ok(1_048_576)); // 1 × 2^20
/// assert_eq!(parse_size("512k"), Ok(524_288)); // 512 × 1024
/// assert_eq!(parse_size("4096"), Ok(4096));
/// assert_eq!(parse_size("0"), Err(SizeError::NotPositive));
/// assert_eq!(parse_size("2T"), Err(SizeError::Unit));
/// assert_eq!(parse_size("99999999999G"), Err(SizeError::TooLarge));
/// ```
pub fn parse_size(text: &str) -> Result<u64, SizeError> {
    let t = text.trim();
    let (digits, unit) = match t.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => (&t[..i], c.to_ascii_uppercase()),
        _ => (t, 'B'),
    };
    let shift = match unit {
        'B' => 0,
        'K' => 10,
        'M' => 20,
        'G' => 30,
        _ => return Err(SizeError::Unit),
    };
    match digits.trim().parse::<u64>() {
        Ok(n) if n > 0 => n.checked_mul(1 << shift).ok_or(SizeError::TooLarge),
        _ => Err(SizeError::NotPositive),
    }
}

/// What a file that is not a regular file is, for messages.
pub(super) fn kind(m: &fs::Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let t = m.file_type();
    if t.is_dir() {
        "directory"
    } else if t.is_fifo() {
        "named pipe (FIFO)"
    } else if t.is_char_device() {
        "character device"
    } else if t.is_block_device() {
        "block device"
    } else if t.is_socket() {
        "socket"
    } else {
        "special file"
    }
}

/// Reads a whole text file, only if it is a regular file (checked before opening it, so a FIFO
/// or a device never blocks or streams without end) of at most `limit` bytes. `what` names the
/// kind of file in the message ("a range file").
///
/// ```
/// use lmr::files::{read_regular, FileError};
/// let dir = tempfile::tempdir()?;
/// let p = dir.path().join("r.toml");
/// std::fs::write(&p, "schema = 1\n")?;
/// assert_eq!(read_regular(&p, 100, "a range file")?, "schema = 1\n");
/// assert!(matches!(read_regular(&p, 4, "a range file"), Err(FileError::TooLarge { .. })));
/// assert!(matches!(read_regular(dir.path(), 100, "a range file"), Err(FileError::NotRegular { .. })));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// [`FileError::NotRegular`], [`FileError::TooLarge`], or [`FileError::Io`] (including text
/// that is not UTF-8).
pub fn read_regular(path: &Path, limit: u64, what: &'static str) -> Result<String, FileError> {
    let io = |source| FileError::Io {
        path: path.to_path_buf(),
        action: "read",
        source,
    };
    let meta = fs::metadata(path).map_err(io)?;
    if !meta.is_file() {
        return Err(FileError::NotRegular {
            path: path.to_path_buf(),
            kind: kind(&meta),
        });
    }
    let too_large = |size| FileError::TooLarge {
        path: path.to_path_buf(),
        size,
        limit,
        what,
    };
    if meta.len() > limit {
        return Err(too_large(meta.len()));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    fs::File::open(path)
        .and_then(|f| f.take(limit.saturating_add(1)).read_to_end(&mut bytes))
        .map_err(io)?;
    if bytes.len() as u64 > limit {
        return Err(too_large(bytes.len() as u64)); // it grew since it was measured
    }
    String::from_utf8(bytes).map_err(|e| {
        io(io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "not UTF-8 text (byte {} is not valid UTF-8)",
                e.utf8_error().valid_up_to() + 1
            ),
        ))
    })
}

/// An input declared Latin-1 (ISO 8859-1), read as UTF-8: each byte is the code point of the
/// same number, so bytes 0x80–0xFF become two UTF-8 bytes and nothing is lost or guessed.
///
/// ```
/// use std::io::Read;
/// let mut text = String::new();
/// lmr::files::Latin1::new(&b"Jos\xE9"[..]).read_to_string(&mut text)?;
/// assert_eq!(text, "José");
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct Latin1<R> {
    inner: R,
    /// The second byte of a character that did not fit in the caller's buffer.
    pending: Option<u8>,
}

impl<R> Latin1<R> {
    /// Wraps a Latin-1 reader.
    ///
    /// ```
    /// use std::io::Read;
    /// let mut text = String::new();
    /// lmr::files::Latin1::new(&b"\xB5g/L"[..]).read_to_string(&mut text)?; // 0xB5 is µ in Latin-1
    /// assert_eq!(text, "µg/L");
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn new(inner: R) -> Latin1<R> {
        Latin1 {
            inner,
            pending: None,
        }
    }
}

impl<R: Read> Read for Latin1<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        if let Some(b) = self.pending.take() {
            buf[0] = b;
            return Ok(1);
        }
        // At most half the room: every byte may become two.
        let mut raw = [0u8; 8192];
        let want = (buf.len() / 2).clamp(1, raw.len());
        let got = self.inner.read(&mut raw[..want])?;
        let mut n = 0;
        for &b in &raw[..got] {
            if b < 0x80 {
                buf[n] = b;
                n += 1;
            } else {
                buf[n] = 0xC0 | (b >> 6);
                n += 1;
                let second = 0x80 | (b & 0x3F);
                if n < buf.len() {
                    buf[n] = second;
                    n += 1;
                } else {
                    self.pending = Some(second);
                }
            }
        }
        Ok(n)
    }
}

/// The character encoding of an input (`--encoding`).
///
/// ```
/// use lmr::files::Encoding;
/// assert_eq!("ISO-8859-1".parse::<Encoding>()?, Encoding::Latin1);
/// assert_eq!("utf8".parse::<Encoding>()?, Encoding::Utf8);
/// assert_eq!(Encoding::default(), Encoding::Utf8);
/// # Ok::<(), lmr::files::UnknownEncoding>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8 (the default). Bytes that are not UTF-8 are kept as they are in CSV output and
    /// refused, with the line and column, in JSON output.
    #[default]
    Utf8,
    /// Latin-1 (ISO 8859-1): transcoded to UTF-8 as it is read ([`Latin1`]).
    Latin1,
}

impl Encoding {
    /// `input`, read as UTF-8.
    ///
    /// ```
    /// use std::io::Read;
    /// use lmr::files::Encoding;
    /// let (mut latin1, mut utf8) = (String::new(), Vec::new());
    /// Encoding::Latin1.reader(&b"Jos\xE9"[..]).read_to_string(&mut latin1)?;
    /// Encoding::Utf8.reader(&b"Jos\xE9"[..]).read_to_end(&mut utf8)?;
    /// assert_eq!(latin1, "José");
    /// assert_eq!(utf8, b"Jos\xE9"); // UTF-8: the bytes as they are
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn reader<R: Read>(self, input: R) -> Decoded<R> {
        match self {
            Encoding::Utf8 => Decoded::Utf8(input),
            Encoding::Latin1 => Decoded::Latin1(Latin1::new(input)),
        }
    }
}

/// Not one of the encodings lmr reads.
///
/// ```
/// let e = "cp1252".parse::<lmr::files::Encoding>().unwrap_err();
/// assert_eq!(e.to_string(), "unknown encoding (expected utf-8 or latin1)");
/// ```
#[derive(Clone, Debug, thiserror::Error)]
#[error("unknown encoding (expected utf-8 or latin1)")]
pub struct UnknownEncoding;

impl std::str::FromStr for Encoding {
    type Err = UnknownEncoding;

    /// `utf-8` (`utf8`) or `latin1` (`latin-1`, `iso-8859-1`), in any case.
    fn from_str(s: &str) -> Result<Encoding, UnknownEncoding> {
        match s.to_ascii_lowercase().as_str() {
            "utf-8" | "utf8" => Ok(Encoding::Utf8),
            "latin1" | "latin-1" | "iso-8859-1" | "iso8859-1" => Ok(Encoding::Latin1),
            _ => Err(UnknownEncoding),
        }
    }
}

/// An input as read in its [`Encoding`].
///
/// ```
/// use lmr::files::{Decoded, Encoding};
/// assert!(matches!(Encoding::Latin1.reader(&b""[..]), Decoded::Latin1(_)));
/// assert!(matches!(Encoding::Utf8.reader(&b""[..]), Decoded::Utf8(_)));
/// ```
#[derive(Debug)]
pub enum Decoded<R> {
    /// As it is.
    Utf8(R),
    /// Transcoded from Latin-1.
    Latin1(Latin1<R>),
    /// Transcoded from UTF-16 (little- or big-endian, as its byte-order mark says; the mark is
    /// not kept).
    Utf16(Box<encoding_rs_io::DecodeReaderBytes<R, Vec<u8>>>),
}

impl<R: Read> Read for Decoded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Decoded::Utf8(r) => r.read(buf),
            Decoded::Latin1(r) => r.read(buf),
            Decoded::Utf16(r) => r.read(buf),
        }
    }
}

/// The byte-order mark that opens `head`, if it is UTF-16's: `"UTF-16LE"` (FF FE) or
/// `"UTF-16BE"` (FE FF).
///
/// ```
/// use lmr::files::utf16_bom;
/// assert_eq!(utf16_bom(b"\xFF\xFEi\0d\0"), Some("UTF-16LE"));
/// assert_eq!(utf16_bom(b"\xFE\xFF\0i\0d"), Some("UTF-16BE"));
/// assert_eq!(utf16_bom(b"\xEF\xBB\xBFid"), None); // UTF-8's mark
/// ```
pub fn utf16_bom(head: &[u8]) -> Option<&'static str> {
    match head {
        [0xFF, 0xFE, ..] => Some("UTF-16LE"),
        [0xFE, 0xFF, ..] => Some("UTF-16BE"),
        _ => None,
    }
}

/// Whether the first line of `head` (up to 64 bytes) looks like UTF-16 without a byte-order
/// mark: NUL bytes in every other place. `"UTF-16LE"` when they are the second byte of each
/// pair (`i\0d\0`), `"UTF-16BE"` when the first.
///
/// ```
/// use lmr::files::utf16_without_bom;
/// assert_eq!(utf16_without_bom(b"i\0d\0,\0a\0g\0e\0"), Some("UTF-16LE"));
/// assert_eq!(utf16_without_bom(b"\0i\0d\0,\0a"), Some("UTF-16BE"));
/// assert_eq!(utf16_without_bom(b"id,age\n"), None);
/// ```
pub fn utf16_without_bom(head: &[u8]) -> Option<&'static str> {
    let line = head.split(|&b| b == b'\n').next().unwrap_or_default();
    let line = &line[..line.len().min(64)];
    if line.len() < 4 {
        return None;
    }
    let zeros = |parity: usize| {
        line.iter()
            .skip(parity)
            .step_by(2)
            .filter(|&&b| b == 0)
            .count()
    };
    let pairs = line.len() / 2;
    if zeros(1) * 2 >= pairs && zeros(1) > zeros(0) {
        Some("UTF-16LE")
    } else if zeros(0) * 2 >= pairs && zeros(0) > zeros(1) {
        Some("UTF-16BE")
    } else {
        None
    }
}

impl Encoding {
    /// `input` as UTF-8: transcoded from UTF-16 when it opens with UTF-16's byte-order mark
    /// (whatever `self` says: the mark is unambiguous; it is not kept), else read in `self`'s
    /// encoding.
    ///
    /// ```
    /// use std::io::Read;
    /// use lmr::files::Encoding;
    /// // "id" in UTF-16LE with its byte-order mark, and in UTF-16BE
    /// let mut text = String::new();
    /// Encoding::Utf8.reader_with_bom(&b"\xFF\xFEi\0d\0"[..])?.read_to_string(&mut text)?;
    /// assert_eq!(text, "id");
    /// let mut text = String::new();
    /// Encoding::Utf8.reader_with_bom(&b"\xFE\xFF\0i\0d"[..])?.read_to_string(&mut text)?;
    /// assert_eq!(text, "id");
    /// # Ok::<(), std::io::Error>(())
    /// ```
    ///
    /// # Errors
    /// Reading the first bytes failed.
    pub fn reader_with_bom<R: Read>(
        self,
        mut input: R,
    ) -> io::Result<Decoded<io::Chain<io::Cursor<Vec<u8>>, R>>> {
        let mut head = vec![0u8; 2];
        let mut n = 0;
        while n < head.len() {
            match input.read(&mut head[n..]) {
                Ok(0) => break,
                Ok(k) => n += k,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        head.truncate(n);
        let utf16 = utf16_bom(&head).is_some();
        let input = io::Cursor::new(head).chain(input);
        Ok(if utf16 {
            Decoded::Utf16(Box::new(
                encoding_rs_io::DecodeReaderBytesBuilder::new().build(input),
            ))
        } else {
            self.reader(input)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin1_upper_half_is_two_utf8_bytes_even_one_byte_at_a_time() {
        // 0xE9 = é = U+00E9 → UTF-8 C3 A9; 0xFF = ÿ → C3 BF.
        let mut r = Latin1::new(&b"a\xE9\xFF"[..]);
        let mut out = Vec::new();
        let mut one = [0u8; 1];
        while r.read(&mut one).unwrap() == 1 {
            out.push(one[0]);
        }
        assert_eq!(out, b"a\xC3\xA9\xC3\xBF");
    }

    #[test]
    fn quoted_cuts_at_a_character_boundary() {
        // 65 two-byte characters: 64 are kept.
        let s = "é".repeat(65);
        assert_eq!(
            Quoted(&s).to_string(),
            format!("\"{}…\" (130 bytes)", "é".repeat(64))
        );
    }
}
