/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at https://mozilla.org/MPL/2.0/. */

//! Servo's ids as the plain values Handle Fetch keeps and sends: a client
//! (a document's pipeline) as a [`ClientKey`] and as the
//! [id](https://html.spec.whatwg.org/multipage/#concept-environment-id)
//! script shows (`FetchEvent.clientId`, `Client.id`), a service worker as
//! the number [`ActiveWorker::key`](foreign_fetch::registry::ActiveWorker)
//! holds.
//!
//! Each is a pure function of the id's two numbers (its pipeline namespace
//! and its index), so net and script compute the same value without a
//! message.

use foreign_fetch::registry::ClientKey;
use servo_base::id::{Index, PipelineId, PipelineNamespaceId, ServiceWorkerId};

/// The key of the client whose pipeline is `pipeline`: namespace in the
/// high 32 bits, index in the low 32 bits.
pub fn client_key(pipeline: PipelineId) -> ClientKey {
    (u64::from(pipeline.namespace_id.0) << 32) | u64::from(pipeline.index.0.get())
}

/// The [id](https://html.spec.whatwg.org/multipage/#concept-environment-id)
/// of the client whose pipeline is `pipeline`: a string shaped like a
/// version 4 UUID (the spec asks for "an opaque string that uniquely
/// identifies" the environment), the namespace in the first group and the
/// index in the last, in hexadecimal. Distinct pipelines have distinct ids.
pub fn client_id(pipeline: PipelineId) -> String {
    format!(
        "{:08x}-0000-4000-8000-{:012x}",
        pipeline.namespace_id.0,
        pipeline.index.0.get()
    )
}

/// The number [`ActiveWorker::key`](foreign_fetch::registry::ActiveWorker)
/// holds for the service worker `id`: namespace in the high 32 bits, index
/// in the low 32 bits.
pub fn worker_key(id: ServiceWorkerId) -> u64 {
    (u64::from(id.namespace_id.0) << 32) | u64::from(id.index.0.get())
}

/// The service worker whose [`worker_key`] is `key`; `None` for a key no
/// worker has (an index of 0).
pub fn worker_id(key: u64) -> Option<ServiceWorkerId> {
    let namespace = (key >> 32) as u32;
    let index = Index::new(key as u32).ok()?;
    Some(ServiceWorkerId {
        namespace_id: PipelineNamespaceId(namespace),
        index,
    })
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use servo_base::id::TEST_PIPELINE_ID;

    use super::*;

    fn pipeline(namespace: u32, index: u32) -> PipelineId {
        PipelineId {
            namespace_id: PipelineNamespaceId(namespace),
            index: Index::new(index).unwrap(),
        }
    }

    #[test]
    fn client_keys_are_servos_numbers() {
        assert_eq!(client_key(TEST_PIPELINE_ID), u64::from(TEST_PIPELINE_ID));
        assert_eq!(client_key(pipeline(2, 3)), (2 << 32) | 3);
        assert_eq!(
            client_key(pipeline(u32::MAX, u32::MAX)),
            u64::MAX,
            "no overflow"
        );
    }

    #[test]
    fn client_ids_are_uuid_shaped_and_distinct() {
        assert_eq!(
            client_id(pipeline(2, 3)),
            "00000002-0000-4000-8000-000000000003"
        );
        let extreme = client_id(pipeline(u32::MAX, u32::MAX));
        assert_eq!(extreme, "ffffffff-0000-4000-8000-0000ffffffff");
        let pipelines = [
            pipeline(1, 1),
            pipeline(1, 2),
            pipeline(2, 1),
            pipeline(0x12, 0x3456),
            pipeline(0x1234, 0x56),
            pipeline(u32::MAX, 1),
            pipeline(1, u32::MAX),
        ];
        let ids: HashSet<_> = pipelines.iter().map(|&p| client_id(p)).collect();
        assert_eq!(ids.len(), pipelines.len());
        for id in ids {
            let groups: Vec<_> = id.split('-').map(str::len).collect();
            assert_eq!(groups, [8, 4, 4, 4, 12], "{id}");
            assert!(id.chars().all(|c| c == '-' || c.is_ascii_hexdigit()));
        }
    }

    #[test]
    fn worker_keys_round_trip() {
        for (namespace, index) in [(1, 1), (2, 7), (u32::MAX, u32::MAX), (0, 1)] {
            let id = ServiceWorkerId {
                namespace_id: PipelineNamespaceId(namespace),
                index: Index::new(index).unwrap(),
            };
            assert_eq!(worker_id(worker_key(id)), Some(id));
        }
        assert_eq!(worker_key(worker_id((3 << 32) | 9).unwrap()), (3 << 32) | 9);
        // Index 0 is no id.
        assert_eq!(worker_id(5 << 32), None);
        assert_eq!(worker_id(0), None);
    }
}
