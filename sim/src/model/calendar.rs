//! Simulated time: whole days counted from the first simulated day, grouped into calendar months.
//!
//! Time is an integer [`Day`] (day 0 is the scenario's start date; earlier days are negative), never a
//! float. Calendar arithmetic that depends on month lengths (a child's first birthday, school entry)
//! is answered from tables built once per scenario with `jiff`, so the engine's hot paths do array
//! look-ups instead of date arithmetic.

use jiff::civil::Date;

use crate::scenario::{Offset, Weekday};

/// A simulated day: days since the scenario's start date (negative before it).
pub type Day = i32;

/// Years of dates before the start and after the end that the look-up tables cover: children at the
/// start were born up to six years earlier, and review windows reach years past a birth.
const TABLE_MARGIN_YEARS: i16 = 8;

/// One calendar month of the simulated period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Month {
    /// First day of the month.
    pub first: Day,
    /// First day of the next month (exclusive end).
    pub end: Day,
    /// `YYYY-MM`, as written in results.
    pub label: String,
}

/// The simulated period, its working days and the civil-date tables used for offsets.
///
/// A warm-up of whole months may come before the start: those days (negative) are simulated, so the
/// service starts with the backlog its own workings build, but nothing is recorded for them.
#[derive(Debug, Clone)]
pub struct Calendar {
    start: Date,
    months: Vec<Month>,
    /// The warm-up months before the start, in order (their days are negative).
    warm_up: Vec<Month>,
    /// First simulated day: the warm-up's first day, or 0.
    first: Day,
    /// Whether staff work on each simulated day, from `first`.
    working: Vec<bool>,
    /// Month index of each simulated day.
    month_of_day: Vec<u16>,
    /// First day covered by the civil tables.
    table_first: Day,
    /// (year, month, day-of-month) of every table day.
    civil: Vec<(i16, u8, u8)>,
    /// First day of each table month, plus one entry past the last, counted from `table_first`'s month.
    month_first: Vec<Day>,
    /// `year * 12 + month - 1` of `table_first`.
    table_first_month: i32,
}

impl Calendar {
    /// Builds the calendar. `start` must be the first day of a month; `months` >= 1; `working_days`
    /// lists the days staff work; `holidays` are simulated days on which nobody works;
    /// `warm_up_months` whole months are simulated before the start and not recorded. The caller
    /// (validation) guarantees these preconditions.
    pub fn new(
        start: Date,
        months: u32,
        working_days: &[Weekday],
        holidays: &[Day],
        warm_up_months: u32,
    ) -> Self {
        let first_year = start.year().saturating_sub(TABLE_MARGIN_YEARS);
        let table_start = Date::new(first_year, 1, 1).unwrap_or(Date::MIN);
        let end_year = start
            .year()
            .saturating_add(i16::try_from(months / 12).unwrap_or(i16::MAX))
            .saturating_add(TABLE_MARGIN_YEARS + 1);
        let table_first = days_between(start, table_start);

        let mut civil = Vec::new();
        let mut month_first = Vec::new();
        let mut date = table_start;
        let mut day = table_first;
        while date.year() < end_year {
            if date.day() == 1 {
                month_first.push(day);
            }
            civil.push((date.year(), date.month() as u8, date.day() as u8));
            match date.tomorrow() {
                Ok(next) => date = next,
                Err(_) => break,
            }
            day += 1;
        }
        month_first.push(day);
        let table_first_month = i32::from(first_year) * 12;

        let mut cal = Calendar {
            start,
            months: Vec::new(),
            warm_up: Vec::new(),
            first: 0,
            working: Vec::new(),
            month_of_day: Vec::new(),
            table_first,
            civil,
            month_first,
            table_first_month,
        };
        let start_month = cal.month_index_of(0);
        let warm = (warm_up_months as usize).min(start_month);
        for m in start_month - warm..start_month + months as usize {
            let first = cal.month_first[m];
            let end = cal.month_first[m + 1];
            let (y, mo, _) = cal.civil_of(first);
            let month = Month {
                first,
                end,
                label: format!("{y:04}-{mo:02}"),
            };
            if m < start_month {
                cal.warm_up.push(month);
            } else {
                cal.months.push(month);
            }
        }
        cal.first = cal.warm_up.first().map_or(0, |m| m.first);
        let days = cal.months.last().map_or(0, |m| m.end);
        let work_mask: [bool; 7] =
            std::array::from_fn(|i| working_days.iter().any(|w| weekday_index(*w) == i));
        let mut date = start
            .checked_add(jiff::Span::new().days(i64::from(cal.first)))
            .unwrap_or(start);
        for _ in cal.first..days {
            let weekday = date.weekday().to_monday_zero_offset() as usize;
            cal.working.push(work_mask[weekday]);
            date = date.tomorrow().unwrap_or(date);
        }
        for &h in holidays {
            if let Some(w) = usize::try_from(h - cal.first)
                .ok()
                .and_then(|i| cal.working.get_mut(i))
            {
                *w = false;
            }
        }
        for (i, m) in cal.months.iter().enumerate() {
            for _ in m.first..m.end {
                cal.month_of_day.push(i as u16);
            }
        }
        cal
    }

