//! Checks of `15_chat_room`.
//!
//! The check is every client: it holds the other end of each in-memory
//! `DuplexStream`, plays a script (joins, writes, leaves, one step every
//! 10 ms of paused time) and records every byte each client receives and
//! when. Under paused time a delivery that needs nothing else happens at
//! the very instant of the write: the clock moves only when every task is
//! idle, so a late delivery is one that waited for something.

use std::collections::{BTreeSet, HashMap};
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::FutureExt;
use futures::future::BoxFuture;
use proptest::prelude::*;
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncReadExt, AsyncWriteExt, DuplexStream, ReadHalf, WriteHalf};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::Instant;

use super::aspects::{Modelled, aspect_check, property_check};
use crate::check::{Check, Failure, FailureKind, Site};
use crate::scenario::{panicked, paused};
use crate::show::secs;

type ChatRoom = fn(mpsc::Receiver<DuplexStream>) -> BoxFuture<'static, ()>;

/// Time between two steps of a script.
const STEP: Duration = Duration::from_millis(10);
/// The in-memory buffer of a client that reads: far more than any script
/// writes, so a reading client never holds the room up.
const ROOMY: usize = 64 * 1024;
/// The buffer of a client that stops reading: it fills after a few lines.
const SILENT: usize = 256;
/// How many lines a flood writes; the README asks for a bound of at most
/// 1 000 buffered messages per client, so a silent client must be cut off
/// before it has them all.
const FLOOD: usize = 2_000;
/// A flood comes [`BATCH`] lines at a time, one batch a millisecond: a
/// burst no larger than the smallest bound the README allows, so a client
/// that reads is never cut off for the scheduler's order of tasks.
const BATCH: usize = 10;
const BATCH_GAP: Duration = Duration::from_millis(1);
/// The runtime time the room has, after the last step, to return.
const GRACE: Duration = Duration::from_secs(1);

/// What a client does at one step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
enum Step {
    /// The client connects; a silent one does not read until drained.
    Join { client: usize, silent: bool },
    /// The client writes these bytes (a line, part of one, or several).
    Write { client: usize, bytes: Vec<u8> },
    /// The client writes `lines` lines, [`BATCH`] a millisecond:
    /// "flood 1\n", "flood 2\n", …
    Flood { client: usize, lines: usize },
    /// A silent client starts reading what was sent to it.
    Drain { client: usize },
    /// The client closes its stream.
    Leave { client: usize },
    /// No more clients will join: the check drops the `joins` sender.
    CloseJoins,
}

fn name(client: usize) -> String {
    ["A", "B", "C", "D", "E", "F", "G", "H", "S"]
        .get(client)
        .map_or_else(|| format!("client {client}"), |n| (*n).to_owned())
}

fn say(client: usize, text: &str) -> Step {
    Step::Write {
        client,
        bytes: text.as_bytes().to_vec(),
    }
}

/// A flood's writes of `lines` lines: when each is written, after the
/// flood's start, and its bytes.
fn flood(lines: usize) -> Vec<(Duration, Vec<u8>)> {
    let batches = lines.div_ceil(BATCH);
    (0..batches)
        .map(|b| {
            let bytes = (b * BATCH + 1..=((b + 1) * BATCH).min(lines))
                .flat_map(|i| format!("flood {i}\n").into_bytes())
                .collect();
            (BATCH_GAP * u32::try_from(b).expect("floods are short"), bytes)
        })
        .collect()
}

/// How a line reads in a message: `"hello\n"`.
fn show(bytes: &[u8]) -> String {
    format!("{:?}", String::from_utf8_lossy(bytes))
}

/// A script: its steps, the first at 10 ms, each 10 ms after the one
/// before ends (a flood lasts a millisecond a batch).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct Script {
    steps: Vec<Step>,
}

/// How long a step lasts, from its start to the start of the next.
fn lasts(step: &Step) -> Duration {
    match step {
        Step::Flood { lines, .. } => {
            STEP + BATCH_GAP * u32::try_from(lines.div_ceil(BATCH)).expect("floods are short")
        }
        _ => STEP,
    }
}

