/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at https://mozilla.org/MPL/2.0/. */

//! The body of a request that goes to a foreign worker (a `POST` with a
//! CORS-safelisted content type): the `foreignfetch` event's `Request` gets
//! a copy of it (Handle Foreign Fetch step 14.3), and the request keeps its
//! own stream for the network in case the worker does not answer.
//!
//! The copy is read from a stream re-extracted from the body's source, as
//! Fetch's [HTTP-redirect fetch](https://fetch.spec.whatwg.org/#http-redirect-fetch)
//! step 12 does (`BodyChunkRequest::Extract`, which servo-script answers
//! for every source but a `ReadableStream`). Servo re-extracts a body from
//! the bytes it keeps in memory; a body it does not keep there (a
//! file-backed `Blob`) gives no copy, and that request goes to the network.

use std::sync::Arc;

use ipc_channel::ipc::{self, IpcSender};
use ipc_channel::router::ROUTER;
use log::debug;
use net_traits::request::{BodyChunkRequest, BodyChunkResponse, RequestBody};
use parking_lot::Mutex;
use tokio::sync::oneshot;

use crate::LOG_TARGET;

/// Whether a copy of `body` can be read at all: a body whose source is null
/// (a `ReadableStream`) cannot be re-extracted, so reading it would leave
/// nothing for the network.
pub(crate) fn can_copy(body: &RequestBody) -> bool {
    !body.source_is_null()
}

/// Read a copy of `body`, leaving the request's own stream untouched.
/// Resolves to `None` when there is no copy to be had: the stream is closed,
/// it errors, or servo-script goes away. Does not block: the chunks arrive
/// on the IPC router's thread, and each asks for the next.
///
/// The caller bounds the wait: servo-script never answers a re-extracted
/// stream whose bytes it does not keep in memory.
pub(crate) async fn read_copy(body: &RequestBody) -> Option<Vec<u8>> {
    // HTTP-redirect fetch step 12: "set request's body to the body of the
    // result of safely extracting request's body's source"; here into a
    // stream of our own, the request's stays as it is.
    let (control_sender, control_receiver) = ipc::channel::<BodyChunkRequest>().ok()?;
    let (bytes_sender, bytes_receiver) = ipc::channel::<BodyChunkResponse>().ok()?;
    {
        let stream = body.clone_stream();
        let stream = stream.lock();
        let Some(stream) = stream.as_ref() else {
            debug!(target: LOG_TARGET, "the request body's stream is already closed");
            return None;
        };
        stream
            .send(BodyChunkRequest::Extract(control_receiver))
            .ok()?;
    }
    // Fetch's "transmit body": connect, then ask for one chunk at a time.
    control_sender
        .send(BodyChunkRequest::Connect(bytes_sender))
        .ok()?;
    control_sender.send(BodyChunkRequest::Chunk).ok()?;
    // Whoever stops first closes the stream: the route when the body ends,
    // this future when it is dropped (the caller's time limit). Dropping the
    // last sender ends servo-script's route, which drops its bytes sender,
    // which ends ours: nothing is left waiting.
    let control = Arc::new(Mutex::new(Some(control_sender)));
    let _close_on_drop = CloseOnDrop(control.clone());

    let (done_sender, done_receiver) = oneshot::channel();
    let mut done_sender = Some(done_sender);
    let mut bytes = Vec::with_capacity(body.len().unwrap_or_default());
    ROUTER.add_typed_route(
        bytes_receiver,
        Box::new(move |message| {
            let finished = match message {
                Ok(BodyChunkResponse::Chunk(chunk)) => {
                    bytes.extend_from_slice(&chunk);
                    let asked = control
                        .lock()
                        .as_ref()
                        .is_some_and(|control| control.send(BodyChunkRequest::Chunk).is_ok());
                    if asked {
                        return;
                    }
                    None
                },
                Ok(BodyChunkResponse::Done) => Some(std::mem::take(&mut bytes)),
                Ok(BodyChunkResponse::Error) | Err(_) => None,
            };
            control.lock().take();
            if let Some(done_sender) = done_sender.take() {
                // The fetch may have stopped waiting.
                let _ = done_sender.send(finished);
            }
        }),
    );
    done_receiver.await.ok().flatten()
}

/// Closes the copy's stream when the read stops.
struct CloseOnDrop(Arc<Mutex<Option<IpcSender<BodyChunkRequest>>>>);

impl Drop for CloseOnDrop {
    fn drop(&mut self) {
        self.0.lock().take();
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use std::thread;

    use net_traits::request::BodySource;
    use servo_base::generic_channel::GenericSharedMemory;

    use super::*;
    use crate::tests::block_on;

    /// servo-script's side of a body as the test needs it: each stream
    /// re-extracted from `chunks` answers "transmit body" with them, then
    /// `last` (`Done` or `Error`).
    pub(crate) fn script_body(chunks: Vec<&'static [u8]>, last: BodyChunkResponse) -> RequestBody {
        let (sender, receiver) = ipc::channel::<BodyChunkRequest>().unwrap();
        let total = chunks.iter().map(|chunk| chunk.len()).sum();
        thread::spawn(move || {
            while let Ok(BodyChunkRequest::Extract(extracted)) = receiver.recv() {
                let Ok(BodyChunkRequest::Connect(bytes)) = extracted.recv() else {
                    return;
                };
                let mut answers = chunks
                    .iter()
                    .map(|chunk| BodyChunkResponse::Chunk(GenericSharedMemory::from_bytes(chunk)))
                    .chain([match last {
                        BodyChunkResponse::Done => BodyChunkResponse::Done,
                        _ => BodyChunkResponse::Error,
                    }]);
                while let Ok(BodyChunkRequest::Chunk) = extracted.recv() {
                    let Some(answer) = answers.next() else { break };
                    let _ = bytes.send(answer);
                }
            }
        });
        RequestBody::new(sender, BodySource::Object, Some(total))
    }

    #[test]
    fn a_copy_has_every_chunk_and_the_request_keeps_its_stream() {
        let body = script_body(vec![b"a=1", b"&b=", b"two"], BodyChunkResponse::Done);
        assert!(can_copy(&body));
        assert_eq!(
            block_on(read_copy(&body)).as_deref(),
            Some(&b"a=1&b=two"[..])
        );
        // The request's own stream is still there for the network: a
        // second copy is read from it as well.
        assert!(body.clone_stream().lock().is_some());
        assert_eq!(
            block_on(read_copy(&body)).as_deref(),
            Some(&b"a=1&b=two"[..])
        );
    }

    #[test]
    fn an_empty_body_copies_as_empty() {
        let body = script_body(vec![], BodyChunkResponse::Done);
        assert_eq!(block_on(read_copy(&body)), Some(vec![]));
    }

    #[test]
    fn a_stream_that_errors_gives_no_copy() {
        let body = script_body(vec![b"part"], BodyChunkResponse::Error);
        assert_eq!(block_on(read_copy(&body)), None);
    }

    #[test]
    fn a_closed_stream_gives_no_copy() {
        let body = script_body(vec![b"gone"], BodyChunkResponse::Done);
        body.close_stream();
        assert_eq!(block_on(read_copy(&body)), None);
    }

    #[test]
    fn a_readable_stream_body_is_not_copied() {
        let (sender, _receiver) = ipc::channel::<BodyChunkRequest>().unwrap();
        assert!(!can_copy(&RequestBody::new(sender, BodySource::Null, None)));
    }
}
