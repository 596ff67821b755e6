//! The rule that keeps the app from trusting public certificate authorities.
//!
//! The CA file must hold the practice's own CA: a handful of certificates at most. A file is
//! refused when it holds more than [`MAX_CERTIFICATES`] certificates (a bundle), or when any
//! certificate in it is one of the system's trusted public roots (byte for byte the same
//! certificate as one in [`SYSTEM_BUNDLE`], when that file exists).
//!
//! Certificates are compared whole (their base64 text without line breaks, which is the same
//! exactly when the DER bytes are the same) rather than by subject name: that needs no X.509
//! parser, cannot refuse a practice's private CA by a name clash, and a copied public root is
//! always byte-identical to the system's copy. Bundles of other public roots are caught by the
//! count.

use std::collections::HashSet;
use std::path::Path;

/// More certificates than this is a bundle, not a practice's CA (a root, perhaps an
/// intermediate, and one spare for a CA being rolled over).
pub const MAX_CERTIFICATES: usize = 3;

/// The system's bundle of public roots on Debian-like systems.
pub const SYSTEM_BUNDLE: &str = "/etc/ssl/certs/ca-certificates.crt";

/// Why a CA file is refused as public.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PublicCa {
    /// More than [`MAX_CERTIFICATES`] certificates.
    TooMany,
    /// A certificate that is also in the system's bundle of public roots.
    SystemRoot,
}

/// Check the PEM text of a CA file against the rule; `system_pem` is the system bundle's text,
/// when there is one.
pub fn check(ca_pem: &[u8], system_pem: Option<&[u8]>) -> Result<(), PublicCa> {
    let certificates = certificates(ca_pem);
    if certificates.len() > MAX_CERTIFICATES {
        return Err(PublicCa::TooMany);
    }
    if let Some(system_pem) = system_pem {
        let public: HashSet<String> = self::certificates(system_pem).into_iter().collect();
        if certificates.iter().any(|c| public.contains(c)) {
            return Err(PublicCa::SystemRoot);
        }
    }
    Ok(())
}

/// [`check`] against the bundle at [`SYSTEM_BUNDLE`], when it can be read.
pub fn check_against_system(ca_pem: &[u8]) -> Result<(), PublicCa> {
    let system = std::fs::read(Path::new(SYSTEM_BUNDLE)).ok();
    check(ca_pem, system.as_deref())
}

/// The base64 body of each `CERTIFICATE` block, with all whitespace removed.
fn certificates(pem: &[u8]) -> Vec<String> {
    const BEGIN: &str = "-----BEGIN CERTIFICATE-----";
    const END: &str = "-----END CERTIFICATE-----";
    let text = String::from_utf8_lossy(pem);
    let mut found = Vec::new();
    let mut rest = text.as_ref();
    while let Some(start) = rest.find(BEGIN) {
        let after = &rest[start + BEGIN.len()..];
        let Some(end) = after.find(END) else { break };
        found.push(after[..end].chars().filter(|c| !c.is_whitespace()).collect());
        rest = &after[end + END.len()..];
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    const CA_PEM: &[u8] = include_bytes!("../../../backend/api/tests/fixtures/test-ca.pem");

    fn other_cert() -> Vec<u8> {
        b"-----BEGIN CERTIFICATE-----\nQUJDRA==\n-----END CERTIFICATE-----\n".to_vec()
    }

    #[test]
    fn the_practice_ca_alone_is_accepted() {
        assert_eq!(check(CA_PEM, None), Ok(()));
        assert_eq!(check(CA_PEM, Some(&other_cert())), Ok(()));
        assert_eq!(check(&CA_PEM.repeat(MAX_CERTIFICATES), Some(&other_cert())), Ok(()));
    }

    #[test]
    fn more_than_a_few_certificates_are_a_bundle() {
        assert_eq!(
            check(&CA_PEM.repeat(MAX_CERTIFICATES + 1), None),
            Err(PublicCa::TooMany)
        );
    }

    #[test]
    fn a_certificate_of_the_system_bundle_is_public() {
        let mut system = other_cert();
        system.extend_from_slice(CA_PEM);
        assert_eq!(check(CA_PEM, Some(&system)), Err(PublicCa::SystemRoot));
        // Line breaks do not matter: the certificate is the same.
        let rewrapped = String::from_utf8_lossy(CA_PEM).replace('\n', "\r\n");
        assert_eq!(check(rewrapped.as_bytes(), Some(&system)), Err(PublicCa::SystemRoot));
    }

    #[test]
    fn the_real_system_bundle_is_refused_when_present() {
        if let Ok(system) = std::fs::read(SYSTEM_BUNDLE) {
            assert!(check_against_system(&system).is_err());
        }
    }

    #[test]
    fn certificates_are_read_block_by_block() {
        let mut pem = b"junk\n".to_vec();
        pem.extend_from_slice(&other_cert());
        pem.extend_from_slice(b"-----BEGIN PRIVATE KEY-----\nX\n-----END PRIVATE KEY-----\n");
        pem.extend_from_slice(b"-----BEGIN CERTIFICATE-----\nunterminated");
        assert_eq!(certificates(&pem), vec!["QUJDRA==".to_owned()]);
    }
}