/// What the room should do with a script.
#[derive(Clone, Debug, Default)]
struct Model {
    /// Per client, the lines it should receive, with when.
    lines: HashMap<usize, Vec<(Duration, Vec<u8>)>>,
    /// Per client, every line it wrote.
    wrote: HashMap<usize, Vec<Vec<u8>>>,
    /// Clients that never read until drained.
    silent: BTreeSet<usize>,
    /// When the room should return: joins closed and every client gone.
    returns: Option<Duration>,
}

impl Script {
    fn clients(&self) -> usize {
        self.steps
            .iter()
            .filter_map(|s| match s {
                Step::Join { client, .. } => Some(client + 1),
                _ => None,
            })
            .max()
            .unwrap_or(0)
    }

    /// When each step starts.
    fn starts(&self) -> Vec<Duration> {
        let mut at = STEP;
        self.steps
            .iter()
            .map(|step| {
                let start = at;
                at += lasts(step);
                start
            })
            .collect()
    }

    fn describe(&self) -> String {
        let starts = self.starts();
        let steps: Vec<String> = self
            .steps
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let what = match s {
                    Step::Join { client, silent: false } => format!("{} joins", name(*client)),
                    Step::Join { client, silent: true } => {
                        format!("{} joins and never reads", name(*client))
                    }
                    Step::Write { client, bytes } => {
                        format!("{} writes {}", name(*client), show(bytes))
                    }
                    Step::Flood { client, lines } => format!(
                        "{} writes {lines} lines (\"flood 1\\n\", …), {BATCH} a millisecond",
                        name(*client)
                    ),
                    Step::Drain { client } => format!("{} starts reading", name(*client)),
                    Step::Leave { client } => format!("{} leaves", name(*client)),
                    Step::CloseJoins => "joins is closed".to_owned(),
                };
                format!("{}: {what}", secs(starts[i]))
            })
            .collect();
        format!("chat_room where {}", steps.join(", "))
    }

    fn model(&self) -> Model {
        let mut model = Model::default();
        let mut connected = BTreeSet::new();
        let mut pending: HashMap<usize, Vec<u8>> = HashMap::new();
        let mut joins_open = true;
        for (step, t) in self.steps.iter().zip(self.starts()) {
            let written: Vec<(usize, Duration, Vec<u8>)> = match step {
                Step::Join { client, silent } => {
                    connected.insert(*client);
                    if *silent {
                        model.silent.insert(*client);
                    }
                    vec![]
                }
                Step::Write { client, bytes } => vec![(*client, t, bytes.clone())],
                Step::Flood { client, lines } => flood(*lines)
                    .into_iter()
                    .map(|(after, bytes)| (*client, t + after, bytes))
                    .collect(),
                Step::Drain { .. } => vec![],
                Step::Leave { client } => {
                    connected.remove(client);
                    vec![]
                }
                Step::CloseJoins => {
                    joins_open = false;
                    vec![]
                }
            };
            for (from, t, bytes) in written {
                let buffer = pending.entry(from).or_default();
                buffer.extend(bytes);
                while let Some(end) = buffer.iter().position(|b| *b == b'\n') {
                    let line: Vec<u8> = buffer.drain(..=end).collect();
                    for to in connected.iter().filter(|to| **to != from) {
                        model.lines.entry(*to).or_default().push((t, line.clone()));
                    }
                    model.wrote.entry(from).or_default().push(line);
                }
            }
            if !joins_open && connected.is_empty() && model.returns.is_none() {
                model.returns = Some(t);
            }
        }
        model
    }
}

/// Everything one client received.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
struct Heard {
    /// The bytes, as they arrived (chunks of one instant merged).
    chunks: Vec<(Duration, Vec<u8>)>,
    /// When its stream ended (the room closed it), if it did while the
    /// client was connected.
    ended: Option<Duration>,
}

