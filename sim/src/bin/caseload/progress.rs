//! Progress on stderr: a bar on a terminal, a logged line in a batch job.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};

/// Progress on stderr unless silenced: a bar on a terminal; otherwise (a batch job, a CI log) a
/// line every [`progress_interval`], through the writing that follows the last replication.
pub(crate) fn progress_bar(len: u64, message: &str, quiet: bool) -> ProgressBar {
    if quiet {
        return ProgressBar::hidden();
    }
    if !std::io::stderr().is_terminal() {
        return logged_progress(len, message, "replications");
    }
    let bar = ProgressBar::new(len);
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} replications, {eta} left")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_message(message.to_string());
    bar
}

/// How often progress is logged when stderr is not a terminal: `CASELOAD_PROGRESS_SECONDS`
/// (a number of seconds above 0), else 10 s.
fn progress_interval() -> std::time::Duration {
    std::env::var("CASELOAD_PROGRESS_SECONDS")
        .ok()
        .and_then(|s| s.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s > 0.0 && *s < 86_400.0)
        .map_or(
            std::time::Duration::from_secs(10),
            std::time::Duration::from_secs_f64,
        )
}

/// A progress bar that draws nothing but is logged as a line on stderr every
/// [`progress_interval`] (counting `unit`s), and once it is finished, while the command
/// finishes its work and writes its files.
pub(crate) fn logged_progress(len: u64, message: &str, unit: &'static str) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(len), indicatif::ProgressDrawTarget::hidden());
    bar.set_message(message.to_string());
    let logged = bar.clone();
    let every = progress_interval();
    std::thread::spawn(move || {
        loop {
            std::thread::sleep(every);
            let elapsed = indicatif::HumanDuration(logged.elapsed());
            let line = if logged.is_finished() {
                format!(
                    "{}: {unit} done; finishing and writing the output ({elapsed} elapsed)",
                    logged.message()
                )
            } else {
                let left = match logged.position() {
                    0 => "time left not yet known".to_string(),
                    _ => format!("about {} left", indicatif::HumanDuration(logged.eta())),
                };
                format!(
                    "{}: {}/{} {unit}, {elapsed} elapsed, {left}",
                    logged.message(),
                    logged.position(),
                    logged.length().unwrap_or(0),
                )
            };
            eprintln!("{line}");
        }
    });
    bar
}
