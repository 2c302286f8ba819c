import Foundation

extension WorkCalendar {
    /// The deadline for a limit that starts at `start` (the moment a matter was received, accepted, …).
    ///
    /// Counting conventions (the start day itself is never counted, as in 信访 practice and in the general rule of
    /// 民法典 第二百零一条 "开始的当日不计入，自下一日开始计算"; a day ends at 24:00, 第二百零三条):
    ///
    /// - `.calendarDays(n)`: the deadline is the end of the n-th day after the start day, 23:59:59 local time.
    ///   Received 2026-01-10 at any hour, 15 days → 2026-01-25 23:59:59. Weekends and holidays count as days,
    ///   and the deadline is not moved when it falls on a holiday, so no holiday data is used and
    ///   `missingYears` is always empty. `.calendarDays(0)` is the end of the start day.
    /// - `.workingDays(n)`: the deadline is closing time (end of the last office interval, 17:30 by default) of the
    ///   n-th working day after the start day. Weekends and holidays are skipped, make-up workdays count. Received
    ///   Thursday 2026-02-12, 5 working days → Fri 13, Sat 14 (调休上班), [春节 15–23], Tue 24, Wed 25,
    ///   Thu 26 → 2026-02-26 17:30. `.workingDays(0)` is closing time of the start day if it is a working day,
    ///   else of the next working day.
    /// - `.workingHours(n)`: only time inside office hours on working days counts; counting begins at `start` if
    ///   that is inside office hours, otherwise at the next opening. The deadline is the instant the n-th office
    ///   hour is complete; ending exactly at a break gives the break's start (12:00, not 14:30).
    ///   `.workingHours(0)` is the first office moment at or after `start`.
    /// - `.hours(n)`: `start` plus n clock hours; no holiday data is used.
    ///
    /// Working-day and working-hour results list in `missingYears` every year they walked through that has no
    /// calendar data (the start day excluded when it is not counted).
    public func deadline(from start: Date, adding span: DeadlineSpan) -> DeadlineResult {
        let startDay = clock.day(of: start)
        let count = span.boundedCount  // a count beyond a year's would walk the calendar for ever (DeadlineSpan.maxCount)
        switch span {
        case .calendarDays:
            let lastDay = startDay.adding(days: count)
            return DeadlineResult(date: clock.endOfDay(lastDay), lastDay: lastDay, missingYears: [])

        case .workingDays:
            var lastDay = startDay
            if count <= 0 {
                if !isWorkday(lastDay) { lastDay = nextWorkday(after: lastDay) }
            } else {
                for _ in 0..<count { lastDay = nextWorkday(after: lastDay) }
            }
            let firstCounted = count <= 0 ? startDay : startDay.adding(days: 1)
            return DeadlineResult(
                date: clock.date(lastDay, secondsFromMidnight: officeHours.closing.secondsFromMidnight),
                lastDay: lastDay,
                missingYears: missingYears(from: firstCounted, to: lastDay))

        case .hours:
            let end = start.addingTimeInterval(TimeInterval(count * 3600))
            return DeadlineResult(date: end, lastDay: clock.day(of: end), missingYears: [])

        case .workingHours:
            let end = addingOfficeTime(seconds: count * 3600, to: start)
            let lastDay = clock.day(of: end)
            return DeadlineResult(date: end, lastDay: lastDay, missingYears: missingYears(from: startDay, to: lastDay))
        }
    }

    /// The deadline for a statutory limit (see `StatutoryLimit`).
    public func deadline(from start: Date, for limit: StatutoryLimit) -> DeadlineResult {
        deadline(from: start, adding: limit.span)
    }

    /// Office time between `now` and `deadline`; negative (or zero) once the deadline has passed.
    public func remainingWorkingTime(from now: Date, until deadline: Date) -> RemainingWorkingTime {
        let overdue = now > deadline
        let (earlier, later) = overdue ? (deadline, now) : (now, deadline)
        let seconds = officeSeconds(from: earlier, to: later)
        return RemainingWorkingTime(
            isOverdue: overdue,
            seconds: overdue ? -seconds : seconds,
            missingYears: missingYears(from: clock.day(of: earlier), to: clock.day(of: later)))
    }

    /// Office seconds (inside office hours on working days) between two instants, `from <= to`.
    func officeSeconds(from: Date, to: Date) -> Int {
        var total = 0.0
        var day = clock.day(of: from)
        let lastDay = clock.day(of: to)
        while day <= lastDay {
            if isWorkday(day) {
                for interval in officeHours.intervals {
                    let open = max(from, clock.date(day, secondsFromMidnight: interval.start.secondsFromMidnight))
                    let close = min(to, clock.date(day, secondsFromMidnight: interval.end.secondsFromMidnight))
                    if open < close { total += close.timeIntervalSince(open) }
                }
            }
            day = day.adding(days: 1)
        }
        return Int(total.rounded(.down))
    }

    /// The instant at which `seconds` of office time have passed since `start`.
    func addingOfficeTime(seconds: Int, to start: Date) -> Date {
        var remaining = TimeInterval(seconds)
        var day = clock.day(of: start)
        while true {
            if isWorkday(day) {
                for interval in officeHours.intervals {
                    let open = max(start, clock.date(day, secondsFromMidnight: interval.start.secondsFromMidnight))
                    let close = clock.date(day, secondsFromMidnight: interval.end.secondsFromMidnight)
                    guard open < close else { continue }
                    let available = close.timeIntervalSince(open)
                    if remaining <= available { return open.addingTimeInterval(remaining) }
                    remaining -= available
                }
            }
            day = day.adding(days: 1)
        }
    }
}