impl Heard {
    /// The complete lines, each at the instant its `\n` arrived, and what
    /// is left after the last `\n`.
    fn lines(&self) -> (Vec<(Duration, Vec<u8>)>, Vec<u8>) {
        let mut lines = Vec::new();
        let mut buffer = Vec::new();
        for (t, chunk) in &self.chunks {
            for byte in chunk {
                buffer.push(*byte);
                if *byte == b'\n' {
                    lines.push((*t, std::mem::take(&mut buffer)));
                }
            }
        }
        (lines, buffer)
    }
}

/// One run of a script.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Chatted {
    script: Script,
    heard: Vec<Heard>,
    /// When `chat_room` returned, if it did by [`GRACE`] after the last step.
    returned: Option<Duration>,
    /// Its panic, if it panicked: the message and where.
    panicked: Option<(String, Option<String>)>,
}

/// What a check looks at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Aspect {
    /// Every line reaches every other client connected, unchanged, in
    /// order, at the instant it is complete.
    Delivered,
    /// The writer does not get its own line back.
    Echo,
    /// Nothing else arrives: no partial line, no line from before joining.
    Stray,
    /// A silent client is cut off before it is owed every line.
    CutOff,
    /// The room returns when joins is closed and every client has left.
    Returned,
}

impl Modelled for Chatted {
    type Aspect = Aspect;
    type Input = Script;

    fn input(&self) -> &Script {
        &self.script
    }

    fn describe(script: &Script) -> String {
        script.describe()
    }

    fn problems(&self) -> Vec<(Aspect, String)> {
        let model = self.script.model();
        let mut out = Vec::new();
        if let Some((message, location)) = &self.panicked {
            let at = location.as_deref().map(|l| format!(" at {l}")).unwrap_or_default();
            out.push((
                Aspect::Returned,
                format!("chat_room panicked{at}: {message:?}; a client's error must end that client, not the room"),
            ));
        }
        for (client, heard) in self.heard.iter().enumerate() {
            let who = name(client);
            let expected = model.lines.get(&client).cloned().unwrap_or_default();
            let (lines, rest) = heard.lines();
            if model.silent.contains(&client) {
                let owed: Vec<&Vec<u8>> = expected.iter().map(|(_, l)| l).collect();
                let got: Vec<&Vec<u8>> = lines.iter().map(|(_, l)| l).collect();
                let prefix = got.len() <= owed.len() && got.iter().zip(&owed).all(|(a, b)| a == b);
                if !prefix {
                    out.push((
                        Aspect::CutOff,
                        format!("{who} (slow) did not receive the lines in the order they were written"),
                    ));
                } else if heard.ended.is_none() || got.len() == owed.len() {
                    out.push((
                        Aspect::CutOff,
                        format!(
                            "{who} stopped reading, was owed {} lines and got {} of them when it read again, and its stream was {}; expected the room to disconnect it once its buffer passed a bound (at most 1000 messages)",
                            owed.len(),
                            got.len(),
                            if heard.ended.is_some() { "closed after that" } else { "never closed" }
                        ),
                    ));
                }
                continue;
            }

            // Delivered: the expected lines, in order and on time, among
            // what arrived; whatever else arrived is an echo or a stray.
            let mut matched = vec![false; lines.len()];
            let mut from = 0;
            let mut missing = None;
            for (t, line) in &expected {
                match (from..lines.len()).find(|i| lines[*i].1 == *line) {
                    Some(i) if lines[i].0 == *t => {
                        matched[i] = true;
                        from = i + 1;
                    }
                    Some(i) => {
                        missing = Some(format!(
                            "{who} received {} at {}; expected it at {}, the moment it was written",
                            show(line),
                            secs(lines[i].0),
                            secs(*t)
                        ));
                        break;
                    }
                    None => {
                        missing = Some(format!(
                            "{who} never received {} (written at {}){}",
                            show(line),
                            secs(*t),
                            if lines.iter().any(|(_, l)| l == line) {
                                " in its place among the others"
                            } else {
                                ""
                            }
                        ));
                        break;
                    }
                }
            }
            if let Some(missing) = missing {
                let total = expected.len();
                out.push((
                    Aspect::Delivered,
                    format!("{missing} ({} of the {total} lines it was owed came in order and on time)", matched.iter().filter(|m| **m).count()),
                ));
            }
            let own = model.wrote.get(&client).cloned().unwrap_or_default();
            let extra: Vec<&(Duration, Vec<u8>)> = lines
                .iter()
                .zip(&matched)
                .filter(|(_, m)| !**m)
                .map(|(l, _)| l)
                .filter(|(_, l)| !expected.iter().any(|(_, e)| e == l))
                .collect();
            if let Some((t, line)) = extra.iter().find(|(_, l)| own.contains(l)) {
                out.push((
                    Aspect::Echo,
                    format!("{who} received its own line {} back at {}; expected it to go to every other client only", show(line), secs(*t)),
                ));
            }
            if let Some((t, line)) = extra.iter().find(|(_, l)| !own.contains(l)) {
                out.push((
                    Aspect::Stray,
                    format!("{who} received {} at {}, which no other client wrote as a line while it was connected", show(line), secs(*t)),
                ));
            }
            if !rest.is_empty() {
                out.push((
                    Aspect::Stray,
                    format!("{who} received {} with no \\n after it: expected whole lines only", show(&rest)),
                ));
            }
        }
        if self.panicked.is_none() && self.returned != model.returns {
            let when = |t: Option<Duration>| t.map_or("never".to_owned(), |t| format!("at {}", secs(t)));
            out.push((
                Aspect::Returned,
                format!(
                    "chat_room returned {}; expected {}, when joins was closed and the last client had left",
                    when(self.returned),
                    when(model.returns)
                ),
            ));
        }
        out
    }
}

