//! AWS Systems Manager maintenance window schedules: parse the `Schedule` expression of
//! `CreateMaintenanceWindow` (`cron(...)`, `rate(...)`, `at(...)`) and compute when the window next starts.
//!
//! The rules follow the AWS documentation:
//! - [Reference: Cron and rate expressions for Systems Manager](https://docs.aws.amazon.com/systems-manager/latest/userguide/reference-cron-and-rate-expressions.html):
//!   six required cron fields (`minutes hours day-of-month month day-of-week year`) with an optional leading
//!   seconds field; day-of-week `1-7` or `SUN-SAT` (1 = Sunday); `L` and `W` in day-of-month, `L` and `#` in
//!   day-of-week; year `1970-2199`; one of day-of-month / day-of-week must be `?`; `rate(N minute(s)|hour(s)|day(s))`
//!   with a singular unit exactly when `N` is 1; `at(yyyy-mm-ddThh:mm:ss)` runs once.
//! - [Maintenance window scheduling and active period options](https://docs.aws.amazon.com/systems-manager/latest/userguide/maintenance-windows-schedule-options.html):
//!   the time zone (IANA name) only decides how the schedule is read; start and end dates (ISO 8601 with an
//!   offset) only bound the period in which the window may run; a schedule offset delays a cron occurrence by
//!   whole days and is supported for cron expressions only.
//! - [CreateMaintenanceWindow](https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_CreateMaintenanceWindow.html):
//!   `ScheduleOffset` is 1-6; `Schedule` is 1-256 characters; "when using a rate schedule, if you provide a start
//!   date that occurs in the past, the current date and time are used as the start date".
//!
//! Everything here is pure: the caller passes `now`.

use std::fmt;

use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

/// Longest `Schedule` string the SSM API accepts.
const MAX_EXPRESSION_LEN: usize = 256;
/// Smallest year the cron year field accepts.
const MIN_YEAR: u16 = 1970;
/// Largest year the cron year field accepts; no occurrence is searched for past its end.
const MAX_YEAR: u16 = 2199;
/// Allowed `ScheduleOffset` values, in days.
const OFFSET_DAYS: std::ops::RangeInclusive<i32> = 1..=6;

/// A parsed maintenance window schedule expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Schedule {
    /// `cron(minutes hours day-of-month month day-of-week year)`, or the same with a leading seconds field.
    Cron(CronExpr),
    /// `rate(N minute(s)|hour(s)|day(s))`: a fixed interval between runs.
    Rate(SignedDuration),
    /// `at(yyyy-mm-ddThh:mm:ss)`: a single run at this wall-clock time in the schedule's time zone.
    At(DateTime),
}

/// A validated AWS cron expression. Built by [`parse`]; its only use is computing occurrences.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CronExpr {
    second: u8,
    minutes: ValueSet,
    hours: ValueSet,
    day_of_month: DayOfMonth,
    months: ValueSet,
    day_of_week: DayOfWeek,
    years: YearSet,
}

/// Why a schedule, time zone, offset or date was rejected. Messages name the part at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScheduleError {
    /// The expression as a whole is malformed (not `cron(...)`, `rate(...)` or `at(...)`, too long, wrong
    /// number of cron fields).
    #[error("{0}")]
    Expression(String),
    /// One cron field is malformed or out of range.
    #[error("cron {field}: {message}")]
    Cron {
        /// The field at fault, e.g. `day-of-week`.
        field: &'static str,
        /// What is wrong with it.
        message: String,
    },
    /// A `rate(...)` expression is malformed.
    #[error("rate: {0}")]
    Rate(String),
    /// An `at(...)` expression is malformed.
    #[error("at: {0}")]
    At(String),
    /// The time zone is not in the IANA time zone database, or not spelled as it is there.
    #[error("time zone '{name}': {message}")]
    Timezone {
        /// The name as given.
        name: String,
        /// What is wrong with it.
        message: String,
    },
    /// The schedule offset is out of range or used with a schedule that does not support it.
    #[error("schedule offset: {0}")]
    Offset(String),
    /// A start or end date is malformed, or the end is not after the start.
    #[error("{field} '{value}': {message}")]
    Date {
        /// `start date` or `end date`.
        field: &'static str,
        /// The value as given.
        value: String,
        /// What is wrong with it.
        message: String,
    },
}

/// Parse a maintenance window schedule expression (`cron(...)`, `rate(...)` or `at(...)`).
///
/// Only syntax and value ranges are checked; a valid cron expression may still never match (e.g. February 30).
pub fn parse(expr: &str) -> Result<Schedule, ScheduleError> {
    let len = expr.chars().count();
    if len > MAX_EXPRESSION_LEN {
        return Err(ScheduleError::Expression(format!(
            "expression is {len} characters long, AWS allows at most {MAX_EXPRESSION_LEN}"
        )));
    }
    let body = |prefix: &str| expr.strip_prefix(prefix).and_then(|s| s.strip_suffix(')'));
    if let Some(inner) = body("cron(") {
        parse_cron(inner).map(Schedule::Cron)
    } else if let Some(inner) = body("rate(") {
        parse_rate(inner).map(Schedule::Rate)
    } else if let Some(inner) = body("at(") {
        parse_at(inner).map(Schedule::At)
    } else {
        Err(ScheduleError::Expression(format!(
            "expected cron(...), rate(...) or at(...), got '{expr}'"
        )))
    }
}

/// Look up an IANA time zone name (e.g. `America/New_York`) in jiff's bundled time zone database.
///
/// The name must be spelled exactly as in the database: jiff's lookup ignores case, but the name is passed
/// on to AWS as given.
pub fn validate_timezone(tz: &str) -> Result<TimeZone, ScheduleError> {
    let err = |message: String| ScheduleError::Timezone {
        name: tz.to_string(),
        message,
    };
    match TimeZone::get(tz) {
        // `Etc/Unknown` is jiff's sentinel for "no time zone", not a real zone.
        Ok(zone) if zone.is_unknown() => Err(err(NOT_IANA.into())),
        Ok(zone) => match zone.iana_name() {
            Some(name) if name != tz => Err(err(format!(
                "time zone names are case-sensitive, use '{name}'"
            ))),
            _ => Ok(zone),
        },
        Err(_) => Err(err(NOT_IANA.into())),
    }
}

/// Why an unknown time zone name is rejected.
const NOT_IANA: &str = "not in the IANA time zone database (expected a name such as Europe/Berlin)";

/// The next time strictly after `now` at which the maintenance window starts, or `None` when it never will
/// (the window has ended, an `at` time has passed, or the cron expression has no occurrence up to year 2199).
///
/// - `timezone`: IANA name the schedule is read in; UTC when absent.
/// - `offset_days`: the `ScheduleOffset`, 1-6 days added to each cron occurrence (calendar days in `timezone`,
///   keeping the wall-clock time). Cron only. As AWS documents, a cron occurrence that had already passed when
///   the window was created (`anchor`, or `now` when absent) does not run even if its offset run is still ahead.
/// - `start_date` / `end_date`: ISO 8601 timestamps with an offset (`2026-11-01T00:00:00Z`,
///   `2021-04-07T14:29:00-08:00`). A run must be at or after the start and at or before the end.
/// - `anchor`: when the window was created, if it exists. `rate` runs are `base + k * rate` (k >= 0) where
///   `base` is the start date, or the creation time when there is no start date or it lies before the
///   creation (AWS replaces a past start date with the current time); a window not yet created counts as
///   created at `now`.
/// - `at`: the single wall-clock time in `timezone`, or `None` once past. (AWS's examples describe `at` times
///   as UTC, which is what they are when no time zone is set.)
///
/// Daylight saving time: AWS does not document it, so local times are resolved with jiff's "compatible"
/// disambiguation (the behaviour of RFC 5545 and `java.time`): a wall-clock time inside a spring-forward gap
/// runs at the same distance past the gap's start, i.e. shifted later by the gap (02:30 in New York on the
/// spring-forward day runs at 03:30 EDT), and a wall-clock time repeated by a fall-back fold runs once, at
/// its earlier occurrence. A daily window is therefore neither skipped nor run twice on either transition day;
/// wall-clock times that collapse onto the same instant run once.
///
/// `rate` intervals are fixed durations (a day is 24 hours), independent of the time zone.
pub fn next_execution(
    expr: &str,
    timezone: Option<&str>,
    offset_days: Option<i32>,
    start_date: Option<&str>,
    end_date: Option<&str>,
    anchor: Option<Timestamp>,
    now: Timestamp,
) -> Result<Option<Timestamp>, ScheduleError> {
    let schedule = parse(expr)?;
    let tz = timezone
        .map(validate_timezone)
        .transpose()?
        .unwrap_or(TimeZone::UTC);
    let offset = match offset_days {
        None => 0,
        Some(days) if !OFFSET_DAYS.contains(&days) => {
            return Err(ScheduleError::Offset(format!(
                "{days} days is out of range {}-{}",
                OFFSET_DAYS.start(),
                OFFSET_DAYS.end()
            )))
        }
        Some(days) => match schedule {
            Schedule::Cron(_) => days,
            _ => {
                return Err(ScheduleError::Offset(
                    "only supported with cron expressions, not rate or at".into(),
                ))
            }
        },
    };
    let start = start_date
        .map(|s| parse_date("start date", s))
        .transpose()?;
    let end = end_date.map(|s| parse_date("end date", s)).transpose()?;
    if let (Some(s), Some(e), Some(raw)) = (start, end, end_date) {
        if e <= s {
            return Err(ScheduleError::Date {
                field: "end date",
                value: raw.to_string(),
                message: "must be after the start date".into(),
            });
        }
    }
    let created = anchor.unwrap_or(now);
    let bounds = Bounds { now, start, end };
    let next = match &schedule {
        Schedule::Cron(cron) => cron.next_run(&tz, offset, created, bounds),
        // A rate counts from the window's creation: before the window exists (Report mode, a refused create)
        // there is no next run to show, and `now + rate` would change on every pass.
        Schedule::Rate(_) if anchor.is_none() && start.is_none() => None,
        Schedule::Rate(every) => next_rate(*every, start, created, now),
        Schedule::At(at) => tz
            .to_ambiguous_timestamp(*at)
            .compatible()
            .ok()
            .filter(|t| *t > now),
    };
    Ok(next.filter(|t| bounds.admits(*t)))
}

