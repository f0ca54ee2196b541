//! Formatting values for people: binary byte units (KiB, MiB), grouped counts, signed deltas.

/// A byte count in binary units with one decimal (`11.0 MiB`, `352 B`).
///
/// ```
/// assert_eq!(heapdiff::units::bytes(11_517_376), "11.0 MiB");
/// ```
pub fn bytes(v: i64) -> String {
    const UNITS: [&str; 6] = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    let a = v.unsigned_abs();
    let sign = if v < 0 { "-" } else { "" };
    if a < 1024 {
        return format!("{sign}{a} B");
    }
    let mut x = a as f64 / 1024.0;
    let mut u = 0;
    while x >= 1024.0 && u + 1 < UNITS.len() {
        x /= 1024.0;
        u += 1;
    }
    format!("{sign}{x:.1} {}", UNITS[u])
}

/// An integer with thousands separators (`11,517,376`).
pub fn grouped(v: i64) -> String {
    let digits = v.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if v < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A value in the sample type's unit, for people.
pub fn value(v: i64, unit: &str) -> String {
    match unit {
        "bytes" => bytes(v),
        "count" | "" => grouped(v),
        other => format!("{} {other}", grouped(v)),
    }
}

/// A delta with an explicit sign (`+11.0 MiB`, `-208 B`, `0`).
pub fn delta(v: i64, unit: &str) -> String {
    if v > 0 {
        format!("+{}", value(v, unit))
    } else if v == 0 {
        "0".to_string()
    } else {
        value(v, unit)
    }
}

/// Parses a size such as `10MiB`, `512KB`, `1.5 GiB` or `4096` into bytes. Decimal units
/// (KB, MB, GB) are powers of 1000 and binary units (KiB, MiB, GiB) powers of 1024; `K`, `M`,
/// `G` alone are binary.
///
/// ```
/// use heapdiff::units::parse_size;
/// assert_eq!(parse_size("10MiB"), Ok(10 * 1024 * 1024));
/// assert_eq!(parse_size("512KB"), Ok(512_000));
/// assert!(parse_size("lots").is_err());
/// ```
pub fn parse_size(s: &str) -> Result<i64, String> {
    let t = s.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '_'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let num: f64 = num.replace('_', "").parse().map_err(|_| {
        format!("invalid size {s:?}: expected a number with an optional unit such as 10MiB")
    })?;
    let mult: f64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "k" | "kib" => 1024.0,
        "m" | "mib" => 1024.0 * 1024.0,
        "g" | "gib" => 1024.0 * 1024.0 * 1024.0,
        "t" | "tib" => 1024f64.powi(4),
        "kb" => 1e3,
        "mb" => 1e6,
        "gb" => 1e9,
        "tb" => 1e12,
        other => {
            return Err(format!(
                "invalid size {s:?}: unknown unit {other:?} (use B, KB, KiB, MB, MiB, GB, GiB)"
            ));
        }
    };
    let v = num * mult;
    if !v.is_finite() || v > i64::MAX as f64 {
        return Err(format!("invalid size {s:?}: too large"));
    }
    Ok(v.round() as i64)
}

/// Parses a duration such as `500ms`, `30s`, `2m`, `1h` or a plain number of seconds.
///
/// ```
/// use heapdiff::units::parse_duration;
/// assert_eq!(parse_duration("500ms"), Ok(std::time::Duration::from_millis(500)));
/// assert_eq!(parse_duration("2m"), Ok(std::time::Duration::from_secs(120)));
/// ```
pub fn parse_duration(s: &str) -> Result<std::time::Duration, String> {
    let t = s.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let v: f64 = num
        .parse()
        .map_err(|_| format!("invalid duration {s:?}: expected a number with ms, s, m or h"))?;
    let secs = match unit.trim() {
        "ms" => v / 1000.0,
        "" | "s" => v,
        "m" => v * 60.0,
        "h" => v * 3600.0,
        other => {
            return Err(format!(
                "invalid duration {s:?}: unknown unit {other:?} (ms, s, m, h)"
            ));
        }
    };
    if !secs.is_finite() || secs <= 0.0 || secs > 1e9 {
        return Err(format!("invalid duration {s:?}: must be above 0"));
    }
    Ok(std::time::Duration::from_secs_f64(secs))
}

/// Nanoseconds since the epoch as `2026-11-22 02:16:01 UTC` ("-" when unset).
pub fn timestamp(nanos: i64) -> String {
    if nanos <= 0 {
        return "-".to_string();
    }
    let secs = nanos.div_euclid(1_000_000_000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02} UTC",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Days since 1970-01-01 to a proleptic Gregorian date.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(bytes(352), "352 B");
        assert_eq!(bytes(11_517_376), "11.0 MiB");
        assert_eq!(bytes(-2048), "-2.0 KiB");
        assert_eq!(grouped(11_517_376), "11,517,376");
        assert_eq!(grouped(-1000), "-1,000");
        assert_eq!(delta(0, "bytes"), "0");
        assert_eq!(delta(5, "count"), "+5");
        assert_eq!(
            timestamp(1_700_000_000_000_000_000),
            "2023-11-14 22:13:20 UTC"
        );
        assert_eq!(timestamp(0), "-");
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size("10MiB"), Ok(10 * 1024 * 1024));
        assert_eq!(parse_size("512KB"), Ok(512_000));
        assert_eq!(parse_size("4096"), Ok(4096));
        assert_eq!(parse_size("1.5 GiB"), Ok(1_610_612_736));
        assert!(parse_size("ten").is_err());
        assert!(parse_size("5 parsecs").is_err());
    }
}
