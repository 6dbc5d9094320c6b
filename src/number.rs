//! The one number formatter: every number lmr writes (CSV, JSON Lines, JSON, text, TOML) goes
//! through [`write()`] (or its wrappers), so the same value reads the same everywhere.
//!
//! The rule: round the double to [`DIGITS`] significant decimal digits (half away from zero),
//! then write the shortest text of that decimal: `0.011159999999999998` → `0.01116`,
//! `0.7793302000000001` → `0.7793302`, `18.0` → `18`. Whole numbers below 10¹⁶ are written
//! without a decimal point; numbers from 10⁻⁵ up to 10¹⁶ in plain decimal, others in exponent
//! form (`1.5e-7`, `2e+20`), exactly as JSON and CSV readers (pandas, polars, R) expect.
//!
//! Why [`DIGITS`] = 10 is enough: lab inputs carry 2–5 significant digits and the assays behind
//! them a CV of a few per cent, so the 10th digit is 10⁵ or more below the measurement error;
//! yet 10 digits keep every digit an input gave (a result derived from inputs with up to 10
//! digits loses nothing the inputs held), while the noise of binary arithmetic (about 1 part in
//! 10¹⁶ per operation) never reaches the 10th digit. Text reports round further, to
//! [`TEXT_DIGITS`], for reading.
//!
//! ```
//! use lmr::number::{format, DIGITS};
//! assert_eq!(format(0.011159999999999998, DIGITS), "0.01116");
//! assert_eq!(format(18.0, DIGITS), "18");
//! assert_eq!(format(0.0045000000000000005, DIGITS), "0.0045");
//! assert_eq!(format(2.0 / 3.0, 4), "0.6667");
//! ```

use std::fmt;

/// Significant digits of every machine-readable number (CSV, JSON Lines, JSON, TOML).
///
/// ```
/// use lmr::number::{format, DIGITS};
///
/// assert_eq!(format(1.0 / 3.0, DIGITS), "0.3333333333"); // ten 3s
/// ```
pub const DIGITS: usize = 10;

/// Significant digits of numbers in text reports, for people.
///
/// ```
/// use lmr::number::{format, TEXT_DIGITS};
///
/// assert_eq!(format(1.0 / 3.0, TEXT_DIGITS), "0.3333");
/// ```
pub const TEXT_DIGITS: usize = 4;

/// Digits kept from a printed double: the shortest text has at most 17; a tie is read to 35.
const MAX_DIGITS: usize = 40;

/// A decimal `0.d₁d₂…dₙ × 10^point`, with no leading or trailing zero digit (no digits: zero).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Decimal {
    negative: bool,
    digits: [u8; MAX_DIGITS],
    len: usize,
    point: i32,
}

impl Decimal {
    /// Reads the digits and exponent from a printed double (`-1.25e-7`, `0.0012`, `1230.0`).
    fn parse(text: &str) -> Decimal {
        let (negative, text) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (mantissa, exponent) = match text.split_once(['e', 'E']) {
            Some((m, e)) => (m, e.parse::<i32>().unwrap_or(0)),
            None => (text, 0),
        };
        let mut d = Decimal {
            negative,
            digits: [0; MAX_DIGITS],
            len: 0,
            point: 0,
        };
        let mut before_point = 0i32;
        let mut seen_point = false;
        for b in mantissa.bytes() {
            match b {
                b'.' => seen_point = true,
                b'0'..=b'9' => {
                    if !seen_point {
                        before_point += 1;
                    }
                    if d.len == 0 && b == b'0' {
                        before_point -= 1; // a leading zero: the value starts one place lower
                    } else if d.len < MAX_DIGITS {
                        d.digits[d.len] = b - b'0';
                        d.len += 1;
                    }
                }
                _ => {}
            }
        }
        while d.len > 0 && d.digits[d.len - 1] == 0 {
            d.len -= 1;
        }
        d.point = before_point + exponent;
        d
    }

    /// The decimal of a finite double, rounded to `n` (1 to 17) significant digits.
    fn of(x: f64, n: usize) -> Decimal {
        match Scaled::of(x, n) {
            Some(s) => Decimal::from(s),
            None => Decimal::shortest_rounded(x, n),
        }
    }

