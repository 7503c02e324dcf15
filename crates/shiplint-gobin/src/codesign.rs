//! The Mach-O code signature (`LC_CODE_SIGNATURE`): SuperBlob, CodeDirectory, whether the page
//! hashes still match the file, and the CMS signature's signer and timestamp.
//!
//! Go's linker signs darwin/arm64 binaries ad hoc ("linker-signed"); anything that changes the
//! file afterwards (strip, objcopy, appended bytes) breaks the page hashes.

use crate::bytes::{self, Endian};
use serde::Serialize;
use sha1::Digest as _;

const BE: Endian = Endian::Big;
const MAGIC_SUPERBLOB: u32 = 0xfade_0cc0;
const MAGIC_CODEDIRECTORY: u32 = 0xfade_0c02;
const MAGIC_BLOBWRAPPER: u32 = 0xfade_0b01;
const SLOT_CODEDIRECTORY: u32 = 0;
const SLOT_REQUIREMENTS: u32 = 2;
const SLOT_ENTITLEMENTS: u32 = 5;
const SLOT_DER_ENTITLEMENTS: u32 = 7;
const SLOT_ALTERNATE_CD_FIRST: u32 = 0x1000;
const SLOT_SIGNATURE: u32 = 0x10000;

pub const FLAG_ADHOC: u32 = 0x2;
pub const FLAG_RUNTIME: u32 = 0x1_0000;
pub const FLAG_LINKER_SIGNED: u32 = 0x2_0000;

