//! Helpers shared by the integration tests.
#![allow(dead_code)] // each test binary uses its own subset

pub mod untrusted;

use shiplint_gobin::{Executable, Facts};
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn shiplint() -> Command {
    Command::new(env!("CARGO_BIN_EXE_shiplint"))
}

/// `shiplint check --format json ARGS` run in `dir`: the exit status and each finding's JSON.
pub fn check_json(dir: &Path, args: &[&std::ffi::OsStr]) -> (i32, Vec<serde_json::Value>, serde_json::Value) {
    let out = shiplint().current_dir(dir).args(["check", "--format", "json"]).args(args).output().unwrap();
    let doc: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    let findings = doc["findings"].as_array().unwrap().clone();
    (out.status.code().unwrap(), findings, doc)
}

/// A string field of a finding's JSON (empty when absent).
pub fn field(f: &serde_json::Value, pointer: &str) -> String {
    f.pointer(pointer).and_then(|v| v.as_str()).unwrap_or("").to_string()
}

/// One field of every finding with the code `code`, in report order.
pub fn fields_of(found: &[serde_json::Value], code: &str, pointer: &str) -> Vec<String> {
    found.iter().filter(|f| field(f, "/code") == code).map(|f| field(f, pointer)).collect()
}

/// `go version ARGS` from the newest release, run offline.
pub fn go_version(args: &[&str], dir: &Path) -> Output {
    let tc = shiplint_fixtures::newest();
    tc.command(dir).arg("version").args(args).output().expect("go version")
}

/// `go tool <args>` of the newest Go release, run in `dir`.
#[allow(dead_code)]
pub fn go_tool(args: &[&str], dir: &Path) -> Output {
    let tc = shiplint_fixtures::newest();
    tc.command(dir).arg("tool").args(args).output().expect("go tool")
}

pub fn buildinfo(args: &[&str], dir: &Path) -> Output {
    shiplint().current_dir(dir).arg("buildinfo").args(args).output().expect("shiplint buildinfo")
}