/// Records everything a client receives until its stream ends.
async fn listen(
    mut from: ReadHalf<DuplexStream>,
    heard: Arc<Mutex<Vec<Heard>>>,
    client: usize,
    start: Instant,
) {
    let mut buffer = vec![0; 8 * 1024];
    loop {
        let read = from.read(&mut buffer).await;
        let now = Instant::now() - start;
        let mut heard = heard.lock().unwrap_or_else(|e| e.into_inner());
        let heard = &mut heard[client];
        match read {
            Ok(0) | Err(_) => {
                heard.ended = Some(now);
                return;
            }
            Ok(n) => match heard.chunks.last_mut() {
                Some((t, chunk)) if *t == now => chunk.extend_from_slice(&buffer[..n]),
                _ => heard.chunks.push((now, buffer[..n].to_vec())),
            },
        }
    }
}

/// Plays `script` against the student's room under paused time.
fn run(f: ChatRoom, script: Script) -> Result<Chatted, Failure> {
    paused(async move {
        let start = Instant::now();
        let (joins, joined) = mpsc::channel(64);
        let mut joins = Some(joins);
        let site = Site::called("chat_room", "chat_room(joins)");
        let room = tokio::spawn(async move {
            let outcome = AssertUnwindSafe(f(joined)).catch_unwind().await;
            (Instant::now() - start, outcome.err())
        });
        let heard = Arc::new(Mutex::new(vec![Heard::default(); script.clients()]));
        let mut writers: HashMap<usize, WriteHalf<DuplexStream>> = HashMap::new();
        let mut unread: HashMap<usize, ReadHalf<DuplexStream>> = HashMap::new();
        let mut readers: HashMap<usize, JoinHandle<()>> = HashMap::new();
        for (step, at) in script.steps.iter().zip(script.starts()) {
            tokio::time::sleep_until(start + at).await;
            match step {
                Step::Join { client, silent } => {
                    let (ours, theirs) = tokio::io::duplex(if *silent { SILENT } else { ROOMY });
                    let (read, write) = tokio::io::split(ours);
                    writers.insert(*client, write);
                    if *silent {
                        unread.insert(*client, read);
                    } else {
                        let task = listen(read, heard.clone(), *client, start);
                        readers.insert(*client, tokio::spawn(task));
                    }
                    if let Some(joins) = &joins {
                        // A room that stopped receiving joins has this
                        // client never connected; the judge sees it.
                        let _ = joins.try_send(theirs);
                    }
                }
                Step::Write { client, bytes } => write(&mut writers, *client, bytes).await,
                Step::Flood { client, lines } => {
                    for (after, bytes) in flood(*lines) {
                        tokio::time::sleep_until(start + at + after).await;
                        write(&mut writers, *client, &bytes).await;
                    }
                }
                Step::Drain { client } => {
                    if let Some(read) = unread.remove(client) {
                        let task = listen(read, heard.clone(), *client, start);
                        readers.insert(*client, tokio::spawn(task));
                    }
                }
                Step::Leave { client } => {
                    // Both halves dropped: the stream closes, and the room
                    // reads its end.
                    writers.remove(client);
                    unread.remove(client);
                    if let Some(reader) = readers.remove(client) {
                        reader.abort();
                    }
                }
                Step::CloseJoins => joins = None,
            }
        }
        let ended = match tokio::time::timeout(GRACE, room).await {
            Ok(Ok((at, panic))) => Some((at, panic)),
            _ => None,
        };
        let (returned, panicked) = match ended {
            None => (None, None),
            Some((at, None)) => (Some(at), None),
            Some((at, Some(payload))) => match panicked(site, payload) {
                Failure {
                    kind: FailureKind::Panicked { message, location },
                    ..
                } => (Some(at), Some((message, location))),
                unimplemented => return Err(unimplemented),
            },
        };
        let heard = heard.lock().unwrap_or_else(|e| e.into_inner()).clone();
        Ok(Chatted {
            script,
            heard,
            returned: returned.filter(|_| panicked.is_none()),
            panicked,
        })
    })
}

