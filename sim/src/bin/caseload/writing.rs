//! Where a command writes: its destinations made ready before it runs, failures to write mapped
//! to exit codes, and a clean stop on SIGINT or SIGTERM.

use caseload::output;

use crate::Failure;

/// On SIGINT or SIGTERM: removes the temporaries being written and the output folder's lock,
/// and exits as the signal would (130, 143). Files already in place stay; a commit under way
/// finishes first, so no set is left half replaced by an interruption.
#[cfg(unix)]
pub(crate) fn stop_cleanly_on_signals() {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM]) else {
        return;
    };
    std::thread::spawn(move || {
        if let Some(signal) = signals.forever().next() {
            output::abandon();
            eprintln!(
                "\ninterrupted: stopped without leaving partial files; earlier output is as it was"
            );
            std::process::exit(128 + signal);
        }
    });
}

/// Makes ready where a command will write, before it does any work ([`output::prepare`]): the
/// output `folder`'s lock, held until the returned value is dropped, names this process and its
/// command line to any other command that tries the folder meanwhile.
pub(crate) fn prepare(
    folder: Option<&std::path::Path>,
    names: &[&str],
    files: &[&std::path::Path],
) -> Result<output::Prepared, Failure> {
    let command: Vec<String> = std::env::args().collect();
    let holder = format!(
        "pid {}: {}, since {}",
        std::process::id(),
        command.join(" "),
        jiff::Timestamp::now().strftime("%Y-%m-%d %H:%M:%S UTC")
    );
    output::prepare(folder, names, files, &holder)
        .map_err(not_written("cannot write the output".to_string()))
}

/// The failure of writing output, with `context`: a destination that cannot take a file is bad
/// input (exit 2); anything else is not (exit 1).
pub(crate) fn not_written(context: String) -> impl FnOnce(output::OutputError) -> Failure {
    move |e| {
        let input = e.is_input();
        let e = anyhow::Error::new(e).context(context);
        if input {
            Failure::Input(e)
        } else {
            Failure::Other(e)
        }
    }
}
