/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at https://mozilla.org/MPL/2.0/. */

//! One registration's lifecycle: the [Update] (once the worker's script has
//! been fetched and run), [Install], [Try Activate] and [Activate]
//! algorithms, as a state machine.
//!
//! The manager reports what happened in a worker ([`Report`]); the state
//! machine answers with the [`Action`]s to perform, in order. It knows
//! nothing of threads, channels or the DOM: a worker is any `W` (Servo's
//! `ServiceWorkerId`).
//!
//! [Update]: https://w3c.github.io/ServiceWorker/#update-algorithm
//! [Install]: https://w3c.github.io/ServiceWorker/#installation-algorithm
//! [Try Activate]: https://w3c.github.io/ServiceWorker/#try-activate-algorithm
//! [Activate]: https://w3c.github.io/ServiceWorker/#activation-algorithm

use std::fmt::Debug;
use std::time::{Duration, Instant};

use foreign_fetch::registry::{
    ForeignFetchConfig, ForeignFetchRegistration, RegistrationId, WorkerState as RegistryState,
};
use log::{debug, warn};
use url::Url;

use crate::extend::ExtendOutcome;
use crate::state::WorkerState;

/// A registration's worker slot,
/// <https://w3c.github.io/ServiceWorker/#update-registration-state>.
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
pub enum Slot {
    Installing,
    Waiting,
    Active,
}

impl Slot {
    /// The slot's name, as `ServiceWorkerRegistration`'s attributes are named.
    pub fn name(self) -> &'static str {
        match self {
            Slot::Installing => "installing",
            Slot::Waiting => "waiting",
            Slot::Active => "active",
        }
    }
}

/// The lifecycle events a registration's worker receives.
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
pub enum LifecycleEvent {
    /// `install`, an `InstallEvent`.
    Install,
    /// `activate`, an `ExtendableEvent`.
    Activate,
}

impl LifecycleEvent {
    /// The event's type.
    pub fn name(self) -> &'static str {
        match self {
            LifecycleEvent::Install => "install",
            LifecycleEvent::Activate => "activate",
        }
    }
}

/// Why a worker's script could not be used
/// (<https://w3c.github.io/ServiceWorker/#update-algorithm>, the fetch hook
/// and the *runResult* steps).
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
pub enum ScriptFailure {
    /// A network error, or a response whose status is not an ok status.
    Fetch,
    /// The response's MIME type is not a JavaScript MIME type.
    Mime,
    /// The registration's scope is above the script's directory and the
    /// response's `Service-Worker-Allowed` header does not allow it
    /// ([`crate::max_scope`]).
    ScopeNotAllowed,
    /// Running the script threw (an abrupt completion).
    Evaluation,
    /// The script did not finish loading and running within the time limit.
    TimedOut,
}

/// The exception a job promise is rejected with,
/// <https://w3c.github.io/ServiceWorker/#reject-job-promise>.
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
pub enum JobFailure {
    TypeError,
    SecurityError,
}

impl From<ScriptFailure> for JobFailure {
    fn from(failure: ScriptFailure) -> JobFailure {
        match failure {
            // Update, fetch hook: "If the result of extracting a MIME type
            // from response's header list is not a JavaScript MIME type,
            // then: Invoke Reject Job Promise with job and "SecurityError"
            // DOMException."
            ScriptFailure::Mime | ScriptFailure::ScopeNotAllowed => JobFailure::SecurityError,
            // "If response's status is not an ok status" and "If runResult
            // is failure or an abrupt completion": TypeError.
            ScriptFailure::Fetch | ScriptFailure::Evaluation | ScriptFailure::TimedOut => {
                JobFailure::TypeError
            },
        }
    }
}

/// What a worker thread tells the manager.
#[derive(Clone, Debug, Eq, PartialEq)]
pub enum Report<W> {
    /// The worker's script was fetched and run (*Run Service Worker*
    /// returned), or could not be.
    ScriptEvaluated {
        worker: W,
        result: Result<(), ScriptFailure>,
    },
    /// A lifecycle event was dispatched and its extend lifetime promises
    /// settled.
    EventFinished {
        worker: W,
        event: LifecycleEvent,
        outcome: ExtendOutcome,
    },
    /// Update, fetch hook: the worker's script is a byte-for-byte match of
    /// the newest worker's (same script URL); it was not run.
    ScriptUnchanged { worker: W },
    /// <https://w3c.github.io/ServiceWorker/#dom-serviceworkerglobalscope-skipwaiting>:
    /// the worker set its skip waiting flag.
    SkipWaiting { worker: W },
    /// <https://w3c.github.io/ServiceWorker/#register-foreign-fetch-method>
    /// (docs/feature.md §2): the installing worker's `registerForeignFetch()`
    /// succeeded with this configuration (validated by the core crate).
    RegisterForeignFetch {
        worker: W,
        config: ForeignFetchConfig,
    },
}

/// What the manager must do, in this order.
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
pub enum Action<W> {
    /// <https://w3c.github.io/ServiceWorker/#reject-job-promise>
    RejectJob(JobFailure),
    /// <https://w3c.github.io/ServiceWorker/#resolve-job-promise> with the
    /// registration.
    ResolveJob,
    /// Install step 9: queue a task on every client (and worker) of the
    /// registration's origin to fire `updatefound` at its
    /// `ServiceWorkerRegistration` objects for the registration.
    UpdateFound,
    /// <https://w3c.github.io/ServiceWorker/#finish-job>: the next job of
    /// the scope's job queue may run.
    FinishJob,
    /// <https://w3c.github.io/ServiceWorker/#update-registration-state>
    UpdateRegistrationState { slot: Slot, worker: Option<W> },
    /// <https://w3c.github.io/ServiceWorker/#update-state-algorithm>
    UpdateWorkerState { worker: W, state: WorkerState },
    /// Queue a task on the worker to fire the event (with `waitUntil`); the
    /// worker answers with [`Report::EventFinished`].
    DispatchEvent { worker: W, event: LifecycleEvent },
    /// <https://w3c.github.io/ServiceWorker/#terminate-service-worker>
    Terminate(W),
    /// Remove the registration from the registration map (the worker never
    /// got installed and there is no newer or older worker).
    RemoveRegistration,
}

