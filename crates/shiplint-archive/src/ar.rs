//! The `ar` archive a Debian package is (`!<arch>\n`, then 60-byte member headers), read in
//! place: each member is a slice of the input, nothing is copied.

use crate::Error;

/// The magic every `ar` archive starts with.
pub const MAGIC: &[u8] = b"!<arch>\n";

/// The most members read (a `.deb` has three; dpkg itself accepts a few more it ignores).
const MAX_MEMBERS: usize = 64;

/// One member: its name (trailing spaces and the GNU `/` removed), mode and data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member<'a> {
    pub name: String,
    pub mode: u32,
    pub data: &'a [u8],
}

fn number(field: &[u8], radix: u32) -> Result<u64, Error> {
    let text = std::str::from_utf8(field).map_err(|_| Error::Malformed("ar member header"))?.trim();
    if text.is_empty() {
        return Ok(0);
    }
    u64::from_str_radix(text, radix).map_err(|_| Error::Malformed("ar member header"))
}

/// The members of the `ar` archive `data`, in order.
pub fn members(data: &[u8]) -> Result<Vec<Member<'_>>, Error> {
    let mut rest = data.strip_prefix(MAGIC).ok_or(Error::Malformed("ar archive: no !<arch> magic"))?;
    let mut out = Vec::new();
    while !rest.is_empty() {
        if out.len() == MAX_MEMBERS {
            return Err(Error::TooMany("ar members"));
        }
        let header = rest.get(..60).ok_or(Error::Truncated)?;
        if &header[58..60] != b"`\n" {
            return Err(Error::Malformed("ar member header"));
        }
        let name = String::from_utf8_lossy(&header[..16]).trim_end().trim_end_matches('/').to_string();
        let mode = u32::try_from(number(&header[40..48], 8)?).map_err(|_| Error::Malformed("ar member mode"))?;
        let size = usize::try_from(number(&header[48..58], 10)?).map_err(|_| Error::Truncated)?;
        let body = &rest[60..];
        let member = body.get(..size).ok_or(Error::Truncated)?;
        out.push(Member { name, mode, data: member });
        // Members start on even offsets: an odd-sized member is followed by one `\n`.
        rest = body.get(size + size % 2..).unwrap_or_default();
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(name: &str, data: &[u8]) -> Vec<u8> {
        let mut out = format!("{name:<16}{:<12}{:<6}{:<6}{:<8}{:<10}`\n", 0, 0, 0, "100644", data.len()).into_bytes();
        out.extend_from_slice(data);
        if data.len() % 2 == 1 {
            out.push(b'\n');
        }
        out
    }

    #[test]
    fn members_in_place_and_hostile_cuts() {
        let mut ar = MAGIC.to_vec();
        ar.extend(member("debian-binary", b"2.0\n"));
        ar.extend(member("control.tar.gz/", b"abc"));
        ar.extend(member("data.tar.xz", b"xyz!"));
        let m = members(&ar).unwrap();
        let names: Vec<&str> = m.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, ["debian-binary", "control.tar.gz", "data.tar.xz"]);
        assert_eq!((m[1].data, m[1].mode), (&b"abc"[..], 0o100644));
        assert_eq!(m[2].data, b"xyz!");
        for cut in 0..ar.len() {
            let _ = members(&ar[..cut]);
        }
        // A size field larger than the file is truncation, not an allocation.
        let mut huge = MAGIC.to_vec();
        huge.extend(format!("{:<16}{:<12}{:<6}{:<6}{:<8}{:<10}`\n", "data.tar", 0, 0, 0, 0, 9_999_999_999u64).bytes());
        assert_eq!(members(&huge), Err(Error::Truncated));
        let mut many = MAGIC.to_vec();
        for _ in 0..100 {
            many.extend(member("x", b""));
        }
        assert_eq!(members(&many), Err(Error::TooMany("ar members")));
    }
}
