//! The simulation worker: one named background thread that runs forecasts, so the UI never blocks.
//!
//! The app sends [`Job`]s; the worker runs each job's passes (a quick pass, then a refined one
//! that reuses the quick pass's replications, which are bit-identical), in small chunks, and
//! sends [`Message`]s back, calling `request_repaint` after each. A job is cancelled as soon as
//! a newer job is wanted (the shared `wanted` id moves on) or the app cancels it. The replications
//! a cancelled job finished are kept, so the same job asked again resumes from them.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::thread::JoinHandle;
use std::time::Instant;

use caseload::calibration::Posterior;
use caseload::lever::{self, LeverPath};
use caseload::load::Loaded;
use caseload::replicate::{Replications, Run};

use crate::forecast::Forecast;

/// One forecast to run: the scenario with lever settings applied, and the passes to run.
#[derive(Debug, Clone)]
pub struct Job {
    /// Increasing id; the app shows results of the newest job only.
    pub id: u64,
    /// The loaded scenario the levers apply to.
    pub base: Arc<Loaded>,
    /// Lever settings `(path, RON value)`, applied with [`caseload::lever::apply`].
    pub levers: Vec<(LeverPath, String)>,
    /// Replications after each pass, increasing (e.g. `[4, 40]`).
    pub passes: Vec<u32>,
    /// Master seed (the same for every job, so forecasts share common random numbers).
    pub seed: u64,
    /// A calibrated posterior the uncertain inputs are drawn from, if one is in use.
    pub posterior: Option<Arc<Posterior>>,
}

/// What the worker reports.
#[derive(Debug)]
pub enum Message {
    /// Replications done so far of the job's last pass.
    Progress {
        /// The job.
        job: u64,
        /// Replications finished.
        done: u32,
        /// Replications the job will run in all.
        total: u32,
    },
    /// A pass finished; `last` says whether it was the job's final pass.
    Forecast {
        /// The job.
        job: u64,
        /// The forecast.
        forecast: Box<Forecast>,
        /// Whether more passes follow.
        last: bool,
    },
    /// The job could not run (e.g. a lever value the scenario rejects).
    Failed {
        /// The job.
        job: u64,
        /// What went wrong, for the user.
        error: String,
    },
}

/// The replications a cancelled job finished, with what identifies the job.
struct Kept {
    base: Arc<Loaded>,
    levers: Vec<(LeverPath, String)>,
    seed: u64,
    posterior: Option<Arc<Posterior>>,
    run: Run,
}

impl Kept {
    /// Whether `job` asks for the same replications as the job these came from.
    fn fits(&self, job: &Job) -> bool {
        Arc::ptr_eq(&self.base, &job.base)
            && self.levers == job.levers
            && self.seed == job.seed
            && match (&self.posterior, &job.posterior) {
                (Some(a), Some(b)) => Arc::ptr_eq(a, b),
                (None, None) => true,
                _ => false,
            }
    }
}

/// The handle the app holds: send jobs, receive messages.
pub struct Worker {
    jobs: Option<Sender<Job>>,
    messages: Receiver<Message>,
    wanted: Arc<AtomicU64>,
    thread: Option<JoinHandle<()>>,
}

/// Replications run between checks of the cancel flag and progress reports.
const CHUNK: u32 = 4;

impl Worker {
    /// Starts the worker thread `caseload-worker`; it calls `repaint` after each message.
    pub fn spawn(repaint: impl Fn() + Send + 'static) -> std::io::Result<Self> {
        let (job_tx, job_rx) = channel::<Job>();
        let (msg_tx, msg_rx) = channel::<Message>();
        let wanted = Arc::new(AtomicU64::new(0));
        let shared = Arc::clone(&wanted);
        let thread = std::thread::Builder::new()
            .name("caseload-worker".into())
            .spawn(move || work(&job_rx, &msg_tx, &shared, &repaint))?;
        Ok(Worker {
            jobs: Some(job_tx),
            messages: msg_rx,
            wanted,
            thread: Some(thread),
        })
    }

    /// Queues `job`, cancelling any older one.
    pub fn submit(&self, job: Job) {
        self.wanted.store(job.id, Ordering::SeqCst);
        if let Some(jobs) = &self.jobs {
            // A send fails only if the worker has gone; the app then shows no new results.
            let _ = jobs.send(job);
        }
    }

    /// Cancels the running job (its id is no longer wanted).
    pub fn cancel(&self) {
        self.wanted.store(u64::MAX, Ordering::SeqCst);
    }

