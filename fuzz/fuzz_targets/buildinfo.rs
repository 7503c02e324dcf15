//! Go's debug/buildinfo algorithm on whole files, and the module-text parser on its own.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(bi) = shiplint_gobin::read_build_info(data) {
        let _ = bi.to_go_string();
        let _ = bi.to_go_json();
    }
    if let Ok(bi) = shiplint_gobin::buildinfo::parse(data) {
        // Rendering is a fixed point: what renders parses back and renders the same. (Not
        // parse-render-parse identity: like Go's, rendering drops the sum of a replaced module.)
        let text = bi.to_go_string();
        let again = shiplint_gobin::buildinfo::parse(&text).expect("rendered text parses");
        assert_eq!(again.to_go_string(), text);
    }
});
