//! Exercise 15_chat_room. The task is in `README.md`; run the checks with
//! `cargo test -p chat_room`.

use tokio::io::DuplexStream;
use tokio::sync::mpsc;

/// Serves every client received on `joins`: each line a client writes goes
/// to every other client connected then. Returns once `joins` is closed
/// and every client has left.
pub async fn chat_room(joins: mpsc::Receiver<DuplexStream>) {
    let _ = joins;
    todo!("implement chat_room")
}
