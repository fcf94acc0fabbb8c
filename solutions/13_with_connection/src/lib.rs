//! Reference solution: `with_connection`, Rust's `async with`.

use std::panic::AssertUnwindSafe;

use futures::FutureExt;
use services::{Connection, ServiceError};

/// Opens the database `name`, runs `f` on the connection, and closes it
/// exactly once, however `f` ends: `Ok`, `Err`, a panic, or the whole call
/// cancelled.
pub async fn with_connection<T>(
    name: &str,
    f: impl AsyncFnOnce(&mut Connection) -> Result<T, ServiceError>,
) -> Result<T, ServiceError> {
    // `?` here is right: when open fails there is nothing to close.
    let mut guard = CloseOnDrop(Some(Connection::open(name).await?));
    // A panic in `f` is caught, so the connection is closed (and the close
    // awaited) before the panic goes on, as `__aexit__` runs before an
    // exception leaves `async with`. AssertUnwindSafe: nothing `f` touched
    // is used again except the connection, which is only closed.
    let outcome = AssertUnwindSafe(f(guard.connection())).catch_unwind().await;
    guard.close().await;
    match outcome {
        Ok(result) => result,
        Err(panic) => std::panic::resume_unwind(panic),
    }
}

/// Holds the connection while `f` runs. If the future of `with_connection`
/// is dropped (cancelled) meanwhile, nothing after the `.await` runs, so
/// the only code that still runs is a `Drop`: it cannot await, so it hands
/// the close to a new task.
struct CloseOnDrop(Option<Connection>);

impl CloseOnDrop {
    fn connection(&mut self) -> &mut Connection {
        self.0.as_mut().expect("the connection is open until closed")
    }

    /// Closes the connection now; the `Drop` then has nothing to do.
    async fn close(&mut self) {
        if let Some(connection) = self.0.take() {
            connection.close().await;
        }
    }
}

impl Drop for CloseOnDrop {
    fn drop(&mut self) {
        if let Some(connection) = self.0.take() {
            tokio::spawn(connection.close());
        }
    }
}