    /// [`Decimal::of`] from ryu's shortest text: rounding that text gives what rounding the
    /// exact double gives, except on a tie (read exactly then).
    fn shortest_rounded(x: f64, n: usize) -> Decimal {
        let mut buf = ryu::Buffer::new();
        let d = Decimal::parse(buf.format_finite(x));
        if d.len <= n {
            return d;
        }
        if d.len == n + 1 && d.digits[n] == 5 {
            // The shortest text ends in a 5 just past the last kept digit: the double itself
            // may lie on either side of that tie (or on it), so round its exact value, read to
            // 20 more digits than kept, instead.
            let exact = format!("{:.*e}", n + 20, x);
            return Decimal::parse(&exact).round(n);
        }
        // Otherwise rounding the shortest text gives what rounding the exact double gives: a
        // rounding boundary between them would be a shorter text that reads back as the double.
        d.round(n)
    }

    /// Rounds to `n` significant digits, half away from zero.
    fn round(mut self, n: usize) -> Decimal {
        if self.len <= n {
            return self;
        }
        let up = self.digits[n] >= 5;
        self.len = n;
        if up {
            let mut i = n;
            loop {
                if i == 0 {
                    // 999… rounded up: 1 at the next place.
                    self.digits[0] = 1;
                    self.len = 1;
                    self.point += 1;
                    break;
                }
                i -= 1;
                if self.digits[i] == 9 {
                    self.digits[i] = 0;
                } else {
                    self.digits[i] += 1;
                    break;
                }
            }
        }
        while self.len > 0 && self.digits[self.len - 1] == 0 {
            self.len -= 1;
        }
        self
    }

    fn is_whole(&self) -> bool {
        self.len == 0 || (self.len as i32 <= self.point && self.point <= 16)
    }

    /// Writes the decimal by [`lay_out`]'s rule.
    fn write(&self, out: &mut Vec<u8>) {
        let mut ascii = [0u8; MAX_DIGITS];
        for (a, d) in ascii.iter_mut().zip(&self.digits[..self.len]) {
            *a = b'0' + d;
        }
        lay_out(out, self.negative, &ascii[..self.len], self.point);
    }
}

impl From<Scaled> for Decimal {
    fn from(s: Scaled) -> Decimal {
        let mut d = Decimal {
            negative: s.negative,
            digits: [0; MAX_DIGITS],
            len: 0,
            point: s.point,
        };
        let mut r = s.digits;
        while r > 0 {
            d.digits[d.len] = (r % 10) as u8;
            r /= 10;
            d.len += 1;
        }
        d.digits[..d.len].reverse();
        d
    }
}

/// A decimal `digits × 10^(point − len(digits))` with no trailing zero digit: the fast path's
/// result, written without going through [`Decimal`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Scaled {
    negative: bool,
    digits: u64,
    point: i32,
}

impl Scaled {
    /// [`Decimal::of`] by one exact power of ten: `|x| × 10^k` (or `÷ 10^-k`), with `k` chosen
    /// so that `n` digits stand before the point, is one correctly rounded operation, so it lies
    /// within half a unit in the last place of the exact product: less than 2⁻¹⁴ for `n` ≤ 12.
    /// Rounding it to a whole number gives the exact double's `n`-digit rounding unless its
    /// fraction is that close to ½ (a tie, or nearly): then `None`, and the caller takes the
    /// shortest-text path, which reads such a double exactly. Also `None` for zero and for
    /// magnitudes beyond 10^±22 (no exact power of ten).
    fn of(x: f64, n: usize) -> Option<Scaled> {
        const POW10: [f64; 23] = [
            1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
            1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
        ];
        if !(1..=12).contains(&n) || x == 0.0 || !x.is_finite() {
            return None;
        }
        let a = x.abs();
        // floor(log₁₀ a) or one less: the binary exponent × log₁₀ 2 (78913 / 2¹⁸), floored.
        let e2 = ((a.to_bits() >> 52) & 0x7ff) as i32 - 1023;
        let e10 = (e2 * 78913) >> 18;
        let times = |k: i32| -> Option<f64> {
            let p = POW10.get(k.unsigned_abs() as usize)?;
            Some(if k >= 0 { a * p } else { a / p })
        };
        let mut k = n as i32 - 1 - e10;
        let mut m = times(k)?;
        if m >= POW10[n] {
            k -= 1;
            m = times(k)?;
        }
        // m < 10¹²: truncation is the floor, and the fraction is exact.
        let whole = m as u64;
        let fraction = m - whole as f64;
        if (fraction - 0.5).abs() < 1e-3 {
            return None;
        }
        let mut r = whole + u64::from(fraction > 0.5);
        // 10^(n-1) ≤ m < 10ⁿ: r has n digits, or n + 1 when rounding carried it to 10ⁿ.
        let digits = n as i32 + i32::from(r == 10u64.pow(n as u32));
        // Trailing zeros dropped, 8, 4, 2 and 1 at a time: r ≤ 10¹² has at most 12 (= 8 + 4),
        // and any count up to 15 is one pass of the four.
        let mut count = 0i32;
        if r != 0 {
            for (p, c) in [(100_000_000, 8), (10_000, 4), (100, 2), (10, 1)] {
                if r % p == 0 {
                    r /= p;
                    count += c;
                }
            }
        }
        let len = digits - count;
        Some(Scaled {
            negative: x < 0.0,
            digits: r,
            point: count + len - k,
        })
    }

