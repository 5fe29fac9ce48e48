//! The report's assumptions section: the key inputs in compact tables, and the full scenario text.

use crate::model::Model;
use crate::output::RunRecord;
use crate::scenario::{
    AllocationPolicy, Anchor, Change, DaysDistribution, Distribution, LeaveAt, Offset,
    OverspendPolicy, Scenario,
};

use super::{escape, number, percent};

/// A table from a header and rows of cells (already escaped HTML).
fn table(header: &[&str], rows: Vec<Vec<String>>) -> String {
    let mut html = String::from("<table>\n<thead><tr>");
    for h in header {
        html.push_str(&format!("<th>{h}</th>"));
    }
    html.push_str("</tr></thead>\n<tbody>\n");
    for row in rows {
        html.push_str("<tr>");
        for (i, cell) in row.iter().enumerate() {
            if i == 0 {
                html.push_str(&format!("<th scope=\"row\">{cell}</th>"));
            } else {
                html.push_str(&format!("<td>{cell}</td>"));
            }
        }
        html.push_str("</tr>\n");
    }
    html.push_str("</tbody>\n</table>\n");
    html
}

fn pounds(x: f64) -> String {
    format!("£{}", number(x, 0))
}

/// `Days(14)` as `day 14`; weeks and months likewise.
fn offset(o: Offset) -> String {
    match o {
        Offset::Days(n) => format!("day {n}"),
        Offset::Weeks(n) => format!("week {n}"),
        Offset::Months(n) => format!("month {n}"),
    }
}

/// A distribution of days in words: "89 days", "0 to 182 days".
fn days(d: &DaysDistribution) -> String {
    match *d {
        DaysDistribution::Fixed(x) => format!("{x} days"),
        DaysDistribution::Uniform { min, max } => format!("{min} to {max} days"),
        DaysDistribution::Exponential(mean) => format!("{mean} days on average"),
        DaysDistribution::Gamma { mean, sd } => format!("{mean} days on average (sd {sd})"),
    }
}

/// The date of simulated day `day`, `YYYY-MM-DD`.
fn date(model: &Model, day: i32) -> String {
    model
        .calendar
        .start()
        .checked_add(jiff::Span::new().days(i64::from(day)))
        .map_or_else(|_| format!("day {day}"), |d| d.to_string())
}

