/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at https://mozilla.org/MPL/2.0/. */

//! The body of a foreign worker's response when it is a stream the worker
//! is still producing (`ResponseParts::body_follows`): it follows the answer
//! on the fetch's reply channel, and reaches the page chunk by chunk, as a
//! network body does (docs/feature.md §4).

use std::ops::Deref;

use foreign_fetch::messages::ForeignFetchAnswer;
use log::{debug, warn};
use net_traits::response::ResponseBody;
use parking_lot::Mutex;
use servo_url::ServoUrl;
use tokio::sync::mpsc::UnboundedReceiver;

use crate::LOG_TARGET;

/// What the fetch's body receives, for `servo-net` to pass on to main fetch
/// (its `Data::Payload`, `Data::Done`, and `Data::Error` for `Aborted`: a
/// body that fails is a network error, never taken for the whole body).
#[derive(Debug, Eq, PartialEq)]
pub enum BodyEvent {
    /// The next chunk.
    Chunk(Vec<u8>),
    /// The body is complete.
    Done,
    /// The worker's stream errored, or the worker went away: the body is
    /// aborted.
    Aborted,
}

/// The rest of a streamed body: the reply channel after the answer.
pub struct StreamedBody {
    url: ServoUrl,
    answers: UnboundedReceiver<ForeignFetchAnswer>,
}

impl StreamedBody {
    pub(crate) fn new(url: ServoUrl, answers: UnboundedReceiver<ForeignFetchAnswer>) -> Self {
        StreamedBody { url, answers }
    }

    /// Receive the body into `body` (the internal response's, which is
    /// `ResponseBody::Receiving`), and tell `on_event` of each chunk and of
    /// the end. `on_event` always gets exactly one `Done` or `Aborted`, last.
    pub async fn forward<B>(self, body: B, on_event: impl FnMut(BodyEvent))
    where
        B: Deref<Target = Mutex<ResponseBody>>,
    {
        self.forward_into(&body, on_event).await
    }

    async fn forward_into(
        mut self,
        body: &Mutex<ResponseBody>,
        mut on_event: impl FnMut(BodyEvent),
    ) {
        let mut received = 0usize;
        loop {
            match self.answers.recv().await {
                Some(ForeignFetchAnswer::BodyChunk(chunk)) => {
                    received += chunk.len();
                    if let ResponseBody::Receiving(ref mut bytes) = *body.lock() {
                        bytes.extend_from_slice(&chunk);
                    }
                    on_event(BodyEvent::Chunk(chunk));
                },
                Some(ForeignFetchAnswer::BodyEnd) => {
                    let mut body = body.lock();
                    if let ResponseBody::Receiving(ref mut bytes) = *body {
                        let bytes = std::mem::take(bytes);
                        *body = ResponseBody::Done(bytes);
                    }
                    debug!(
                        target: LOG_TARGET,
                        "{}: the foreign worker's body ended after {received} bytes", self.url
                    );
                    return on_event(BodyEvent::Done);
                },
                ending => {
                    match ending {
                        Some(ForeignFetchAnswer::BodyError) => debug!(
                            target: LOG_TARGET,
                            "{}: the foreign worker's body stream errored after {received} bytes",
                            self.url
                        ),
                        None => debug!(
                            target: LOG_TARGET,
                            "{}: the foreign worker went away after {received} bytes of the body",
                            self.url
                        ),
                        Some(other) => warn!(
                            target: LOG_TARGET,
                            "{}: an answer in the middle of the body: {other:?}", self.url
                        ),
                    }
                    let mut body = body.lock();
                    if let ResponseBody::Receiving(ref mut bytes) = *body {
                        let bytes = std::mem::take(bytes);
                        *body = ResponseBody::Done(bytes);
                    }
                    return on_event(BodyEvent::Aborted);
                },
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use tokio::sync::mpsc::unbounded_channel;

    use super::*;

    fn forward(answers: Vec<ForeignFetchAnswer>, close: bool) -> (Vec<BodyEvent>, ResponseBody) {
        let (sender, receiver) = unbounded_channel();
        for answer in answers {
            sender.send(answer).unwrap();
        }
        if close {
            drop(sender);
        } else {
            std::mem::forget(sender);
        }
        let body = Arc::new(Mutex::new(ResponseBody::Receiving(Vec::new())));
        let mut events = Vec::new();
        let url = ServoUrl::parse("https://cdn.test/a").unwrap();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        runtime.block_on(
            StreamedBody::new(url, receiver).forward(body.clone(), |event| events.push(event)),
        );
        let body = std::mem::replace(&mut *body.lock(), ResponseBody::Empty);
        (events, body)
    }

    #[test]
    fn chunks_then_done() {
        let (events, body) = forward(
            vec![
                ForeignFetchAnswer::BodyChunk(b"ab".to_vec()),
                ForeignFetchAnswer::BodyChunk(b"c".to_vec()),
                ForeignFetchAnswer::BodyEnd,
            ],
            false,
        );
        assert_eq!(
            events,
            vec![
                BodyEvent::Chunk(b"ab".to_vec()),
                BodyEvent::Chunk(b"c".to_vec()),
                BodyEvent::Done
            ]
        );
        assert!(matches!(body, ResponseBody::Done(bytes) if bytes == b"abc"));
    }

    #[test]
    fn a_stream_error_or_a_gone_worker_aborts() {
        let (events, _) = forward(
            vec![
                ForeignFetchAnswer::BodyChunk(b"ab".to_vec()),
                ForeignFetchAnswer::BodyError,
            ],
            false,
        );
        assert_eq!(events.last(), Some(&BodyEvent::Aborted));
        let (events, _) = forward(vec![ForeignFetchAnswer::BodyChunk(b"ab".to_vec())], true);
        assert_eq!(
            events,
            vec![BodyEvent::Chunk(b"ab".to_vec()), BodyEvent::Aborted]
        );
        let (events, _) = forward(
            vec![ForeignFetchAnswer::fall_back(
                foreign_fetch::messages::FetchId(1),
            )],
            false,
        );
        assert_eq!(events, vec![BodyEvent::Aborted]);
    }
}