/// A client's write; a room that does not read it for a whole step (the
/// buffer is far larger than any script writes, so it never fills) is
/// seen by the judge as lines never delivered.
async fn write(writers: &mut HashMap<usize, WriteHalf<DuplexStream>>, client: usize, bytes: &[u8]) {
    if let Some(writer) = writers.get_mut(&client) {
        let _ = tokio::time::timeout(STEP / 2, writer.write_all(bytes)).await;
    }
}

fn join(client: usize) -> Step {
    Step::Join {
        client,
        silent: false,
    }
}

fn leave(client: usize) -> Step {
    Step::Leave { client }
}

/// A, B and C join and each writes a line; then everyone leaves.
fn three_talk() -> Script {
    Script {
        steps: vec![
            join(0),
            join(1),
            join(2),
            say(0, "hello\n"),
            say(1, "hi there\n"),
            say(2, "  spaced  out  \n"),
            Step::CloseJoins,
            leave(0),
            leave(1),
            leave(2),
        ],
    }
}

/// Lines written in pieces (one split inside the two bytes of "ö"), two
/// clients' pieces interleaved, and two lines in one write.
fn in_pieces() -> Script {
    Script {
        steps: vec![
            join(0),
            join(1),
            join(2),
            say(0, "hel"),
            say(1, "yo\n"),
            Step::Write {
                client: 0,
                bytes: b"lo w\xc3".to_vec(),
            },
            Step::Write {
                client: 0,
                bytes: b"\xb6rld\n".to_vec(),
            },
            say(2, "one\ntwo\n"),
            Step::CloseJoins,
            leave(0),
            leave(1),
            leave(2),
        ],
    }
}

/// C joins late and B leaves early.
fn comings_and_goings() -> Script {
    Script {
        steps: vec![
            join(0),
            join(1),
            say(0, "first\n"),
            join(2),
            say(0, "second\n"),
            leave(1),
            say(0, "third\n"),
            say(2, "from C\n"),
            Step::CloseJoins,
            leave(0),
            leave(2),
        ],
    }
}

/// Joins closes while A and B are still talking.
fn closes_early() -> Script {
    Script {
        steps: vec![
            join(0),
            join(1),
            Step::CloseJoins,
            say(0, "still open\n"),
            leave(0),
            say(1, "alone\n"),
            leave(1),
        ],
    }
}