/// The assumptions section.
pub(super) fn section(
    model: &Model,
    scenario_text: &str,
    written: Option<&Scenario>,
    record: &RunRecord,
) -> String {
    // The model keeps contact hours a day, not the share they came from: read it from the text.
    let contact_share = |id: &str| {
        written
            .and_then(|s| s.roles.iter().find(|r| r.id == id))
            .map_or("-".to_string(), |r| percent(r.contact_share))
    };
    let hv_roles: Vec<usize> = (0..model.roles.len())
        .filter(|&r| model.roles[r].health_visitor)
        .collect();
    let mut html = String::from("<section id=\"assumptions\">\n<h2>Assumptions</h2>\n");

    let leave = match model.leave_at {
        LeaveAt::FifthBirthday => "on their fifth birthday".to_string(),
        LeaveAt::SchoolEntry { month, day } => {
            const MONTHS: [&str; 12] = [
                "January",
                "February",
                "March",
                "April",
                "May",
                "June",
                "July",
                "August",
                "September",
                "October",
                "November",
                "December",
            ];
            let month = MONTHS
                .get(usize::from(month).wrapping_sub(1))
                .unwrap_or(&"?");
            format!("at school entry (the first {day} {month} after their fourth birthday)")
        }
    };
    let policy = match model.policy {
        AllocationPolicy::RiskFirst => "risk first (highest priority work first)",
        AllocationPolicy::DeadlineFirst => "deadline first (earliest deadline first)",
    };
    html.push_str(&format!(
        "<p>The run starts on {} and covers {} months. Children leave the service {leave}. Each \
         district's staff hours go to open work {policy}.</p>\n",
        model.calendar.start(),
        model.calendar.months().len()
    ));

    // Districts.
    let hv_staff = |d: &crate::model::DistrictModel| -> f64 {
        d.staff
            .iter()
            .filter(|(r, _)| model.roles[usize::from(*r)].health_visitor)
            .map(|(_, w)| w)
            .sum()
    };
    let hv_establishment = |d: &crate::model::DistrictModel| -> f64 {
        hv_roles.iter().map(|&r| d.establishment[r]).sum()
    };
    let mut rows = Vec::new();
    let mut totals = [0.0; 4];
    for d in &model.districts {
        let cells = [
            d.children_by_age.iter().map(|&c| f64::from(c)).sum::<f64>(),
            d.births_per_day * 365.25,
            hv_staff(d),
            hv_establishment(d),
        ];
        for (t, c) in totals.iter_mut().zip(cells) {
            *t += c;
        }
        rows.push(vec![
            escape(&d.name),
            number(cells[0], 0),
            number(cells[1], 0),
            number(cells[2], 1),
            number(cells[3], 1),
        ]);
    }
    rows.push(vec![
        "All districts".into(),
        number(totals[0], 0),
        number(totals[1], 0),
        number(totals[2], 1),
        number(totals[3], 1),
    ]);
    html.push_str("<h3>Districts</h3>\n");
    html.push_str(&table(
        &[
            "District",
            "Children at the start",
            "Births a year",
            "Health-visitor WTE in post",
            "Health-visitor establishment (WTE)",
        ],
        rows,
    ));

    // Roles.
    let rows = model
        .roles
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let in_post: f64 = model
                .districts
                .iter()
                .flat_map(|d| d.staff.iter())
                .filter(|(role, _)| usize::from(*role) == i)
                .map(|(_, w)| w)
                .sum();
            let establishment: f64 = model.districts.iter().map(|d| d.establishment[i]).sum();
            vec![
                escape(&r.name),
                if r.health_visitor { "yes" } else { "no" }.to_string(),
                contact_share(&r.id),
                pounds(r.annual_cost),
                percent(r.attrition),
                if r.recruitment.is_some() { "yes" } else { "no" }.to_string(),
                number(in_post, 1),
                number(establishment, 1),
            ]
        })
        .collect();
    html.push_str("<h3>Staff roles</h3>\n");
    html.push_str(&table(
        &[
            "Role",
            "Health visitor",
            "Share of hours for contacts",
            "Cost per WTE a year",
            "Leaving a year",
            "Recruits externally",
            "WTE in post",
            "Establishment (WTE)",
        ],
        rows,
    ));

    // Reviews.
    let rows = model
        .reviews
        .iter()
        .map(|r| {
            let anchor = match r.anchor {
                Anchor::Birth => "birth",
                Anchor::ExpectedBirth => "expected birth",
            };
            let roles: Vec<String> = r
                .roles
                .iter()
                .map(|&i| escape(&model.roles[usize::from(i)].name))
                .collect();
            let uptake = if r.offered_share < 1.0 {
                format!(
                    "{} (offered to {})",
                    percent(r.uptake),
                    percent(r.offered_share)
                )
            } else {
                percent(r.uptake)
            };
            vec![
                format!("{} ({})", escape(&r.name), escape(&r.metric)),
                format!(
                    "from {anchor}: opens {}, on time by {}, last chance {}",
                    offset(r.opens),
                    offset(r.on_time),
                    offset(r.last_chance)
                ),
                number(r.hours, 2)
                    .trim_end_matches('0')
                    .trim_end_matches('.')
                    .to_string(),
                uptake,
                roles.join(", "),
                r.target.map_or("none".to_string(), percent),
            ]
        })
        .collect();
    html.push_str("<h3>Reviews</h3>\n");
    html.push_str(&table(
        &[
            "Review",
            "Window",
            "Hours",
            "Uptake",
            "Done by",
            "Target on time",
        ],
        rows,
    ));

    // Pipelines.
    if !model.pipelines.is_empty() {
        let rows = model
            .pipelines
            .iter()
            .map(|p| {
                let entrants: u32 = p.intakes.iter().map(|&(_, n)| n).sum();
                let intakes = match p.intakes[..] {
                    [] => "none".to_string(),
                    [(day, _)] => format!("1 intake of {entrants} on {}", date(model, day)),
                    [(first, _), .., (last, _)] => format!(
                        "{} intakes, {entrants} entrants, {} to {}",
                        p.intakes.len(),
                        date(model, first),
                        date(model, last)
                    ),
                };
                vec![
                    escape(&p.id),
                    format!("{:?}", p.kind).to_lowercase(),
                    format!(
                        "{} to {}",
                        escape(&model.roles[usize::from(p.training_role)].name),
                        escape(&model.roles[usize::from(p.qualifies_as)].name)
                    ),
                    match &p.registration {
                        None => format!("{} months", p.length_months),
                        Some(d) => {
                            format!("{} months, then {} registering", p.length_months, days(d))
                        }
                    },
                    percent(p.attrition),
                    pounds(p.annual_cost),
                    intakes,
                ]
            })
            .collect();
        html.push_str("<h3>Training pipelines</h3>\n");
        html.push_str(&table(
            &[
                "Pipeline",
                "Kind",
                "Trains as, then qualifies as",
                "Length",
                "Drop-out",
                "Cost per entrant a year",
                "Intakes",
            ],
            rows,
        ));
    }

    // Budget.
    if let Some(b) = &model.budget {
        let changes: Vec<String> = b
            .changes
            .iter()
            .map(|&(day, change)| match change {
                Change::Percent(p) => format!("{}: {p:+}%", date(model, day)),
                Change::Absolute(a) => format!("{}: to {}", date(model, day), pounds(a)),
            })
            .collect();
        let overspend = match b.overspend {
            OverspendPolicy::Report => "reported only",
            OverspendPolicy::FreezeRecruitment => "recruitment frozen",
            OverspendPolicy::ShrinkNextIntake => "next pipeline intake shrunk",
            OverspendPolicy::CutEstablishment => "establishment cut",
        };
        html.push_str("<h3>Budget</h3>\n");
        let changes = if changes.is_empty() {
            "none".to_string()
        } else {
            changes.join("; ")
        };
        html.push_str(&table(
            &["Budget", ""],
            vec![
                vec!["Annual budget at the start".into(), pounds(b.annual)],
                vec![
                    "Other costs a year (in spend)".into(),
                    pounds(b.other_costs),
                ],
                vec!["Changes".into(), changes],
                vec!["On overspend".into(), overspend.to_string()],
            ],
        ));
    }

    if let Some(uncertain) = written.map(|s| &s.uncertain).filter(|u| !u.is_empty()) {
        html.push_str("<h3 id=\"uncertain\">Uncertain inputs</h3>\n");
        let rows = uncertain
            .iter()
            .map(|u| {
                let d = match u.distribution {
                    Distribution::Uniform { min, max } => format!("uniform from {min} to {max}"),
                    Distribution::Normal { mean, sd } => {
                        format!("normal, mean {mean}, sd {sd}, cut at 3 sd")
                    }
                    Distribution::Beta { alpha, beta } => {
                        format!("beta, alpha {alpha}, beta {beta}")
                    }
                    Distribution::Triangular { min, mode, max } => {
                        format!("triangular from {min} to {max}, most likely {mode}")
                    }
                };
                vec![format!("<code>{}</code>", escape(&u.path)), escape(&d)]
            })
            .collect();
        html.push_str(&table(&["Input", "Drawn for each replication from"], rows));
    }

    html.push_str(&format!(
        "<details>\n<summary>The full scenario text ({} lines, SHA-256 {})</summary>\n\
         <pre class=\"scenario\">{}</pre>\n</details>\n</section>\n",
        scenario_text.lines().count(),
        escape(&record.scenario_sha256),
        escape(scenario_text)
    ));
    html
}
