//! Stands in for the course crate `services` while exercises are checked;
//! see `probe-core` for the protocol. Same API as `services`: outside a
//! check, and for every call a check did not script, it calls the real one.

pub use services::{Connection, ServiceError};

use probe_core::{FETCH, STORE};

/// Same contract as `services::fetch`. Recorded (started, completed or
/// cancelled), and answered as the check scripted this id, if it did.
pub async fn fetch(id: u32) -> Result<String, ServiceError> {
    let Some(session) = probe_core::current() else {
        return services::fetch(id).await;
    };
    let call = session.begin(FETCH, id);
    let result = match session.take_script(FETCH, |f| f.id == id) {
        Some(scripted) => {
            tokio::time::sleep(scripted.latency).await;
            scripted.result
        }
        None => services::fetch(id).await,
    };
    session.end(call, result.clone());
    result
}

/// Same contract as `services::store`. Recorded, and as slow as the check
/// scripted, if it did.
pub async fn store(record: String) {
    let Some(session) = probe_core::current() else {
        return services::store(record).await;
    };
    let call = session.begin(STORE, record.clone());
    match session.take_script(STORE, |_| true) {
        Some(latency) => tokio::time::sleep(latency).await,
        None => services::store(record).await,
    }
    session.end(call, ());
}
