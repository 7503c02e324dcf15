//! Builds every fixture and prints one path per line (used by benches/bench.sh).
fn main() {
    for f in shiplint_fixtures::all() {
        println!("{}", f.path.display());
    }
}
