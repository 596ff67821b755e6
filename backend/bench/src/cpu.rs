//! CPU time of this process (server and load together) and the machine's steal time, read
//! from `/proc`, so a run can say how much CPU each request cost: a steadier figure than
//! requests per second on a shared virtual machine.

use std::time::Instant;

/// Clock ticks per second of `/proc` figures (USER_HZ, 100 on Linux).
const TICKS_PER_SECOND: f64 = 100.0;

#[derive(Debug, Clone, Copy)]
pub struct Sample {
    at: Instant,
    /// This process's user + system ticks.
    process_ticks: u64,
    /// The machine's ticks stolen by the hypervisor, and all ticks (every core).
    steal_ticks: u64,
    total_ticks: u64,
}

/// What happened between two samples.
#[derive(Debug, Clone, Copy, Default)]
pub struct Usage {
    /// CPU seconds this process used.
    pub cpu_seconds: f64,
    /// Cores busy on average with this process.
    pub cores: f64,
    /// Share of the machine's time stolen by the hypervisor (0..1).
    pub steal: f64,
}

pub fn sample() -> Sample {
    let (steal_ticks, total_ticks) = machine_ticks().unwrap_or((0, 0));
    Sample {
        at: Instant::now(),
        process_ticks: process_ticks().unwrap_or(0),
        steal_ticks,
        total_ticks,
    }
}

impl Sample {
    pub fn until(self, later: Sample) -> Usage {
        let cpu_seconds = later.process_ticks.saturating_sub(self.process_ticks) as f64 / TICKS_PER_SECOND;
        let wall = later.at.duration_since(self.at).as_secs_f64().max(1e-9);
        let total = later.total_ticks.saturating_sub(self.total_ticks);
        Usage {
            cpu_seconds,
            cores: cpu_seconds / wall,
            steal: if total == 0 {
                0.0
            } else {
                later.steal_ticks.saturating_sub(self.steal_ticks) as f64 / total as f64
            },
        }
    }
}

/// utime + stime of `/proc/self/stat` (fields 14 and 15, after the parenthesised name).
fn process_ticks() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let after_name = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    // after_name starts at field 3 (state): utime is field 14, stime 15.
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some(utime + stime)
}

/// (steal, total) of the first line of `/proc/stat`.
fn machine_ticks() -> Option<(u64, u64)> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let line = stat.lines().next()?;
    let values: Vec<u64> = line.split_whitespace().skip(1).filter_map(|v| v.parse().ok()).collect();
    // user nice system idle iowait irq softirq steal guest guest_nice; guests are in user.
    let total = values.iter().take(8).sum();
    Some((*values.get(7)?, total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_process_has_cpu_time() {
        let before = sample();
        let mut x = 0u64;
        for i in 0..20_000_000u64 {
            x = x.wrapping_mul(31).wrapping_add(i);
        }
        std::hint::black_box(x);
        let usage = before.until(sample());
        assert!(usage.cpu_seconds >= 0.0 && usage.steal >= 0.0 && usage.steal <= 1.0);
    }
}
