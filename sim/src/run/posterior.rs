//! A calibrated posterior (`posterior.csv`, written by `caseload calibrate`) read back, so that a
//! forecast's replications draw their uncertain inputs from it instead of the prior
//! (`caseload run --posterior`).

use std::fmt;

/// The weighted particles of a posterior.
#[derive(Debug, Clone, PartialEq)]
pub struct Posterior {
    /// The uncertain paths, in column order.
    pub paths: Vec<String>,
    /// Each particle's values, in path order.
    pub particles: Vec<Vec<f64>>,
    /// Running sums of the weights, normalised to end at 1.
    cumulative: Vec<f64>,
}

/// A posterior file that cannot be used, with the line at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct PosteriorError {
    /// The file, as named.
    pub file: String,
    /// Line (1-based; the header is line 1).
    pub line: usize,
    /// What was expected and what was found.
    pub message: String,
}

impl fmt::Display for PosteriorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}

/// The fields of one line of posterior.csv: paths in the header may be quoted (they hold commas
/// only when a map key does), numbers never are.
fn split(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let (mut field, mut quoted) = (String::new(), false);
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            '"' => quoted = !quoted,
            ',' if !quoted => out.push(std::mem::take(&mut field)),
            _ => field.push(c),
        }
    }
    out.push(field);
    out
}

impl Posterior {
    /// Reads posterior.csv text (named `file` in messages): `particle,weight`, then one column per
    /// uncertain path; weights finite and >= 0, not all 0; values finite.
    pub fn parse(file: &str, text: &str) -> Result<Posterior, PosteriorError> {
        let fail = |line: usize, message: String| PosteriorError {
            file: file.into(),
            line,
            message,
        };
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut lines = text.lines().enumerate().map(|(i, l)| (i + 1, l));
        let header = lines.next().map(|(_, l)| split(l)).unwrap_or_default();
        if header.len() < 3 || header[0] != "particle" || header[1] != "weight" {
            return Err(fail(
                1,
                "expected the header of a posterior.csv: particle,weight, then one column per \
                 uncertain path"
                    .into(),
            ));
        }
        let paths: Vec<String> = header[2..].to_vec();
        if let Some(p) = paths
            .iter()
            .enumerate()
            .find_map(|(i, p)| paths[..i].contains(p).then_some(p))
        {
            return Err(fail(1, format!("the path {p} is given twice")));
        }
        let (mut particles, mut weights) = (Vec::new(), Vec::new());
        for (line, text) in lines {
            if text.trim().is_empty() {
                continue;
            }
            let fields = split(text);
            if fields.len() != header.len() {
                return Err(fail(
                    line,
                    format!(
                        "expected {} fields as in the header, found {}",
                        header.len(),
                        fields.len()
                    ),
                ));
            }
            let number = |k: usize| -> Result<f64, PosteriorError> {
                fields[k]
                    .trim()
                    .parse::<f64>()
                    .ok()
                    .filter(|x| x.is_finite())
                    .ok_or_else(|| {
                        fail(
                            line,
                            format!("{}: expected a number, found \"{}\"", header[k], fields[k]),
                        )
                    })
            };
            let weight = number(1)?;
            if weight < 0.0 {
                return Err(fail(line, format!("weight: must be >= 0, found {weight}")));
            }
            weights.push(weight);
            particles.push((2..header.len()).map(number).collect::<Result<_, _>>()?);
        }
        Posterior::weighted(paths, particles, &weights).ok_or_else(|| {
            fail(
                1,
                "no particle has any weight: expected at least one row with a weight above 0"
                    .into(),
            )
        })
    }

    /// The posterior of `particles` (each in `paths` order) with `weights` (each >= 0); `None`
    /// when no particle has any weight.
    pub fn weighted(
        paths: Vec<String>,
        particles: Vec<Vec<f64>>,
        weights: &[f64],
    ) -> Option<Posterior> {
        let total: f64 = weights.iter().sum();
        if !(total > 0.0 && total.is_finite()) || particles.len() != weights.len() {
            return None;
        }
        let mut running = 0.0;
        let cumulative = weights
            .iter()
            .map(|w| {
                running += w / total;
                running
            })
            .collect();
        Some(Posterior {
            paths,
            particles,
            cumulative,
        })
    }

    /// The particle a uniform draw `u` in [0, 1) picks, in proportion to the weights.
    pub fn pick(&self, u: f64) -> &[f64] {
        let i = self
            .cumulative
            .partition_point(|&c| c <= u)
            .min(self.particles.len() - 1);
        &self.particles[i]
    }

    /// The smallest and largest value of column `k` over the particles with any weight.
    pub fn range(&self, k: usize) -> (f64, f64) {
        let mut previous = 0.0;
        let mut range = (f64::INFINITY, f64::NEG_INFINITY);
        for (p, &c) in self.particles.iter().zip(&self.cumulative) {
            if c > previous {
                range = (range.0.min(p[k]), range.1.max(p[k]));
            }
            previous = c;
        }
        range
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn particles_are_picked_in_proportion_to_their_weights() {
        let p = Posterior::parse(
            "p.csv",
            "particle,weight,\"a[x,y]\",b\n0,1,0.1,10\n1,0,0.2,20\n2,3,0.3,30\n",
        )
        .expect("a posterior");
        assert_eq!(p.paths, ["a[x,y]", "b"]);
        assert_eq!(p.pick(0.0), [0.1, 10.0]);
        assert_eq!(p.pick(0.2499), [0.1, 10.0]);
        assert_eq!(
            p.pick(0.25),
            [0.3, 30.0],
            "the weightless particle is never picked"
        );
        assert_eq!(p.pick(0.9999), [0.3, 30.0]);
        assert_eq!(
            p.range(0),
            (0.1, 0.3),
            "the weightless 0.2 is inside anyway"
        );
        assert_eq!(p.range(1), (10.0, 30.0));
    }

    #[test]
    fn damaged_files_are_refused_with_their_line() {
        let bad = |text: &str| Posterior::parse("p.csv", text).unwrap_err().to_string();
        assert!(bad("id,weight,a\n").starts_with("p.csv:1: expected the header"));
        assert_eq!(
            bad("particle,weight,a\n0,1\n"),
            "p.csv:2: expected 3 fields as in the header, found 2"
        );
        assert_eq!(
            bad("particle,weight,a\n0,1,x\n"),
            "p.csv:2: a: expected a number, found \"x\""
        );
        assert_eq!(
            bad("particle,weight,a\n0,-1,0\n"),
            "p.csv:2: weight: must be >= 0, found -1"
        );
        assert!(bad("particle,weight,a\n0,0,0\n").contains("no particle has any weight"));
        assert!(bad("particle,weight,a,a\n").contains("the path a is given twice"));
        // A spreadsheet's byte-order mark is not part of the header.
        let p = Posterior::parse("p.csv", "\u{feff}particle,weight,a\n0,1,0.5\n").expect("read");
        assert_eq!(p.paths, ["a"]);
    }
}