    /// The next message, if any (never blocks).
    pub fn poll(&self) -> Option<Message> {
        self.messages.try_recv().ok()
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        self.cancel();
        self.jobs = None; // closes the channel, so the worker loop ends
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn work(jobs: &Receiver<Job>, out: &Sender<Message>, wanted: &AtomicU64, repaint: &dyn Fn()) {
    let send = |m: Message| {
        let _ = out.send(m);
        repaint();
    };
    let mut kept: Option<Kept> = None;
    while let Ok(mut job) = jobs.recv() {
        // Only the newest queued job matters.
        while let Ok(newer) = jobs.try_recv() {
            job = newer;
        }
        let current = || wanted.load(Ordering::SeqCst) == job.id;
        if !current() {
            continue;
        }
        let started = Instant::now();
        let settings: Vec<(&LeverPath, &str)> =
            job.levers.iter().map(|(p, v)| (p, v.as_str())).collect();
        let loaded = if settings.is_empty() {
            None
        } else {
            match lever::apply(&job.base, &settings) {
                Ok(l) => Some(l),
                Err(e) => {
                    send(Message::Failed {
                        job: job.id,
                        error: e.to_string(),
                    });
                    continue;
                }
            }
        };
        let scenario = loaded.map_or_else(|| Arc::clone(&job.base), Arc::new);
        // Uncertain values are drawn afresh for each replication, as `caseload run` does.
        let replications = match Replications::of_with(&scenario, job.posterior.as_deref()) {
            Ok(r) => r,
            Err(e) => {
                send(Message::Failed {
                    job: job.id,
                    error: e.to_string(),
                });
                continue;
            }
        };
        let total = job.passes.last().copied().unwrap_or(0);
        // A job asked again after it was cancelled resumes from the replications it finished.
        let mut parts: Vec<Run> = match kept.take() {
            Some(k) if k.fits(&job) => vec![k.run],
            _ => Vec::new(),
        };
        let mut done = parts.first().map_or(0, |r| r.results.replications() as u32);
        'passes: for (k, &pass) in job.passes.iter().enumerate() {
            while done < pass {
                if !current() {
                    kept = Run::concat(std::mem::take(&mut parts)).map(|run| Kept {
                        base: Arc::clone(&job.base),
                        levers: job.levers.clone(),
                        seed: job.seed,
                        posterior: job.posterior.clone(),
                        run,
                    });
                    break 'passes;
                }
                let end = (done + CHUNK).min(pass);
                let indices: Vec<u64> = (u64::from(done)..u64::from(end)).collect();
                match replications.run_indices(&indices, job.seed, None, &|| {}) {
                    Ok(run) => parts.push(run),
                    Err(e) => {
                        send(Message::Failed {
                            job: job.id,
                            error: e.to_string(),
                        });
                        break 'passes;
                    }
                }
                done = end;
                send(Message::Progress {
                    job: job.id,
                    done,
                    total,
                });
            }
            if let Some(run) = Run::concat(std::mem::take(&mut parts)) {
                let results = run.results.clone();
                parts = vec![run];
                send(Message::Forecast {
                    job: job.id,
                    forecast: Box::new(Forecast::new(
                        Arc::clone(&scenario),
                        results,
                        started.elapsed(),
                    )),
                    last: k + 1 == job.passes.len(),
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    /// The baseline cut to a year, so a replication is quick.
    fn year() -> Arc<Loaded> {
        let base = caseload::load::baseline().expect("the baseline");
        let months: LeverPath = "calendar.months".parse().unwrap();
        let holidays: LeverPath = "calendar.bank_holidays".parse().unwrap();
        Arc::new(lever::apply(&base, &[(&months, "12"), (&holidays, "[]")]).expect("valid"))
    }

    fn job(id: u64, base: &Arc<Loaded>) -> Job {
        Job {
            id,
            base: Arc::clone(base),
            levers: Vec::new(),
            passes: vec![4, 40],
            seed: 1,
            posterior: None,
        }
    }

    /// The next message, waiting at most a minute.
    fn next(worker: &Worker) -> Message {
        for _ in 0..6000 {
            if let Some(m) = worker.poll() {
                return m;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        panic!("the worker said nothing for a minute");
    }

    #[test]
    fn a_cancelled_job_asked_again_resumes_from_the_replications_it_finished() {
        let base = year();
        let worker = Worker::spawn(|| {}).expect("a worker");
        worker.submit(job(1, &base));
        // Cancel as soon as the quick pass is back: its four replications are kept.
        loop {
            if let Message::Forecast { .. } = next(&worker) {
                break;
            }
        }
        worker.cancel();
        // Let the worker notice, then drain what it sent before it did.
        std::thread::sleep(Duration::from_millis(300));
        while worker.poll().is_some() {}
        worker.submit(job(2, &base));
        // The first progress of the job asked again counts from what was kept: at least one
        // chunk beyond the quick pass (a fresh start would say 4).
        let done = loop {
            match next(&worker) {
                Message::Progress { job: 2, done, .. } => break done,
                Message::Failed { error, .. } => panic!("{error}"),
                _ => {}
            }
        };
        assert!(done >= 8, "started afresh: {done}");
    }
}
