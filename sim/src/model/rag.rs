//! Red/amber/green status: one rule, defined here and used by the board report, the printed
//! summary and the desktop app, so a forecast reads the same wherever it is read. The thresholds
//! are scenario data ([`crate::scenario::RagThresholds`]); [`RagRule`] is their validated form.

use crate::scenario::RagThresholds;

/// A red/amber/green status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Rag {
    /// On track.
    Green,
    /// Close: watch.
    Amber,
    /// Off track.
    Red,
}

impl Rag {
    /// `"green"`, `"amber"` or `"red"`: the word shown in a cell and its CSS class.
    pub fn as_str(self) -> &'static str {
        match self {
            Rag::Green => "green",
            Rag::Amber => "amber",
            Rag::Red => "red",
        }
    }

    /// The status in words for a screen (never colour alone).
    pub fn word(self) -> &'static str {
        match self {
            Rag::Green => "Green: on track",
            Rag::Amber => "Amber: close",
            Rag::Red => "Red: off track",
        }
    }
}

/// The rule every status is set by: validated thresholds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RagRule {
    /// Caseload per HV WTE at or below which a district is green.
    pub caseload_green: f64,
    /// Caseload per HV WTE at or below which a district is amber (above it, red).
    pub caseload_amber: f64,
    /// How far below its target (percentage points) a review's median may be and still be amber.
    pub compliance_amber_points: f64,
}

impl Default for RagRule {
    fn default() -> Self {
        RagRule::from(&RagThresholds::default())
    }
}

impl From<&RagThresholds> for RagRule {
    /// The rule of thresholds already checked by [`crate::validate`].
    fn from(t: &RagThresholds) -> Self {
        RagRule {
            caseload_green: t.caseload_green,
            caseload_amber: t.caseload_amber,
            compliance_amber_points: t.compliance_amber_points,
        }
    }
}

/// Room for float round-off at a band's edge (0.86 - 0.81 is not exactly 0.05).
const EDGE: f64 = 1e-9;

impl RagRule {
    /// A review's median share on time against its target: green at or above it, amber up to
    /// [`RagRule::compliance_amber_points`] below it, red further below; `None` when undefined.
    pub fn compliance(&self, median: f64, target: f64) -> Option<Rag> {
        if median.is_nan() || target.is_nan() {
            return None;
        }
        // Compared in percentage points.
        let shortfall = (target - median) * 100.0;
        Some(if shortfall <= EDGE {
            Rag::Green
        } else if shortfall <= self.compliance_amber_points + EDGE {
            Rag::Amber
        } else {
            Rag::Red
        })
    }

    /// A median caseload per HV WTE: green at or below [`RagRule::caseload_green`], amber at or
    /// below [`RagRule::caseload_amber`], red above; `None` when undefined.
    pub fn caseload(&self, median: f64) -> Option<Rag> {
        if median.is_nan() {
            None
        } else if median <= self.caseload_green {
            Some(Rag::Green)
        } else if median <= self.caseload_amber {
            Some(Rag::Amber)
        } else {
            Some(Rag::Red)
        }
    }

    /// The rule in one sentence, as the app, the printed summary and the report state it.
    pub fn in_words(&self) -> String {
        let points = trimmed(self.compliance_amber_points);
        format!(
            "Reviews are green when the median share done on time is at or above the target, \
             amber up to {points} percentage point{} below it, red further below. Caseload per \
             health-visitor WTE is green at {} or fewer, amber at {} or fewer, red above.",
            if points == "1" { "" } else { "s" },
            trimmed(self.caseload_green),
            trimmed(self.caseload_amber),
        )
    }
}

/// A threshold as written: `350`, `2.5`.
pub(crate) fn trimmed(x: f64) -> String {
    let text = format!("{x:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_rule_is_the_reports_rule() {
        let rule = RagRule::default();
        assert_eq!(rule.compliance(0.86, 0.86), Some(Rag::Green));
        assert_eq!(rule.compliance(0.90, 0.86), Some(Rag::Green));
        assert_eq!(rule.compliance(0.81, 0.86), Some(Rag::Amber));
        assert_eq!(rule.compliance(0.8099, 0.86), Some(Rag::Red));
        assert_eq!(rule.compliance(f64::NAN, 0.86), None);
        assert_eq!(rule.caseload(350.0), Some(Rag::Green));
        assert_eq!(rule.caseload(350.1), Some(Rag::Amber));
        assert_eq!(rule.caseload(450.0), Some(Rag::Amber));
        assert_eq!(rule.caseload(450.1), Some(Rag::Red));
        assert_eq!(rule.caseload(f64::NAN), None);
        assert_eq!(Rag::Amber.as_str(), "amber");
        assert_eq!(
            rule.in_words(),
            "Reviews are green when the median share done on time is at or above the target, \
             amber up to 5 percentage points below it, red further below. Caseload per \
             health-visitor WTE is green at 350 or fewer, amber at 450 or fewer, red above."
        );
    }

    #[test]
    fn thresholds_from_the_scenario_move_the_bands() {
        let rule = RagRule::from(&RagThresholds {
            caseload_green: 250.0,
            caseload_amber: 300.0,
            compliance_amber_points: 2.5,
        });
        assert_eq!(rule.caseload(260.0), Some(Rag::Amber));
        assert_eq!(rule.caseload(301.0), Some(Rag::Red));
        assert_eq!(rule.compliance(0.84, 0.86), Some(Rag::Amber));
        assert_eq!(rule.compliance(0.835, 0.86), Some(Rag::Amber));
        assert_eq!(rule.compliance(0.834, 0.86), Some(Rag::Red));
        assert!(rule.in_words().contains("2.5 percentage points"));
        assert!(
            rule.in_words()
                .contains("green at 250 or fewer, amber at 300")
        );
    }
}
