//! Attack: swamp the grader with compiler output: a macro that expands to
//! 4096 compile errors, each with a long message.
//! Must not: make the grader hold it all or the report huge; it is
//! compile_error with the start of what the compiler said.
use std::time::Duration;

pub const DEFAULT_MAX_DELAY: Duration = Duration::from_secs(10);

macro_rules! twice {
    ($m:ident $($t:tt)*) => { $m!($($t)* 0); $m!($($t)* 1); };
}
macro_rules! e0 { ($($b:tt)*) => { twice!(e1 $($b)*); }; }
macro_rules! e1 { ($($b:tt)*) => { twice!(e2 $($b)*); }; }
macro_rules! e2 { ($($b:tt)*) => { twice!(e3 $($b)*); }; }
macro_rules! e3 { ($($b:tt)*) => { twice!(e4 $($b)*); }; }
macro_rules! e4 { ($($b:tt)*) => { twice!(e5 $($b)*); }; }
macro_rules! e5 { ($($b:tt)*) => { twice!(e6 $($b)*); }; }
macro_rules! e6 { ($($b:tt)*) => { twice!(e7 $($b)*); }; }
macro_rules! e7 { ($($b:tt)*) => { twice!(e8 $($b)*); }; }
macro_rules! e8 { ($($b:tt)*) => { twice!(e9 $($b)*); }; }
macro_rules! e9 { ($($b:tt)*) => { twice!(e10 $($b)*); }; }
macro_rules! e10 { ($($b:tt)*) => { twice!(e11 $($b)*); }; }
macro_rules! e11 { ($($b:tt)*) => { twice!(e12 $($b)*); }; }
macro_rules! e12 {
    ($($b:tt)*) => {
        compile_error!(concat!(
            "flood ", $(stringify!($b),)*
            " xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        ));
    };
}
e0!();

pub async fn wait_random(max_delay: Duration) -> Duration {
    tokio::time::sleep(max_delay).await;
    max_delay
}
