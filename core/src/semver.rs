//! Semantic versions as compared by the `semver_*` operators: SemVer 2.0.0 precedence,
//! build metadata ignored. Plain `MAJOR.MINOR.PATCH` (the common case in contexts) is
//! parsed without the general parser, so comparing it never allocates.

use std::cmp::Ordering;

/// A parsed semantic version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Version {
    core: (u64, u64, u64),
    /// Empty for a release.
    pre: semver::Prerelease,
}

impl Version {
    /// Parses a strict SemVer 2.0.0 string; `None` if it is not one.
    pub(crate) fn parse(s: &str) -> Option<Version> {
        if let Some(core) = parse_plain(s) {
            return Some(Version { core, pre: semver::Prerelease::EMPTY });
        }
        let v = semver::Version::parse(s).ok()?;
        Some(Version { core: (v.major, v.minor, v.patch), pre: v.pre })
    }

    /// A plain `MAJOR.MINOR.PATCH` version (from [`parse_plain`]).
    pub(crate) fn plain(major: u64, minor: u64, patch: u64) -> Version {
        Version { core: (major, minor, patch), pre: semver::Prerelease::EMPTY }
    }

    /// SemVer precedence.
    pub(crate) fn precedence(&self, other: &Version) -> Ordering {
        self.core.cmp(&other.core).then_with(|| match (self.pre.is_empty(), other.pre.is_empty()) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Greater,
            (false, true) => Ordering::Less,
            (false, false) => self.pre.cmp(&other.pre),
        })
    }
}

/// `MAJOR.MINOR.PATCH` with no pre-release or build part, numbers without leading
/// zeros. One pass over the bytes: this runs on every semver comparison.
pub(crate) fn parse_plain(s: &str) -> Option<(u64, u64, u64)> {
    let mut parts = [0u64; 3];
    let mut part = 0;
    let mut digits = 0;
    let mut leading_zero = false;
    for &c in s.as_bytes() {
        match c {
            b'0'..=b'9' => {
                if leading_zero {
                    return None;
                }
                if digits == 0 {
                    leading_zero = c == b'0';
                }
                parts[part] = parts[part].checked_mul(10)?.checked_add(u64::from(c - b'0'))?;
                digits += 1;
            }
            b'.' if digits > 0 && part < 2 => {
                part += 1;
                digits = 0;
                leading_zero = false;
            }
            _ => return None,
        }
    }
    (part == 2 && digits > 0).then_some((parts[0], parts[1], parts[2]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap_or_else(|| panic!("{s} should parse"))
    }

    #[test]
    fn precedence_follows_semver_2() {
        let ordered = [
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0",
            "1.0.1",
            "1.1.0",
            "2.0.0",
            "10.0.0",
        ];
        for w in ordered.windows(2) {
            assert_eq!(v(w[0]).precedence(&v(w[1])), Ordering::Less, "{} < {}", w[0], w[1]);
        }
    }

    #[test]
    fn build_metadata_is_ignored() {
        assert_eq!(v("1.2.3+build.5").precedence(&v("1.2.3")), Ordering::Equal);
    }

    #[test]
    fn non_versions_are_refused() {
        for s in ["", "1", "1.2", "1.2.3.4", "01.2.3", "v1.2.3", "1.2.x", "1.2.3-", " 1.2.3"] {
            assert!(Version::parse(s).is_none(), "{s:?}");
        }
    }
}