/// S (client 8) stops reading while A floods; then S reads again.
fn slow_reader() -> Script {
    const S: usize = 8;
    Script {
        steps: vec![
            join(0),
            join(1),
            Step::Join {
                client: S,
                silent: true,
            },
            Step::Flood {
                client: 0,
                lines: FLOOD,
            },
            Step::Drain { client: S },
            say(0, "after the flood\n"),
            Step::CloseJoins,
            leave(0),
            leave(1),
            leave(S),
        ],
    }
}

/// Every check of the exercise, hidden ones included; `checks.yaml` lists
/// each with its points.
pub(crate) fn checks(subject: crate::subject::ChatRoom) -> Vec<Check> {
    use Aspect::{CutOff, Delivered, Echo, Returned, Stray};
    let f = subject.chat_room;
    vec![
        aspect_check(
            "delivers_to_others",
            "delivers every line, unchanged, to every other client",
            "one task per client reads its lines (BufReader::read_line keeps the \\n) and hands each to every other client; do not trim or rebuild the line",
            move |s| run(f, s),
            three_talk(),
            &[Delivered],
        ),
        aspect_check(
            "not_to_the_sender",
            "does not echo a line to the client that wrote it",
            "skip the writer when you hand a line out: tag each line with its client's id",
            move |s| run(f, s),
            three_talk(),
            &[Echo],
        ),
        aspect_check(
            "whole_lines",
            "delivers whole lines, however they arrive in pieces",
            "read lines, not chunks: a read() returns whatever bytes have arrived (part of a line, or a piece of a UTF-8 character), so buffer until the \\n (BufReader::read_line)",
            move |s| run(f, s),
            in_pieces(),
            &[Delivered, Stray],
        ),
        aspect_check(
            "only_connected_clients",
            "delivers to the clients connected at that moment, and goes on when one leaves",
            "a client joins when chat_room receives its stream and leaves when its read returns 0 bytes (or an error): remove it then, and do not replay old lines to newcomers",
            move |s| run(f, s),
            comings_and_goings(),
            &[Delivered, Stray, Returned],
        ),
        aspect_check(
            "returns_when_all_left",
            "returns once joins is closed and every client has left, not before",
            "keep serving the clients after joins.recv() returns None; return when that has happened and the last client has left",
            move |s| run(f, s),
            closes_early(),
            &[Delivered, Returned],
        ),
        aspect_check(
            "slow_reader_does_not_delay",
            "a client that stops reading does not delay the others",
            "never await a write to one client in the loop that serves all: give each client its own writer task and a bounded queue (mpsc::channel), and hand lines over with try_send",
            move |s| run(f, s),
            slow_reader(),
            &[Delivered],
        ),
        aspect_check(
            "disconnects_slow_reader",
            "disconnects a client whose buffer of unsent lines passes a bound",
            "when try_send to a client's queue fails because it is full, drop that client: its queue's Sender and its tasks (both halves of its stream), so its stream closes",
            move |s| run(f, s),
            slow_reader(),
            &[CutOff],
        ),
        property_check(
            "any_chat",
            "delivers any conversation as a chat room does",
            "one room: lines from every client, in the order they complete, to every other client connected then, whole and unchanged",
            (40, any_script),
            move |s| run(f, s),
            |a, b| a.steps.len().cmp(&b.steps.len()),
        ),
    ]
}

/// What a client may do in a random conversation.
#[derive(Clone, Debug)]
enum Move {
    Say(usize, String),
    /// Says the text in two writes, split after this many bytes (maybe
    /// inside a character).
    SayInTwo(usize, String, usize),
    Leave(usize),
    Join,
}

