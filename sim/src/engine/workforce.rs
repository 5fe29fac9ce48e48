//! Staff joining and leaving posts (kept in [`super::state::Posts`]), the staff in post at the
//! start, their attrition and retirement, and external recruitment to vacancies.

use bevy_ecs::prelude::*;
use rand::RngExt;
use rand::rngs::Xoshiro256PlusPlus;
use rand_distr::{Distribution, Gamma};

use super::events::{EventQueue, StaffEvent};
use super::rng::Streams;
use super::state::{Census, Clock, DAYS_PER_YEAR, Params, Posts, Recorder, Staff, Status};
use crate::calendar::Day;
use crate::model::{DistrictIx, Model, RoleIx};
use crate::scenario::DaysDistribution;

/// WTE fractions below this are not worth a staff member (float dust from splitting).
const MIN_WTE: f64 = 1e-6;

/// The district with the highest caseload per HV WTE (weighted by level when the scenario weights
/// children), counting `extra` HV WTE already promised to each district; a district with children
/// and no HV comes first; ties go to the first listed.
pub fn most_pressured(model: &Model, census: &Census, posts: &Posts, extra: &[f64]) -> usize {
    let pressure = |d: usize| {
        let children = if model.weighted_caseload {
            (0..model.levels.len())
                .map(|l| f64::from(census.get(d, l)) * model.levels[l].caseload_weight)
                .sum()
        } else {
            f64::from(census.children(d))
        };
        let hv = posts.hv_wte(model, d) + extra[d];
        if hv > 0.0 {
            children / hv
        } else {
            f64::INFINITY * children.signum()
        }
    };
    (0..model.districts.len())
        .fold((0, f64::NEG_INFINITY), |(best, bp), d| {
            let p = pressure(d);
            if p > bp { (d, p) } else { (best, bp) }
        })
        .0
}

/// Records a member of staff joining a role in a district, in the team furthest below its share of
/// the establishment.
pub fn join(
    posts: &mut Posts,
    recorder: &mut Recorder,
    params: &Params,
    month: usize,
    s: &mut Staff,
) {
    let (d, r) = (s.district as usize, s.role as usize);
    s.team = posts.team_for(&params.model, d, r);
    let i = posts.at(d, r);
    posts.in_post[i] += s.wte;
    let u = super::state::unit(&params.model, d, s.team);
    posts.team_in_post[u * posts.roles + r] += s.wte;
    recorder.add(
        month,
        s.district as usize,
        params.metrics.starters + s.role as usize,
        s.wte,
    );
}

/// Records a member of staff leaving a role in a district.
pub fn leave(posts: &mut Posts, recorder: &mut Recorder, params: &Params, month: usize, s: &Staff) {
    let (d, r) = (s.district as usize, s.role as usize);
    let i = posts.at(d, r);
    posts.in_post[i] = (posts.in_post[i] - s.wte).max(0.0);
    let u = super::state::unit(&params.model, d, s.team) * posts.roles + r;
    posts.team_in_post[u] = (posts.team_in_post[u] - s.wte).max(0.0);
    recorder.add(
        month,
        s.district as usize,
        params.metrics.leavers + s.role as usize,
        s.wte,
    );
}

/// An age drawn from a role's age bands (0 when the role gives none).
fn draw_age(cdf: &[(u32, u32, f64)], rng: &mut Xoshiro256PlusPlus) -> f64 {
    let u: f64 = rng.random();
    let Some(&(from, to, _)) = cdf.iter().find(|&&(_, _, c)| u < c).or(cdf.last()) else {
        return 0.0;
    };
    f64::from(from) + rng.random::<f64>() * f64::from(to - from + 1)
}

/// Places the scenario's staff in post: each district's WTE of a role becomes whole-time staff and
/// one part-timer holding the remainder, with ages drawn from the role's age bands. With several
/// teams, each joins a team drawn in proportion to how far it is below its share of the
/// establishment, so vacancies fall unevenly, on some teams more than others.
pub fn spawn_staff(world: &mut World, model: &Model) {
    let mut posts = Posts::new(model);
    let mut rng = super::rng::stream(0, 0, super::rng::Process::Workforce);
    if let Some(streams) = world.get_resource::<Streams>() {
        rng = streams.workforce.clone();
    }
    for (d, district) in model.districts.iter().enumerate() {
        for &(role, wte) in &district.staff {
            let mut left = wte;
            while left > MIN_WTE {
                let share = left.min(1.0);
                let r = &model.roles[role as usize];
                let team = initial_team(model, &posts, d, role as usize, &mut rng);
                world.spawn(Staff {
                    district: d as DistrictIx,
                    team,
                    role,
                    wte: share,
                    productivity: 1.0,
                    status: Status::InPost,
                    age_at_start: draw_age(&r.age_cdf, &mut rng),
                    leaving: false,
                    sick_until: Day::MIN,
                    maternity_until: Day::MIN,
                    cost_per_year: r.annual_cost,
                });
                let i = posts.at(d, role as usize);
                posts.in_post[i] += share;
                let u = super::state::unit(model, d, team) * posts.roles + role as usize;
                posts.team_in_post[u] += share;
                left -= share;
            }
        }
    }
    if let Some(mut streams) = world.get_resource_mut::<Streams>() {
        streams.workforce = rng;
    }
    world.insert_resource(posts);
}

