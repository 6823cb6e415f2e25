// Package period is zeren's period math: which day, week, month, quarter,
// semester, school year or year a date falls in, what range of days a period
// covers, how periods follow one another, and how they are written and read
// (machine codes such as 2024Q3 and Chinese labels such as 2024年第三季度).
//
// It is a pure engine: it imports only the standard library and
// internal/domain, keeps no state and does no I/O, so the figures counted per
// period are reproducible and easy to test.
//
// # Ranges
//
// Every period resolves to a half-open domain.Range [From, To). Periods of one
// kind tile the time line: the To of a period is the From of the next, so a
// date is counted in exactly one period of each kind and sums over
// consecutive periods never count a day twice or drop one.
//
// Weeks are ISO 8601 weeks: they start on Monday and belong to the ISO year
// that holds their Thursday, so 2024-12-30 lies in 2025-W01 and some years
// have 53 weeks.
//
// # Semesters tile the year
//
// Real term dates vary by school and year, and between terms there are
// holidays. Rather than model holidays (which would leave days that belong to
// no semester, so activities in the summer holiday would vanish from
// semester figures), a bureau configures two boundaries in its Calendar and
// the semesters tile the year without gaps:
//
//   - the spring term (春季学期) of year Y is [SpringStart of Y, AutumnStart of Y);
//   - the autumn term (秋季学期) of year Y is [AutumnStart of Y, SpringStart of Y+1),
//     so it spans the new year and includes the winter holiday;
//   - the school year (学年) Y–Y+1 is [AutumnStart of Y, AutumnStart of Y+1),
//     exactly the autumn term of Y followed by the spring term of Y+1.
//
// The summer holiday thus belongs to the spring term that precedes it and the
// winter holiday to the autumn term. A semester is named by the calendar year
// in which it starts: 2024FA (2024年秋季学期) runs from August 2024 to
// January 2025 under the default calendar, and 2025SP (2025年春季学期) is the
// term after it. February 29 cannot be a boundary, so every semester and school
// year covers the same month-days each year and SameLastYear shifts them by
// exactly one calendar year.
package period