    /// Writes the decimal by [`lay_out`]'s rule. The plain layouts (whole, with a point, or
    /// `0.000…`: every number a batch writes) are put together in fixed-size copies from the
    /// digits, padded with zeros, and appended at once; the exponent form goes through
    /// [`lay_out`].
    fn write(&self, out: &mut Vec<u8>) {
        // The digits end at place 20, after zeros; zeros follow them (a whole number's trailing
        // zeros). r < 10¹³: at most 13 digits, two at a time.
        const PAIRS: &[u8; 200] = b"00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899";
        const END: usize = 20;
        let mut digits = [b'0'; 40];
        let mut start = END;
        let mut r = self.digits;
        while r >= 100 {
            let pair = (r % 100) as usize * 2;
            r /= 100;
            start -= 2;
            digits[start..start + 2].copy_from_slice(&PAIRS[pair..pair + 2]);
        }
        if r >= 10 {
            start -= 2;
            digits[start..start + 2].copy_from_slice(&PAIRS[r as usize * 2..r as usize * 2 + 2]);
        } else if r > 0 {
            start -= 1;
            digits[start] = b'0' + r as u8;
        }
        let len = (END - start) as i32;
        let point = self.point;
        if len == 0 {
            out.push(b'0');
            return;
        }
        // whole, a point inside or `0.000…` (a whole number has point ≥ len ≥ 1)
        let plain = -5 < point && point <= 16;
        if !plain {
            return lay_out(out, self.negative, &digits[start..END], point);
        }
        if self.negative {
            out.push(b'-');
        }
        if len <= point {
            // whole: the digits and the zeros after them
            out.extend_from_slice(&digits[start..start + point as usize]);
            return;
        }
        let mut text = [b'0'; 40];
        let text_len = if point > 0 {
            // a point after `point` digits
            let p = point as usize;
            text[..16].copy_from_slice(&digits[start..start + 16]);
            text[p] = b'.';
            text[p + 1..p + 17].copy_from_slice(&digits[start + p..start + p + 16]);
            len as usize + 1
        } else {
            // "0.", -point zeros, the digits
            let lead = (2 - point) as usize;
            text[1] = b'.';
            text[lead..lead + 16].copy_from_slice(&digits[start..start + 16]);
            lead + len as usize
        };
        out.extend_from_slice(&text[..text_len]);
    }
}

/// Writes `0.d₁d₂…dₙ × 10^point` (ASCII `digits`, no trailing zero; none: zero): plain for
/// 10⁻⁵ ≤ |x| < 10¹⁶, exponent form otherwise.
fn lay_out(out: &mut Vec<u8>, negative: bool, digits: &[u8], point: i32) {
    if digits.is_empty() {
        out.push(b'0');
        return;
    }
    if negative {
        out.push(b'-');
    }
    let len = digits.len() as i32;
    const ZEROS: [u8; 16] = [b'0'; 16];
    if len <= point && point <= 16 {
        out.extend_from_slice(digits);
        out.extend_from_slice(&ZEROS[..(point - len) as usize]);
    } else if 0 < point && point <= 16 {
        let (whole, frac) = digits.split_at(point as usize);
        out.extend_from_slice(whole);
        out.push(b'.');
        out.extend_from_slice(frac);
    } else if -5 < point && point <= 0 {
        out.extend_from_slice(b"0.");
        out.extend_from_slice(&ZEROS[..(-point) as usize]);
        out.extend_from_slice(digits);
    } else {
        out.push(digits[0]);
        if digits.len() > 1 {
            out.push(b'.');
            out.extend_from_slice(&digits[1..]);
        }
        // `e+20` / `e-7`, as serde_json writes exponents.
        let e = point - 1;
        out.extend_from_slice(if e < 0 { b"e-" } else { b"e+" });
        out.extend_from_slice(e.unsigned_abs().to_string().as_bytes());
    }
}

