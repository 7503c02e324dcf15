//! Times as release builds write them into `-X` values, read to an instant (seconds since the
//! Unix epoch, UTC): RFC 3339 (`2026-07-12T20:07:10Z`, `+02:00`, fractions; a space or `_` in
//! place of the `T`, as `date +%Y-%m-%d_%H:%M:%S` writes) and `date`'s default output
//! (`Sun Jul 12 20:07:10 UTC 2026`). Anything else, a date without a time of day included, is
//! not a time here.

/// Days from 1970-01-01 to the proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn number(text: &str, digits: usize) -> Option<i64> {
    (text.len() == digits && text.bytes().all(|b| b.is_ascii_digit())).then(|| text.parse().ok()).flatten()
}

fn instant(date: (i64, i64, i64), time: (i64, i64, i64), offset_seconds: i64) -> Option<i64> {
    let ((y, mo, d), (h, mi, s)) = (date, time);
    let valid = (1..=12).contains(&mo) && (1..=31).contains(&d) && h < 24 && mi < 60 && s <= 60;
    valid.then(|| days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + s - offset_seconds)
}

/// `HH:MM:SS`.
fn time_of_day(text: &str) -> Option<(i64, i64, i64)> {
    let mut parts = text.split(':');
    let t = (number(parts.next()?, 2)?, number(parts.next()?, 2)?, number(parts.next()?, 2)?);
    parts.next().is_none().then_some(t)
}

/// RFC 3339 and its common relatives: `YYYY-MM-DD[T _]HH:MM:SS[.frac][Z|±HH:MM|±HHMM]`, no zone
/// meaning UTC.
fn rfc3339(text: &str) -> Option<i64> {
    let date = (number(text.get(0..4)?, 4)?, number(text.get(5..7)?, 2)?, number(text.get(8..10)?, 2)?);
    if text.get(4..5)? != "-" || text.get(7..8)? != "-" || !matches!(text.get(10..11)?, "T" | "t" | " " | "_") {
        return None;
    }
    let time = time_of_day(text.get(11..19)?)?;
    let mut rest = text.get(19..)?;
    if let Some(frac) = rest.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        rest = &frac[digits..];
    }
    let offset = match rest {
        "" | "Z" | "z" => 0,
        _ => {
            let sign = match rest.as_bytes()[0] {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let zone = rest[1..].replace(':', "");
            sign * (number(zone.get(0..2)?, 2)? * 3600 + number(zone.get(2..)?, 2)? * 60)
        }
    };
    instant(date, time, offset)
}

/// `date`'s default output in UTC: `Sun Jul 12 20:07:10 UTC 2026` (`date -u`).
fn date_command(text: &str) -> Option<i64> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let [_, month, day, time, zone, year] = words.as_slice() else { return None };
    if !matches!(*zone, "UTC" | "GMT") {
        return None;
    }
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let month = MONTHS.iter().position(|m| m == month)? as i64 + 1;
    let day = day.parse().ok().filter(|_| day.len() <= 2)?;
    instant((number(year, 4)?, month, day), time_of_day(time)?, 0)
}

/// The instant `text` names, if it is a time in one of the forms above.
pub fn parse(text: &str) -> Option<i64> {
    let text = text.trim();
    rfc3339(text).or_else(|| date_command(text))
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn times_release_builds_stamp() {
        let t = parse("2026-07-12T20:07:10Z").unwrap();
        assert_eq!(t, 1_783_886_830);
        for same in [
            "2026-07-12T22:07:10+02:00",
            "2026-07-12T15:07:10-0500",
            "2026-07-12T20:07:10.123456789Z",
            "2026-07-12 20:07:10",
            "2026-07-12_20:07:10",
            "Sun Jul 12 20:07:10 UTC 2026",
        ] {
            assert_eq!(parse(same), Some(t), "{same}");
        }
        assert_eq!(parse("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse("2024-02-29T00:00:00Z"), Some(1_709_164_800));
        for not_a_time in
            ["2026-07-12", "v1.2.3", "2026-13-12T20:07:10Z", "20:07:10", "Sun Jul 12 20:07:10 CEST 2026", ""]
        {
            assert_eq!(parse(not_a_time), None, "{not_a_time}");
        }
    }
}