/// Where the registration's current job is.
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
enum Phase<W> {
    Idle,
    /// Update: the worker's script is being fetched and run.
    Evaluating(W),
    /// Install: the `install` event's lifetime is being waited for.
    Installing(W),
}

/// A registration's workers and lifecycle.
/// <https://w3c.github.io/ServiceWorker/#dfn-service-worker-registration>
#[derive(Debug)]
pub struct Lifecycle<W> {
    /// <https://w3c.github.io/ServiceWorker/#dfn-installing-worker>
    installing: Option<W>,
    /// <https://w3c.github.io/ServiceWorker/#dfn-waiting-worker>
    waiting: Option<W>,
    /// <https://w3c.github.io/ServiceWorker/#dfn-active-worker>
    active: Option<W>,
    /// The state of every worker the registration has held that is not
    /// redundant.
    states: Vec<(W, WorkerState)>,
    phase: Phase<W>,
    /// Activate: the worker whose `activate` event's lifetime is being
    /// waited for. Activation runs after Finish Job, so a new job may run
    /// meanwhile.
    activating: Option<W>,
    /// Install step 2: whether the registration had a newest worker when the
    /// job started (if not, a failure removes the registration).
    had_newest_worker: bool,
    /// The workers whose skip waiting flag is set,
    /// <https://w3c.github.io/ServiceWorker/#dfn-skip-waiting-flag>.
    skip_waiting: Vec<W>,
    /// When the current job's phase times out.
    job_deadline: Option<Instant>,
    /// When the activation times out.
    activation_deadline: Option<Instant>,
    /// How long a phase may take (`None`: forever).
    timeout: Option<Duration>,
    /// Each worker's *list of foreign fetch scopes* and *list of foreign
    /// fetch origins*, once set by `registerForeignFetch()` during its
    /// install event; they go away with the worker (redundant, replaced).
    foreign_fetch: Vec<(W, ForeignFetchConfig)>,
}

impl<W: Copy + Eq + Debug> Lifecycle<W> {
    /// A new registration (Set Registration): no workers yet.
    pub fn new(timeout: Option<Duration>) -> Self {
        Lifecycle {
            installing: None,
            waiting: None,
            active: None,
            states: Vec::new(),
            phase: Phase::Idle,
            activating: None,
            had_newest_worker: false,
            skip_waiting: Vec::new(),
            job_deadline: None,
            activation_deadline: None,
            timeout,
            foreign_fetch: Vec::new(),
        }
    }

    /// A registration restored at start-up
    /// (<https://w3c.github.io/ServiceWorker/#user-agent-shutdown>: "A user
    /// agent must maintain the state of its stored service worker
    /// registrations across restarts"; an installing worker is discarded):
    /// `worker` is its active worker, *activated*, with the foreign fetch
    /// configuration it had; no job runs.
    pub fn restored(
        worker: W,
        foreign_fetch: Option<ForeignFetchConfig>,
        timeout: Option<Duration>,
    ) -> Self {
        let mut lifecycle = Lifecycle::new(timeout);
        lifecycle.active = Some(worker);
        lifecycle.states.push((worker, WorkerState::Activated));
        lifecycle
            .foreign_fetch
            .extend(foreign_fetch.map(|config| (worker, config)));
        lifecycle
    }

    /// `worker`'s foreign fetch configuration, if `registerForeignFetch()`
    /// set one during its install event.
    pub fn foreign_fetch_config(&self, worker: W) -> Option<&ForeignFetchConfig> {
        self.foreign_fetch
            .iter()
            .find(|(w, _)| *w == worker)
            .map(|(_, config)| config)
    }

    pub fn installing(&self) -> Option<W> {
        self.installing
    }

    pub fn waiting(&self) -> Option<W> {
        self.waiting
    }

    pub fn active(&self) -> Option<W> {
        self.active
    }

    /// The active worker once its state is *activated*: the worker that
    /// handles fetches (and that the network side asks for).
    pub fn activated(&self) -> Option<W> {
        self.active
            .filter(|worker| self.state_of(*worker) == Some(WorkerState::Activated))
    }

    /// The registration as foreign fetch sees it (docs/feature.md §4): its
    /// active worker's state and that worker's foreign fetch scopes and
    /// origins, which take effect when it becomes the active worker and
    /// vanish with it. A registration without an active worker (or whose
    /// active worker did not register for foreign fetch) serves no foreign
    /// request, but its scope still hides shorter ones (Match Service Worker
    /// Registration picks the longest scope).
    pub fn foreign_fetch_registration(
        &self,
        id: RegistrationId,
        scope: &Url,
    ) -> ForeignFetchRegistration {
        let active = self
            .active
            .and_then(|worker| Some((worker, self.state_of(worker)?)));
        let Some((worker, state)) = active else {
            return ForeignFetchRegistration::without_foreign_fetch(
                id,
                scope.clone(),
                RegistryState::Redundant,
            );
        };
        let state = match state {
            WorkerState::Parsed | WorkerState::Installing => RegistryState::Installing,
            WorkerState::Installed => RegistryState::Installed,
            WorkerState::Activating => RegistryState::Activating,
            WorkerState::Activated => RegistryState::Activated,
            WorkerState::Redundant => RegistryState::Redundant,
        };
        match self.foreign_fetch.iter().find(|(w, _)| *w == worker) {
            Some((_, config)) => {
                ForeignFetchRegistration::new(id, scope.clone(), config.clone(), state)
            },
            None => ForeignFetchRegistration::without_foreign_fetch(id, scope.clone(), state),
        }
    }

    /// <https://w3c.github.io/ServiceWorker/#get-newest-worker>
    pub fn newest_worker(&self) -> Option<W> {
        self.installing.or(self.waiting).or(self.active)
    }