/// Appends `x` rounded to `digits` significant digits (1 to 15) in its shortest text. A
/// non-finite `x` writes nothing (an empty cell): lmr never reports one.
///
/// ```
/// use lmr::number::{write, DIGITS};
///
/// let mut cell = Vec::new();
/// write(&mut cell, 2e20, DIGITS);
/// cell.push(b',');
/// write(&mut cell, f64::NAN, DIGITS); // nothing
/// cell.push(b',');
/// write(&mut cell, 1.5e-7, DIGITS);
/// assert_eq!(cell, b"2e+20,,1.5e-7");
/// ```
pub fn write(out: &mut Vec<u8>, x: f64, digits: usize) {
    if !x.is_finite() {
        return;
    }
    let n = digits.clamp(1, 15);
    match Scaled::of(x, n) {
        Some(s) => s.write(out),
        None => Decimal::shortest_rounded(x, n).write(out),
    }
}

/// `x` as text by [`write()`]'s rule.
///
/// ```
/// use lmr::number::format;
///
/// // 0.125 is exact in binary: the tie rounds half away from zero
/// assert_eq!(format(0.125, 2), "0.13");
/// assert_eq!(format(-0.125, 2), "-0.13");
/// assert_eq!(format(0.00012345, 10), "0.00012345"); // ≥ 10⁻⁵: plain decimal
/// assert_eq!(format(1234.5, 3), "1230");
/// ```
pub fn format(x: f64, digits: usize) -> String {
    let mut out = Vec::with_capacity(24);
    write(&mut out, x, digits);
    // Only ASCII digits, '-', '.' and 'e' were written.
    String::from_utf8(out).unwrap_or_default()
}

/// `x` rounded to `digits` significant digits, as the nearest double (what a reader of
/// [`format()`]'s text gets back).
///
/// ```
/// use lmr::number::round;
///
/// assert_eq!(round(0.123456789012, 4), 0.1235);
/// assert_eq!(round(0.1 + 0.2, 10), 0.3); // 0.30000000000000004 → 0.3
/// assert!(round(f64::NAN, 4).is_nan());
/// ```
pub fn round(x: f64, digits: usize) -> f64 {
    if !x.is_finite() {
        return x;
    }
    format(x, digits).parse().unwrap_or(x)
}

/// `x` as a JSON number that serialises to [`format()`]`(x, DIGITS)`'s text: an integer when whole,
/// else the rounded double (whose shortest text is the rounded decimal). Non-finite: `null`.
///
/// ```
/// use lmr::number::json;
///
/// assert_eq!(json(18.0).to_string(), "18");
/// assert_eq!(json(0.48000000000000004).to_string(), "0.48");
/// assert_eq!(json(f64::INFINITY), serde_json::Value::Null);
/// ```
pub fn json(x: f64) -> serde_json::Value {
    if !x.is_finite() {
        return serde_json::Value::Null;
    }
    let d = Decimal::of(x, DIGITS);
    let mut text = Vec::with_capacity(24);
    d.write(&mut text);
    let text = String::from_utf8(text).unwrap_or_default();
    if d.is_whole() {
        if let Ok(i) = text.parse::<i64>() {
            return serde_json::Value::from(i);
        }
    }
    serde_json::Value::from(text.parse::<f64>().unwrap_or(x))
}

/// A number that displays by [`write()`]'s rule: `Number(x)` at [`DIGITS`],
/// `Number::text(x)` at [`TEXT_DIGITS`].
///
/// ```
/// use lmr::number::Number;
/// assert_eq!(Number(0.48000000000000004).to_string(), "0.48");
/// assert_eq!(Number::text(13.5432).to_string(), "13.54");
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Number(pub f64);

