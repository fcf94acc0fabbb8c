//! Reference solution: `chat_room`, one room task and two tasks per client.

use std::collections::HashMap;
use std::sync::Arc;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, DuplexStream};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// How many lines a client may fall behind before it is disconnected.
const BACKLOG: usize = 100;

/// What a client's reader tells the room.
enum Event {
    Line(usize, Arc<str>),
    Left(usize),
}

/// The room's side of one client: the queue of lines for its writer, and
/// both its tasks, so dropping a `Client` disconnects it.
struct Client {
    outbox: mpsc::Sender<Arc<str>>,
    reader: JoinHandle<()>,
    writer: JoinHandle<()>,
}

impl Drop for Client {
    fn drop(&mut self) {
        // Each task owns one half of the stream; with both gone the stream
        // is dropped and the client sees it closed.
        self.reader.abort();
        self.writer.abort();
    }
}

/// Serves every client received on `joins`: each line a client writes goes
/// to every other client connected then. Returns once `joins` is closed
/// and every client has left.
pub async fn chat_room(mut joins: mpsc::Receiver<DuplexStream>) {
    // The room owns the list of clients, so nothing else needs a lock:
    // readers send it events, it hands lines to the writers' queues.
    let (events_tx, mut events) = mpsc::channel(BACKLOG);
    let mut clients: HashMap<usize, Client> = HashMap::new();
    let mut next_id = 0;
    let mut open = true;
    while open || !clients.is_empty() {
        tokio::select! {
            joined = joins.recv(), if open => match joined {
                Some(stream) => {
                    clients.insert(next_id, connect(next_id, stream, events_tx.clone()));
                    next_id += 1;
                }
                None => open = false,
            },
            Some(event) = events.recv() => match event {
                Event::Line(from, line) => {
                    // try_send never waits: a client whose queue is full
                    // (it stopped reading) is dropped, not waited for.
                    clients.retain(|id, client| {
                        *id == from || client.outbox.try_send(line.clone()).is_ok()
                    });
                }
                Event::Left(id) => {
                    clients.remove(&id);
                }
            },
        }
    }
}

/// Starts a client's reader (lines to the room) and writer (its queue to
/// its stream).
fn connect(id: usize, stream: DuplexStream, events: mpsc::Sender<Event>) -> Client {
    let (read, mut write) = tokio::io::split(stream);
    let (outbox, mut queue) = mpsc::channel::<Arc<str>>(BACKLOG);
    let writer = tokio::spawn(async move {
        while let Some(line) = queue.recv().await {
            if write.write_all(line.as_bytes()).await.is_err() {
                break;
            }
        }
    });
    let reader = tokio::spawn(async move {
        let mut read = BufReader::new(read);
        let mut line = String::new();
        loop {
            line.clear();
            // read_line waits for the whole line, however it arrives, and
            // keeps its `\n`; 0 bytes means the client closed its stream.
            match read.read_line(&mut line).await {
                Ok(0) | Err(_) => break,
                Ok(_) if line.ends_with('\n') => {
                    if events.send(Event::Line(id, line.as_str().into())).await.is_err() {
                        return;
                    }
                }
                Ok(_) => break, // the stream ended inside a line
            }
        }
        let _ = events.send(Event::Left(id)).await;
    });
    Client {
        outbox,
        reader,
        writer,
    }
}
