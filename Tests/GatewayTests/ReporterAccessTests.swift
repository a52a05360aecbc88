import Foundation
import Glibc
import Synchronization
import XCTest
@testable import Gateway

final class ReporterAccessTests: XCTestCase {
    func testLookupsRunDeprioritisedAndABusyGateRefusesAtOnce() throws {
        let gate = LookupGate(slots: 1, queue: 0)
        // The derivation runs on a worker thread with nice +19, not on the request's thread.
        let nice = try gate.run { Int(getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)) }
        XCTAssertEqual(nice, 19)
        XCTAssertEqual(getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0), 0, "the caller keeps its priority")

        let release = DispatchSemaphore(value: 0)
        let running = DispatchSemaphore(value: 0)
        let holder = Thread { _ = try? gate.run { running.signal(); release.wait(); return 1 } }
        holder.start()
        running.wait()
        let start = DispatchTime.now().uptimeNanoseconds
        XCTAssertThrowsError(try gate.run { 2 }) { XCTAssertTrue($0 is LookupGate.Busy) }
        XCTAssertLessThan(DispatchTime.now().uptimeNanoseconds - start, 50_000_000, "refused at once, not after a wait")
        release.signal()
        let deadline = Date().addingTimeInterval(5)
        var value: Int?
        while value == nil && Date() < deadline {
            value = try? gate.run { 3 }
            if value == nil { usleep(1000) }
        }
        XCTAssertEqual(value, 3)
    }

    func testErrorsComeBackToTheCaller() {
        struct Boom: Error {}
        let gate = LookupGate(slots: 2, queue: 4)
        XCTAssertThrowsError(try gate.run { () throws -> Int in throw Boom() }) { XCTAssertTrue($0 is Boom) }
    }
}
