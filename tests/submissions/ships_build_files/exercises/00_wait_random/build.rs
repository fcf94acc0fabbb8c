fn main() {
    panic!("a submission's build.rs must never run");
}
