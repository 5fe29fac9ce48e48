//! Validation of the delivery section: teams and booked visits.

use super::Checker;
use super::unknown;
use super::workforce::Ids;
use crate::locate::FieldPath;
use crate::model::{BookingModel, DeliveryModel, limits};
use crate::scenario::Scenario;

impl Checker {
    /// The delivery model: one pooled team a district and no booking when the section is left out.
    pub(super) fn delivery(&mut self, s: &Scenario, ids: &Ids) -> DeliveryModel {
        let districts = s.districts.len();
        let mut model = DeliveryModel::pooled(districts);
        let Some(delivery) = &s.delivery else {
            return model;
        };
        let p = FieldPath::root().field("delivery");
        if let Some(teams) = &delivery.teams {
            let tp = p.field("teams");
            self.team_count(tp.field("per_district"), teams.per_district);
            let mut counts = vec![teams.per_district; districts];
            for (id, &n) in &teams.by_district {
                let kp = tp.field("by_district").key(id);
                self.team_count(kp.clone(), n);
                match ids.districts.get(id) {
                    Some(&d) if d < districts => counts[d] = n,
                    _ => self.err(kp, unknown("district", id, ids.districts)),
                }
            }
            self.probability(tp.field("cross_cover"), teams.cross_cover);
            let mut start = 0;
            model.team_start = std::iter::once(0)
                .chain(counts.iter().map(|&n| {
                    start += n.clamp(1, limits::MAX_TEAMS) as usize;
                    start
                }))
                .collect();
            model.cross_cover = teams.cross_cover;
            model.joining = teams.joining;
        }
        if let Some(b) = &delivery.booking {
            let bp = p.field("booking");
            self.no_access(bp.field("no_access"), b.no_access);
            let mut no_access = vec![b.no_access; s.reviews.len()];
            for (id, &x) in &b.no_access_by_review {
                let kp = bp.field("no_access_by_review").key(id);
                self.no_access(kp.clone(), x);
                match ids.reviews.get(id) {
                    Some(&r) if r < no_access.len() => no_access[r] = x,
                    _ => self.err(kp, unknown("review", id, ids.reviews)),
                }
            }
            self.probability(bp.field("failed_visit_share"), b.failed_visit_share);
            if !(1..=limits::MAX_BOOKING_DAYS).contains(&b.rebook_days) {
                self.err(
                    bp.field("rebook_days"),
                    format!(
                        "must be 1 to {} days, found {}",
                        limits::MAX_BOOKING_DAYS,
                        b.rebook_days
                    ),
                );
            }
            if b.lead_days > limits::MAX_BOOKING_DAYS {
                self.err(
                    bp.field("lead_days"),
                    format!(
                        "must be 0 to {} days, found {}",
                        limits::MAX_BOOKING_DAYS,
                        b.lead_days
                    ),
                );
            }
            model.booking = Some(BookingModel {
                no_access,
                failed_visit_share: b.failed_visit_share,
                rebook_days: b.rebook_days.min(limits::MAX_BOOKING_DAYS) as i32,
                lead_days: b.lead_days.min(limits::MAX_BOOKING_DAYS) as i32,
            });
        }
        model
    }

    fn team_count(&mut self, p: FieldPath, n: u32) {
        if !(1..=limits::MAX_TEAMS).contains(&n) {
            self.err(
                p,
                format!("must be 1 to {} teams, found {n}", limits::MAX_TEAMS),
            );
        }
    }

    /// A share of visits finding no one in: a probability below 1 (at 1 no review could be done).
    fn no_access(&mut self, p: FieldPath, x: f64) {
        if !(0.0..1.0).contains(&x) {
            self.err(p, format!("must be a share in [0, 1), found {x}"));
        }
    }
}
