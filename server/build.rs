// The dashboard in web-ui/dist is embedded in release builds: rebuild when it changes.
fn main() {
    println!("cargo:rerun-if-changed=../web-ui/dist");
}
