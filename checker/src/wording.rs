//! Every message and hint a verdict carries passes through [`said`], so one
//! switch can reword them all.
//!
//! What a check decides (status, skip, the verify rules, blame) must rest on
//! typed facts ([`crate::check::Cause`], [`crate::check::FailureKind`]),
//! never on how a message happens to be worded. The project's tests prove
//! it: they judge every fixture with [`reword_everything`] on and demand the
//! same verdicts. Nothing else turns it on.

use std::sync::atomic::{AtomicBool, Ordering};

static REWORD: AtomicBool = AtomicBool::new(false);

/// Makes every message from now on read differently (in this process).
pub fn reword_everything() {
    REWORD.store(true, Ordering::SeqCst);
}

/// `text` as a verdict says it: unchanged, unless rewording is on, when it
/// comes out with its words reversed behind a marker, so no prefix, suffix
/// or phrase of the original survives.
pub fn said(text: String) -> String {
    if !REWORD.load(Ordering::Relaxed) || text.is_empty() {
        return text;
    }
    let reversed: Vec<&str> = text.split(' ').rev().collect();
    format!("[reworded] {}", reversed.join(" ").to_uppercase())
}

#[cfg(test)]
mod tests {
    #[test]
    fn off_by_default() {
        assert_eq!(super::said("as it was".into()), "as it was");
    }
}