/// Asserts identical stdout, stderr and exit status.
pub fn assert_same(args: &[&str], dir: &Path) {
    let want = go_version(args, dir);
    let got = buildinfo(args, dir);
    let show = |o: &Output| {
        format!(
            "status {:?}\n--- stdout\n{}--- stderr\n{}",
            o.status.code(),
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    };
    assert!(
        want.stdout == got.stdout && want.stderr == got.stderr && want.status.code() == got.status.code(),
        "shiplint buildinfo {args:?} differs from go version\n=== go version\n{}\n=== shiplint\n{}",
        show(&want),
        show(&got)
    );
}

pub fn facts(path: &Path) -> Vec<Facts> {
    let data = fs::read(path).unwrap();
    let exe = Executable::parse(&data).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    exe.slices.iter().map(shiplint_gobin::facts).collect()
}

/// The bytes of the newest Go release's fixture build for `os`/`arch` in variant `v`.
pub fn newest_fixture(os: &str, arch: &str, v: shiplint_fixtures::Variant) -> Vec<u8> {
    let newest = shiplint_fixtures::newest().version;
    let f = shiplint_fixtures::all()
        .iter()
        .find(|f| f.go_version == newest && f.goos == os && f.goarch == arch && f.variant == v)
        .unwrap_or_else(|| panic!("no fixture {os}/{arch} {v}"));
    fs::read(&f.path).unwrap()
}

pub fn exec(path: &Path) {
    fs::set_permissions(path, fs::Permissions::from_mode(0o755)).unwrap();
}

/// A temporary directory removed on drop.
pub struct TempDir(PathBuf);

/// Writes `files` (relative path, text) into a fresh folder.
pub fn project(files: &[(&str, &str)]) -> TempDir {
    let t = TempDir::new();
    for (name, text) in files {
        let p = t.path().join(name);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
    }
    t
}

impl TempDir {
    pub fn new() -> Self {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static N: AtomicUsize = AtomicUsize::new(0);
        let p = std::env::temp_dir().join(format!(
            "shiplint-test-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }
    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        if std::env::var_os("SHIPLINT_KEEP_TEMP").is_some() {
            eprintln!("kept {}", self.0.display());
            return;
        }
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub fn openssl(args: &[&str], dir: &Path) {
    let out = Command::new("openssl").args(args).current_dir(dir).output().expect("openssl");
    assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// Offset of the LC_CODE_SIGNATURE command in a thin little-endian 64-bit Mach-O.
pub fn code_signature_command(data: &[u8]) -> usize {
    let u32_at = |o: usize| u32::from_le_bytes(data[o..o + 4].try_into().unwrap());
    let mut off = 32;
    for _ in 0..u32_at(16) {
        if u32_at(off) == 0x1d {
            return off;
        }
        off += u32_at(off + 4) as usize;
    }
    panic!("no LC_CODE_SIGNATURE");
}

/// Re-signs a real linker-signed darwin/arm64 binary (`original`) the way `codesign --sign "Developer ID
/// Application: ..." [--options runtime] [--timestamp]` lays it out: the linker's CodeDirectory with
/// the hardened-runtime flag, an empty requirements blob, and a CMS signature made by OpenSSL
/// whose signer carries an RFC 3161 timestamp token from an OpenSSL TSA. Nothing here is trusted
/// by Apple; the reader reports what the bytes say, not whether Apple would accept them.
pub fn resign(original: &[u8], runtime: bool, timestamp: bool, d: &Path) -> Vec<u8> {
    use cms::content_info::ContentInfo;
    use cms::signed_data::SignedData;
    use der::{Decode, Encode};

    let lc = code_signature_command(original);
    let u32_at = |d: &[u8], o: usize| u32::from_le_bytes(d[o..o + 4].try_into().unwrap());
    let sig_off = u32_at(original, lc + 8) as usize;
    let be = |d: &[u8], o: usize| u32::from_be_bytes(d[o..o + 4].try_into().unwrap());
    let old_blob = &original[sig_off..];
    let cd_off = be(old_blob, 16) as usize; // first index entry: the CodeDirectory
    let cd_len = be(old_blob, cd_off + 4) as usize;
    let mut cd = old_blob[cd_off..cd_off + cd_len].to_vec();
    let mut flags = be(&cd, 12) & !0x2_0002; // no longer ad hoc or linker-signed
    if runtime {
        flags |= 0x1_0000;
    }
    cd[12..16].copy_from_slice(&flags.to_be_bytes());
    // Like codesign, reserve a fixed-size signature area first: the header page (hashed in the
    // CodeDirectory) records its size, so it must not change after signing.
    const RESERVED: usize = 32 * 1024;
    let mut signed = original[..sig_off].to_vec();
    signed[lc + 12..lc + 16].copy_from_slice(&(RESERVED as u32).to_le_bytes());
    let hash_offset = be(&cd, 16) as usize;
    let page0 = {
        use sha2::Digest;
        sha2::Sha256::digest(&signed[..4096])
    };
    cd[hash_offset..hash_offset + 32].copy_from_slice(&page0);

    fs::write(d.join("cd.bin"), &cd).unwrap();
    let subject = "/CN=Developer ID Application: Example Corp (EXAMPLE123)/OU=EXAMPLE123/O=Example Corp/C=US";
    openssl(
        &[
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "key.pem", "-out", "cert.pem", "-days", "2",
            "-subj", subject,
        ],
        d,
    );
    openssl(
        &[
            "cms", "-sign", "-binary", "-in", "cd.bin", "-signer", "cert.pem", "-inkey", "key.pem", "-outform", "DER",
            "-out", "sig.der",
        ],
        d,
    );
    openssl(
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "tsa.key",
            "-out",
            "tsa.pem",
            "-days",
            "2",
            "-subj",
            "/CN=Example TSA",
            "-addext",
            "extendedKeyUsage=critical,timeStamping",
        ],
        d,
    );
    fs::write(d.join("ts.cnf"), "[tsa]\ndefault_tsa = tsa_config\n[tsa_config]\nserial = serial\nsigner_digest = sha256\ndefault_policy = 1.2.3.4\ndigests = sha256\naccuracy = secs:1\ness_cert_id_chain = no\n").unwrap();
    fs::write(d.join("serial"), "01\n").unwrap();
    openssl(&["ts", "-query", "-data", "sig.der", "-sha256", "-cert", "-out", "req.tsq"], d);
    openssl(
        &[
            "ts",
            "-reply",
            "-config",
            "ts.cnf",
            "-queryfile",
            "req.tsq",
            "-signer",
            "tsa.pem",
            "-inkey",
            "tsa.key",
            "-token_out",
            "-out",
            "token.der",
        ],
        d,
    );

    // Attach the timestamp token as the signer's unsigned attribute, as codesign --timestamp does.
    let mut info = ContentInfo::from_der(&fs::read(d.join("sig.der")).unwrap()).unwrap();
    let mut sd: SignedData = info.content.decode_as().unwrap();
    let token = der::Any::from_der(&fs::read(d.join("token.der")).unwrap()).unwrap();
    let attr = x509_attr(&token);
    let mut signer = sd.signer_infos.0.get(0).unwrap().clone();
    if timestamp {
        signer.unsigned_attrs = Some(der::asn1::SetOfVec::try_from(vec![attr]).unwrap());
    }
    sd.signer_infos = cms::signed_data::SignerInfos(der::asn1::SetOfVec::try_from(vec![signer]).unwrap());
    info.content = der::Any::encode_from(&sd).unwrap();
    let cms_der = info.to_der().unwrap();

    let mut wrapper = Vec::new();
    wrapper.extend_from_slice(&0xfade_0b01u32.to_be_bytes());
    wrapper.extend_from_slice(&((8 + cms_der.len()) as u32).to_be_bytes());
    wrapper.extend_from_slice(&cms_der);
    let requirements = [0xfa, 0xde, 0x0c, 0x01, 0, 0, 0, 12, 0, 0, 0, 0];
    let blobs: [(u32, &[u8]); 3] = [(0, &cd), (2, &requirements), (0x10000, &wrapper)];
    let mut offset = 12 + 8 * blobs.len();
    let mut super_blob = vec![0u8; offset];
    super_blob[..4].copy_from_slice(&0xfade_0cc0u32.to_be_bytes());
    super_blob[8..12].copy_from_slice(&(blobs.len() as u32).to_be_bytes());
    for (i, (slot, blob)) in blobs.iter().enumerate() {
        super_blob[12 + i * 8..16 + i * 8].copy_from_slice(&slot.to_be_bytes());
        super_blob[16 + i * 8..20 + i * 8].copy_from_slice(&(offset as u32).to_be_bytes());
        super_blob.extend_from_slice(blob);
        offset += blob.len();
    }
    let total = super_blob.len() as u32;
    super_blob[4..8].copy_from_slice(&total.to_be_bytes());
    assert!(super_blob.len() <= RESERVED);
    super_blob.resize(RESERVED, 0);
    signed.extend_from_slice(&super_blob);

    signed
}

/// The signer-info attribute `id-aa-timeStampToken` holding `token`.
fn x509_attr(token: &der::Any) -> cms::cert::x509::attr::Attribute {
    cms::cert::x509::attr::Attribute {
        oid: der::asn1::ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.14"),
        values: der::asn1::SetOfVec::try_from(vec![token.clone()]).unwrap(),
    }
}

/// A small deterministic generator (xorshift64*), so every run tests the same mutants.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}
