//! How durations and values read in messages: `14.2s`, `250ms`, `[1s, 2s]`.

use std::time::Duration;

/// A duration as a student reads it: `14.2s`, `1.0003s`, `250ms`, `0s`.
pub fn secs(d: Duration) -> String {
    if d.is_zero() {
        return "0s".into();
    }
    let s = d.as_secs_f64();
    if s >= 86_400.0 && d.subsec_nanos() == 0 && d.as_secs().is_multiple_of(86_400) {
        return format!("{}d", d.as_secs() / 86_400);
    }
    if s >= 1.0 {
        format!("{}s", trim(format!("{s:.4}")))
    } else if s >= 1e-3 {
        format!("{}ms", trim(format!("{:.4}", s * 1e3)))
    } else if s >= 1e-6 {
        format!("{}µs", trim(format!("{:.3}", s * 1e6)))
    } else {
        format!("{}ns", d.as_nanos())
    }
}

fn trim(mut s: String) -> String {
    if s.contains('.') {
        while s.ends_with('0') {
            s.pop();
        }
        if s.ends_with('.') {
            s.pop();
        }
    }
    s
}

/// A list of durations, eliding the middle of long lists.
pub fn durations(ds: &[Duration]) -> String {
    list(ds, |d| secs(*d))
}

/// A list of numbers with four decimals, eliding the middle of long lists.
pub fn numbers(xs: &[f64]) -> String {
    list(xs, |x| trim(format!("{x:.4}")))
}

fn list<T>(items: &[T], show: impl Fn(&T) -> String) -> String {
    let shown: Vec<String> = if items.len() <= 10 {
        items.iter().map(&show).collect()
    } else {
        let mut shown: Vec<String> = items[..6].iter().map(&show).collect();
        shown.push(format!("… {} more …", items.len() - 8));
        shown.extend(items[items.len() - 2..].iter().map(&show));
        shown
    };
    format!("[{}]", shown.join(", "))
}

/// `d` rounded up to the timer's 1 ms tick: when a wait of `d` really ends.
pub fn tick_ceil(d: Duration) -> Duration {
    let nanos = d.as_nanos().div_ceil(1_000_000) * 1_000_000;
    Duration::from_nanos(nanos as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secs_reads_like_a_student_writes() {
        let cases = [
            (Duration::ZERO, "0s"),
            (Duration::from_millis(14_200), "14.2s"),
            (Duration::from_micros(1_000_300), "1.0003s"),
            (Duration::from_millis(250), "250ms"),
            (Duration::from_nanos(12_345), "12.345µs"),
            (Duration::from_nanos(7), "7ns"),
            (Duration::from_secs(365 * 86_400), "365d"),
        ];
        for (d, want) in cases {
            assert_eq!(secs(d), want, "{d:?}");
        }
    }

    #[test]
    fn long_lists_keep_both_ends() {
        let ds: Vec<_> = (1..=20).map(Duration::from_secs).collect();
        assert_eq!(
            durations(&ds),
            "[1s, 2s, 3s, 4s, 5s, 6s, … 12 more …, 19s, 20s]"
        );
        assert_eq!(durations(&ds[..3]), "[1s, 2s, 3s]");
    }

    #[test]
    fn tick_ceil_rounds_up_to_the_millisecond() {
        assert_eq!(
            tick_ceil(Duration::from_micros(1_000_001)),
            Duration::from_millis(1001)
        );
        assert_eq!(
            tick_ceil(Duration::from_millis(7)),
            Duration::from_millis(7)
        );
        assert_eq!(tick_ceil(Duration::ZERO), Duration::ZERO);
    }
}
