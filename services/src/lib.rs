//! The course's simulated services, called by exercises 09–15: a slow,
//! fallible [`fetch`], a slow [`store`], and a database [`Connection`].
//!
//! Read this crate, never edit it: the grader uses the course's copy. Every
//! call takes time the way a network call does, without blocking the
//! thread (it awaits `tokio::time::sleep`), so many calls can be in flight
//! at once. How long each takes and which ones fail is fixed below, so a
//! program that uses them behaves the same on every run.
//!
//! **While the checks run**, `services` in an exercise is not this crate but
//! the course's probe of it (see the exercise's `Cargo.toml`), exactly as
//! `wait_random` is in the earlier exercises. The probe has the same API; it
//! records every call (its arguments, when it started, when it completed or
//! was cancelled) and returns the latencies, records and errors each check
//! chose. So do not rely on the numbers below in your solution: rely on the
//! contract (what each call does), as you would with a real service.
//!
//! ```
//! # tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
//! let record = services::fetch(3).await;
//! assert_eq!(record.as_deref(), Ok("record 3"));
//! let error = services::fetch(7).await.unwrap_err();
//! assert_eq!(error.to_string(), "service unavailable (id 7)");
//! # });
//! ```

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// Why a call to a service failed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceError {
    /// The id the call was about (for a [`Connection`], 0).
    pub id: u32,
    /// What went wrong, for people.
    pub reason: String,
}

impl fmt::Display for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (id {})", self.reason, self.id)
    }
}

impl std::error::Error for ServiceError {}

/// How long [`fetch`] of `id` takes here: between 100 and 900 ms, spread
/// over the ids (`100 + (id × 137) mod 800` ms).
fn fetch_latency(id: u32) -> Duration {
    Duration::from_millis(100 + (u64::from(id) * 137) % 800)
}

/// Fetches the record with this id: `Ok("record {id}")` after 100 to 900
/// ms (`100 + (id × 137) mod 800` ms). Ids that are multiples of 7 fail
/// with "service unavailable", after the same time: a failure takes time
/// too. Dropping the future cancels the fetch.
pub async fn fetch(id: u32) -> Result<String, ServiceError> {
    tokio::time::sleep(fetch_latency(id)).await;
    if id.is_multiple_of(7) {
        Err(ServiceError {
            id,
            reason: "service unavailable".to_owned(),
        })
    } else {
        Ok(format!("record {id}"))
    }
}

/// Stores a record: takes 50 ms and always succeeds.
pub async fn store(record: String) {
    let _ = record;
    tokio::time::sleep(Duration::from_millis(50)).await;
}

/// A connection to a database, from [`Connection::open`] until
/// [`Connection::close`]. Close every connection you open, exactly once: a
/// real database counts open connections and refuses new ones past a limit.
#[derive(Debug)]
pub struct Connection {
    name: String,
}

impl Connection {
    /// Opens a connection to the database `name`, in 20 ms. An empty name
    /// fails ("no database named \"\"").
    pub async fn open(name: &str) -> Result<Connection, ServiceError> {
        tokio::time::sleep(Duration::from_millis(20)).await;
        if name.is_empty() {
            return Err(ServiceError {
                id: 0,
                reason: format!("no database named {name:?}"),
            });
        }
        Ok(Connection {
            name: name.to_owned(),
        })
    }

    /// Runs a query, in 10 ms: `Ok("{name}: {sql}")`. An empty query fails
    /// ("empty query").
    pub async fn query(&mut self, sql: &str) -> Result<String, ServiceError> {
        tokio::time::sleep(Duration::from_millis(10)).await;
        if sql.is_empty() {
            return Err(ServiceError {
                id: 0,
                reason: "empty query".to_owned(),
            });
        }
        Ok(format!("{}: {sql}", self.name))
    }

    /// Closes the connection, in 5 ms. It takes `self`, so a closed
    /// connection cannot be used again, or closed twice.
    pub async fn close(self) {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}
