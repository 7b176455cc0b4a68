/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at https://mozilla.org/MPL/2.0/. */

//! A scope's [job queue](https://w3c.github.io/ServiceWorker/#dfn-job-queue).
//!
//! Servo 0.7.0 runs every job as soon as it arrives; with an asynchronous
//! install, a second job for the same scope must wait for the first one's
//! Finish Job. The front job is the running one.

use std::collections::VecDeque;

/// <https://w3c.github.io/ServiceWorker/#dfn-job-queue>
#[derive(Debug)]
pub struct JobQueue<J> {
    jobs: VecDeque<J>,
}

impl<J> Default for JobQueue<J> {
    fn default() -> Self {
        JobQueue {
            jobs: VecDeque::new(),
        }
    }
}

impl<J> JobQueue<J> {
    pub fn new() -> Self {
        Self::default()
    }

    /// <https://w3c.github.io/ServiceWorker/#schedule-job>: appends the job.
    /// Returns true if the queue was empty, that is if the caller must run
    /// the job now (step 4 "If jobQueue is empty ... invoke Run Job").
    pub fn schedule(&mut self, job: J) -> bool {
        self.jobs.push_back(job);
        self.jobs.len() == 1
    }

    /// The running job.
    pub fn current(&self) -> Option<&J> {
        self.jobs.front()
    }

    /// <https://w3c.github.io/ServiceWorker/#finish-job>: removes the running
    /// job; returns the next one, which the caller must run.
    pub fn finish(&mut self) -> Option<&J> {
        // Step 3. If job queue is not empty, invoke Run Job with job queue.
        self.jobs.pop_front();
        self.jobs.front()
    }

    pub fn is_empty(&self) -> bool {
        self.jobs.is_empty()
    }

    pub fn len(&self) -> usize {
        self.jobs.len()
    }
}

#[cfg(test)]
mod tests {
    use super::JobQueue;

    #[test]
    fn first_job_runs_at_once_others_wait() {
        let mut queue = JobQueue::new();
        assert!(queue.schedule("a"));
        assert!(!queue.schedule("b"));
        assert!(!queue.schedule("c"));
        assert_eq!(queue.current(), Some(&"a"));
        assert_eq!(queue.finish(), Some(&"b"));
        assert_eq!(queue.finish(), Some(&"c"));
        assert_eq!(queue.finish(), None);
        assert!(queue.is_empty());
        assert!(queue.schedule("d"));
    }

    #[test]
    fn finish_on_empty_queue_is_harmless() {
        let mut queue: JobQueue<u8> = JobQueue::new();
        assert_eq!(queue.finish(), None);
        assert_eq!(queue.len(), 0);
    }
}