/// A number displayed at a chosen number of significant digits (see [`Number::text`]).
///
/// ```
/// use lmr::number::Rounded;
///
/// assert_eq!(Rounded(2.0 / 3.0, 3).to_string(), "0.667");
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rounded(pub f64, pub usize);

impl Number {
    /// The number at [`TEXT_DIGITS`], for text reports.
    ///
    /// ```
    /// use lmr::number::{Number, Rounded};
    ///
    /// assert_eq!(Number::text(0.0123456), Rounded(0.0123456, 4));
    /// assert_eq!(Number::text(0.0123456).to_string(), "0.01235");
    /// ```
    pub fn text(x: f64) -> Rounded {
        Rounded(x, TEXT_DIGITS)
    }
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Rounded(self.0, DIGITS).fmt(f)
    }
}

impl fmt::Display for Rounded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = Vec::with_capacity(24);
        write(&mut out, self.0, self.1);
        f.write_str(std::str::from_utf8(&out).unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_noise_is_dropped_at_ten_digits() {
        // 0.011159999999999998 to 10 significant digits: 0.01116000000 → 0.01116
        assert_eq!(format(0.011159999999999998, DIGITS), "0.01116");
        // 0.7793302000000001 → 0.7793302000 → 0.7793302
        assert_eq!(format(0.7793302000000001, DIGITS), "0.7793302");
        // 0.0045000000000000005 → 0.004500000000 → 0.0045
        assert_eq!(format(0.0045000000000000005, DIGITS), "0.0045");
        // 20 mg/L × 1.2 L / 5000 mg × 100 = 0.48 % (computed in binary as 0.48000000000000004)
        assert_eq!(format(20.0 * 1.2 / 5000.0 * 100.0, DIGITS), "0.48");
    }

    #[test]
    fn ten_digits_keep_what_inputs_give() {
        // 1/3 = 0.333333333333… → 10 digits 0.3333333333
        assert_eq!(format(1.0 / 3.0, DIGITS), "0.3333333333");
        // 2/3 = 0.666666666666… → 10th digit rounds up: 0.6666666667
        assert_eq!(format(2.0 / 3.0, DIGITS), "0.6666666667");
        // 9.21 (an input) stays 9.21; 123456.789 stays whole to its 9 digits
        assert_eq!(format(9.21, DIGITS), "9.21");
        assert_eq!(format(123456.789, DIGITS), "123456.789");
        // 12345678901.5 has 12 digits: rounded to 10 → 12345678900 (whole, no point)
        assert_eq!(format(12345678901.5, DIGITS), "12345678900");
    }

    #[test]
    fn whole_numbers_have_no_point() {
        assert_eq!(format(18.0, DIGITS), "18");
        assert_eq!(format(1857.0, DIGITS), "1857");
        assert_eq!(format(0.0, DIGITS), "0");
        assert_eq!(format(-0.0, DIGITS), "0");
        assert_eq!(format(-40.0, DIGITS), "-40");
        // 0.99999999999 (11 nines) rounds to 1 at 10 digits
        assert_eq!(format(0.99999999999, DIGITS), "1");
        assert_eq!(format(1e15, DIGITS), "1000000000000000");
    }

    #[test]
    fn small_and_large_magnitudes_use_exponents_like_json() {
        assert_eq!(format(0.00001234, DIGITS), "0.00001234");
        assert_eq!(format(0.000001234, DIGITS), "1.234e-6");
        assert_eq!(format(1.5e-7, DIGITS), "1.5e-7");
        assert_eq!(format(2e20, DIGITS), "2e+20");
        assert_eq!(format(1.2345678901234e20, DIGITS), "1.23456789e+20");
        assert_eq!(format(f64::NAN, DIGITS), "");
    }

    #[test]
    fn text_digits_round_further() {
        // 0.025271 to 4 digits: 0.02527; 13.5432 → 13.54; 1234.6 → 1235; 0.48 stays 0.48
        assert_eq!(format(0.025271, TEXT_DIGITS), "0.02527");
        assert_eq!(format(13.5432, TEXT_DIGITS), "13.54");
        assert_eq!(format(1234.6, TEXT_DIGITS), "1235");
        assert_eq!(format(0.48, TEXT_DIGITS), "0.48");
        // 0.99996 → 1.000 → 1
        assert_eq!(format(0.99996, TEXT_DIGITS), "1");
    }

    #[test]
    fn ties_round_the_exact_double() {
        // 0.125 is exact in binary: a true tie at 2 digits, rounded half away from zero → 0.13
        assert_eq!(format(0.125, 2), "0.13");
        // 1.0000000005 is stored as 1.00000000050000004…: above the tie → 1.000000001
        assert_eq!(format(1.0000000005, DIGITS), "1.000000001");
        // 1.2345678905 is stored as 1.23456789049999993…: below the tie → 1.234567890
        assert_eq!(format(1.2345678905, DIGITS), "1.23456789");
    }

    #[test]
    fn the_power_of_ten_path_agrees_with_the_shortest_text_path() {
        // Hand-worked: 0.3420594 × 10⁹ = 342059400 → digits 3420594, point 0 → 0.3420594;
        // 13.537531 × 10⁸ = 1353753100 → 1353753100 → 13.537531.
        assert_eq!(format(0.3420594, DIGITS), "0.3420594");
        assert_eq!(format(13.537531, DIGITS), "13.537531");
        // 9999999999.6 rounds up past ten digits: 1e10.
        assert_eq!(format(9999999999.6, DIGITS), "10000000000");
        // A tie (0.125 at 2 digits) is left to the exact path.
        assert_eq!(Scaled::of(0.125, 2), None);
    }

    proptest::proptest! {
        #[test]
        fn both_paths_round_alike(
            m in 1.0f64..10.0, e in -12i32..16, n in 1usize..=12, neg: bool,
            lab in 1u32..1_000_000, places in 0i32..9, from_lab: bool,
        ) {
            // Random doubles, and decimals as a lab writes them (`lab` / 10^places: many ties).
            let x = if from_lab { f64::from(lab) / 10f64.powi(places) } else { m * 10f64.powi(e) };
            let x = if neg { -x } else { x };
            if let Some(fast) = Scaled::of(x, n).map(Decimal::from) {
                let slow = Decimal::shortest_rounded(x, n);
                let key = |d: &Decimal| (d.negative, d.digits[..d.len].to_vec(), d.point);
                proptest::prop_assert_eq!(key(&fast), key(&slow), "{} at {}", x, n);
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn the_in_place_writer_lays_out_as_lay_out(
            m in 1.0f64..10.0, e in -9i32..19, n in 1usize..=12, neg: bool,
        ) {
            // Every layout: whole (with trailing zeros), a point inside, `0.000…`, exponents.
            let x = m * 10f64.powi(e);
            let x = if neg { -x } else { x };
            if let Some(s) = Scaled::of(x, n) {
                let (mut fast, mut slow) = (b"x".to_vec(), b"x".to_vec());
                s.write(&mut fast);
                Decimal::from(s).write(&mut slow);
                proptest::prop_assert_eq!(fast, slow, "{} at {}", x, n);
            }
        }
    }

    #[test]
    fn the_in_place_writer_by_hand() {
        // 0.3420594 at 10 digits: 3420594, point 0 → "0." then the digits
        // 1857 → whole; 1.5e15 → 15 followed by 14 zeros; 0.00001234 → four zeros after "0."
        for (x, text) in [
            (0.3420594, "0.3420594"),
            (1857.0, "1857"),
            (1.5e15, "1500000000000000"),
            (0.00001234, "0.00001234"),
            (-71.3, "-71.3"),
            (13.537531, "13.537531"),
        ] {
            let mut out = Vec::new();
            Scaled::of(x, DIGITS).unwrap().write(&mut out);
            assert_eq!(out, text.as_bytes(), "{x}");
        }
    }

    #[test]
    fn json_numbers_print_as_the_csv_text() {
        for x in [
            0.011159999999999998,
            18.0,
            0.48000000000000004,
            1.5e-7,
            2e20,
            -3.25,
            123456.789,
            1e15,
            0.00001234,
        ] {
            let text = serde_json::to_string(&json(x)).unwrap();
            assert_eq!(text, format(x, DIGITS), "{x}");
        }
    }
}
