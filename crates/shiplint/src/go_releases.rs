//! The Go releases shiplint knows of (`data/go-releases.tsv`): which patch release of a minor is
//! the newest, and what the patch releases after a given one fixed.

use std::sync::OnceLock;

/// One Go release of the table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Release {
    pub minor: u32,
    pub patch: u32,
    /// `YYYY-MM-DD`.
    pub date: &'static str,
    /// What its security fixes touched: `Some(empty)` for none, `None` when not known.
    pub security: Option<Vec<&'static str>>,
}

impl Release {
    pub fn name(&self) -> String {
        format!("go1.{}.{}", self.minor, self.patch)
    }
}

const TABLE: &str = include_str!("../data/go-releases.tsv");

/// The table, read once; a malformed line is a bug caught by the tests, and skipped.
pub fn all() -> &'static [Release] {
    static ALL: OnceLock<Vec<Release>> = OnceLock::new();
    ALL.get_or_init(|| {
        TABLE.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()).filter_map(parse).collect()
    })
}

fn parse(line: &'static str) -> Option<Release> {
    let mut fields = line.split('\t');
    let (version, date, security) = (fields.next()?, fields.next()?, fields.next()?);
    let (minor, patch) = crate::defs::gosrc::go_release(version)?;
    let security = match security {
        "?" => None,
        "-" => Some(Vec::new()),
        list => Some(list.split(',').collect()),
    };
    Some(Release { minor, patch: patch?, date, security })
}

/// The minor and patch of a version string as the Go linker records it (`go1.27.1`,
/// `go1.27.1 X:boringcrypto`, `go1.20` for 1.20.0); `None` for release candidates, betas and
/// development builds, which no patch release table orders.
pub fn patch_of(version: &str) -> Option<(u32, u32)> {
    let release = version.split_whitespace().next()?;
    if release.contains("rc") || release.contains("beta") {
        return None;
    }
    let (minor, patch) = crate::defs::gosrc::go_release(release.strip_prefix("go")?)?;
    Some((minor, patch.unwrap_or(0)))
}

/// The releases of Go 1.`minor` after 1.`minor`.`patch`, oldest first, with `newest` (a newer
/// patch the configuration names, `newest-go = "1.27.5"`) added when the table does not have it.
pub fn newer_patches(minor: u32, patch: u32, newest: Option<(u32, u32)>) -> Vec<Release> {
    let mut newer: Vec<Release> = all().iter().filter(|r| r.minor == minor && r.patch > patch).cloned().collect();
    newer.sort_by_key(|r| r.patch);
    if let Some((m, p)) = newest.filter(|&(m, p)| m == minor && p > patch) {
        if newer.last().is_none_or(|r| r.patch < p) {
            newer.push(Release { minor: m, patch: p, date: "", security: None });
        }
    }
    newer
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_reads_and_is_ordered() {
        let all = all();
        let lines = TABLE.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()).count();
        assert_eq!(all.len(), lines, "every line parses");
        for minor in 21..=27 {
            let mut patches: Vec<u32> = all.iter().filter(|r| r.minor == minor).map(|r| r.patch).collect();
            patches.sort();
            assert_eq!(patches, (0..patches.len() as u32).collect::<Vec<_>>(), "go1.{minor}: every patch once");
        }
        assert!(all.iter().all(|r| r.date.len() == 10 && r.date.starts_with("20")));
    }

    #[test]
    fn versions_and_newer_patches() {
        assert_eq!(patch_of("go1.27.1"), Some((27, 1)));
        assert_eq!(patch_of("go1.20"), Some((20, 0)));
        assert_eq!(patch_of("go1.25.3 X:boringcrypto"), Some((25, 3)));
        assert_eq!(patch_of("go1.27rc1"), None);
        assert_eq!(patch_of("devel go1.28-abc"), None);
        let newer: Vec<String> = newer_patches(26, 5, None).iter().map(Release::name).collect();
        assert_eq!(newer, ["go1.26.6", "go1.26.7"]);
        assert_eq!(newer_patches(26, 6, None)[0].security, Some(Vec::new()), "1.26.7 fixed bugs only");
        assert!(newer_patches(27, 3, None).is_empty());
        let configured: Vec<String> = newer_patches(27, 3, Some((27, 5))).iter().map(Release::name).collect();
        assert_eq!(configured, ["go1.27.5"]);
    }
}
