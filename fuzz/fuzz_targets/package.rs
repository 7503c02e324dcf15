//! The package readers on arbitrary bytes: the member stream of every format (a `.deb`'s ar and
//! control/data tars, an RPM's headers and cpio payload, a wheel's zip and WHEEL file, an npm
//! tarball's package.json, a bottle's tar) read to the end with heads and bounded data, and the
//! platform each claims in Go's terms.
#![no_main]
use libfuzzer_sys::fuzz_target;
use shiplint_archive::package::Package;

const NAMES: [&str; 6] = [
    "app_1.0_amd64.deb",
    "app-1.0-1.x86_64.rpm",
    "tool-1.0-py3-none-manylinux_2_17_x86_64.whl",
    "tool-1.0.0.tgz",
    "tool--1.0.arm64_sonoma.bottle.tar.gz",
    "app.zip",
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, data)) = data.split_first() else { return };
    let name = NAMES[usize::from(pick) % NAMES.len()];
    let Ok(mut package) = Package::open(data, name) else { return };
    for _ in 0..256 {
        match package.next_member() {
            Ok(Some(_)) => {
                let _ = package.head(8);
                let _ = package.data(1 << 16);
            }
            _ => break,
        }
    }
    let facts = shiplint::package::facts(name, &package.metadata);
    let _ = facts.claim.says_anything();
});
