//! Validation of training pipelines: roles, lengths, shares, placement and intakes.

use std::collections::HashMap;

use super::Checker;
use super::workforce::Ids;
use crate::calendar::Calendar;
use crate::locate::FieldPath;
use crate::model::{PipelineModel, PlacementModel};
use crate::scenario::{Placement, Scenario};

/// Most entrants in one intake, and most intakes a pipeline may expand to.
const MAX_INTAKE_SIZE: u32 = 100_000;
const MAX_INTAKES: usize = 10_000;
/// Most entrants over the run, across pipelines.
const MAX_ENTRANTS: u64 = 1_000_000;
/// Smallest WTE of an entrant: a hundredth of a post.
const MIN_WTE: f64 = 0.01;

impl Checker {
    /// Placement shares by district.
    fn placement(
        &mut self,
        p: FieldPath,
        placement: &Placement,
        districts: &HashMap<String, usize>,
    ) -> PlacementModel {
        match placement {
            Placement::Pressure => PlacementModel::Pressure,
            Placement::Split(shares) => {
                let mut out = vec![0.0; super::slots(districts)];
                for (k, &x) in shares {
                    self.probability(p.key(k), x);
                    if let Some(d) = self.district_id(p.key(k), k, districts) {
                        out[d as usize] = x;
                    }
                }
                let sum: f64 = shares.values().sum();
                if (sum - 1.0).abs() > super::SUM_TOLERANCE {
                    self.err(p, format!("shares must sum to 1, they sum to {sum}"));
                }
                PlacementModel::Split(out)
            }
        }
    }

    /// Training pipelines and their intakes.
    pub(super) fn pipelines(
        &mut self,
        s: &Scenario,
        ids: &Ids,
        cal: Option<&Calendar>,
    ) -> Vec<PipelineModel> {
        let list = FieldPath::root().field("pipelines");
        self.ids(list.clone(), s.pipelines.iter().map(|p| p.id.as_str()), 64);
        let mut out = Vec::new();
        let mut entrants = 0u64;
        for (i, pl) in s.pipelines.iter().enumerate() {
            let p = list.index(i);
            let training_role =
                self.role_id(p.field("training_role"), &pl.training_role, ids.roles);
            let qualifies_as = self.role_id(p.field("qualifies_as"), &pl.qualifies_as, ids.roles);
            if !(1..=60).contains(&pl.length_months) {
                self.err(
                    p.field("length_months"),
                    format!("must be 1 to 60 months, found {}", pl.length_months),
                );
            }
            if let Some(registration) = &pl.registration {
                self.days_distribution(p.field("registration"), registration);
            }
            self.probability(p.field("attrition"), pl.attrition);
            self.probability(p.field("productive_share_start"), pl.productive_share_start);
            self.probability(p.field("productive_share_end"), pl.productive_share_end);
            self.non_negative(p.field("annual_cost"), pl.annual_cost);
            if !(pl.wte > 0.0 && pl.wte <= 1.0) {
                self.err(
                    p.field("wte"),
                    format!("must be more than 0 and at most 1, found {}", pl.wte),
                );
            } else if pl.wte < MIN_WTE {
                // An entrant's pay is annual_cost / wte a year per WTE: a tiny wte makes it infinite.
                self.err(
                    p.field("wte"),
                    format!("must be at least {MIN_WTE}, found {:e}", pl.wte),
                );
            }
            let placement = self.placement(p.field("placement"), &pl.placement, ids.districts);
            if let Some(pr) = &pl.preceptorship {
                if !(1..=60).contains(&pr.months) {
                    self.err(
                        p.field("preceptorship").field("months"),
                        format!("must be 1 to 60, found {}", pr.months),
                    );
                }
                self.probability(
                    p.field("preceptorship").field("starting_share"),
                    pr.starting_share,
                );
            }
            let mut intakes = Vec::new();
            for (j, intake) in pl.intakes.iter().enumerate() {
                let ip = p.field("intakes").index(j);
                if intake.size > MAX_INTAKE_SIZE {
                    self.err(
                        ip.field("size"),
                        format!(
                            "at most {MAX_INTAKE_SIZE} entrants an intake, found {}",
                            intake.size
                        ),
                    );
                }
                let Some(cal) = cal else { continue };
                let Some(first) = self.day(ip.field("start"), &intake.start, Some(cal), true)
                else {
                    continue;
                };
                let finishes = cal.add(
                    first,
                    crate::scenario::Offset::Months(pl.length_months as i32),
                );
                if finishes < 0 {
                    self.err(
                        ip.field("start"),
                        "the programme ends before the run starts",
                    );
                    continue;
                }
                let until = match &intake.until {
                    Some(u) => self.day(ip.field("until"), u, Some(cal), true),
                    None => Some(cal.days() - 1),
                };
                if until.is_some_and(|u| u < first) {
                    self.err(ip.field("until"), "must not be before start");
                }
                match intake.every_months {
                    None => intakes.push((first, intake.size)),
                    Some(0) => self.err(ip.field("every_months"), "must be at least 1"),
                    Some(every) => {
                        let until = until.unwrap_or(first);
                        // Saturating: a huge `every_months` (up to u32::MAX) lands past `until`.
                        let every = i32::try_from(every).unwrap_or(i32::MAX);
                        let mut k: i32 = 0;
                        loop {
                            let months = k.saturating_mul(every);
                            let day = cal.add(first, crate::scenario::Offset::Months(months));
                            if day > until || intakes.len() > MAX_INTAKES {
                                break;
                            }
                            intakes.push((day, intake.size));
                            k += 1;
                        }
                    }
                }
            }
            if intakes.len() > MAX_INTAKES {
                self.err(p.field("intakes"), format!("at most {MAX_INTAKES} intakes"));
            }
            intakes.sort_by_key(|&(d, _)| d);
            entrants += intakes.iter().map(|&(_, n)| u64::from(n)).sum::<u64>();
            let (Some(training_role), Some(qualifies_as)) = (training_role, qualifies_as) else {
                continue;
            };
            out.push(PipelineModel {
                id: pl.id.clone(),
                kind: pl.kind,
                training_role,
                qualifies_as,
                length_months: pl.length_months,
                registration: pl.registration,
                attrition: pl.attrition,
                share_start: pl.productive_share_start,
                share_end: pl.productive_share_end,
                annual_cost: pl.annual_cost,
                wte: pl.wte,
                placement,
                preceptorship: pl.preceptorship.map(|p| (p.months, p.starting_share)),
                intakes,
            });
        }
        if entrants > MAX_ENTRANTS {
            self.err(list, format!("at most {MAX_ENTRANTS} entrants in all pipelines over the run, found {entrants}"));
        }
        out
    }
}
