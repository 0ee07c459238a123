//! Time: the clock the store reads (real or moved by a test) and the UTC date format PHP callers expect.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// Microseconds since the Unix epoch, as the store records `updated_at` and expiry.
pub trait Clock: Send + Sync {
    fn now_us(&self) -> u64;
}

/// The wall clock: every process of the machine agrees on it, which a shared table needs.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_us(&self) -> u64 {
        SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_micros() as u64).unwrap_or(0)
    }
}

/// A clock that only moves when told to: tests control expiry without sleeping.
#[derive(Debug)]
pub struct ManualClock {
    now_us: AtomicU64,
}

impl ManualClock {
    pub fn new(start_us: u64) -> Self {
        ManualClock { now_us: AtomicU64::new(start_us) }
    }
    pub fn advance_secs(&self, secs: u64) {
        self.now_us.fetch_add(secs * 1_000_000, Ordering::SeqCst);
    }
    pub fn set_us(&self, us: u64) {
        self.now_us.store(us, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now_us(&self) -> u64 {
        self.now_us.load(Ordering::SeqCst)
    }
}

/// Formats a Unix time (µs) as `Y-m-d H:i:s` in UTC, the `date_gmt` format of WordPress.
pub fn format_gmt(unix_us: u64) -> String {
    String::from_utf8_lossy(&format_gmt_bytes(unix_us)).into_owned()
}

/// [`format_gmt`] into a fixed buffer, without allocating (it runs once per entry read).
pub fn format_gmt_bytes(unix_us: u64) -> [u8; 19] {
    let secs = (unix_us / 1_000_000) as i64;
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    let mut out = *b"0000-00-00 00:00:00";
    let y = y.clamp(0, 9999) as u32;
    let digits = |out: &mut [u8; 19], at: usize, v: u32, n: usize| {
        let mut v = v;
        for i in (0..n).rev() {
            out[at + i] = b'0' + (v % 10) as u8;
            v /= 10;
        }
    };
    digits(&mut out, 0, y, 4);
    digits(&mut out, 5, m, 2);
    digits(&mut out, 8, d, 2);
    digits(&mut out, 11, (rem / 3600) as u32, 2);
    digits(&mut out, 14, ((rem % 3600) / 60) as u32, 2);
    digits(&mut out, 17, (rem % 60) as u32, 2);
    out
}

/// Days since 1970-01-01 to a proleptic Gregorian (year, month, day), by eras of 400 years.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097); // day of era, 0..=146096
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // year of era, 0..=399
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // day of year from March 1st
    let mp = (5 * doy + 2) / 153; // month from March, 0..=11
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_dates_in_utc() {
        assert_eq!(format_gmt(0), "1970-01-01 00:00:00");
        assert_eq!(format_gmt(951_782_400_000_000), "2000-02-29 00:00:00");
        assert_eq!(format_gmt(1_795_887_296_500_000), "2026-11-28 17:34:56");
        assert_eq!(format_gmt(4_102_444_799_000_000), "2099-12-31 23:59:59");
    }

    #[test]
    fn manual_clock_moves_only_when_told() {
        let c = ManualClock::new(5);
        assert_eq!(c.now_us(), 5);
        c.advance_secs(2);
        assert_eq!(c.now_us(), 2_000_005);
    }
}
