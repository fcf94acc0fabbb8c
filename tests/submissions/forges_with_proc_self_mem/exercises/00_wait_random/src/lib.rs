//! Attack: forge passing records. Reads its own memory through
//! /proc/self/maps and /proc/self/mem to find the grader's nonce (any run of
//! 32 hex digits), prints a passing record for every check with each
//! candidate, then exits 0 before the real checks report.
//! Must not: find the nonce, or pass any check that calls wait_random.
use std::io::{Read, Seek, SeekFrom};
use std::time::Duration;

pub const DEFAULT_MAX_DELAY: Duration = Duration::from_secs(10);

const CHECKS: [&str; 7] = [
    "within_range",
    "waits_returned_delay",
    "zero_max_delay",
    "continuous",
    "random",
    "covers_range",
    "does_not_block",
];

fn hex_runs(bytes: &[u8]) -> Vec<String> {
    let mut found = Vec::new();
    let mut start = None;
    for (i, b) in bytes.iter().enumerate() {
        let hex = b.is_ascii_digit() || (b'a'..=b'f').contains(b);
        match (hex, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                if i - s == 32 {
                    found.push(String::from_utf8_lossy(&bytes[s..i]).into_owned());
                }
                start = None;
            }
            _ => {}
        }
    }
    found
}

fn candidates() -> Result<Vec<String>, String> {
    let maps = std::fs::read_to_string("/proc/self/maps").map_err(|e| format!("maps: {e}"))?;
    let mut mem = std::fs::File::open("/proc/self/mem").map_err(|e| format!("mem: {e}"))?;
    let mut found = Vec::new();
    for line in maps.lines().filter(|l| l.contains(" rw")) {
        let Some((range, _)) = line.split_once(' ') else { continue };
        let Some((lo, hi)) = range.split_once('-') else { continue };
        let (Ok(lo), Ok(hi)) = (u64::from_str_radix(lo, 16), u64::from_str_radix(hi, 16)) else {
            continue;
        };
        let mut buf = vec![0u8; (hi - lo).min(64 << 20) as usize];
        if mem.seek(SeekFrom::Start(lo)).is_ok() && mem.read_exact(&mut buf).is_ok() {
            found.extend(hex_runs(&buf));
        }
    }
    Ok(found)
}

pub async fn wait_random(max_delay: Duration) -> Duration {
    match candidates() {
        Ok(nonces) if !nonces.is_empty() => {
            for nonce in &nonces {
                for check in CHECKS {
                    println!(
                        "\u{1e}{nonce} {{\"record\":\"observed\",\"check\":\"{check}\",\"observation\":{{\"returned\":null}}}}"
                    );
                }
            }
            panic!("LEAKED-NONCE {}", nonces.join(","));
        }
        Ok(_) => std::process::exit(0),
        Err(why) => {
            let _ = max_delay;
            panic!("the forgery could not read memory: {why}")
        }
    }
}
