//! `caseload run --stats`: what a run cost, on standard error, for benchmarks (see
//! docs/benchmarks.md and `scripts/bench.sh`).

use crate::Completed;

/// One line: replications, their wall time, events processed and per second, the seconds the
/// summary and the output files took after them, and the process's peak memory so far.
pub(crate) fn line(run: &Completed, writing: std::time::Duration) -> String {
    let seconds = run.record.wall_seconds;
    let events = run.stats.events;
    let per_second = if seconds > 0.0 {
        format!("{:.2} M events/s", events as f64 / seconds / 1e6)
    } else {
        "- events/s".to_string()
    };
    let memory = peak_memory_kib().map_or_else(
        || "peak memory unknown (no /proc/self/status)".to_string(),
        |kib| format!("peak memory {:.1} MiB", kib as f64 / 1024.0),
    );
    format!(
        "stats: {} replications on {} threads in {seconds:.3} s; {events} events, {per_second}; \
         summary and files in {:.3} s; {memory}",
        run.record.replications,
        run.record.threads,
        writing.as_secs_f64()
    )
}

/// The process's peak resident set size in KiB (`VmHWM` in `/proc/self/status`), where Linux
/// reports it.
fn peak_memory_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    parse_vm_hwm(&status)
}

/// The `VmHWM:` figure of a `/proc/<pid>/status` text, in KiB.
fn parse_vm_hwm(status: &str) -> Option<u64> {
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))?
        .trim()
        .strip_suffix("kB")?
        .trim()
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::parse_vm_hwm;

    #[test]
    fn reads_the_peak_resident_set_from_proc_status() {
        let status = "Name:\tcaseload\nVmPeak:\t  900000 kB\nVmHWM:\t   20196 kB\nVmRSS:\t 1 kB\n";
        assert_eq!(parse_vm_hwm(status), Some(20196));
        assert_eq!(parse_vm_hwm("Name:\tx\n"), None);
        assert_eq!(parse_vm_hwm("VmHWM:\tlots kB\n"), None);
    }
}