    /// The state of a worker of this registration, `None` once redundant.
    pub fn state_of(&self, worker: W) -> Option<WorkerState> {
        self.states
            .iter()
            .find(|(w, _)| *w == worker)
            .map(|(_, state)| *state)
    }

    /// Whether a register or update job is running (its worker is being
    /// fetched, run or installed). Activation runs after Finish Job and
    /// does not count.
    pub fn job_running(&self) -> bool {
        matches!(self.phase, Phase::Evaluating(_) | Phase::Installing(_))
    }

    /// When [`Lifecycle::poll_timeout`] must be called.
    pub fn deadline(&self) -> Option<Instant> {
        match (self.job_deadline, self.activation_deadline) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Update, steps up to *Run Service Worker*: the manager has started
    /// `worker`'s thread, which fetches and runs its script and then answers
    /// with [`Report::ScriptEvaluated`].
    pub fn start_update(&mut self, worker: W, now: Instant) {
        if self.phase != Phase::Idle {
            warn!(
                "update of {worker:?} started while {:?} is running",
                self.phase
            );
        }
        // Install step 2. Let newestWorker be the result of running Get
        // Newest Worker algorithm passing registration as its argument.
        self.had_newest_worker = self.newest_worker().is_some();
        self.states.push((worker, WorkerState::Parsed));
        self.phase = Phase::Evaluating(worker);
        self.job_deadline = self.deadline_from(now);
    }

    /// Handle what a worker reported; stale reports (of a worker that is no
    /// longer in the phase they are about) are ignored.
    pub fn handle(&mut self, report: Report<W>, now: Instant) -> Vec<Action<W>> {
        match (self.phase, report) {
            (Phase::Evaluating(current), Report::ScriptEvaluated { worker, result })
                if current == worker =>
            {
                match result {
                    Ok(()) => self.install(worker, now),
                    Err(failure) => self.update_failed(worker, failure),
                }
            },
            (Phase::Evaluating(current), Report::ScriptUnchanged { worker })
                if current == worker =>
            {
                self.update_unchanged(worker)
            },
            (_, Report::SkipWaiting { worker }) if self.state_of(worker).is_some() => {
                // skipWaiting() step 2.1. Set service worker's skip waiting
                // flag.
                if !self.skip_waiting.contains(&worker) {
                    self.skip_waiting.push(worker);
                }
                // Step 2.2. Invoke Try Activate with service worker's
                // containing service worker registration.
                self.try_activate(now)
            },
            (
                Phase::Installing(current),
                Report::EventFinished {
                    worker,
                    event: LifecycleEvent::Install,
                    outcome,
                },
            ) if current == worker => self.install_finished(worker, outcome, now),
            (
                _,
                Report::EventFinished {
                    worker,
                    event: LifecycleEvent::Activate,
                    ..
                },
            ) if self.activating == Some(worker) => self.activate_finished(worker, now),
            (Phase::Installing(current), Report::RegisterForeignFetch { worker, config })
                if current == worker =>
            {
                // registerForeignFetch(), last steps: "Set this service
                // worker's list of foreign fetch scopes to subScopeURLs. Set
                // this service worker's list of foreign fetch origins to
                // originURLs." (A later call replaces an earlier one.)
                self.foreign_fetch.retain(|(w, _)| *w != worker);
                self.foreign_fetch.push((worker, config));
                Vec::new()
            },
            (phase, report) => {
                debug!("ignoring {report:?} in phase {phase:?}");
                Vec::new()
            },
        }
    }

    /// <https://w3c.github.io/ServiceWorker/#clear-registration-algorithm>,
    /// which Unregister runs through Try Clear Registration once the
    /// registration is out of the registration map (Servo has no controlled
    /// clients, so nothing keeps it alive): every worker becomes redundant
    /// and its slot empty. The registration is done with: anything it still
    /// waited for (an activation) is forgotten.
    pub fn clear(&mut self) -> Vec<Action<W>> {
        let mut actions = Vec::new();
        // Step 2. If registration's installing worker is not null, then:
        // Step 3. If registration's waiting worker is not null, then:
        // Step 4. If registration's active worker is not null, then:
        for slot in [Slot::Installing, Slot::Waiting, Slot::Active] {
            let worker = match slot {
                Slot::Installing => self.installing,
                Slot::Waiting => self.waiting,
                Slot::Active => self.active,
            };
            let Some(worker) = worker else {
                continue;
            };
            // Terminate the worker.
            actions.push(Action::Terminate(worker));
            // Run the Update Worker State algorithm passing the worker and
            // "redundant" as the arguments.
            self.set_state(worker, WorkerState::Redundant, &mut actions);
            // Run the Update Registration State algorithm passing
            // registration, the slot and null as the arguments.
            self.set_slot(slot, None, &mut actions);
        }
        // A worker still being fetched or run has no slot yet.
        if let Phase::Evaluating(worker) = self.phase {
            actions.push(Action::Terminate(worker));
            self.forget(worker);
        }
        self.phase = Phase::Idle;
        self.activating = None;
        self.job_deadline = None;
        self.activation_deadline = None;
        actions
    }

    /// The current phase ran out of time
    /// (`dom_serviceworker_timeout_seconds`). Returns nothing if the deadline
    /// has not passed.
    pub fn poll_timeout(&mut self, now: Instant) -> Vec<Action<W>> {
        let mut actions = Vec::new();
        if self.job_deadline.is_some_and(|deadline| deadline <= now) {
            self.job_deadline = None;
            match self.phase {
                Phase::Idle => {},
                Phase::Evaluating(worker) => {
                    warn!("service worker {worker:?}: script not run in time");
                    actions.extend(self.update_failed(worker, ScriptFailure::TimedOut));
                },
                Phase::Installing(worker) => {
                    warn!("service worker {worker:?}: install event not settled in time");
                    actions.extend(self.install_finished(worker, ExtendOutcome::TimedOut, now));
                },
            }
        }
        if self
            .activation_deadline
            .is_some_and(|deadline| deadline <= now)
        {
            self.activation_deadline = None;
            if let Some(worker) = self.activating {
                warn!("service worker {worker:?}: activate event not settled in time");
                actions.extend(self.activate_finished(worker, now));
            }
        }
        actions
    }

    /// Update: "If runResult is failure or an abrupt completion" (and the
    /// fetch hook's failures).
    fn update_failed(&mut self, worker: W, failure: ScriptFailure) -> Vec<Action<W>> {
        debug!("update of {worker:?} failed: {failure:?}");
        self.phase = Phase::Idle;
        self.job_deadline = None;
        self.forget(worker);
        let mut actions = vec![
            // Invoke Reject Job Promise with job and TypeError (or
            // SecurityError for a bad MIME type).
            Action::RejectJob(failure.into()),
            Action::Terminate(worker),
        ];
        // If newestWorker is null, then remove registration
        // map[(registration's storage key, serialized scopeURL)].
        if self.newest_worker().is_none() {
            actions.push(Action::RemoveRegistration);
        }
        // Invoke Finish Job with job and abort these steps.
        actions.push(Action::FinishJob);
        actions
    }

    /// Update, fetch hook: "If newestWorker is not null, newestWorker's
    /// script url equals job's script url with the exclude fragments flag
    /// set, and script's source text is a byte-for-byte match with
    /// newestWorker's script resource's source text".
    fn update_unchanged(&mut self, worker: W) -> Vec<Action<W>> {
        debug!("update of {worker:?}: the script has not changed");
        self.phase = Phase::Idle;
        self.job_deadline = None;
        self.forget(worker);
        vec![
            // Invoke Resolve Job Promise with job and registration.
            Action::ResolveJob,
            // The worker that fetched the script is discarded.
            Action::Terminate(worker),
            // Invoke Finish Job with job and abort these steps.
            Action::FinishJob,
        ]
    }

    /// <https://w3c.github.io/ServiceWorker/#installation-algorithm>,
    /// steps 4 to 11.
    fn install(&mut self, worker: W, now: Instant) -> Vec<Action<W>> {
        let mut actions = Vec::new();
        // Step 4. Run the Update Registration State algorithm passing
        // registration, "installing" and worker as the arguments.
        self.set_slot(Slot::Installing, Some(worker), &mut actions);
        // Step 5. Run the Update Worker State algorithm passing registration's
        // installing worker and "installing" as the arguments.
        self.set_state(worker, WorkerState::Installing, &mut actions);
        // Step 7. Invoke Resolve Job Promise with job and registration.
        actions.push(Action::ResolveJob);
        // Step 9. For each settingsObject of settingsObjects, queue a task
        // ... to fire an event named updatefound at each registrationObject.
        actions.push(Action::UpdateFound);
        // Step 11. Queue a task ... to fire an `install` InstallEvent and
        // wait for all of its extend lifetime promises.
        actions.push(Action::DispatchEvent {
            worker,
            event: LifecycleEvent::Install,
        });
        self.phase = Phase::Installing(worker);
        self.job_deadline = self.deadline_from(now);
        actions
    }

    /// Install, steps 14 to 23.
    fn install_finished(
        &mut self,
        worker: W,
        outcome: ExtendOutcome,
        now: Instant,
    ) -> Vec<Action<W>> {
        self.phase = Phase::Idle;
        self.job_deadline = None;
        let mut actions = Vec::new();
        // Step 14. If installFailed is true, then:
        if outcome != ExtendOutcome::Fulfilled {
            debug!("install of {worker:?} failed: {outcome:?}");
            // Step 14.1. Run the Update Worker State algorithm passing
            // worker and "redundant" as the arguments.
            self.set_state(worker, WorkerState::Redundant, &mut actions);
            actions.push(Action::Terminate(worker));
            // Step 14.2. Run the Update Registration State algorithm passing
            // registration, "installing" and null as the arguments.
            self.set_slot(Slot::Installing, None, &mut actions);
            // Step 14.3. If newestWorker is null, then remove registration
            // map[(registration's storage key, serialized registration's scope url)].
            if !self.had_newest_worker {
                actions.push(Action::RemoveRegistration);
            }
            // Step 14.4. Invoke Finish Job with job and abort these steps.
            actions.push(Action::FinishJob);
            return actions;
        }
        // Step 17. If registration's waiting worker is not null, then:
        if let Some(waiting) = self.waiting {
            // Terminate registration's waiting worker.
            actions.push(Action::Terminate(waiting));
            // Run the Update Worker State algorithm passing registration's
            // waiting worker and "redundant" as the arguments.
            self.set_state(waiting, WorkerState::Redundant, &mut actions);
        }
        // Step 18. Run the Update Registration State algorithm passing
        // registration, "waiting" and registration's installing worker.
        self.set_slot(Slot::Waiting, Some(worker), &mut actions);
        // Step 19. Run the Update Registration State algorithm passing
        // registration, "installing" and null as the arguments.
        self.set_slot(Slot::Installing, None, &mut actions);
        // Step 20. Run the Update Worker State algorithm passing
        // registration's waiting worker and "installed" as the arguments.
        self.set_state(worker, WorkerState::Installed, &mut actions);
        // Step 21. Invoke Finish Job with job.
        actions.push(Action::FinishJob);
        // Step 23. Invoke Try Activate with registration.
        actions.extend(self.try_activate(now));
        actions
    }

    /// <https://w3c.github.io/ServiceWorker/#try-activate-algorithm>
    fn try_activate(&mut self, now: Instant) -> Vec<Action<W>> {
        // Step 1. If registration's waiting worker is null, return.
        if self.waiting.is_none() {
            return Vec::new();
        }
        // Step 2. If registration's active worker is not null and
        // registration's active worker's state is "activating", then return.
        if let Some(active) = self.active
            && self.state_of(active) == Some(WorkerState::Activating)
        {
            return Vec::new();
        }
        // Step 3. Invoke Activate with registration if either of the
        // following is true: registration's active worker is null; no
        // service worker client is using registration (Servo has no
        // controlled clients yet); registration's waiting worker's skip
        // waiting flag is set.
        self.activate(now)
    }

    /// <https://w3c.github.io/ServiceWorker/#activation-algorithm>, steps 1
    /// to 12.
    fn activate(&mut self, now: Instant) -> Vec<Action<W>> {
        let mut actions = Vec::new();
        // Step 1. If registration's waiting worker is null, abort these steps.
        let Some(worker) = self.waiting else {
            return actions;
        };
        // Step 2. If registration's active worker is not null, then:
        if let Some(active) = self.active {
            // Terminate registration's active worker.
            actions.push(Action::Terminate(active));
            // Run the Update Worker State algorithm passing registration's
            // active worker and "redundant" as the arguments.
            self.set_state(active, WorkerState::Redundant, &mut actions);
        }
        // Step 3. Run the Update Registration State algorithm passing
        // registration, "active" and registration's waiting worker.
        self.set_slot(Slot::Active, Some(worker), &mut actions);
        // Step 4. Run the Update Registration State algorithm passing
        // registration, "waiting" and null as the arguments.
        self.set_slot(Slot::Waiting, None, &mut actions);
        // Step 5. Run the Update Worker State algorithm passing
        // registration's active worker and "activating" as the arguments.
        self.set_state(worker, WorkerState::Activating, &mut actions);
        // Step 12. Queue a task ... to fire `activate` (an ExtendableEvent)
        // and wait until it is no longer active.
        actions.push(Action::DispatchEvent {
            worker,
            event: LifecycleEvent::Activate,
        });
        self.activating = Some(worker);
        self.activation_deadline = self.deadline_from(now);
        actions
    }

    /// Activate, step 15, then Try Activate again for a worker that got
    /// installed meanwhile.
    fn activate_finished(&mut self, worker: W, now: Instant) -> Vec<Action<W>> {
        self.activating = None;
        self.activation_deadline = None;
        let mut actions = Vec::new();
        // Step 15. Run the Update Worker State algorithm passing
        // registration's active worker and "activated" as the arguments.
        self.set_state(worker, WorkerState::Activated, &mut actions);
        actions.extend(self.try_activate(now));
        actions
    }

    /// <https://w3c.github.io/ServiceWorker/#update-registration-state>
    fn set_slot(&mut self, slot: Slot, worker: Option<W>, actions: &mut Vec<Action<W>>) {
        let target = match slot {
            Slot::Installing => &mut self.installing,
            Slot::Waiting => &mut self.waiting,
            Slot::Active => &mut self.active,
        };
        *target = worker;
        actions.push(Action::UpdateRegistrationState { slot, worker });
    }

    /// <https://w3c.github.io/ServiceWorker/#update-state-algorithm>
    fn set_state(&mut self, worker: W, state: WorkerState, actions: &mut Vec<Action<W>>) {
        // Step 1. Assert: worker is not null.
        match self.states.iter_mut().find(|(w, _)| *w == worker) {
            Some((_, current)) => {
                if !current.can_become(state) {
                    warn!("service worker {worker:?}: unexpected transition {current} -> {state}");
                }
                *current = state;
            },
            None => self.states.push((worker, state)),
        }
        if state == WorkerState::Redundant {
            self.forget(worker);
        }
        actions.push(Action::UpdateWorkerState { worker, state });
    }

    fn forget(&mut self, worker: W) {
        self.states.retain(|(w, _)| *w != worker);
        self.skip_waiting.retain(|w| *w != worker);
        self.foreign_fetch.retain(|(w, _)| *w != worker);
    }

    fn deadline_from(&self, now: Instant) -> Option<Instant> {
        self.timeout.and_then(|timeout| now.checked_add(timeout))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::WorkerState::*;

    const TIMEOUT: Duration = Duration::from_secs(5);

    fn evaluated(worker: u32) -> Report<u32> {
        Report::ScriptEvaluated {
            worker,
            result: Ok(()),
        }
    }

    fn finished(worker: u32, event: LifecycleEvent, outcome: ExtendOutcome) -> Report<u32> {
        Report::EventFinished {
            worker,
            event,
            outcome,
        }
    }

    fn states(actions: &[Action<u32>]) -> Vec<(u32, WorkerState)> {
        actions
            .iter()
            .filter_map(|action| match action {
                Action::UpdateWorkerState { worker, state } => Some((*worker, *state)),
                _ => None,
            })
            .collect()
    }

    /// A registration whose worker `worker` has installed and activated.
    fn with_active_worker(worker: u32, now: Instant) -> Lifecycle<u32> {
        let mut lifecycle = Lifecycle::new(Some(TIMEOUT));
        lifecycle.start_update(worker, now);
        lifecycle.handle(evaluated(worker), now);
        lifecycle.handle(
            finished(worker, LifecycleEvent::Install, ExtendOutcome::Fulfilled),
            now,
        );
        lifecycle.handle(
            finished(worker, LifecycleEvent::Activate, ExtendOutcome::Fulfilled),
            now,
        );
        lifecycle
    }

    #[test]
    fn a_restored_registration_is_activated_and_updates_as_any_other() {
        let now = Instant::now();
        let config = ForeignFetchConfig {
            scopes: vec![Url::parse("https://api.example/data").unwrap()],
            origins: foreign_fetch::registry::AllowedOrigins::Any,
        };
        let mut lifecycle = Lifecycle::restored(1, Some(config.clone()), Some(TIMEOUT));
        assert_eq!(lifecycle.activated(), Some(1));
        assert_eq!(lifecycle.newest_worker(), Some(1));
        assert!(!lifecycle.job_running());
        assert_eq!(lifecycle.foreign_fetch_config(1), Some(&config));
        let scope = Url::parse("https://api.example/").unwrap();
        let registration = lifecycle.foreign_fetch_registration(RegistrationId(7), &scope);
        assert_eq!(registration.state, RegistryState::Activated);
        assert_eq!(registration.origins, config.origins);

        // An update installs a new worker, which replaces the restored one
        // when it activates (no client keeps the old one).
        lifecycle.start_update(2, now);
        lifecycle.handle(evaluated(2), now);
        let actions = lifecycle.handle(
            finished(2, LifecycleEvent::Install, ExtendOutcome::Fulfilled),
            now,
        );
        assert!(states(&actions).contains(&(1, Redundant)), "{actions:?}");
        assert_eq!(lifecycle.active(), Some(2));
        assert_eq!(lifecycle.foreign_fetch_config(1), None);
    }

    #[test]
    fn register_install_activate() {
        let now = Instant::now();
        let mut lifecycle = Lifecycle::new(Some(TIMEOUT));
        lifecycle.start_update(1, now);
        assert!(lifecycle.job_running());

        let actions = lifecycle.handle(evaluated(1), now);
        assert_eq!(
            actions,
            vec![
                Action::UpdateRegistrationState {
                    slot: Slot::Installing,
                    worker: Some(1)
                },
                Action::UpdateWorkerState {
                    worker: 1,
                    state: Installing
                },
                Action::ResolveJob,
                Action::UpdateFound,
                Action::DispatchEvent {
                    worker: 1,
                    event: LifecycleEvent::Install
                },
            ]
        );
        assert_eq!(lifecycle.installing(), Some(1));

        let actions = lifecycle.handle(
            finished(1, LifecycleEvent::Install, ExtendOutcome::Fulfilled),
            now,
        );
        assert_eq!(states(&actions), vec![(1, Installed), (1, Activating)]);
        let finish = actions
            .iter()
            .position(|a| *a == Action::FinishJob)
            .unwrap();
        let activate = actions
            .iter()
            .position(|a| {
                *a == Action::DispatchEvent {
                    worker: 1,
                    event: LifecycleEvent::Activate,
                }
            })
            .unwrap();
        assert!(finish < activate, "Finish Job comes before activation");
        assert!(!lifecycle.job_running());
        assert_eq!(lifecycle.active(), Some(1));
        assert_eq!(lifecycle.waiting(), None);
        assert_eq!(lifecycle.installing(), None);
        // Active but still activating: not the worker that handles fetches.
        assert_eq!(lifecycle.activated(), None);

        let actions = lifecycle.handle(
            finished(1, LifecycleEvent::Activate, ExtendOutcome::Fulfilled),
            now,
        );
        assert_eq!(
            actions,
            vec![Action::UpdateWorkerState {
                worker: 1,
                state: Activated
            },]
        );
        assert_eq!(lifecycle.state_of(1), Some(Activated));
        assert_eq!(lifecycle.activated(), Some(1));
        assert_eq!(lifecycle.deadline(), None);
    }

    #[test]
    fn script_failure_rejects_and_removes_new_registration() {
        let now = Instant::now();
        let mut lifecycle = Lifecycle::new(Some(TIMEOUT));
        lifecycle.start_update(1, now);
        let actions = lifecycle.handle(
            Report::ScriptEvaluated {
                worker: 1,
                result: Err(ScriptFailure::Evaluation),
            },
            now,
        );
        assert_eq!(
            actions,
            vec![
                Action::RejectJob(JobFailure::TypeError),
                Action::Terminate(1),
                Action::RemoveRegistration,
                Action::FinishJob,
            ]
        );
    }

    #[test]
    fn bad_mime_type_is_a_security_error() {
        assert_eq!(
            JobFailure::from(ScriptFailure::Mime),
            JobFailure::SecurityError
        );
        assert_eq!(
            JobFailure::from(ScriptFailure::Fetch),
            JobFailure::TypeError
        );
    }

    #[test]
    fn rejected_install_makes_worker_redundant() {
        let now = Instant::now();
        let mut lifecycle = Lifecycle::new(Some(TIMEOUT));
        lifecycle.start_update(1, now);
        lifecycle.handle(evaluated(1), now);
        let actions = lifecycle.handle(
            finished(1, LifecycleEvent::Install, ExtendOutcome::Rejected),
            now,
        );
        assert_eq!(states(&actions), vec![(1, Redundant)]);
        assert!(actions.contains(&Action::Terminate(1)));
        assert!(actions.contains(&Action::RemoveRegistration));
        assert_eq!(actions.last(), Some(&Action::FinishJob));
        assert_eq!(lifecycle.newest_worker(), None);
        assert_eq!(lifecycle.state_of(1), None);
    }

    #[test]
    fn failed_update_keeps_registration_with_active_worker() {
        let now = Instant::now();
        let mut lifecycle = with_active_worker(1, now);

        lifecycle.start_update(2, now);
        lifecycle.handle(evaluated(2), now);
        let actions = lifecycle.handle(
            finished(2, LifecycleEvent::Install, ExtendOutcome::Rejected),
            now,
        );
        assert!(!actions.contains(&Action::RemoveRegistration));
        assert_eq!(lifecycle.active(), Some(1));
    }

    #[test]
    fn new_worker_replaces_active_one() {
        let now = Instant::now();
        let mut lifecycle = Lifecycle::new(None);
        lifecycle.start_update(1, now);
        lifecycle.handle(evaluated(1), now);
        lifecycle.handle(
            finished(1, LifecycleEvent::Install, ExtendOutcome::Fulfilled),
            now,
        );
        lifecycle.handle(
            finished(1, LifecycleEvent::Activate, ExtendOutcome::Fulfilled),
            now,
        );

        lifecycle.start_update(2, now);
        lifecycle.handle(evaluated(2), now);
        let actions = lifecycle.handle(
            finished(2, LifecycleEvent::Install, ExtendOutcome::Fulfilled),
            now,
        );
        assert_eq!(
            states(&actions),
            vec![(2, Installed), (1, Redundant), (2, Activating)]
        );
        assert!(actions.contains(&Action::Terminate(1)));
        assert_eq!(lifecycle.active(), Some(2));
    }

    #[test]
    fn worker_installed_while_activating_waits() {
        let now = Instant::now();
        let mut lifecycle = Lifecycle::new(None);
        lifecycle.start_update(1, now);
        lifecycle.handle(evaluated(1), now);
        lifecycle.handle(
            finished(1, LifecycleEvent::Install, ExtendOutcome::Fulfilled),
            now,
        );
        // 1 is activating; 2 gets installed meanwhile.
        lifecycle.start_update(2, now);
        lifecycle.handle(evaluated(2), now);
        let actions = lifecycle.handle(
            finished(2, LifecycleEvent::Install, ExtendOutcome::Fulfilled),
            now,
        );
        assert_eq!(states(&actions), vec![(2, Installed)]);
        assert_eq!(lifecycle.waiting(), Some(2));
        // 1's activation ends: 2 is activated next.
        let actions = lifecycle.handle(
            finished(1, LifecycleEvent::Activate, ExtendOutcome::Fulfilled),
            now,
        );
        assert_eq!(
            states(&actions),
            vec![(1, Activated), (1, Redundant), (2, Activating)]
        );
    }

    #[test]
    fn stale_reports_are_ignored() {
        let now = Instant::now();
        let mut lifecycle = Lifecycle::new(None);
        lifecycle.start_update(1, now);
        assert!(lifecycle.handle(evaluated(2), now).is_empty());
        assert!(
            lifecycle
                .handle(
                    finished(1, LifecycleEvent::Install, ExtendOutcome::Fulfilled),
                    now
                )
                .is_empty()
        );
    }

    #[test]
    fn hung_install_times_out() {
        let now = Instant::now();
        let mut lifecycle = Lifecycle::new(Some(TIMEOUT));
        lifecycle.start_update(1, now);
        lifecycle.handle(evaluated(1), now);
        assert_eq!(lifecycle.deadline(), Some(now + TIMEOUT));
        assert!(lifecycle.poll_timeout(now + TIMEOUT / 2).is_empty());
        let actions = lifecycle.poll_timeout(now + TIMEOUT);
        assert_eq!(states(&actions), vec![(1, Redundant)]);
        assert!(actions.contains(&Action::RemoveRegistration));
        assert_eq!(actions.last(), Some(&Action::FinishJob));
        assert!(!lifecycle.job_running());
        // The worker's late answer changes nothing.
        assert!(
            lifecycle
                .handle(
                    finished(1, LifecycleEvent::Install, ExtendOutcome::Fulfilled),
                    now
                )
                .is_empty()
        );
    }

    #[test]
    fn hung_script_times_out() {
        let now = Instant::now();
        let mut lifecycle = Lifecycle::new(Some(TIMEOUT));
        lifecycle.start_update(1, now);
        let actions = lifecycle.poll_timeout(now + TIMEOUT);
        assert_eq!(actions[0], Action::RejectJob(JobFailure::TypeError));
        assert_eq!(actions.last(), Some(&Action::FinishJob));
    }

    #[test]
    fn hung_activate_still_activates() {
        let now = Instant::now();
        let mut lifecycle = Lifecycle::new(Some(TIMEOUT));
        lifecycle.start_update(1, now);
        lifecycle.handle(evaluated(1), now);
        lifecycle.handle(
            finished(1, LifecycleEvent::Install, ExtendOutcome::Fulfilled),
            now,
        );
        let actions = lifecycle.poll_timeout(now + TIMEOUT);
        assert_eq!(states(&actions), vec![(1, Activated)]);
        assert_eq!(lifecycle.activated(), Some(1));
    }

    #[test]
    fn updatefound_once_per_installing_worker() {
        let now = Instant::now();
        let mut lifecycle = Lifecycle::new(None);
        let found = |actions: &[Action<u32>]| {
            actions
                .iter()
                .filter(|a| **a == Action::UpdateFound)
                .count()
        };
        lifecycle.start_update(1, now);
        let actions = lifecycle.handle(evaluated(1), now);
        assert_eq!(found(&actions), 1);
        let resolve = actions.iter().position(|a| *a == Action::ResolveJob);
        let update_found = actions.iter().position(|a| *a == Action::UpdateFound);
        assert!(resolve < update_found, "the job promise resolves first");
        let actions = lifecycle.handle(
            finished(1, LifecycleEvent::Install, ExtendOutcome::Fulfilled),
            now,
        );
        assert_eq!(found(&actions), 0);
        lifecycle.start_update(2, now);
        assert_eq!(found(&lifecycle.handle(evaluated(2), now)), 1);
    }

    #[test]
    fn clear_makes_every_worker_redundant() {
        let now = Instant::now();
        let mut lifecycle = with_active_worker(1, now);
        // 2 is installing when the registration is cleared.
        lifecycle.start_update(2, now);
        lifecycle.handle(evaluated(2), now);

        let actions = lifecycle.clear();
        assert_eq!(states(&actions), vec![(2, Redundant), (1, Redundant)]);
        assert!(actions.contains(&Action::Terminate(1)));
        assert!(actions.contains(&Action::Terminate(2)));
        assert!(actions.contains(&Action::UpdateRegistrationState {
            slot: Slot::Active,
            worker: None
        }));
        assert_eq!(lifecycle.newest_worker(), None);
        assert!(!lifecycle.job_running());
        assert_eq!(lifecycle.deadline(), None);
        // Late reports change nothing.
        assert!(
            lifecycle
                .handle(
                    finished(2, LifecycleEvent::Install, ExtendOutcome::Fulfilled),
                    now
                )
                .is_empty()
        );
    }

    #[test]
    fn clear_while_activating() {
        let now = Instant::now();
        let mut lifecycle = Lifecycle::new(None);
        lifecycle.start_update(1, now);
        lifecycle.handle(evaluated(1), now);
        lifecycle.handle(
            finished(1, LifecycleEvent::Install, ExtendOutcome::Fulfilled),
            now,
        );
        let actions = lifecycle.clear();
        assert_eq!(states(&actions), vec![(1, Redundant)]);
        assert!(
            lifecycle
                .handle(
                    finished(1, LifecycleEvent::Activate, ExtendOutcome::Fulfilled),
                    now
                )
                .is_empty()
        );
    }

    #[test]
    fn unchanged_script_resolves_and_installs_nothing() {
        let now = Instant::now();
        let mut lifecycle = with_active_worker(1, now);
        lifecycle.start_update(2, now);
        let actions = lifecycle.handle(Report::ScriptUnchanged { worker: 2 }, now);
        assert_eq!(
            actions,
            vec![Action::ResolveJob, Action::Terminate(2), Action::FinishJob]
        );
        assert_eq!(lifecycle.active(), Some(1));
        assert_eq!(lifecycle.installing(), None);
        assert_eq!(lifecycle.state_of(2), None);
        assert!(!lifecycle.job_running());
        assert_eq!(lifecycle.deadline(), None);
    }

    #[test]
    fn skip_waiting_tries_to_activate() {
        let now = Instant::now();
        let mut lifecycle = Lifecycle::new(None);
        lifecycle.start_update(1, now);
        lifecycle.handle(evaluated(1), now);
        // While installing, there is no waiting worker to activate yet.
        assert!(
            lifecycle
                .handle(Report::SkipWaiting { worker: 1 }, now)
                .is_empty()
        );
        let actions = lifecycle.handle(
            finished(1, LifecycleEvent::Install, ExtendOutcome::Fulfilled),
            now,
        );
        assert_eq!(states(&actions), vec![(1, Installed), (1, Activating)]);
        // A worker that is gone cannot set its flag.
        assert!(
            lifecycle
                .handle(Report::SkipWaiting { worker: 7 }, now)
                .is_empty()
        );
    }

    fn foreign_fetch_config() -> ForeignFetchConfig {
        ForeignFetchConfig {
            scopes: vec![Url::parse("https://cdn.test/scope/").unwrap()],
            origins: foreign_fetch::registry::AllowedOrigins::Any,
        }
    }

    fn register_foreign_fetch(worker: u32) -> Report<u32> {
        Report::RegisterForeignFetch {
            worker,
            config: foreign_fetch_config(),
        }
    }

    fn foreign_view(lifecycle: &Lifecycle<u32>) -> (RegistryState, bool) {
        let registration = lifecycle.foreign_fetch_registration(
            RegistrationId(1),
            &Url::parse("https://cdn.test/scope/").unwrap(),
        );
        (registration.state, registration.has_foreign_fetch())
    }

    #[test]
    fn foreign_fetch_takes_effect_when_the_worker_activates() {
        let now = Instant::now();
        let mut lifecycle = Lifecycle::new(Some(TIMEOUT));
        assert_eq!(foreign_view(&lifecycle), (RegistryState::Redundant, false));
        lifecycle.start_update(1, now);
        // Not installing yet: ignored.
        assert!(lifecycle.handle(register_foreign_fetch(1), now).is_empty());
        lifecycle.handle(evaluated(1), now);
        assert!(lifecycle.handle(register_foreign_fetch(1), now).is_empty());
        // Installing: no active worker yet.
        assert_eq!(foreign_view(&lifecycle), (RegistryState::Redundant, false));
        lifecycle.handle(
            finished(1, LifecycleEvent::Install, ExtendOutcome::Fulfilled),
            now,
        );
        assert_eq!(foreign_view(&lifecycle), (RegistryState::Activating, true));
        lifecycle.handle(
            finished(1, LifecycleEvent::Activate, ExtendOutcome::Fulfilled),
            now,
        );
        assert_eq!(foreign_view(&lifecycle), (RegistryState::Activated, true));
        // Another worker's report, or one after install: ignored.
        assert!(lifecycle.handle(register_foreign_fetch(7), now).is_empty());

        // A new worker without foreign fetch replaces it.
        lifecycle.start_update(2, now);
        lifecycle.handle(evaluated(2), now);
        lifecycle.handle(
            finished(2, LifecycleEvent::Install, ExtendOutcome::Fulfilled),
            now,
        );
        lifecycle.handle(
            finished(2, LifecycleEvent::Activate, ExtendOutcome::Fulfilled),
            now,
        );
        assert_eq!(lifecycle.activated(), Some(2));
        assert_eq!(foreign_view(&lifecycle), (RegistryState::Activated, false));
    }

    #[test]
    fn foreign_fetch_goes_away_with_a_failed_install_and_clear() {
        let now = Instant::now();
        let mut lifecycle = Lifecycle::new(Some(TIMEOUT));
        lifecycle.start_update(1, now);
        lifecycle.handle(evaluated(1), now);
        lifecycle.handle(register_foreign_fetch(1), now);
        lifecycle.handle(
            finished(1, LifecycleEvent::Install, ExtendOutcome::Rejected),
            now,
        );
        assert_eq!(lifecycle.state_of(1), None);
        assert!(lifecycle.foreign_fetch.is_empty());

        lifecycle.start_update(2, now);
        lifecycle.handle(evaluated(2), now);
        lifecycle.handle(register_foreign_fetch(2), now);
        lifecycle.handle(
            finished(2, LifecycleEvent::Install, ExtendOutcome::Fulfilled),
            now,
        );
        assert_eq!(foreign_view(&lifecycle), (RegistryState::Activating, true));
        lifecycle.clear();
        assert_eq!(foreign_view(&lifecycle), (RegistryState::Redundant, false));
        assert!(lifecycle.foreign_fetch.is_empty());
    }

    #[test]
    fn no_timeout_means_no_deadline() {
        let now = Instant::now();
        let mut lifecycle: Lifecycle<u32> = Lifecycle::new(None);
        lifecycle.start_update(1, now);
        assert_eq!(lifecycle.deadline(), None);
    }
}
