import Foundation

/// A person's duties as an iCalendar feed (RFC 5545) their phone can subscribe to: market-day duty (赶集日接访),
/// reception days (接待日) and roster duty days (值班). Pure: the same schedules and range give the same text.
public struct DutyFeed: Sendable {
    public var schedules: Schedules
    public var calendar: WorkCalendar
    /// For `UID`s: `<kind>-<day>-<person>@<domain>`.
    public var domain: String

    public init(schedules: Schedules, calendar: WorkCalendar, domain: String) {
        self.schedules = schedules
        self.calendar = calendar
        self.domain = domain
    }

    public struct Event: Sendable, Hashable {
        public var uid: String
        public var day: CivilDay
        /// nil for an all-day event.
        public var start: ClockTime?
        public var end: ClockTime?
        public var summary: String
        public var location: String?
    }

    /// Every duty of `person` from `first` to `last`, in date order.
    public func events(for person: String, from first: CivilDay, to last: CivilDay) -> [Event] {
        var out: [Event] = []
        guard first <= last else { return [] }
        for day in first...last {
            for (duty, assignment) in schedules.marketDuty(on: day) where assignment.person == person {
                out.append(Event(uid: "market-\(duty.market)-\(day)-\(person)@\(domain)", day: day,
                                 start: calendar.officeHours.opening, end: calendar.officeHours.closing,
                                 summary: "\(duty.marketName)赶集日接访", location: duty.place))
            }
            for (i, r) in schedules.receptionDays.enumerated() where r.leader == person && r.rule.isMarketDay(day) && calendar.isWorkday(day) {
                out.append(Event(uid: "reception-\(i)-\(day)-\(person)@\(domain)", day: day, start: r.start, end: r.end,
                                 summary: "领导接待日", location: r.place))
            }
            for roster in schedules.rosters where roster.onDuty(on: day, calendar: calendar)?.person == person {
                out.append(Event(uid: "roster-\(roster.name.unicodeScalars.map { String($0.value, radix: 16) }.joined())-\(day)-\(person)@\(domain)",
                                 day: day, start: nil, end: nil, summary: "\(roster.name)值班", location: nil))
            }
        }
        return out
    }

    /// The feed's text, CRLF line ends, times in the calendar's zone (`TZID`).
    public func ics(for person: String, name: String, from first: CivilDay, to last: CivilDay) -> String {
        let zone = calendar.timeZone.identifier
        func date(_ d: CivilDay) -> String { "\(d)".replacingOccurrences(of: "-", with: "") }
        func time(_ t: ClockTime) -> String {
            (t.hour < 10 ? "0\(t.hour)" : "\(t.hour)") + (t.minute < 10 ? "0\(t.minute)" : "\(t.minute)") + "00"
        }
        var lines = [
            "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Minqing Hub//minqing//ZH", "CALSCALE:GREGORIAN",
            "X-WR-CALNAME:\(Self.escape("\(name)的值班与接访"))", "X-WR-TIMEZONE:\(zone)",
        ]
        for e in events(for: person, from: first, to: last) {
            lines += ["BEGIN:VEVENT", "UID:\(e.uid)", "DTSTAMP:\(date(first))T000000Z"]
            if let start = e.start, let end = e.end {
                lines += ["DTSTART;TZID=\(zone):\(date(e.day))T\(time(start))", "DTEND;TZID=\(zone):\(date(e.day))T\(time(end))"]
            } else {
                lines += ["DTSTART;VALUE=DATE:\(date(e.day))", "DTEND;VALUE=DATE:\(date(e.day.adding(days: 1)))"]
            }
            lines.append("SUMMARY:\(Self.escape(e.summary))")
            if let location = e.location { lines.append("LOCATION:\(Self.escape(location))") }
            lines.append("END:VEVENT")
        }
        lines.append("END:VCALENDAR")
        return lines.map(Self.fold).joined(separator: "\r\n") + "\r\n"
    }

    /// RFC 5545 §3.3.11 text escaping.
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: ";", with: "\\;")
            .replacingOccurrences(of: ",", with: "\\,").replacingOccurrences(of: "\n", with: "\\n")
    }

    /// RFC 5545 §3.1: lines longer than 75 octets are folded (continuation lines start with a space), never
    /// inside a UTF-8 character.
    static func fold(_ line: String) -> String {
        var out = "", count = 0
        for ch in line {
            let size = String(ch).utf8.count
            if count + size > 75 {
                out += "\r\n "
                count = 1
            }
            out.append(ch)
            count += size
        }
        return out
    }
}