    /// The start date.
    pub fn start(&self) -> Date {
        self.start
    }

    /// Number of recorded days: the simulated period from the start date (day 0) to its end.
    pub fn days(&self) -> Day {
        self.months.last().map_or(0, |m| m.end)
    }

    /// The first simulated day: the first day of the warm-up, or 0 (the start date) without one.
    pub fn first_day(&self) -> Day {
        self.first
    }

    /// The recorded months in order.
    pub fn months(&self) -> &[Month] {
        &self.months
    }

    /// The warm-up months before the start, in order (empty without a warm-up).
    pub fn warm_up_months(&self) -> &[Month] {
        &self.warm_up
    }

    /// The month, warm-up or recorded, containing simulated day `day`.
    pub fn month_containing(&self, day: Day) -> Option<&Month> {
        if day < 0 {
            self.warm_up
                .iter()
                .find(|m| (m.first..m.end).contains(&day))
        } else {
            self.month_of(day).map(|m| &self.months[m])
        }
    }

    /// Whether staff work on `day` (false outside the simulated period, warm-up included).
    pub fn is_working(&self, day: Day) -> bool {
        usize::try_from(day - self.first)
            .ok()
            .and_then(|i| self.working.get(i))
            .copied()
            .unwrap_or(false)
    }

    /// Working days in `month` (a warm-up or recorded month).
    pub fn working_days_of(&self, month: &Month) -> u32 {
        (month.first..month.end)
            .filter(|&d| self.is_working(d))
            .count() as u32
    }

    /// Working days in recorded month `m`.
    pub fn working_days_in(&self, m: usize) -> u32 {
        self.working_days_of(&self.months[m])
    }

    /// The calendar month of `day`, 0 for January to 11 for December (0 far outside the tables).
    pub fn month_of_year(&self, day: Day) -> usize {
        self.civil_at(day).map_or(0, |(_, m, _)| usize::from(m) - 1)
    }

    /// The recorded month containing `day`, if it is inside the recorded period.
    pub fn month_of(&self, day: Day) -> Option<usize> {
        usize::try_from(day)
            .ok()
            .and_then(|i| self.month_of_day.get(i))
            .map(|&m| m as usize)
    }

    /// The simulated day of a civil date (may lie outside the simulated period).
    pub fn day_of(&self, date: Date) -> Day {
        days_between(self.start, date)
    }

    /// `anchor` moved by `offset`. Month offsets keep the day of the month, or take the month's last
    /// day when it is shorter (31 January + 1 month = 28 or 29 February). Far outside the tables the
    /// answer is approximate, which only happens for days no simulation reaches.
    pub fn add(&self, anchor: Day, offset: Offset) -> Day {
        match offset {
            Offset::Days(n) => anchor.saturating_add(n),
            Offset::Weeks(n) => anchor.saturating_add(n.saturating_mul(7)),
            Offset::Months(n) => self.add_months(anchor, n),
        }
    }

