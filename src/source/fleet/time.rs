//! The times `--from` and `--to` take, as Pyroscope's and Parca's own tools take them: `now`,
//! `now-6h` (any duration heapdiff reads: `90s`, `30m`, `2h`, `1d`), RFC 3339
//! (`2026-12-04T03:00:00Z`, `2026-12-04T04:00:00+01:00`), or unix seconds (`1796353200`).

/// Milliseconds since the epoch for `s`, `now_ms` being now.
pub fn parse_time(s: &str, now_ms: i64) -> Result<i64, String> {
    let t = s.trim();
    if t == "now" {
        return Ok(now_ms);
    }
    if let Some(ago) = t.strip_prefix("now-") {
        let d = parse_ago(ago).map_err(|e| format!("{s:?}: {e}"))?;
        return Ok(now_ms - d);
    }
    if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
        let secs: i64 = t
            .parse()
            .map_err(|_| format!("{s:?}: not a time heapdiff reads"))?;
        return secs
            .checked_mul(1000)
            .ok_or_else(|| format!("{s:?}: out of range"));
    }
    t.parse::<jiff::Timestamp>()
        .map(|ts| ts.as_millisecond())
        .map_err(|_| {
            format!(
                "{s:?}: not a time heapdiff reads (give now, now-6h, RFC 3339 such as 2026-12-04T03:00:00Z, or unix seconds)"
            )
        })
}

/// A duration in milliseconds: heapdiff's durations, and `d` for days.
fn parse_ago(s: &str) -> Result<i64, String> {
    if let Some(days) = s.strip_suffix('d') {
        let n: f64 = days.parse().map_err(|_| "not a duration".to_string())?;
        if n.is_finite() && n > 0.0 {
            return Ok((n * 86_400_000.0) as i64);
        }
        return Err("not a duration".into());
    }
    crate::units::parse_duration(s).map(|d| d.as_millis() as i64)
}

/// Milliseconds since the epoch as RFC 3339 in UTC, to the second (`2026-12-04T03:00:00Z`).
pub fn rfc3339(ms: i64) -> String {
    match jiff::Timestamp::from_millisecond(ms.div_euclid(1000) * 1000) {
        Ok(ts) => ts.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
        Err(_) => ms.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_parse_as_the_backends_tools_parse_them() {
        let now = 1_796_353_200_000;
        assert_eq!(parse_time("now", now), Ok(now));
        assert_eq!(parse_time("now-6h", now), Ok(now - 6 * 3_600_000));
        assert_eq!(parse_time("now-90s", now), Ok(now - 90_000));
        assert_eq!(parse_time("now-1d", now), Ok(now - 86_400_000));
        assert_eq!(parse_time("1796353200", now), Ok(1_796_353_200_000));
        assert_eq!(
            parse_time("2026-12-04T03:00:00Z", now),
            Ok(1_796_353_200_000)
        );
        assert_eq!(
            parse_time("2026-12-04T04:00:00+01:00", now),
            Ok(1_796_353_200_000)
        );
        assert!(parse_time("yesterday", now).is_err());
        assert!(parse_time("now-soon", now).is_err());
        assert_eq!(rfc3339(1_796_353_200_999), "2026-12-04T03:00:00Z");
    }
}
