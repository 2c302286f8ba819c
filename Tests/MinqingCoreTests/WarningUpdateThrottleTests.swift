import Foundation
import MinqingCore
import Testing

@Suite("Warning updates: at most one per interval, never losing the last state")
struct WarningUpdateThrottleTests {
    let raised = Date(iso: "2026-12-01T09:00:00+08:00")
    let hour: TimeInterval = 3600

    @Test("the first update waits until an interval after the raising; later than that it goes at once")
    func first() {
        #expect(WarningUpdateThrottle.decide(raisedAt: raised, last: nil, now: raised.addingTimeInterval(600), interval: hour)
                == .schedule(at: raised.addingTimeInterval(hour)))
        #expect(WarningUpdateThrottle.decide(raisedAt: raised, last: nil, now: raised.addingTimeInterval(2 * hour), interval: hour)
                == .schedule(at: raised.addingTimeInterval(2 * hour)))
    }

    @Test("a waiting update is refreshed, whatever the time; one handed over is followed by a new one an interval later")
    func following() {
        let waiting = WarningUpdateThrottle.LastUpdate(sendAt: raised.addingTimeInterval(hour), refreshable: true)
        #expect(WarningUpdateThrottle.decide(raisedAt: raised, last: waiting, now: raised.addingTimeInterval(1200), interval: hour) == .refresh)
        let sent = WarningUpdateThrottle.LastUpdate(sendAt: raised.addingTimeInterval(hour), refreshable: false)
        #expect(WarningUpdateThrottle.decide(raisedAt: raised, last: sent, now: raised.addingTimeInterval(hour + 60), interval: hour)
                == .schedule(at: raised.addingTimeInterval(2 * hour)))
        #expect(WarningUpdateThrottle.decide(raisedAt: raised, last: sent, now: raised.addingTimeInterval(5 * hour), interval: hour)
                == .schedule(at: raised.addingTimeInterval(5 * hour)))
    }

    @Test("a zero interval sends every update at once")
    func zero() {
        let sent = WarningUpdateThrottle.LastUpdate(sendAt: raised, refreshable: false)
        #expect(WarningUpdateThrottle.decide(raisedAt: raised, last: sent, now: raised.addingTimeInterval(1), interval: 0)
                == .schedule(at: raised.addingTimeInterval(1)))
    }
}