/// The team a member of staff in post at the start joins: drawn in proportion to each team's gap
/// below its share of the establishment (in proportion to the shares when no team has a gap). A
/// district with one team draws nothing.
fn initial_team(
    model: &Model,
    posts: &Posts,
    d: usize,
    r: usize,
    rng: &mut Xoshiro256PlusPlus,
) -> u8 {
    let n = model.delivery.team_count(d);
    if n <= 1 {
        return 0;
    }
    let gaps: Vec<f64> = posts.team_gaps(model, d, r).map(|g| g.max(0.0)).collect();
    let total: f64 = gaps.iter().sum();
    if total <= 0.0 {
        return rng.random_range(0..n) as u8;
    }
    let mut u = rng.random::<f64>() * total;
    for (t, g) in gaps.iter().enumerate() {
        if u < *g {
            return t as u8;
        }
        u -= g;
    }
    (n - 1) as u8
}

/// A number of days drawn from `dist`, rounded to whole days (at least 0).
pub fn draw_days(dist: &DaysDistribution, rng: &mut Xoshiro256PlusPlus) -> Day {
    let days = match *dist {
        DaysDistribution::Fixed(x) => x,
        DaysDistribution::Uniform { min, max } => min + rng.random::<f64>() * (max - min),
        DaysDistribution::Exponential(mean) => -mean * (1.0 - rng.random::<f64>()).ln(),
        DaysDistribution::Gamma { mean, sd } => {
            let shape = (mean / sd).powi(2);
            Gamma::new(shape, mean / shape).map_or(mean, |g| g.sample(rng))
        }
    };
    days.round().clamp(0.0, 1e6) as Day
}

/// On the first day of each month: each member of staff in post (or in preceptorship) may leave
/// this month, with their role's monthly probability at their current age and their district's
/// caseload per HV WTE (at this month's census); a leaver goes on a day drawn uniformly over the
/// month.
pub fn attrition(
    clock: Res<Clock>,
    params: Res<Params>,
    mut staff: Query<(Entity, &mut Staff)>,
    mut streams: ResMut<Streams>,
    mut queue: ResMut<EventQueue<StaffEvent>>,
    (census, posts): (Res<Census>, Res<Posts>),
) {
    let model = &params.model;
    let month = &model.calendar.months()[clock.month];
    let days = month.end - month.first;
    let rng = &mut streams.workforce;
    let caseloads: Vec<Option<f64>> = (0..model.districts.len())
        .map(|d| {
            let hv = posts.hv_wte(model, d);
            (hv > 0.0).then(|| f64::from(census.children(d)) / hv)
        })
        .collect();
    for (entity, mut s) in &mut staff {
        if s.leaving || matches!(s.status, Status::Training { .. }) {
            continue;
        }
        let role = &model.roles[s.role as usize];
        if !role.leaves() {
            continue;
        }
        let age = s.age_at_start + f64::from(clock.today) / DAYS_PER_YEAR;
        let caseload = caseloads[s.district as usize];
        let p = role.monthly_leaving_probability(age.max(0.0) as u32, caseload);
        if rng.random::<f64>() < p {
            s.leaving = true;
            let day = clock.today + rng.random_range(0..days.max(1));
            queue.schedule(day, StaffEvent::Leaves(entity));
        }
    }
}

/// Whether external recruitment to `role` is frozen on `day` (by the role's freeze date or the
/// overspend policy).
fn frozen(model: &Model, posts: &Posts, role: usize, day: Day) -> bool {
    posts.budget_freeze
        || model.roles[role]
            .recruitment
            .as_ref()
            .and_then(|r| r.frozen_from)
            .is_some_and(|f| day >= f)
}