/// Two or three clients, then up to ten moves (lines with spaces and
/// non-ASCII text, lines written in two pieces, leaves, late joins), then
/// joins closed and everyone leaves.
fn any_script() -> impl Strategy<Value = Script> {
    let text = prop::collection::vec(
        prop::sample::select(vec!['a', 'b', ' ', 'é', '→', 'z']),
        1..=6,
    )
    .prop_map(|chars| chars.into_iter().collect::<String>());
    let moves = prop_oneof![
        4 => (0usize..5, text.clone()).prop_map(|(c, t)| Move::Say(c, t)),
        2 => (0usize..5, text, 0usize..8).prop_map(|(c, t, at)| Move::SayInTwo(c, t, at)),
        1 => (0usize..5).prop_map(Move::Leave),
        1 => Just(Move::Join),
    ];
    (2usize..=3, prop::collection::vec(moves, 0..=10)).prop_map(|(first, moves)| {
        let mut steps: Vec<Step> = (0..first).map(join).collect();
        let mut connected: Vec<usize> = (0..first).collect();
        let mut next = first;
        // The second piece of a line said in two, written after the next
        // move, so pieces of different clients' lines interleave.
        let mut tail: Option<Step> = None;
        for m in moves {
            let mut held = tail.take();
            // A client's own pieces stay in order, and it finishes its line
            // before it leaves (what becomes of a fragment at the end of a
            // stream is not the room's to promise): its tail goes first.
            let writer = match &m {
                Move::Say(c, _) | Move::SayInTwo(c, _, _) | Move::Leave(c) => Some(*c),
                Move::Join => None,
            };
            if held.as_ref().is_some_and(|t| matches!(t, Step::Write { client, .. } if Some(*client) == writer)) {
                steps.extend(held.take());
            }
            match m {
                Move::Say(c, text) if connected.contains(&c) => {
                    steps.push(say(c, &format!("{text}\n")));
                }
                Move::SayInTwo(c, text, split) if connected.contains(&c) => {
                    let line = format!("{text}\n").into_bytes();
                    let split = split.clamp(1, line.len() - 1);
                    steps.push(Step::Write {
                        client: c,
                        bytes: line[..split].to_vec(),
                    });
                    tail = Some(Step::Write {
                        client: c,
                        bytes: line[split..].to_vec(),
                    });
                }
                Move::Leave(c) if connected.contains(&c) => {
                    connected.retain(|x| *x != c);
                    steps.push(leave(c));
                }
                Move::Join if next < 5 => {
                    connected.push(next);
                    steps.push(join(next));
                    next += 1;
                }
                _ => {}
            }
            steps.extend(held.filter(|t| matches!(t, Step::Write { client, .. } if connected.contains(client))));
        }
        steps.extend(tail);
        steps.push(Step::CloseJoins);
        steps.extend(connected.into_iter().map(leave));
        Script { steps }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_model_delivers_whole_lines_to_the_others_connected() {
        let at = |i: usize| STEP * u32::try_from(i + 1).unwrap();
        let m = in_pieces().model();
        let c = &m.lines[&2];
        assert_eq!(c[0], (at(4), b"yo\n".to_vec()));
        assert_eq!(c[1], (at(6), "hello wörld\n".as_bytes().to_vec()));
        assert_eq!(c.len(), 2);
        assert_eq!(m.lines[&0].len(), 3); // yo, one, two
        assert_eq!(m.returns, Some(at(11)));
        let m = comings_and_goings().model();
        let lines = |client| -> Vec<Vec<u8>> { m.lines[&client].iter().map(|l| l.1.clone()).collect() };
        assert_eq!(lines(1), [b"first\n".to_vec(), b"second\n".to_vec()]);
        assert_eq!(lines(2), [b"second\n".to_vec(), b"third\n".to_vec()]);
        assert_eq!(m.returns, Some(at(10)));
        assert_eq!(closes_early().model().returns, Some(at(6)));
    }

    #[test]
    fn a_flood_comes_in_batches_and_delays_the_steps_after_it() {
        let script = slow_reader();
        let starts = script.starts();
        assert_eq!(starts[3], Duration::from_millis(40));
        assert_eq!(starts[4], Duration::from_millis(40 + 200 + 10));
        let b = &script.model().lines[&1];
        assert_eq!(b.len(), FLOOD + 1);
        assert_eq!(b[9].0, Duration::from_millis(40));
        assert_eq!(b[10], (Duration::from_millis(41), b"flood 11\n".to_vec()));
        assert_eq!(b[FLOOD - 1].0, Duration::from_millis(239));
    }
}