/// Limits every run must respect.
#[derive(Debug, Clone, Copy)]
struct Bounds {
    now: Timestamp,
    start: Option<Timestamp>,
    end: Option<Timestamp>,
}

impl Bounds {
    /// Strictly after `now`, at or after the start, at or before the end.
    fn admits(&self, t: Timestamp) -> bool {
        t > self.now && self.start.is_none_or(|s| t >= s) && self.end.is_none_or(|e| t <= e)
    }
}

/// Parse an ISO 8601 start or end date; an offset (`Z` or `+hh:mm`) is required.
fn parse_date(field: &'static str, value: &str) -> Result<Timestamp, ScheduleError> {
    value.parse::<Timestamp>().map_err(|e| ScheduleError::Date {
        field,
        value: value.to_string(),
        message: format!(
            "expected an ISO 8601 date-time with an offset, e.g. 2026-11-01T00:00:00Z ({e})"
        ),
    })
}

fn next_rate(
    every: SignedDuration,
    start: Option<Timestamp>,
    created: Timestamp,
    now: Timestamp,
) -> Option<Timestamp> {
    let base = start.map_or(created, |s| s.max(created));
    if base > now {
        return Some(base);
    }
    // Smallest k with base + k * every > now. `every` is a whole number of minutes, so whole seconds suffice.
    let period = every.as_secs();
    let elapsed = now.duration_since(base).as_secs();
    let k = elapsed / period + 1;
    base.checked_add(SignedDuration::from_secs(k.checked_mul(period)?))
        .ok()
}

// ---------------------------------------------------------------------------------------------------------
// Cron parsing
// ---------------------------------------------------------------------------------------------------------

/// A set of field values in `min..min + 64 * N`, stored as a bitmap (N = 4 for years, 1 otherwise).
#[derive(Clone, Copy, PartialEq, Eq)]
struct ValueSet<const N: usize = 1> {
    min: u16,
    bits: [u64; N],
}

/// The year field's set: 1970-2199 needs 230 bits.
type YearSet = ValueSet<4>;

impl<const N: usize> ValueSet<N> {
    const CAPACITY: u16 = 64 * N as u16;

    fn new(min: u16) -> Self {
        ValueSet { min, bits: [0; N] }
    }

    fn insert(&mut self, v: u16) {
        let i = usize::from(v - self.min);
        self.bits[i / 64] |= 1 << (i % 64);
    }

    fn contains(&self, v: i32) -> bool {
        let i = v - i32::from(self.min);
        (0..i32::from(Self::CAPACITY)).contains(&i)
            && self.bits[i as usize / 64] & (1 << (i % 64)) != 0
    }

    fn iter(&self) -> impl Iterator<Item = u16> + '_ {
        (0..Self::CAPACITY)
            .filter(|i| self.bits[usize::from(*i) / 64] & (1 << (i % 64)) != 0)
            .map(|i| i + self.min)
    }
}

impl<const N: usize> fmt::Debug for ValueSet<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

/// The day-of-month field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DayOfMonth {
    /// `?`: the day-of-week field decides.
    Unspecified,
    /// Numbers, lists, ranges, steps, `*`.
    Days(ValueSet),
    /// `L`: the last day of the month.
    Last,
    /// `LW`: the last weekday (Monday-Friday) of the month.
    LastWeekday,
    /// `15W`: the weekday nearest to that day, within the same month.
    NearestWeekday(u8),
}

/// The day-of-week field, days numbered 1 = Sunday .. 7 = Saturday.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DayOfWeek {
    /// `?`: the day-of-month field decides.
    Unspecified,
    /// Numbers, names, lists, ranges, steps, `*`; `L` alone means Saturday.
    Days(ValueSet),
    /// `6L` / `FRIL`: the last such weekday of the month.
    Last(u8),
    /// `THU#3`: the nth (1-5) such weekday of the month.
    Nth(u8, u8),
}

/// How one cron field is read.
struct Field {
    name: &'static str,
    min: u16,
    max: u16,
    /// Names for `min`, `min + 1`, ... (case-insensitive).
    names: &'static [&'static str],
    /// Appended to out-of-range messages.
    hint: &'static str,
}

const MINUTES: Field = Field {
    name: "minutes",
    min: 0,
    max: 59,
    names: &[],
    hint: "",
};
const HOURS: Field = Field {
    name: "hours",
    min: 0,
    max: 23,
    names: &[],
    hint: "",
};
const DAY_OF_MONTH: Field = Field {
    name: "day-of-month",
    min: 1,
    max: 31,
    names: &[],
    hint: "",
};
const MONTH: Field = Field {
    name: "month",
    min: 1,
    max: 12,
    names: &[
        "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
    ],
    hint: " or JAN-DEC",
};
const DAY_OF_WEEK: Field = Field {
    name: "day-of-week",
    min: 1,
    max: 7,
    names: &["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"],
    hint: " or SUN-SAT (1 = SUN, 7 = SAT)",
};
const YEAR: Field = Field {
    name: "year",
    min: MIN_YEAR,
    max: MAX_YEAR,
    names: &[],
    hint: "",
};

impl Field {
    fn err(&self, message: impl Into<String>) -> ScheduleError {
        ScheduleError::Cron {
            field: self.name,
            message: message.into(),
        }
    }

    /// One value: a number or a name.
    fn value(&self, token: &str, element: &str) -> Result<u16, ScheduleError> {
        if token.is_empty() {
            return Err(self.err(format!("malformed element '{element}'")));
        }
        if token.bytes().all(|b| b.is_ascii_digit()) {
            return match token.parse::<u16>() {
                Ok(v) if (self.min..=self.max).contains(&v) => Ok(v),
                _ => Err(self.err(format!(
                    "value {token} out of range {}-{}{}",
                    self.min, self.max, self.hint
                ))),
            };
        }
        match self
            .names
            .iter()
            .position(|n| n.eq_ignore_ascii_case(token))
        {
            Some(i) => Ok(self.min + i as u16),
            None => Err(self.err(format!("unknown token '{token}'"))),
        }
    }

    /// A comma-separated list of `*`, values, ranges `a-b` and steps `a/n`, `a-b/n`, `*/n`.
    fn list<const N: usize>(&self, text: &str) -> Result<ValueSet<N>, ScheduleError> {
        let mut set = ValueSet::new(self.min);
        for element in text.split(',') {
            if element == "?" {
                return Err(self.err("'?' is only allowed in day-of-month or day-of-week, alone"));
            }
            let (range, step) = match element.split_once('/') {
                Some((range, step)) => (range, Some(self.step(step, element)?)),
                None => (element, None),
            };
            let (lo, hi) = if range == "*" {
                (self.min, self.max)
            } else if let Some((a, b)) = range.split_once('-') {
                let (a, b) = (self.value(a, element)?, self.value(b, element)?);
                if a > b {
                    return Err(self.err(format!("range '{range}' starts after it ends")));
                }
                (a, b)
            } else {
                let v = self.value(range, element)?;
                // `5/15` means 5, 20, 35, ... up to the field's maximum.
                (v, if step.is_some() { self.max } else { v })
            };
            let step = step.unwrap_or(1);
            let mut v = lo;
            while v <= hi {
                set.insert(v);
                v += step;
            }
        }
        Ok(set)
    }