#[derive(Clone, Debug, Default, Serialize)]
pub struct CodeDirectory {
    pub version: u32,
    pub flags: u32,
    pub adhoc: bool,
    pub linker_signed: bool,
    pub hardened_runtime: bool,
    pub identifier: String,
    pub team_id: Option<String>,
    /// 1 = SHA-1, 2 = SHA-256, 3 = SHA-256 truncated, 4 = SHA-384.
    pub hash_type: u8,
    pub hash_name: String,
    pub page_size: u32,
    pub code_limit: u64,
    pub code_slots: u32,
    /// Whether every page hash matches the file's bytes (`None`: hash type not checked).
    pub pages_match: Option<bool>,
    /// Index of the first page whose hash differs.
    pub first_bad_page: Option<u32>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct CmsSignature {
    /// Common name of the signing certificate, e.g. "Developer ID Application: Name (TEAMID)".
    pub signer: Option<String>,
    /// Organizational unit of the signing certificate (Apple puts the team ID there).
    pub signer_team_id: Option<String>,
    pub certificate_count: usize,
    /// A countersigned RFC 3161 timestamp token (Apple's "secure timestamp") is attached.
    pub timestamp_token: bool,
    /// The signer's own claimed signing time (not a trusted timestamp).
    pub signing_time: Option<String>,
    /// Why the CMS blob could not be decoded.
    pub error: Option<String>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct CodeSignature {
    pub offset: u32,
    pub size: u32,
    /// (slot type, offset) of each SuperBlob entry.
    pub slots: Vec<(u32, u32)>,
    pub code_directory: Option<CodeDirectory>,
    pub requirements: bool,
    pub entitlements: Option<String>,
    pub cms: Option<CmsSignature>,
    /// The SuperBlob could not be read (truncated, wrong magic): the signature is broken.
    pub error: Option<String>,
}

impl CodeSignature {
    /// A CMS blob is present and non-empty (ad-hoc signatures carry an empty one or none).
    pub fn has_cms_signer(&self) -> bool {
        self.cms.as_ref().is_some_and(|c| c.signer.is_some())
    }
}

/// Reads the signature at `offset`/`size` of `slice` (offsets are relative to the slice).
pub fn read(slice: &[u8], offset: u32, size: u32) -> CodeSignature {
    let mut sig = CodeSignature { offset, size, ..Default::default() };
    let Some(blob) = bytes::slice(slice, offset.into(), size.into()) else {
        sig.error = Some("signature lies outside the file".into());
        return sig;
    };
    if BE.u32(blob, 0) != Some(MAGIC_SUPERBLOB) {
        sig.error = Some("no SuperBlob magic".into());
        return sig;
    }
    let count = BE.u32(blob, 8).unwrap_or(0) as usize;
    let Some(index) = blob.get(12..).and_then(|b| b.get(..count.checked_mul(8)?)) else {
        sig.error = Some("SuperBlob index is truncated".into());
        return sig;
    };
    for entry in index.chunks_exact(8) {
        let (slot, off) = (BE.u32(entry, 0).unwrap_or(0), BE.u32(entry, 4).unwrap_or(0));
        sig.slots.push((slot, off));
        let Some(sub) = blob_at(blob, off) else {
            continue;
        };
        match slot {
            SLOT_CODEDIRECTORY => sig.code_directory = code_directory(slice, sub),
            // The SHA-256 CodeDirectory may sit in an alternate slot next to a SHA-1 primary.
            s if (SLOT_ALTERNATE_CD_FIRST..SLOT_ALTERNATE_CD_FIRST + 5).contains(&s) => {
                if let Some(cd) = code_directory(slice, sub) {
                    if sig.code_directory.as_ref().is_none_or(|p| p.hash_type < cd.hash_type) {
                        sig.code_directory = Some(cd);
                    }
                }
            }
            SLOT_REQUIREMENTS => sig.requirements = sub.len() > 12,
            SLOT_ENTITLEMENTS => sig.entitlements = sub.get(8..).map(|x| String::from_utf8_lossy(x).into_owned()),
            SLOT_DER_ENTITLEMENTS => {}
            SLOT_SIGNATURE if BE.u32(sub, 0) == Some(MAGIC_BLOBWRAPPER) => {
                let der = &sub[8.min(sub.len())..];
                if !der.is_empty() {
                    sig.cms = Some(cms_signature(der));
                }
            }
            _ => {}
        }
    }
    sig
}

/// The blob at `off` inside the SuperBlob, bounded by its own length field.
fn blob_at(super_blob: &[u8], off: u32) -> Option<&[u8]> {
    let len = BE.u32(super_blob, off as usize + 4)?;
    bytes::slice(super_blob, off.into(), len.into())
}

fn code_directory(file: &[u8], cd: &[u8]) -> Option<CodeDirectory> {
    if BE.u32(cd, 0)? != MAGIC_CODEDIRECTORY {
        return None;
    }
    let version = BE.u32(cd, 8)?;
    let flags = BE.u32(cd, 12)?;
    let hash_offset = BE.u32(cd, 16)? as usize;
    let ident_offset = BE.u32(cd, 20)? as usize;
    let code_slots = BE.u32(cd, 28)?;
    let mut code_limit = u64::from(BE.u32(cd, 32)?);
    let hash_size = usize::from(*cd.get(36)?);
    let hash_type = *cd.get(37)?;
    let page_log2 = *cd.get(39)?;
    let team_id = if version >= 0x20200 {
        let off = BE.u32(cd, 48)? as usize;
        (off != 0).then(|| bytes::cstr(cd, off).map(|t| String::from_utf8_lossy(t).into_owned())).flatten()
    } else {
        None
    };
    if version >= 0x20300 {
        let limit64 = BE.u64(cd, 56)?;
        if limit64 != 0 {
            code_limit = limit64;
        }
    }
    let identifier = bytes::cstr(cd, ident_offset).map(|t| String::from_utf8_lossy(t).into_owned()).unwrap_or_default();
    let page_size = if page_log2 == 0 || page_log2 >= 32 { 0 } else { 1u32 << page_log2 };
    let (pages_match, first_bad_page) =
        check_pages(file, cd, hash_offset, code_slots, hash_size, hash_type, page_size, code_limit);
    Some(CodeDirectory {
        version,
        flags,
        adhoc: flags & FLAG_ADHOC != 0,
        linker_signed: flags & FLAG_LINKER_SIGNED != 0,
        hardened_runtime: flags & FLAG_RUNTIME != 0,
        identifier,
        team_id,
        hash_type,
        hash_name: match hash_type {
            1 => "sha1",
            2 => "sha256",
            3 => "sha256-truncated",
            4 => "sha384",
            _ => "unknown",
        }
        .into(),
        page_size,
        code_limit,
        code_slots,
        pages_match,
        first_bad_page,
    })
}

#[allow(clippy::too_many_arguments)]
fn check_pages(
    file: &[u8],
    cd: &[u8],
    hash_offset: usize,
    slots: u32,
    hash_size: usize,
    hash_type: u8,
    page_size: u32,
    code_limit: u64,
) -> (Option<bool>, Option<u32>) {
    let digest = |page: &[u8]| -> Option<Vec<u8>> {
        match hash_type {
            1 => Some(sha1::Sha1::digest(page).to_vec()),
            2 | 3 => Some(sha2::Sha256::digest(page).to_vec()),
            4 => Some(sha2::Sha384::digest(page).to_vec()),
            _ => None,
        }
    };
    if page_size == 0 || digest(&[]).is_none() {
        return (None, None);
    }
    for i in 0..slots {
        let start = u64::from(i) * u64::from(page_size);
        let len = u64::from(page_size).min(code_limit.saturating_sub(start));
        let expected = hash_offset.checked_add(i as usize * hash_size).and_then(|o| cd.get(o..o + hash_size));
        let page = bytes::slice(file, start, len);
        let ok = match (expected, page.and_then(digest)) {
            (Some(want), Some(got)) => got.get(..hash_size) == Some(want),
            _ => false,
        };
        if !ok {
            return (Some(false), Some(i));
        }
    }
    (Some(true), None)
}

fn cms_signature(der_bytes: &[u8]) -> CmsSignature {
    match decode_cms(der_bytes) {
        Ok(c) => c,
        Err(e) => CmsSignature { error: Some(e), ..Default::default() },
    }
}

/// The encoded length (header and contents) of the DER value at the start of `b`.
fn der_value_len(b: &[u8]) -> Option<usize> {
    let first = *b.get(1)?;
    let (header, content) = if first < 0x80 {
        (2, usize::from(first))
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 {
            return None;
        }
        let len = b.get(2..2 + n)?.iter().fold(0usize, |acc, &x| acc << 8 | usize::from(x));
        (2 + n, len)
    };
    header.checked_add(content)
}

fn decode_cms(der_bytes: &[u8]) -> Result<CmsSignature, String> {
    use cms::cert::CertificateChoices;
    use cms::content_info::ContentInfo;
    use cms::signed_data::{SignedData, SignerIdentifier};
    use der::{Decode, Encode};

    const OID_CN: &str = "2.5.4.3";
    const OID_OU: &str = "2.5.4.11";
    const OID_SIGNING_TIME: &str = "1.2.840.113549.1.9.5";
    const OID_TIMESTAMP_TOKEN: &str = "1.2.840.113549.1.9.16.2.14";

    // The blob may be followed by zero padding; decode the first DER value only.
    let len = der_value_len(der_bytes).ok_or("CMS blob is not DER")?;
    let info =
        ContentInfo::from_der(der_bytes.get(..len).ok_or("CMS blob is truncated")?).map_err(|e| e.to_string())?;
    let sd: SignedData = info.content.decode_as().map_err(|e| e.to_string())?;
    let certs: Vec<&x509_cert::Certificate> = sd
        .certificates
        .as_ref()
        .map(|set| {
            set.0
                .iter()
                .filter_map(|c| match c {
                    CertificateChoices::Certificate(c) => Some(c),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    let attr_text = |name: &x509_cert::name::Name, oid: &str| -> Option<String> {
        name.0.iter().flat_map(|rdn| rdn.0.iter()).find(|a| a.oid.to_string() == oid).and_then(|a| {
            der::asn1::Utf8StringRef::try_from(&a.value)
                .map(|s| s.as_str().to_string())
                .or_else(|_| der::asn1::PrintableStringRef::try_from(&a.value).map(|s| s.as_str().to_string()))
                .ok()
        })
    };
    let mut out = CmsSignature { certificate_count: certs.len(), ..Default::default() };
    if let Some(si) = sd.signer_infos.0.iter().next() {
        let cert = match &si.sid {
            SignerIdentifier::IssuerAndSerialNumber(isn) => certs.iter().find(|c| {
                c.tbs_certificate.issuer == isn.issuer && c.tbs_certificate.serial_number == isn.serial_number
            }),
            SignerIdentifier::SubjectKeyIdentifier(_) => certs.first(),
        };
        if let Some(cert) = cert {
            out.signer = attr_text(&cert.tbs_certificate.subject, OID_CN);
            out.signer_team_id = attr_text(&cert.tbs_certificate.subject, OID_OU);
        }
        if let Some(attrs) = &si.signed_attrs {
            out.signing_time = attrs
                .iter()
                .find(|a| a.oid.to_string() == OID_SIGNING_TIME)
                .and_then(|a| a.values.iter().next())
                .and_then(|v| v.to_der().ok())
                .and_then(|d| x509_cert::time::Time::from_der(&d).ok())
                .map(|t| t.to_string());
        }
        out.timestamp_token = si
            .unsigned_attrs
            .as_ref()
            .is_some_and(|attrs| attrs.iter().any(|a| a.oid.to_string() == OID_TIMESTAMP_TOKEN));
    }
    Ok(out)
}