/// On the first day of each month: every vacant post of a role with recruitment that is not
/// already being recruited to is advertised; the attempt's outcome comes after a time to fill.
pub fn recruit(
    clock: Res<Clock>,
    params: Res<Params>,
    mut posts: ResMut<Posts>,
    mut streams: ResMut<Streams>,
    mut queue: ResMut<EventQueue<StaffEvent>>,
) {
    let model = &params.model;
    posts.starters_this_month.fill(0);
    for (r, role) in model.roles.iter().enumerate() {
        let Some(rec) = &role.recruitment else {
            continue;
        };
        if frozen(model, &posts, r, clock.today) {
            continue;
        }
        for d in 0..model.districts.len() {
            let i = posts.at(d, r);
            let uncovered = posts.vacancy(d, r) - f64::from(posts.open[i]) * rec.wte;
            let new = (uncovered / rec.wte + 1e-9).floor().max(0.0) as u32;
            for _ in 0..new {
                let day = clock.today + draw_days(&rec.time_to_fill, &mut streams.workforce);
                let event = StaffEvent::VacancyOutcome {
                    district: d as u16,
                    role: r as u8,
                };
                if queue.schedule(day, event) {
                    posts.open[i] += 1;
                }
            }
        }
    }
}

/// What a recruitment outcome needs from the day's workforce event processing.
pub struct Recruiting<'a, 'w, 's> {
    /// For spawning starters.
    pub commands: &'a mut Commands<'w, 's>,
    /// The model.
    pub params: &'a Params,
    /// Today.
    pub clock: &'a Clock,
    /// Posts and recruitment under way.
    pub posts: &'a mut Posts,
    /// Observations.
    pub recorder: &'a mut Recorder,
    /// The workforce stream.
    pub rng: &'a mut Xoshiro256PlusPlus,
    /// Workforce events.
    pub queue: &'a mut EventQueue<StaffEvent>,
}

impl Recruiting<'_, '_, '_> {
    /// Whether a post of role `r` in district `d` is still to be filled today: recruitment is not
    /// frozen and a whole post is vacant.
    fn wanted(&self, d: usize, r: usize, wte: f64) -> bool {
        let model = &self.params.model;
        !frozen(model, self.posts, r, self.clock.today) && self.posts.vacancy(d, r) + 1e-9 >= wte
    }

    /// Schedules `event` for district `d`, role `r` on `day`, counting it as recruitment under way.
    fn pursue(&mut self, day: Day, d: usize, r: usize, event: StaffEvent) {
        if self.queue.schedule(day, event) {
            let i = self.posts.at(d, r);
            self.posts.open[i] += 1;
        }
    }

    /// The outcome of an attempt to fill a post: dropped if recruitment is frozen or the post was
    /// filled meanwhile; advertised again on failure; on success the recruit starts (see
    /// `Recruiting::hire`).
    pub fn outcome(&mut self, d: usize, r: usize) {
        let model = &self.params.model;
        let i = self.posts.at(d, r);
        self.posts.open[i] = self.posts.open[i].saturating_sub(1);
        let Some(rec) = &model.roles[r].recruitment else {
            return;
        };
        if !self.wanted(d, r, rec.wte) {
            return;
        }
        if self.rng.random::<f64>() >= rec.success {
            let day = self.clock.today + draw_days(&rec.time_to_fill, self.rng);
            let event = StaffEvent::VacancyOutcome {
                district: d as u16,
                role: r as u8,
            };
            self.pursue(day, d, r, event);
            return;
        }
        self.hire(d, r);
    }

    /// A recruit held over by last month's cap tries to start again.
    pub fn held_over(&mut self, d: usize, r: usize) {
        let i = self.posts.at(d, r);
        self.posts.open[i] = self.posts.open[i].saturating_sub(1);
        self.hire(d, r);
    }

    /// A recruit who accepted an offer starts, unless recruitment is frozen or the post was filled
    /// meanwhile; if this month's city-wide cap is reached they are held over to the first day of
    /// next month (still counted as recruitment under way).
    fn hire(&mut self, d: usize, r: usize) {
        let model = &self.params.model;
        let Some(rec) = &model.roles[r].recruitment else {
            return;
        };
        if !self.wanted(d, r, rec.wte) {
            return;
        }
        if rec
            .monthly_cap
            .is_some_and(|cap| self.posts.starters_this_month[r] >= cap)
        {
            let next_month = model.calendar.months()[self.clock.month].end;
            let event = StaffEvent::Hire {
                district: d as u16,
                role: r as u8,
            };
            self.pursue(next_month, d, r, event);
            return;
        }
        self.posts.starters_this_month[r] += 1;
        let role = &model.roles[r];
        let mut staff = Staff {
            district: d as DistrictIx,
            team: 0,
            role: r as RoleIx,
            wte: rec.wte,
            productivity: 1.0,
            status: Status::InPost,
            age_at_start: draw_age(&role.age_cdf, self.rng)
                - f64::from(self.clock.today) / DAYS_PER_YEAR,
            leaving: false,
            sick_until: Day::MIN,
            maternity_until: Day::MIN,
            cost_per_year: role.annual_cost,
        };
        join(
            self.posts,
            self.recorder,
            self.params,
            self.clock.month,
            &mut staff,
        );
        self.commands.spawn(staff);
    }
}