    fn add_months(&self, anchor: Day, n: i32) -> Day {
        let Some((y, m, d)) = self.civil_at(anchor) else {
            return anchor.saturating_add((f64::from(n) * AVERAGE_MONTH_DAYS).round() as i32);
        };
        let target = (i32::from(y) * 12 + i32::from(m) - 1).saturating_add(n);
        self.day_in_month(target, d).unwrap_or_else(|| {
            anchor.saturating_add((f64::from(n) * AVERAGE_MONTH_DAYS).round() as i32)
        })
    }

    /// The first date with month `month` and day `day` strictly after `after`.
    pub fn next_anniversary_after(&self, after: Day, month: u8, day: u8) -> Day {
        let Some((y, m, d)) = self.civil_at(after) else {
            return after.saturating_add(366);
        };
        let year = if (m, d) < (month, day) { y } else { y + 1 };
        let target = i32::from(year) * 12 + i32::from(month) - 1;
        self.day_in_month(target, day)
            .unwrap_or(after.saturating_add(366))
    }

    /// The day with day-of-month `d` (clamped to the month's length) in absolute month `target`
    /// (`year * 12 + month - 1`), if the tables cover it.
    fn day_in_month(&self, target: i32, d: u8) -> Option<Day> {
        let idx = usize::try_from(target.checked_sub(self.table_first_month)?).ok()?;
        let first = *self.month_first.get(idx)?;
        let next = *self.month_first.get(idx + 1)?;
        Some(first + (i32::from(d) - 1).min(next - first - 1))
    }

    fn civil_at(&self, day: Day) -> Option<(i16, u8, u8)> {
        let idx = usize::try_from(day.checked_sub(self.table_first)?).ok()?;
        self.civil.get(idx).copied()
    }

    fn civil_of(&self, day: Day) -> (i16, u8, u8) {
        self.civil_at(day).unwrap_or((0, 1, 1))
    }

    fn month_index_of(&self, day: Day) -> usize {
        let (y, m, _) = self.civil_of(day);
        (i32::from(y) * 12 + i32::from(m) - 1 - self.table_first_month) as usize
    }
}

/// Mean length of a Gregorian month in days, used only far outside the tables.
const AVERAGE_MONTH_DAYS: f64 = 365.2425 / 12.0;

fn days_between(from: Date, to: Date) -> Day {
    from.until(to).map(|s| s.get_days()).unwrap_or(0)
}

