//! Exercise 13_with_connection. The task is in `README.md`; run the checks with
//! `cargo test -p with_connection`.

use services::{Connection, ServiceError};

/// Opens the database `name`, runs `f` on the connection, and closes it
/// exactly once, however `f` ends: `Ok`, `Err`, a panic, or the whole call
/// cancelled.
pub async fn with_connection<T>(
    name: &str,
    f: impl AsyncFnOnce(&mut Connection) -> Result<T, ServiceError>,
) -> Result<T, ServiceError> {
    let _ = (name, f);
    todo!("implement with_connection")
}