    fn step(&self, token: &str, element: &str) -> Result<u16, ScheduleError> {
        let span = self.max - self.min + 1;
        match token.parse::<u16>() {
            Ok(n) if token.bytes().all(|b| b.is_ascii_digit()) && (1..=span).contains(&n) => Ok(n),
            _ => Err(self.err(format!(
                "step '{token}' in '{element}' must be a number 1-{span}"
            ))),
        }
    }
}

fn parse_cron(inner: &str) -> Result<CronExpr, ScheduleError> {
    let fields: Vec<&str> = inner.split_whitespace().collect();
    let (second, rest) = match fields.len() {
        6 => (0, &fields[..]),
        7 => (parse_seconds(fields[0])?, &fields[1..]),
        n => {
            return Err(ScheduleError::Expression(format!(
                "cron: expected 6 fields (minutes hours day-of-month month day-of-week year), \
                 optionally preceded by seconds, got {n}"
            )))
        }
    };
    let cron = CronExpr {
        second,
        minutes: MINUTES.list(rest[0])?,
        hours: HOURS.list(rest[1])?,
        day_of_month: parse_day_of_month(rest[2])?,
        months: MONTH.list(rest[3])?,
        day_of_week: parse_day_of_week(rest[4])?,
        years: YEAR.list(rest[5])?,
    };
    match (cron.day_of_month, cron.day_of_week) {
        (DayOfMonth::Unspecified, DayOfWeek::Unspecified) => Err(ScheduleError::Cron {
            field: "day-of-month/day-of-week",
            message: "only one of the two fields may be '?'".into(),
        }),
        (DayOfMonth::Unspecified, _) | (_, DayOfWeek::Unspecified) => Ok(cron),
        _ => Err(ScheduleError::Cron {
            field: "day-of-month/day-of-week",
            message: "one of the two fields must be '?' (AWS does not support values in both)"
                .into(),
        }),
    }
}

/// The optional leading seconds field: a single value (maintenance windows do not run more than once a minute).
fn parse_seconds(token: &str) -> Result<u8, ScheduleError> {
    match token.parse::<u8>() {
        Ok(s) if token.bytes().all(|b| b.is_ascii_digit()) && s <= 59 => Ok(s),
        _ => Err(ScheduleError::Cron {
            field: "seconds",
            message: format!("expected a single value 0-59, got '{token}'"),
        }),
    }
}

fn parse_day_of_month(text: &str) -> Result<DayOfMonth, ScheduleError> {
    let f = &DAY_OF_MONTH;
    if text == "?" {
        return Ok(DayOfMonth::Unspecified);
    }
    if text.eq_ignore_ascii_case("L") {
        return Ok(DayOfMonth::Last);
    }
    if text.eq_ignore_ascii_case("LW") {
        return Ok(DayOfMonth::LastWeekday);
    }
    let special = |c: char| matches!(c.to_ascii_uppercase(), 'L' | 'W');
    if text.contains(special) {
        let day = text
            .strip_suffix(['W', 'w'])
            .filter(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()));
        return match day {
            Some(day) => Ok(DayOfMonth::NearestWeekday(f.value(day, text)? as u8)),
            None => Err(f.err(format!(
                "'{text}': 'L' and 'W' are only supported alone, as 'L', 'LW' or a single day such as '15W'"
            ))),
        };
    }
    f.list(text).map(DayOfMonth::Days)
}

fn parse_day_of_week(text: &str) -> Result<DayOfWeek, ScheduleError> {
    let f = &DAY_OF_WEEK;
    if text == "?" {
        return Ok(DayOfWeek::Unspecified);
    }
    if text.eq_ignore_ascii_case("L") {
        let mut saturday = ValueSet::new(f.min);
        saturday.insert(7);
        return Ok(DayOfWeek::Days(saturday));
    }
    let single = |s: &str| !s.is_empty() && !s.contains([',', '-', '/', '*']);
    if let Some((day, nth)) = text.split_once('#') {
        if !single(day) {
            return Err(f.err(format!(
                "'{text}': '#' must follow a single weekday, e.g. 'THU#3'"
            )));
        }
        let day = f.value(day, text)? as u8;
        return match nth.parse::<u8>() {
            Ok(n) if nth.bytes().all(|b| b.is_ascii_digit()) && (1..=5).contains(&n) => {
                Ok(DayOfWeek::Nth(day, n))
            }
            _ => Err(f.err(format!(
                "'{text}': the week after '#' must be 1-5, got '{nth}'"
            ))),
        };
    }
    if let Some(day) = text.strip_suffix(['L', 'l']) {
        if !single(day) {
            return Err(f.err(format!(
                "'{text}': 'L' must follow a single weekday (e.g. '6L' or 'FRIL') or stand alone"
            )));
        }
        return Ok(DayOfWeek::Last(f.value(day, text)? as u8));
    }
    if text.contains(['L', 'l']) {
        return Err(f.err(format!(
            "'{text}': 'L' is only supported alone or after a single weekday, e.g. '6L'"
        )));
    }
    f.list(text).map(DayOfWeek::Days)
}

fn parse_rate(inner: &str) -> Result<SignedDuration, ScheduleError> {
    let err = |m: String| ScheduleError::Rate(m);
    let parts: Vec<&str> = inner.split_whitespace().collect();
    let [value, unit] = parts[..] else {
        return Err(err(format!(
            "expected 'rate(<value> <unit>)', e.g. rate(7 days), got 'rate({inner})'"
        )));
    };
    let n = match value.parse::<u32>() {
        Ok(n) if n > 0 && value.bytes().all(|b| b.is_ascii_digit()) && !value.starts_with('0') => n,
        _ => {
            return Err(err(format!(
                "value must be a positive whole number, got '{value}'"
            )))
        }
    };
    let (singular, plural, seconds) = match unit {
        "minute" | "minutes" => ("minute", "minutes", 60),
        "hour" | "hours" => ("hour", "hours", 3_600),
        "day" | "days" => ("day", "days", 86_400),
        _ => {
            return Err(err(format!(
                "unknown unit '{unit}' (expected minute(s), hour(s) or day(s))"
            )))
        }
    };
    let expected = if n == 1 { singular } else { plural };
    if unit != expected {
        return Err(err(format!(
            "'{n} {unit}' must be written '{n} {expected}' (singular unit exactly when the value is 1)"
        )));
    }
    Ok(SignedDuration::from_secs(i64::from(n) * seconds))
}

fn parse_at(inner: &str) -> Result<DateTime, ScheduleError> {
    // Exactly yyyy-mm-ddThh:mm:ss; jiff alone would also accept other ISO 8601 shapes.
    let shape = inner.len() == 19
        && inner.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            10 => b == b'T',
            13 | 16 => b == b':',
            _ => b.is_ascii_digit(),
        });
    if !shape {
        return Err(ScheduleError::At(format!(
            "expected yyyy-mm-ddThh:mm:ss, got '{inner}'"
        )));
    }
    inner
        .parse::<DateTime>()
        .map_err(|e| ScheduleError::At(format!("invalid date-time '{inner}': {e}")))
}

// ---------------------------------------------------------------------------------------------------------
// Cron evaluation
// ---------------------------------------------------------------------------------------------------------

impl CronExpr {
    /// The earliest run (cron occurrence plus `offset` days) admitted by `bounds` whose cron occurrence is
    /// after `created`. Scans dates, not minutes: whole years and months outside the year and month fields
    /// are skipped, and only matching dates have their hour/minute combinations resolved.
    fn next_run(
        &self,
        tz: &TimeZone,
        offset: i32,
        created: Timestamp,
        bounds: Bounds,
    ) -> Option<Timestamp> {
        // A run is >= this; its cron occurrence is at most `offset` days (plus a DST hour) earlier.
        let run_floor = bounds.start.map_or(bounds.now, |s| s.max(bounds.now));
        let lead = SignedDuration::from_hours(24 * (i64::from(offset) + 1));
        let from = run_floor
            .checked_sub(lead)
            .unwrap_or(run_floor)
            .max(created);
        let first_day = tz.to_datetime(from).date();
        let first_day = first_day.yesterday().unwrap_or(first_day);
        let last_year_end = Date::new(MAX_YEAR as i16, 12, 31).ok()?;
        let last_day = bounds
            .end
            .map(|e| {
                let d = tz.to_datetime(e).date();
                d.tomorrow().unwrap_or(d)
            })
            .map_or(last_year_end, |d| d.min(last_year_end));

        let hours: Vec<i8> = self.hours.iter().map(|h| h as i8).collect();
        let minutes: Vec<i8> = self.minutes.iter().map(|m| m as i8).collect();
        let earliest_on = |day: Date| -> Option<Timestamp> {
            let run_day = day.checked_add(jiff::Span::new().days(offset)).ok()?;
            let mut best: Option<Timestamp> = None;
            for &h in &hours {
                for &m in &minutes {
                    let at = |d: Date| {
                        tz.to_ambiguous_timestamp(d.at(h, m, self.second as i8, 0))
                            .compatible()
                            .ok()
                    };
                    let Some(occurrence) = at(day) else { continue };
                    if occurrence <= created {
                        continue;
                    }
                    let run = if offset == 0 {
                        Some(occurrence)
                    } else {
                        at(run_day)
                    };
                    if let Some(run) = run.filter(|r| *r > bounds.now && *r >= run_floor) {
                        best = Some(best.map_or(run, |b| b.min(run)));
                    }
                }
            }
            best
        };

        let mut day = first_day;
        loop {
            day = self.next_matching_day(day, last_day)?;
            if let Some(run) = earliest_on(day) {
                // Near a DST gap a wall-clock time shifted later can pass the next day's first time;
                // the next day is the only other one that can be earlier.
                let next = day
                    .tomorrow()
                    .ok()
                    .filter(|d| *d <= last_day && self.matches(*d))
                    .and_then(earliest_on);
                return Some(next.map_or(run, |n| n.min(run)));
            }
            day = day.tomorrow().ok()?;
        }
    }

