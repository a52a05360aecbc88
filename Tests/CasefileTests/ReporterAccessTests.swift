import Foundation
import Glibc
import Synchronization
import XCTest
@testable import Casefile

final class ReporterAccessTests: XCTestCase {
    func testLookupsRunDeprioritisedAndABusyGateRefusesAtOnce() throws {
        let gate = LookupGate(slots: 1, queue: 0)
        // The derivation runs on a worker thread with nice +19, not on the request's thread.
        let nice = try gate.run { Int(getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)) }
        XCTAssertEqual(nice, 19)
        XCTAssertEqual(getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0), 0, "the caller keeps its priority")

        // While the only slot is held, a second lookup is refused without waiting for it: the
        // holder is released only after the refusal, so a gate that queued would never answer
        // (the bounded wait below only guards against that hang).
        let release = DispatchSemaphore(value: 0)
        let running = DispatchSemaphore(value: 0)
        let holderDone = DispatchSemaphore(value: 0)
        let holderResult = Mutex<Int?>(nil)
        let holder = Thread {
            let r = try? gate.run { running.signal(); release.wait(); return 1 }
            holderResult.withLock { $0 = r }
            holderDone.signal()
        }
        holder.start()
        running.wait()
        let refused = DispatchSemaphore(value: 0)
        let refusal = Mutex<(any Error)?>(nil)
        Thread.detachNewThread {
            do { _ = try gate.run { 2 } } catch { refusal.withLock { $0 = error } }
            refused.signal()
        }
        XCTAssertEqual(refused.wait(timeout: .now() + 10), .success, "refused while the slot was still held")
        XCTAssertTrue(refusal.withLock { $0 } is LookupGate.Busy, "\(String(describing: refusal.withLock { $0 }))")
        XCTAssertNil(holderResult.withLock { $0 }, "the holder had not finished when the refusal came")
        release.signal()
        XCTAssertEqual(holderDone.wait(timeout: .now() + 10), .success)
        XCTAssertEqual(holderResult.withLock { $0 }, 1)
        // Once the holder has returned its slot, the next lookup is admitted.
        XCTAssertEqual(try gate.run { 3 }, 3)
    }

    func testErrorsComeBackToTheCaller() {
        struct Boom: Error {}
        let gate = LookupGate(slots: 2, queue: 4)
        XCTAssertThrowsError(try gate.run { () throws -> Int in throw Boom() }) { XCTAssertTrue($0 is Boom) }
    }
}