fn weekday_index(w: Weekday) -> usize {
    match w {
        Weekday::Mon => 0,
        Weekday::Tue => 1,
        Weekday::Wed => 2,
        Weekday::Thu => 3,
        Weekday::Fri => 4,
        Weekday::Sat => 5,
        Weekday::Sun => 6,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cal() -> Calendar {
        use Weekday::*;
        let start = Date::new(2019, 1, 1).unwrap();
        let hol = [0]; // New Year's Day
        Calendar::new(start, 24, &[Mon, Tue, Wed, Thu, Fri], &hol, 0)
    }

    #[test]
    fn a_warm_up_comes_before_the_start_and_is_not_recorded() {
        use Weekday::*;
        let start = Date::new(2019, 1, 1).unwrap();
        // Christmas Day 2018 is day -7.
        let c = Calendar::new(start, 12, &[Mon, Tue, Wed, Thu, Fri], &[0, -7], 3);
        let labels: Vec<&str> = c
            .warm_up_months()
            .iter()
            .map(|m| m.label.as_str())
            .collect();
        assert_eq!(labels, ["2018-10", "2018-11", "2018-12"]);
        assert_eq!(c.first_day(), -(31 + 30 + 31));
        assert_eq!(c.months()[0].label, "2019-01");
        assert_eq!((c.months().len(), c.days()), (12, 365));
        assert_eq!(c.month_of(-1), None);
        assert_eq!(
            c.month_containing(-1).map(|m| m.label.as_str()),
            Some("2018-12")
        );
        assert_eq!(c.month_containing(c.first_day() - 1), None);
        // December 2018: 21 weekdays, less Christmas Day; 1 October 2018 was a Monday.
        assert_eq!(c.working_days_of(&c.warm_up_months()[2]), 20);
        assert!(c.is_working(c.first_day()));
        assert!(!c.is_working(c.first_day() - 1));
        // The recorded period is as without a warm-up.
        let plain = Calendar::new(start, 12, &[Mon, Tue, Wed, Thu, Fri], &[0], 0);
        assert_eq!(c.months(), plain.months());
        assert!((0..365).all(|d| c.is_working(d) == plain.is_working(d)));
        assert_eq!(plain.first_day(), 0);
    }

    #[test]
    fn months_cover_the_period_without_gaps() {
        let c = cal();
        assert_eq!(c.months().len(), 24);
        assert_eq!(c.months()[0].label, "2019-01");
        assert_eq!(c.months()[0].first, 0);
        assert_eq!(c.months()[1].first, 31);
        assert_eq!(c.months()[1].end, 31 + 28);
        assert_eq!(c.months()[23].label, "2020-12");
        assert_eq!(c.days(), 365 + 366);
        for w in c.months().windows(2) {
            assert_eq!(w[0].end, w[1].first);
        }
        assert_eq!(c.month_of(58), Some(1));
        assert_eq!(c.month_of(59), Some(2));
        assert_eq!(c.month_of(-1), None);
        assert_eq!(c.month_of(c.days()), None);
    }

    #[test]
    fn working_days_follow_weekdays_and_holidays() {
        let c = cal();
        // January 2019: 23 weekdays, less New Year's Day.
        assert_eq!(c.working_days_in(0), 22);
        assert!(!c.is_working(0));
        assert!(c.is_working(1)); // Wednesday 2 January
        assert!(!c.is_working(4)); // Saturday 5 January
        assert!(!c.is_working(-3));
    }

    #[test]
    fn month_offsets_clamp_to_month_end() {
        let c = cal();
        let jan31 = 30;
        assert_eq!(c.add(jan31, Offset::Months(1)), 31 + 27); // 28 February 2019
        assert_eq!(c.add(jan31, Offset::Months(13)), 365 + 31 + 28); // 29 February 2020
        assert_eq!(c.add(10, Offset::Months(12)), 375);
        assert_eq!(c.add(10, Offset::Months(-12)), 10 - 365);
        assert_eq!(c.add(10, Offset::Weeks(-12)), 10 - 84);
        assert_eq!(c.add(10, Offset::Days(14)), 24);
    }

    #[test]
    fn school_entry_is_the_first_september_after_the_fourth_birthday() {
        let c = cal();
        // Born 31 August 2015: fourth birthday 31 August 2019, starts 1 September 2019.
        let b = c.day_of(Date::new(2015, 8, 31).unwrap());
        let fourth = c.add(b, Offset::Months(48));
        assert_eq!(
            c.next_anniversary_after(fourth, 9, 1),
            c.day_of(Date::new(2019, 9, 1).unwrap())
        );
        // Born 1 September 2015: starts 1 September 2020, aged five.
        let b = c.day_of(Date::new(2015, 9, 1).unwrap());
        let fourth = c.add(b, Offset::Months(48));
        assert_eq!(
            c.next_anniversary_after(fourth, 9, 1),
            c.day_of(Date::new(2020, 9, 1).unwrap())
        );
    }

    #[test]
    fn far_outside_the_tables_is_approximate_not_a_panic() {
        let c = cal();
        assert!(c.add(i32::MAX - 5, Offset::Months(3)) > 0);
        assert!(c.add(i32::MIN + 5, Offset::Months(-3)) < 0);
        assert!(c.next_anniversary_after(i32::MAX - 1000, 9, 1) > 0);
    }
}
