//! Attack: run before the grader reads its nonce, and break the link. An
//! `.init_array` constructor and a `#[no_mangle] fn main` (which would
//! replace the runner's own `main`), an allocator that sees every byte, with
//! `#![allow(unsafe_code)]` to get past the lint.
//! Must not: compile. It is compile_error, blamed on this exercise, and the
//! rest of the submission is still graded.
#![allow(unsafe_code)]
use std::alloc::{GlobalAlloc, Layout, System};
use std::time::Duration;

pub const DEFAULT_MAX_DELAY: Duration = Duration::from_secs(10);

#[used]
#[unsafe(link_section = ".init_array")]
static CONSTRUCTOR: extern "C" fn() = early;

extern "C" fn early() {
    println!("\u{1e}forged before the nonce");
}

#[unsafe(no_mangle)]
pub fn main() {
    std::process::exit(0);
}

struct Spy;

unsafe impl GlobalAlloc for Spy {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static SPY: Spy = Spy;

pub async fn wait_random(max_delay: Duration) -> Duration {
    tokio::time::sleep(max_delay).await;
    max_delay
}
