//! Validation of the districts: their children, births, need mix, migration and staff, and the
//! bounds that keep a scenario's size sane.

use std::collections::HashMap;

use super::{Checker, SUM_TOLERANCE, unknown};
use crate::locate::FieldPath;
use crate::model::{DistrictModel, RoleIx, limits, monthly_probability};
use crate::scenario::Scenario;

impl Checker {
    pub(super) fn districts(
        &mut self,
        s: &Scenario,
        level_ids: &HashMap<String, usize>,
        role_ids: &HashMap<String, usize>,
        district_ids: &HashMap<String, usize>,
    ) -> Vec<DistrictModel> {
        let list = FieldPath::root().field("districts");
        if s.districts.is_empty() {
            self.err(list.clone(), "must define at least one district");
        }
        let (mut children, mut births, mut arrivals, mut wte) = (0u64, 0.0, 0.0, 0.0);
        let mut out = Vec::new();
        for (i, d) in s.districts.iter().enumerate() {
            let p = list.index(i);
            if d.children_by_age.len() > limits::MAX_AGE_YEARS {
                self.err(
                    p.field("children_by_age"),
                    format!(
                        "at most {} ages (0 to {}) allowed, found {}",
                        limits::MAX_AGE_YEARS,
                        limits::MAX_AGE_YEARS - 1,
                        d.children_by_age.len()
                    ),
                );
            }
            children += d.children_by_age.iter().map(|&c| u64::from(c)).sum::<u64>();
            self.non_negative(p.field("births_per_year"), d.births_per_year);
            // Births grow (or shrink) by the trend each year: bound the largest year of the run.
            let years = f64::from(s.calendar.months.min(limits::MAX_MONTHS)) / 12.0;
            births +=
                d.births_per_year * (1.0 + d.births_trend.clamp(-1.0, 1.0)).max(1.0).powf(years);
            if !(d.births_trend.is_finite() && d.births_trend > -1.0 && d.births_trend <= 1.0) {
                self.err(
                    p.field("births_trend"),
                    format!(
                        "must be more than -1 and at most 1, found {}",
                        d.births_trend
                    ),
                );
            }
            let need_mix_cdf =
                self.distribution(p.field("need_mix"), &d.need_mix, level_ids, "need level");

            let m = &d.migration;
            let mp = p.field("migration");
            self.non_negative(mp.field("arrivals_per_year"), m.arrivals_per_year);
            arrivals += m.arrivals_per_year;
            self.probability(mp.field("leave_rate"), m.leave_rate);
            let mut move_cdf = vec![monthly_probability(m.leave_rate.clamp(0.0, 1.0))];
            let mut move_targets = Vec::new();
            for (k, &x) in &m.moves {
                self.probability(mp.field("moves").key(k), x);
                match district_ids.get(k) {
                    Some(&j) if j == i => self.err(
                        mp.field("moves").key(k),
                        "a district cannot move children to itself",
                    ),
                    Some(&j) => {
                        let acc = move_cdf.last().copied().unwrap_or(0.0);
                        move_cdf.push(acc + monthly_probability(x.clamp(0.0, 1.0)));
                        move_targets.push(j as u16);
                    }
                    None => self.err(
                        mp.field("moves").key(k),
                        unknown("district", k, district_ids),
                    ),
                }
            }
            let total = m.leave_rate + m.moves.values().sum::<f64>();
            if total > 1.0 + SUM_TOLERANCE {
                self.err(
                    mp.clone(),
                    format!("leave_rate and moves together must be at most 1 a year, they sum to {total}"),
                );
            }

            let mut staff = Vec::new();
            for (k, &x) in &d.staff {
                let sp = p.field("staff").key(k);
                self.non_negative(sp.clone(), x);
                wte += x;
                match role_ids.get(k) {
                    Some(&r) => staff.push((r as RoleIx, x)),
                    None => self.err(sp, unknown("role", k, role_ids)),
                }
            }
            out.push(DistrictModel {
                id: d.id.clone(),
                name: d.name.clone(),
                children_by_age: d.children_by_age.clone(),
                births_per_day: d.births_per_year / 365.25,
                births_growth: 1.0 + d.births_trend,
                need_mix_cdf,
                arrivals_per_month: m.arrivals_per_year / 12.0,
                move_cdf,
                move_targets,
                staff,
                establishment: Vec::new(),
            });
        }
        if children > limits::MAX_CHILDREN {
            self.err(
                list.clone(),
                format!(
                    "at most {} children in all districts, found {children}",
                    limits::MAX_CHILDREN
                ),
            );
        }
        if births > limits::MAX_BIRTHS_PER_YEAR {
            self.err(
                list.clone(),
                format!(
                    "at most {} births a year in all districts, found {births}",
                    limits::MAX_BIRTHS_PER_YEAR
                ),
            );
        }
        if arrivals > limits::MAX_ARRIVALS_PER_YEAR {
            self.err(
                list.clone(),
                format!(
                    "at most {} arrivals a year in all districts, found {arrivals}",
                    limits::MAX_ARRIVALS_PER_YEAR
                ),
            );
        }
        if wte > limits::MAX_STAFF_WTE {
            self.err(
                list,
                format!(
                    "at most {} staff WTE in all districts, found {wte}",
                    limits::MAX_STAFF_WTE
                ),
            );
        }
        out
    }
}