    /// The first date on or after `day`, and not after `last`, that the date fields match.
    fn next_matching_day(&self, mut day: Date, last: Date) -> Option<Date> {
        loop {
            if day > last {
                return None;
            }
            if !self.years.contains(i32::from(day.year())) {
                day = Date::new(day.year().checked_add(1)?, 1, 1).ok()?;
            } else if !self.months.contains(i32::from(day.month())) {
                day = day.last_of_month().tomorrow().ok()?;
            } else if self.matches_day(day) {
                return Some(day);
            } else {
                day = day.tomorrow().ok()?;
            }
        }
    }

    fn matches(&self, day: Date) -> bool {
        self.years.contains(i32::from(day.year()))
            && self.months.contains(i32::from(day.month()))
            && self.matches_day(day)
    }

    /// Day-of-month or day-of-week (exactly one is not `?`).
    fn matches_day(&self, day: Date) -> bool {
        let dom = day.day();
        let last = day.days_in_month();
        match self.day_of_month {
            DayOfMonth::Days(set) => return set.contains(i32::from(dom)),
            DayOfMonth::Last => return dom == last,
            DayOfMonth::LastWeekday => return day == weekday_near(day.last_of_month()),
            DayOfMonth::NearestWeekday(n) => {
                let n = n as i8;
                return n <= last
                    && day == weekday_near(day.first_of_month() + jiff::Span::new().days(n - 1));
            }
            DayOfMonth::Unspecified => {}
        }
        let weekday = day.weekday().to_sunday_one_offset() as u8;
        match self.day_of_week {
            DayOfWeek::Days(set) => set.contains(i32::from(weekday)),
            DayOfWeek::Last(w) => weekday == w && dom + 7 > last,
            DayOfWeek::Nth(w, n) => weekday == w && (dom - 1) / 7 + 1 == n as i8,
            DayOfWeek::Unspecified => false,
        }
    }
}

