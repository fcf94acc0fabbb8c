//! Stands in for the course crate `services` while exercises are checked;
//! see `probe-core` for the protocol. Same API as `services`: outside a
//! check, and for every call a check did not script, it calls the real one.

use std::fmt;

pub use services::ServiceError;

use probe_core::{CLOSE, FETCH, OPEN, QUERY, STORE, Session};

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

/// Same contract as `services::Connection`. A connection opened during a
/// check remembers the check's session and its number, so its queries and
/// its close are recorded even when they run in a task spawned from a
/// `Drop` (the way a connection is closed when its owner is cancelled).
pub struct Connection {
    real: services::Connection,
    watched: Option<(Session, usize)>,
}

impl fmt::Debug for Connection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.real.fmt(f)
    }
}

impl Connection {
    /// Same contract as `services::Connection::open`. Recorded, and
    /// refused as the check scripted, if it did.
    pub async fn open(name: &str) -> Result<Connection, ServiceError> {
        let Some(session) = probe_core::current() else {
            return services::Connection::open(name)
                .await
                .map(|real| Connection {
                    real,
                    watched: None,
                });
        };
        let call = session.begin(OPEN, name.to_owned());
        let number = call.index();
        let opened = match session.take_script(OPEN, |_| true) {
            Some(refusal) => {
                tokio::time::sleep(refusal.latency).await;
                Err(refusal.error)
            }
            None => services::Connection::open(name).await,
        };
        session.end(call, opened.as_ref().map(|_| number).map_err(Clone::clone));
        opened.map(|real| Connection {
            real,
            watched: Some((session, number)),
        })
    }

    /// Same contract as `services::Connection::query`; recorded.
    pub async fn query(&mut self, sql: &str) -> Result<String, ServiceError> {
        let Some((session, number)) = self.watched.clone() else {
            return self.real.query(sql).await;
        };
        let call = session.begin(QUERY, (number, sql.to_owned()));
        let result = self.real.query(sql).await;
        session.end(call, result.clone());
        result
    }

    /// Same contract as `services::Connection::close`; recorded.
    pub async fn close(self) {
        let Connection { real, watched } = self;
        let Some((session, number)) = watched else {
            return real.close().await;
        };
        let call = session.begin(CLOSE, number);
        real.close().await;
        session.end(call, ());
    }
}