/// The weekday (Monday-Friday) nearest to `day` without leaving its month (`W` in day-of-month).
fn weekday_near(day: Date) -> Date {
    use jiff::civil::Weekday::{Saturday, Sunday};
    let days = |n: i8| day + jiff::Span::new().days(n);
    match day.weekday() {
        Saturday if day.day() == 1 => days(2),
        Saturday => days(-1),
        Sunday if day.day() == day.days_in_month() => days(-2),
        Sunday => days(1),
        _ => day,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn cron(expr: &str) -> CronExpr {
        match parse(expr) {
            Ok(Schedule::Cron(c)) => c,
            other => panic!("{expr}: {other:?}"),
        }
    }

    fn err(expr: &str) -> String {
        parse(expr).expect_err(expr).to_string()
    }

    fn values<const N: usize>(set: ValueSet<N>) -> Vec<u16> {
        set.iter().collect()
    }

    /// Next run of `expr` in `tz` after `now`, as an RFC 3339 string (UTC), or "none".
    fn next(expr: &str, tz: Option<&str>, now: &str) -> String {
        show(next_execution(expr, tz, None, None, None, None, ts(now)).unwrap())
    }

    fn show(t: Option<Timestamp>) -> String {
        t.map_or("none".into(), |t| t.to_string())
    }

    /// The first `n` runs after `now`, each strictly after the previous one.
    fn runs(expr: &str, tz: &str, now: &str, n: usize) -> Vec<String> {
        let mut at = ts(now);
        let mut out = Vec::new();
        for _ in 0..n {
            let t = next_execution(expr, Some(tz), None, None, None, Some(ts(now)), at)
                .unwrap()
                .unwrap();
            assert!(t > at);
            out.push(t.to_string());
            at = t;
        }
        out
    }

    // ---- parsing ------------------------------------------------------------------------------------

    #[test]
    fn parses_the_three_forms() {
        assert!(matches!(
            parse("cron(0 2 ? * SUN *)"),
            Ok(Schedule::Cron(_))
        ));
        assert_eq!(
            parse("rate(1 hour)"),
            Ok(Schedule::Rate(SignedDuration::from_hours(1)))
        );
        assert_eq!(
            parse("at(2020-07-07T15:55:00)"),
            Ok(Schedule::At(jiff::civil::date(2020, 7, 7).at(15, 55, 0, 0)))
        );
    }

    #[test]
    fn parses_every_documented_example() {
        for expr in [
            "cron(0 10 * * ? *)",
            "cron(15 12 * * ? *)",
            "cron(0 18 ? * MON-FRI *)",
            "cron(0 8 1 * ? *)",
            "cron(0/15 * * * ? *)",
            "cron(0/10 * ? * MON-FRI *)",
            "cron(0/5 8-17 ? * MON-FRI *)",
            "cron(30 09 ? * * *)",
            "cron(24 30 09 ? * * *)",
            "cron(0 30 23 ? * TUE#3 *)",
            "cron(0 2 ? * THU#3 *)",
            "cron(15 10 ? * * *)",
            "cron(15 10 ? * MON-FRI *)",
            "cron(0 2 L * ? *)",
            "cron(15 10 ? * 6L *)",
            "cron(0 16 ? * TUE *)",
            "cron(0 09 ? * WED *)",
        ] {
            assert!(matches!(parse(expr), Ok(Schedule::Cron(_))), "{expr}");
        }
    }

    #[test]
    fn cron_fields_lists_ranges_steps_names() {
        let c = cron("cron(1/10 */6 ? JAN,jul-SEP/2 mon-FRI,SUN 2026-2030/2)");
        assert_eq!(values(c.minutes), [1, 11, 21, 31, 41, 51]);
        assert_eq!(values(c.hours), [0, 6, 12, 18]);
        assert_eq!(values(c.months), [1, 7, 9]);
        assert_eq!(c.day_of_month, DayOfMonth::Unspecified);
        let DayOfWeek::Days(dow) = c.day_of_week else {
            panic!("{:?}", c.day_of_week)
        };
        assert_eq!(values(dow), [1, 2, 3, 4, 5, 6]);
        assert_eq!(values(c.years), [2026, 2028, 2030]);
        assert_eq!(c.second, 0);

        let c = cron("cron(5,10-12 0 1,15-17 * ? *)");
        assert_eq!(values(c.minutes), [5, 10, 11, 12]);
        let DayOfMonth::Days(dom) = c.day_of_month else {
            panic!()
        };
        assert_eq!(values(dom), [1, 15, 16, 17]);
        assert_eq!(values(cron("cron(0 0 ? * * *)").years).len(), 230);
        assert_eq!(
            values(cron("cron(0 0 ? * 2/2 *)").day_of_week_days()),
            [2, 4, 6]
        );
    }

    impl CronExpr {
        fn day_of_week_days(&self) -> ValueSet {
            match self.day_of_week {
                DayOfWeek::Days(s) => s,
                other => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn cron_special_day_tokens() {
        assert_eq!(cron("cron(0 2 L * ? *)").day_of_month, DayOfMonth::Last);
        assert_eq!(
            cron("cron(0 2 lw * ? *)").day_of_month,
            DayOfMonth::LastWeekday
        );
        assert_eq!(
            cron("cron(0 2 15W * ? *)").day_of_month,
            DayOfMonth::NearestWeekday(15)
        );
        assert_eq!(cron("cron(0 2 ? * 6L *)").day_of_week, DayOfWeek::Last(6));
        assert_eq!(cron("cron(0 2 ? * FRIL *)").day_of_week, DayOfWeek::Last(6));
        assert_eq!(
            cron("cron(0 2 ? * THU#3 *)").day_of_week,
            DayOfWeek::Nth(5, 3)
        );
        assert_eq!(
            cron("cron(0 2 ? * 2#1 *)").day_of_week,
            DayOfWeek::Nth(2, 1)
        );
        assert_eq!(values(cron("cron(0 2 ? * L *)").day_of_week_days()), [7]);
    }

    #[test]
    fn cron_seconds_field() {
        let c = cron("cron(24 30 09 ? * * *)");
        assert_eq!(
            (c.second, values(c.minutes), values(c.hours)),
            (24, vec![30], vec![9])
        );
        assert_eq!(
            next("cron(24 30 09 ? * * *)", None, "2026-01-01T00:00:00Z"),
            "2026-01-01T09:30:24Z"
        );
    }

    #[test]
    fn rate_forms() {
        let rate = |e: &str| match parse(e) {
            Ok(Schedule::Rate(d)) => d,
            other => panic!("{e}: {other:?}"),
        };
        assert_eq!(rate("rate(1 minute)"), SignedDuration::from_mins(1));
        assert_eq!(rate("rate(30 minutes)"), SignedDuration::from_mins(30));
        assert_eq!(rate("rate(5 hours)"), SignedDuration::from_hours(5));
        assert_eq!(rate("rate(1 day)"), SignedDuration::from_hours(24));
        assert_eq!(rate("rate(25 days)"), SignedDuration::from_hours(600));
    }

    #[test]
    fn rejects_malformed_expressions_with_a_message() {
        let cases = [
            (
                "every day",
                "expected cron(...), rate(...) or at(...), got 'every day'",
            ),
            (
                "CRON(0 2 ? * SUN *)",
                "expected cron(...), rate(...) or at(...)",
            ),
            (
                "cron(0 2 ? * SUN *",
                "expected cron(...), rate(...) or at(...)",
            ),
            ("cron(0 2 * * ?)", "cron: expected 6 fields"),
            ("cron(0 0 2 * * ? * 1)", "got 8"),
            (
                "cron(0 2 ? * FOO *)",
                "cron day-of-week: unknown token 'FOO'",
            ),
            (
                "cron(0 2 ? * MON-FOO *)",
                "cron day-of-week: unknown token 'FOO'",
            ),
            ("cron(0 2 ? FOO * *)", "cron month: unknown token 'FOO'"),
            (
                "cron(60 2 ? * * *)",
                "cron minutes: value 60 out of range 0-59",
            ),
            (
                "cron(0 24 ? * * *)",
                "cron hours: value 24 out of range 0-23",
            ),
            (
                "cron(0 2 32 * ? *)",
                "cron day-of-month: value 32 out of range 1-31",
            ),
            (
                "cron(0 2 0 * ? *)",
                "cron day-of-month: value 0 out of range 1-31",
            ),
            (
                "cron(0 2 ? 13 * *)",
                "cron month: value 13 out of range 1-12 or JAN-DEC",
            ),
            (
                "cron(0 2 ? * 0 *)",
                "cron day-of-week: value 0 out of range 1-7 or SUN-SAT",
            ),
            (
                "cron(0 2 ? * 8 *)",
                "cron day-of-week: value 8 out of range 1-7",
            ),
            (
                "cron(0 2 ? * * 1969)",
                "cron year: value 1969 out of range 1970-2199",
            ),
            (
                "cron(0 2 ? * * 2200)",
                "cron year: value 2200 out of range 1970-2199",
            ),
            (
                "cron(0 99999999 ? * * *)",
                "cron hours: value 99999999 out of range 0-23",
            ),
            (
                "cron(0 2 * * MON *)",
                "cron day-of-month/day-of-week: one of the two fields must be '?'",
            ),
            ("cron(0 2 1 * 1 *)", "one of the two fields must be '?'"),
            (
                "cron(0 2 ? * ? *)",
                "cron day-of-month/day-of-week: only one of the two fields may be '?'",
            ),
            (
                "cron(0 ? ? * * *)",
                "cron hours: '?' is only allowed in day-of-month or day-of-week",
            ),
            ("cron(0 2 ? * * ?)", "cron year: '?' is only allowed"),
            (
                "cron(0 2 5-1 * ? *)",
                "cron day-of-month: range '5-1' starts after it ends",
            ),
            (
                "cron(0 2 ? * FRI-MON *)",
                "cron day-of-week: range 'FRI-MON' starts after it ends",
            ),
            (
                "cron(0/0 2 ? * * *)",
                "cron minutes: step '0' in '0/0' must be a number 1-60",
            ),
            (
                "cron(0/61 2 ? * * *)",
                "cron minutes: step '61' in '0/61' must be a number 1-60",
            ),
            ("cron(0/x 2 ? * * *)", "cron minutes: step 'x'"),
            ("cron(0, 2 ? * * *)", "cron minutes: malformed element ''"),
            ("cron(0,,5 2 ? * * *)", "cron minutes: malformed element ''"),
            ("cron(-5 2 ? * * *)", "cron minutes: malformed element '-5'"),
            (
                "cron(0 2 L,15 * ? *)",
                "cron day-of-month: 'L,15': 'L' and 'W' are only supported alone",
            ),
            ("cron(0 2 1-15W * ? *)", "cron day-of-month: '1-15W'"),
            (
                "cron(0 2 32W * ? *)",
                "cron day-of-month: value 32 out of range 1-31",
            ),
            (
                "cron(0 2 ? * 1L,2 *)",
                "cron day-of-week: '1L,2': 'L' is only supported alone or after a single weekday",
            ),
            (
                "cron(0 2 ? * 1,2L *)",
                "cron day-of-week: '1,2L': 'L' must follow a single weekday",
            ),
            (
                "cron(0 2 ? * L-2 *)",
                "cron day-of-week: 'L-2': 'L' is only supported",
            ),
            (
                "cron(0 2 ? * THU#6 *)",
                "cron day-of-week: 'THU#6': the week after '#' must be 1-5, got '6'",
            ),
            (
                "cron(0 2 ? * THU#0 *)",
                "the week after '#' must be 1-5, got '0'",
            ),
            (
                "cron(0 2 ? * MON,THU#2 *)",
                "'#' must follow a single weekday",
            ),
            (
                "cron(0 2 ? * FOO#2 *)",
                "cron day-of-week: unknown token 'FOO'",
            ),
            (
                "cron(*/5 0 2 ? * * *)",
                "cron seconds: expected a single value 0-59, got '*/5'",
            ),
            (
                "cron(60 0 2 ? * * *)",
                "cron seconds: expected a single value 0-59, got '60'",
            ),
            ("rate(1 hours)", "rate: '1 hours' must be written '1 hour'"),
            ("rate(5 hour)", "rate: '5 hour' must be written '5 hours'"),
            (
                "rate(0 days)",
                "rate: value must be a positive whole number, got '0'",
            ),
            (
                "rate(07 days)",
                "rate: value must be a positive whole number, got '07'",
            ),
            (
                "rate(-1 days)",
                "rate: value must be a positive whole number, got '-1'",
            ),
            (
                "rate(99999999999 days)",
                "rate: value must be a positive whole number",
            ),
            (
                "rate(2 weeks)",
                "rate: unknown unit 'weeks' (expected minute(s), hour(s) or day(s))",
            ),
            ("rate(2 Days)", "rate: unknown unit 'Days'"),
            ("rate(days)", "rate: expected 'rate(<value> <unit>)'"),
            ("rate(1 day 2)", "rate: expected 'rate(<value> <unit>)'"),
            (
                "at(2026-01-01 10:00:00)",
                "at: expected yyyy-mm-ddThh:mm:ss, got '2026-01-01 10:00:00'",
            ),
            ("at(2026-01-01T10:00)", "at: expected yyyy-mm-ddThh:mm:ss"),
            (
                "at(2026-01-01T10:00:00Z)",
                "at: expected yyyy-mm-ddThh:mm:ss",
            ),
            (
                "at(2026-13-01T10:00:00)",
                "at: invalid date-time '2026-13-01T10:00:00'",
            ),
            (
                "at(2026-02-30T10:00:00)",
                "at: invalid date-time '2026-02-30T10:00:00'",
            ),
        ];
        for (expr, want) in cases {
            let got = err(expr);
            assert!(got.contains(want), "{expr}: got '{got}', want '{want}'");
        }
        let long = format!("cron(0 2 ? * {} *)", vec!["MON"; 70].join(","));
        assert!(err(&long).contains("AWS allows at most 256"));
    }

    #[test]
    fn error_values_name_the_field() {
        assert_eq!(
            parse("cron(0 2 ? * FOO *)"),
            Err(ScheduleError::Cron {
                field: "day-of-week",
                message: "unknown token 'FOO'".into()
            })
        );
    }

    #[test]
    fn time_zones() {
        assert_eq!(
            validate_timezone("Europe/Berlin").unwrap().iana_name(),
            Some("Europe/Berlin")
        );
        assert_eq!(validate_timezone("UTC").unwrap(), TimeZone::UTC);
        assert!(validate_timezone("Asia/Tokyo").is_ok());
        for bad in ["Mars/Olympus_Mons", "", "Etc/Unknown", "+01:00", "CET+1"] {
            assert_eq!(
                validate_timezone(bad).unwrap_err().to_string(),
                format!("time zone '{bad}': {NOT_IANA}")
            );
        }
        assert_eq!(
            validate_timezone("europe/berlin").unwrap_err().to_string(),
            "time zone 'europe/berlin': time zone names are case-sensitive, use 'Europe/Berlin'"
        );
        let now = ts("2026-01-01T00:00:00Z");
        let e = next_execution(
            "cron(0 2 ? * * *)",
            Some("Europe/Berln"),
            None,
            None,
            None,
            None,
            now,
        );
        assert!(matches!(e, Err(ScheduleError::Timezone { name, .. }) if name == "Europe/Berln"));
    }

    #[test]
    fn schedule_offset_validation() {
        let now = ts("2026-01-01T00:00:00Z");
        let run = |expr: &str, offset: i32| {
            next_execution(expr, None, Some(offset), None, None, None, now)
        };
        assert!(run("cron(0 2 ? * * *)", 1).is_ok());
        assert!(run("cron(0 2 ? * * *)", 6).is_ok());
        assert_eq!(
            run("cron(0 2 ? * * *)", 0).unwrap_err().to_string(),
            "schedule offset: 0 days is out of range 1-6"
        );
        assert_eq!(
            run("cron(0 2 ? * * *)", 7).unwrap_err().to_string(),
            "schedule offset: 7 days is out of range 1-6"
        );
        assert!(run("cron(0 2 ? * * *)", -1).is_err());
        for expr in ["rate(1 day)", "at(2026-02-01T00:00:00)"] {
            assert_eq!(
                run(expr, 2).unwrap_err().to_string(),
                "schedule offset: only supported with cron expressions, not rate or at"
            );
        }
    }

    #[test]
    fn date_validation() {
        let now = ts("2026-01-01T00:00:00Z");
        let run = |start: Option<&str>, end: Option<&str>| {
            next_execution("cron(0 2 ? * * *)", None, None, start, end, None, now)
        };
        assert!(run(
            Some("2026-11-01T00:00:00Z"),
            Some("2027-11-01T00:00:00+01:00")
        )
        .is_ok());
        assert!(run(Some("2021-04-07T14:29:00-08:00"), None).is_ok());
        let e = run(Some("2026-11-01"), None).unwrap_err().to_string();
        assert!(
            e.starts_with("start date '2026-11-01': expected an ISO 8601 date-time with an offset"),
            "{e}"
        );
        let e = run(None, Some("2026-11-01T00:00:00"))
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("end date '2026-11-01T00:00:00': expected an ISO 8601"),
            "{e}"
        );
        let e = run(
            Some("2026-11-01T00:00:00Z"),
            Some("2026-11-01T01:00:00+01:00"),
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "end date '2026-11-01T01:00:00+01:00': must be after the start date"
        );
        // The expression is checked first.
        assert!(matches!(
            next_execution(
                "cron(0 2 ? * FOO *)",
                Some("Nope/Nope"),
                Some(9),
                Some("x"),
                None,
                None,
                now
            ),
            Err(ScheduleError::Cron {
                field: "day-of-week",
                ..
            })
        ));
    }

    // ---- next execution: cron ------------------------------------------------------------------------

    #[test]
    fn cron_weekly_in_utc_and_berlin() {
        // 2026-01-07 is a Wednesday; the next Sunday is 2026-01-11.
        let now = "2026-01-07T00:00:00Z";
        assert_eq!(
            next("cron(0 2 ? * SUN *)", None, now),
            "2026-01-11T02:00:00Z"
        );
        assert_eq!(
            next("cron(0 2 ? * SUN *)", Some("UTC"), now),
            "2026-01-11T02:00:00Z"
        );
        assert_eq!(
            next("cron(0 2 ? * SUN *)", Some("Europe/Berlin"), now),
            "2026-01-11T01:00:00Z"
        );
        assert_eq!(
            next("cron(0 2 ? * 1 *)", Some("America/New_York"), now),
            "2026-01-11T07:00:00Z"
        );
        // Summer time: CEST is UTC+2.
        assert_eq!(
            next(
                "cron(0 2 ? * SUN *)",
                Some("Europe/Berlin"),
                "2026-07-01T00:00:00Z"
            ),
            "2026-07-05T00:00:00Z"
        );
        // Sunday 01:30 UTC is already Sunday 02:30 in Berlin: this week's run has passed.
        assert_eq!(
            next(
                "cron(0 2 ? * SUN *)",
                Some("Europe/Berlin"),
                "2026-01-11T01:30:00Z"
            ),
            "2026-01-18T01:00:00Z"
        );
        assert_eq!(
            next("cron(0 2 ? * SUN *)", None, "2026-01-11T01:30:00Z"),
            "2026-01-11T02:00:00Z"
        );
        // Across the date line: Monday 09:00 in Tokyo is Sunday 00:00 UTC.
        assert_eq!(
            next("cron(0 9 ? * MON *)", Some("Asia/Tokyo"), now),
            "2026-01-12T00:00:00Z"
        );
    }

    #[test]
    fn cron_strictly_after_now() {
        assert_eq!(
            next("cron(0 2 ? * * *)", None, "2026-01-01T02:00:00Z"),
            "2026-01-02T02:00:00Z"
        );
        assert_eq!(
            next("cron(0 2 ? * * *)", None, "2026-01-01T01:59:59.999Z"),
            "2026-01-01T02:00:00Z"
        );
        assert_eq!(
            next("cron(0/15 * * * ? *)", None, "2026-01-01T10:07:00Z"),
            "2026-01-01T10:15:00Z"
        );
        assert_eq!(
            next("cron(0/5 8-17 ? * MON-FRI *)", None, "2026-01-02T17:56:00Z"),
            "2026-01-05T08:00:00Z"
        );
        assert_eq!(
            next("cron(0 0 ? * * *)", None, "2026-12-31T23:59:00Z"),
            "2027-01-01T00:00:00Z"
        );
    }

    #[test]
    fn dst_spring_forward_new_york() {
        // 2026-03-08 02:00 EST -> 03:00 EDT: 02:30 does not exist and runs at 03:30 EDT (07:30Z).
        let daily = runs(
            "cron(30 2 * * ? *)",
            "America/New_York",
            "2026-03-06T12:00:00Z",
            4,
        );
        assert_eq!(
            daily,
            [
                "2026-03-07T07:30:00Z", // 02:30 EST
                "2026-03-08T07:30:00Z", // 03:30 EDT, shifted out of the gap
                "2026-03-09T06:30:00Z", // 02:30 EDT
                "2026-03-10T06:30:00Z",
            ]
        );
        // Hourly: 02:30 and 03:30 land on the same instant, which runs once.
        let hourly = runs(
            "cron(30 * * * ? *)",
            "America/New_York",
            "2026-03-08T06:00:00Z",
            3,
        );
        assert_eq!(
            hourly,
            [
                "2026-03-08T06:30:00Z",
                "2026-03-08T07:30:00Z",
                "2026-03-08T08:30:00Z"
            ]
        );
        // A time before the gap is unaffected.
        assert_eq!(
            next(
                "cron(30 1 * * ? *)",
                Some("America/New_York"),
                "2026-03-08T00:00:00Z"
            ),
            "2026-03-08T06:30:00Z"
        );
    }

    #[test]
    fn dst_fall_back_new_york() {
        // 2026-11-01 02:00 EDT -> 01:00 EST: 01:30 happens twice and runs at the first (EDT) one only.
        let daily = runs(
            "cron(30 1 * * ? *)",
            "America/New_York",
            "2026-10-30T12:00:00Z",
            4,
        );
        assert_eq!(
            daily,
            [
                "2026-10-31T05:30:00Z", // 01:30 EDT
                "2026-11-01T05:30:00Z", // 01:30 EDT, the earlier of the two
                "2026-11-02T06:30:00Z", // 01:30 EST
                "2026-11-03T06:30:00Z",
            ]
        );
        // Every 30 minutes through the fold: the repeated hour (01:00-01:59 EST) does not run again.
        let half_hourly = runs(
            "cron(0/30 * * * ? *)",
            "America/New_York",
            "2026-11-01T04:45:00Z",
            5,
        );
        assert_eq!(
            half_hourly,
            [
                "2026-11-01T05:00:00Z", // 01:00 EDT
                "2026-11-01T05:30:00Z", // 01:30 EDT
                "2026-11-01T07:00:00Z", // 02:00 EST
                "2026-11-01T07:30:00Z",
                "2026-11-01T08:00:00Z",
            ]
        );
    }

    #[test]
    fn dst_spring_forward_and_fall_back_berlin() {
        // 2026-03-29 02:00 CET -> 03:00 CEST.
        let spring = runs(
            "cron(30 2 ? * * *)",
            "Europe/Berlin",
            "2026-03-27T12:00:00Z",
            3,
        );
        assert_eq!(
            spring,
            [
                "2026-03-28T01:30:00Z",
                "2026-03-29T01:30:00Z",
                "2026-03-30T00:30:00Z"
            ]
        );
        // 2026-10-25 03:00 CEST -> 02:00 CET: 02:30 happens twice.
        let fall = runs(
            "cron(30 2 ? * * *)",
            "Europe/Berlin",
            "2026-10-23T12:00:00Z",
            3,
        );
        assert_eq!(
            fall,
            [
                "2026-10-24T00:30:00Z",
                "2026-10-25T00:30:00Z",
                "2026-10-26T01:30:00Z"
            ]
        );
        // Weekly on the transition Sundays.
        assert_eq!(
            next(
                "cron(0 2 ? * SUN *)",
                Some("Europe/Berlin"),
                "2026-03-28T00:00:00Z"
            ),
            "2026-03-29T01:00:00Z"
        );
        assert_eq!(
            next(
                "cron(0 2 ? * SUN *)",
                Some("Europe/Berlin"),
                "2026-10-24T00:00:00Z"
            ),
            "2026-10-25T00:00:00Z"
        );
        assert_eq!(
            next(
                "cron(0 2 ? * SUN *)",
                Some("Europe/Berlin"),
                "2026-10-25T00:00:00Z"
            ),
            "2026-11-01T01:00:00Z"
        );
    }

    #[test]
    fn dst_gap_at_midnight() {
        // America/Santiago springs forward at 00:00 (2026-09-06 00:00 -04 -> 01:00 -03): midnight does not
        // exist that day and runs at 01:00 -03, once.
        let daily = runs(
            "cron(0 0 * * ? *)",
            "America/Santiago",
            "2026-09-04T12:00:00Z",
            3,
        );
        assert_eq!(
            daily,
            [
                "2026-09-05T04:00:00Z",
                "2026-09-06T04:00:00Z",
                "2026-09-07T03:00:00Z"
            ]
        );
    }

    #[test]
    fn last_day_and_last_weekday_of_month() {
        assert_eq!(
            next("cron(0 2 L * ? *)", None, "2026-02-10T00:00:00Z"),
            "2026-02-28T02:00:00Z"
        );
        assert_eq!(
            next("cron(0 2 L * ? *)", None, "2028-02-10T00:00:00Z"),
            "2028-02-29T02:00:00Z"
        );
        assert_eq!(
            next("cron(0 2 L * ? *)", None, "2026-02-28T02:00:00Z"),
            "2026-03-31T02:00:00Z"
        );
        // 2026-01-30 is the last Friday of January 2026.
        assert_eq!(
            next("cron(15 10 ? * 6L *)", None, "2026-01-01T00:00:00Z"),
            "2026-01-30T10:15:00Z"
        );
        assert_eq!(
            next("cron(15 10 ? * FRIL *)", None, "2026-01-30T10:15:00Z"),
            "2026-02-27T10:15:00Z"
        );
        // January 2026 ends on a Saturday: its last weekday is Friday the 30th.
        assert_eq!(
            next("cron(0 2 LW * ? *)", None, "2026-01-01T00:00:00Z"),
            "2026-01-30T02:00:00Z"
        );
        // May 2026 ends on a Sunday: Friday the 29th.
        assert_eq!(
            next("cron(0 2 LW * ? *)", None, "2026-05-01T00:00:00Z"),
            "2026-05-29T02:00:00Z"
        );
        // `L` alone in day-of-week is Saturday.
        assert_eq!(
            next("cron(0 2 ? * L *)", None, "2026-01-01T00:00:00Z"),
            "2026-01-03T02:00:00Z"
        );
    }

    #[test]
    fn nth_weekday_of_month() {
        // Thursdays in January 2026: 1, 8, 15.
        assert_eq!(
            next("cron(0 2 ? * THU#3 *)", None, "2026-01-01T00:00:00Z"),
            "2026-01-15T02:00:00Z"
        );
        assert_eq!(
            next("cron(0 2 ? * 5#3 *)", None, "2026-01-15T02:00:00Z"),
            "2026-02-19T02:00:00Z"
        );
        assert_eq!(
            next("cron(0 2 ? * THU#1 *)", None, "2025-12-31T00:00:00Z"),
            "2026-01-01T02:00:00Z"
        );
        // No fifth Monday in January or February 2026; March has one (the 30th).
        assert_eq!(
            next("cron(0 2 ? * MON#5 *)", None, "2026-01-01T00:00:00Z"),
            "2026-03-30T02:00:00Z"
        );
        // Patch Tuesday (second Tuesday) in Berlin.
        assert_eq!(
            next(
                "cron(0 22 ? * TUE#2 *)",
                Some("Europe/Berlin"),
                "2026-01-01T00:00:00Z"
            ),
            "2026-01-13T21:00:00Z"
        );
    }

    #[test]
    fn nearest_weekday() {
        // 2026-08-15 is a Saturday -> Friday the 14th.
        assert_eq!(
            next("cron(0 2 15W * ? *)", None, "2026-08-01T00:00:00Z"),
            "2026-08-14T02:00:00Z"
        );
        // 2026-11-15 is a Sunday -> Monday the 16th.
        assert_eq!(
            next("cron(0 2 15W * ? *)", None, "2026-11-01T00:00:00Z"),
            "2026-11-16T02:00:00Z"
        );
        // 2026-08-01 is a Saturday: the nearest weekday in August is Monday the 3rd, not July 31st.
        assert_eq!(
            next("cron(0 2 1W AUG ? *)", None, "2026-07-01T00:00:00Z"),
            "2026-08-03T02:00:00Z"
        );
        // 2026-05-31 is a Sunday: Friday the 29th, not June 1st.
        assert_eq!(
            next("cron(0 2 31W MAY ? *)", None, "2026-05-01T00:00:00Z"),
            "2026-05-29T02:00:00Z"
        );
        // A weekday stays put (2026-01-15 is a Thursday); months without the day are skipped.
        assert_eq!(
            next("cron(0 2 15W * ? *)", None, "2026-01-01T00:00:00Z"),
            "2026-01-15T02:00:00Z"
        );
        assert_eq!(
            next("cron(0 2 31W * ? *)", None, "2026-02-01T00:00:00Z"),
            "2026-03-31T02:00:00Z"
        );
    }

    #[test]
    fn months_and_years() {
        assert_eq!(
            next("cron(0 0 1 JAN ? 2027)", None, "2026-05-01T00:00:00Z"),
            "2027-01-01T00:00:00Z"
        );
        assert_eq!(
            next("cron(0 0 1 JAN ? 2025)", None, "2026-05-01T00:00:00Z"),
            "none"
        );
        assert_eq!(
            next(
                "cron(0 0 1 JAN ? 2026-2030/2)",
                None,
                "2026-05-01T00:00:00Z"
            ),
            "2028-01-01T00:00:00Z"
        );
        assert_eq!(
            next("cron(0 0 ? JUL,DEC MON#1 *)", None, "2026-01-01T00:00:00Z"),
            "2026-07-06T00:00:00Z"
        );
        assert_eq!(
            next("cron(0 0 1 * ? *)", None, "2199-12-01T00:00:00Z"),
            "none"
        );
        // Valid but never matching: bounded search, no error.
        assert_eq!(
            next("cron(0 0 30 FEB ? *)", None, "2026-01-01T00:00:00Z"),
            "none"
        );
        assert_eq!(
            next(
                "cron(0 0 31 APR,JUN,SEP,NOV ? *)",
                None,
                "1970-01-01T00:00:00Z"
            ),
            "none"
        );
    }

    #[test]
    fn schedule_offset_shifts_cron_occurrences() {
        // Third Tuesday of January 2026 is the 20th; offset 2 runs on Thursday the 22nd at 23:30.
        let expr = "cron(30 23 ? * TUE#3 *)";
        let run = |anchor: Option<&str>, now: &str| {
            show(next_execution(expr, None, Some(2), None, None, anchor.map(ts), ts(now)).unwrap())
        };
        assert_eq!(run(None, "2026-01-01T00:00:00Z"), "2026-01-22T23:30:00Z");
        // Window created before the cron occurrence: the offset run is still ahead on the 21st.
        assert_eq!(
            run(Some("2026-01-01T00:00:00Z"), "2026-01-21T12:00:00Z"),
            "2026-01-22T23:30:00Z"
        );
        // Created after the cron occurrence (20th 23:30) but before its offset run: AWS skips to next month.
        assert_eq!(
            run(Some("2026-01-21T00:00:00Z"), "2026-01-21T12:00:00Z"),
            "2026-02-19T23:30:00Z"
        );
        assert_eq!(run(None, "2026-01-21T12:00:00Z"), "2026-02-19T23:30:00Z");
        // After the offset run: next month (third Tuesday of February is the 17th).
        assert_eq!(
            run(Some("2026-01-01T00:00:00Z"), "2026-01-22T23:30:00Z"),
            "2026-02-19T23:30:00Z"
        );
        // The offset keeps the wall-clock time across a DST change: Saturday 02:30 + 1 day is the
        // New York spring-forward Sunday, whose 02:30 runs at 03:30 EDT.
        let e = next_execution(
            "cron(30 2 ? * SAT *)",
            Some("America/New_York"),
            Some(1),
            None,
            None,
            None,
            ts("2026-03-05T00:00:00Z"),
        );
        assert_eq!(show(e.unwrap()), "2026-03-08T07:30:00Z");
        // Offset plus time zone: Berlin Tuesday 22:00 + 6 days.
        let e = next_execution(
            "cron(0 22 ? * TUE#2 *)",
            Some("Europe/Berlin"),
            Some(6),
            None,
            None,
            None,
            ts("2026-01-01T00:00:00Z"),
        );
        assert_eq!(show(e.unwrap()), "2026-01-19T21:00:00Z");
    }

    #[test]
    fn start_and_end_dates_bound_cron_runs() {
        let run = |start: Option<&str>, end: Option<&str>, now: &str| {
            show(
                next_execution(
                    "cron(0 09 ? * WED *)",
                    Some("America/Los_Angeles"),
                    None,
                    start,
                    end,
                    None,
                    ts(now),
                )
                .unwrap(),
            )
        };
        // AWS example: active from 2021-01-01 00:00 Pacific; first run Wednesday 2021-01-06 09:00 PST.
        assert_eq!(
            run(
                Some("2021-01-01T00:00:00-08:00"),
                None,
                "2020-11-01T00:00:00Z"
            ),
            "2021-01-06T17:00:00Z"
        );
        // A start in the past does not matter.
        assert_eq!(
            run(
                Some("2021-01-01T00:00:00-08:00"),
                None,
                "2021-03-01T00:00:00Z"
            ),
            "2021-03-03T17:00:00Z"
        );
        // A run exactly at the start date counts.
        assert_eq!(
            run(
                Some("2021-01-06T09:00:00-08:00"),
                None,
                "2020-11-01T00:00:00Z"
            ),
            "2021-01-06T17:00:00Z"
        );
        // A run exactly at the end date counts; after it, the window has ended.
        let end = Some("2021-01-13T17:00:00Z");
        assert_eq!(
            run(None, end, "2021-01-07T00:00:00Z"),
            "2021-01-13T17:00:00Z"
        );
        assert_eq!(
            run(None, Some("2021-01-13T16:59:59Z"), "2021-01-07T00:00:00Z"),
            "none"
        );
        assert_eq!(run(None, end, "2021-01-13T17:00:00Z"), "none");
        assert_eq!(run(None, end, "2025-01-01T00:00:00Z"), "none");
        // Both, with a start far ahead of now (validation calls use the Unix epoch as now).
        assert_eq!(
            run(
                Some("2030-06-01T00:00:00Z"),
                Some("2030-12-31T00:00:00Z"),
                "1970-01-01T00:00:00Z"
            ),
            "2030-06-05T16:00:00Z"
        );
    }

    // ---- next execution: rate and at ---------------------------------------------------------------

    #[test]
    fn rate_counts_from_the_anchor() {
        let run = |expr: &str, start: Option<&str>, anchor: Option<&str>, now: &str| {
            show(next_execution(expr, None, None, start, None, anchor.map(ts), ts(now)).unwrap())
        };
        let created = Some("2026-01-01T00:00:00Z");
        assert_eq!(
            run("rate(5 hours)", None, created, "2026-01-01T12:00:00Z"),
            "2026-01-01T15:00:00Z"
        );
        assert_eq!(
            run("rate(5 hours)", None, created, "2026-01-01T15:00:00Z"),
            "2026-01-01T20:00:00Z"
        );
        assert_eq!(
            run("rate(5 hours)", None, created, "2026-01-01T14:59:59.5Z"),
            "2026-01-01T15:00:00Z"
        );
        assert_eq!(
            run("rate(30 minutes)", None, created, "2026-01-01T00:00:00Z"),
            "2026-01-01T00:30:00Z"
        );
        assert_eq!(
            run("rate(1 day)", None, created, "2026-03-01T10:00:00Z"),
            "2026-03-02T00:00:00Z"
        );
        // No anchor (the window does not exist yet) and no start date: unknown, the same on every pass.
        assert_eq!(
            run("rate(7 days)", None, None, "2026-01-01T10:00:00Z"),
            "none"
        );
        assert_eq!(
            run("rate(7 days)", None, None, "2026-01-01T10:05:00Z"),
            "none"
        );
        // A future start date is the first run.
        assert_eq!(
            run(
                "rate(7 days)",
                Some("2026-02-01T08:00:00+01:00"),
                created,
                "2026-01-10T00:00:00Z"
            ),
            "2026-02-01T07:00:00Z"
        );
        assert_eq!(
            run(
                "rate(7 days)",
                Some("2026-02-01T08:00:00+01:00"),
                created,
                "2026-02-10T00:00:00Z"
            ),
            "2026-02-15T07:00:00Z"
        );
        // A start date before the creation is replaced by the creation time (AWS API reference).
        assert_eq!(
            run(
                "rate(1 hour)",
                Some("2025-06-01T00:20:00Z"),
                created,
                "2026-01-01T05:10:00Z"
            ),
            "2026-01-01T06:00:00Z"
        );
    }

    #[test]
    fn rate_with_start_and_end_like_the_aws_example() {
        // Every 7 days from Tuesday 2019-01-01 03:15 JST, active until 2019-06-30 06:15 JST:
        // the last run is Tuesday 2019-06-25 03:15 JST.
        let run = |now: &str| {
            show(
                next_execution(
                    "rate(7 days)",
                    Some("Asia/Tokyo"),
                    None,
                    Some("2019-01-01T03:15:00+09:00"),
                    Some("2019-06-30T06:15:00+09:00"),
                    Some(ts("2018-12-01T00:00:00Z")),
                    ts(now),
                )
                .unwrap(),
            )
        };
        assert_eq!(run("2018-12-15T00:00:00Z"), "2018-12-31T18:15:00Z");
        assert_eq!(run("2019-06-20T00:00:00Z"), "2019-06-24T18:15:00Z");
        assert_eq!(run("2019-06-24T18:15:00Z"), "none");
    }

    #[test]
    fn at_runs_once_in_the_schedule_time_zone() {
        let expr = "at(2026-07-07T15:55:00)";
        assert_eq!(
            next(expr, None, "2026-01-01T00:00:00Z"),
            "2026-07-07T15:55:00Z"
        );
        assert_eq!(
            next(expr, Some("Europe/Berlin"), "2026-01-01T00:00:00Z"),
            "2026-07-07T13:55:00Z"
        );
        assert_eq!(next(expr, None, "2026-07-07T15:55:00Z"), "none");
        assert_eq!(next(expr, None, "2027-01-01T00:00:00Z"), "none");
        // Inside a spring-forward gap: shifted later like cron times.
        assert_eq!(
            next(
                "at(2026-03-08T02:30:00)",
                Some("America/New_York"),
                "2026-01-01T00:00:00Z"
            ),
            "2026-03-08T07:30:00Z"
        );
        // Outside the active period.
        let e = next_execution(
            expr,
            None,
            None,
            None,
            Some("2026-07-01T00:00:00Z"),
            None,
            ts("2026-01-01T00:00:00Z"),
        );
        assert_eq!(e, Ok(None));
        let e = next_execution(
            expr,
            None,
            None,
            Some("2026-08-01T00:00:00Z"),
            None,
            None,
            ts("2026-01-01T00:00:00Z"),
        );
        assert_eq!(e, Ok(None));
    }

    #[test]
    fn validation_style_call_from_the_epoch() {
        // How spec validation calls it: every input is checked, whatever `now` is.
        let e = next_execution(
            "cron(0 2 ? * SUN *)",
            Some("Europe/Berlin"),
            Some(3),
            Some("2026-11-01T00:00:00Z"),
            Some("2027-11-01T00:00:00Z"),
            None,
            Timestamp::UNIX_EPOCH,
        );
        assert_eq!(show(e.unwrap()), "2026-11-04T01:00:00Z");
        let e = next_execution(
            "cron(0/5 * * * ? *)",
            None,
            None,
            None,
            None,
            None,
            Timestamp::UNIX_EPOCH,
        );
        assert_eq!(show(e.unwrap()), "1970-01-01T00:05:00Z");
    }
}
