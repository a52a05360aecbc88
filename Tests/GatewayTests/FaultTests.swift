import Casework
import Foundation
import Glibc
import HTTPCore
import SQLiteDB
import Synchronization
import Vault
import XCTest
@testable import Gateway

/// What happens when things break: the server killed mid-upload, a full disk, a damaged record,
/// a wrong key folder. Each test asserts what the reporter and the department see afterwards.
final class FaultTests: XCTestCase {
    /// Mounted in a test, unmounted in tearDown even when the test fails half-way.
    private var scratch: ScratchDisk?
    private var scratchLedger: Ledger?

    override func tearDown() {
        try? scratchLedger?.close()
        scratchLedger = nil
        scratch?.unmount()
        scratch = nil
        super.tearDown()
    }

    static func reportForm(_ tag: String, file: [UInt8]? = nil, narrative: String? = nil) -> MultipartBody {
        var form = MultipartBody()
        form.field("category", "private_contracting")
        form.field("narrative", narrative ?? "换热站工程被私下承包-\(tag)")
        form.field("accused_name_0", "赵六")
        form.field("accused_post_0", "施工队长")
        form.field("mode", "anonymous")
        if let file { form.file("files", filename: "证据-\(tag).bin", type: "application/octet-stream", file) }
        return form
    }

    /// Files under DATA/files, and the names the `attachments` table gives.
    static func storedFiles(_ data: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: data.appendingPathComponent("files").path).sorted()
    }

    // MARK: SIGKILL mid-submission

    /// A real `candor serve` takes concurrent submissions, three of them multi-MiB uploads sent
    /// slowly, and is SIGKILLed at a random moment. After a restart on the same folders every
    /// submission that got its receipt opens with its code, the database is intact, no case is
    /// half-written and no partial or orphaned evidence file is left.
    func testSIGKILLMidSubmissionLosesNothingAcknowledged() throws {
        _ = try CandorProcess.binary()
        // The folders are made in-process with fast scrypt for the accounts: `candor demo` would
        // spend most of this test's time hashing seven passwords at production cost.
        let world = try World()
        try world.standardRoster()
        try world.ledger.close()
        world.ledger = nil
        let serve = ["serve", "--data", world.dataFolder.path, "--keys", world.keys.url.path,
                     "--templates", templatesFolder.path, "--port", "0"]
        let first = try CandorProcess(serve, log: world.root.appendingPathComponent("first.log"))
        let port = try first.waitForPort()

        final class Flag: Sendable { let raised = Atomic<Bool>(false) }
        let stop = Flag()
        let receipts = Collected<String>()
        let cutOff = Collected<String>()
        // Threads, not GCD: the global queue runs about one task per core on Linux, so blocked
        // senders would keep the slow uploads from ever starting.
        let finished = DispatchSemaphore(value: 0)
        let workers = 7
        for worker in 0..<workers {
            let slow = worker >= 4
            Thread {
                defer { finished.signal() }
                var n = 0
                while !stop.raised.load(ordering: .relaxed) {
                    n += 1
                    // 3–4 MiB sent in 64 KiB pieces 25 ms apart (at least 1.2 s each): in flight at the kill.
                    let file: [UInt8]? = slow ? (try? Random.bytes(3 * 1024 * 1024 + Int.random(in: 0...1024 * 1024))) : nil
                    let form = FaultTests.reportForm("KILL-\(worker)-\(n)", file: file)
                    do {
                        let r = try SlowWire.send(port: port, method: "POST", path: "/report",
                                                  headers: [("Content-Type", form.contentType)], body: form.finished(),
                                                  piece: slow ? 64 * 1024 : Int.max, pause: slow ? 25_000 : 0)
                        if r.status == 200, let code = trackingCode(in: r.text) {
                            receipts.append(code)
                        } else {
                            cutOff.append("HTTP \(r.status)")
                        }
                    } catch {
                        // The server died under this request: no receipt, so nothing was promised.
                        cutOff.append("\(error)")
                        break
                    }
                }
            }.start()
        }
        // A random moment while the first slow uploads are still being sent.
        usleep(useconds_t.random(in: 400_000...1_100_000))
        first.signal(SIGKILL)
        XCTAssertNotNil(first.waitForExit(timeout: 10))
        stop.raised.store(true, ordering: .relaxed)
        for _ in 0..<workers {
            XCTAssertEqual(finished.wait(timeout: .now() + 20), .success, "every client returns once the server is gone")
        }
        let leftovers = try FaultTests.storedFiles(world.dataFolder).filter { $0.hasSuffix(".part") }
        print("SIGKILL: \(receipts.all.count) receipts, \(cutOff.all.count) submissions cut off, \(leftovers.count) .part files left by the kill")
        XCTAssertGreaterThan(receipts.all.count, 0, "some submissions were acknowledged before the kill")
        XCTAssertGreaterThan(cutOff.all.count, 0, "some submissions were in flight at the kill")
        XCTAssertGreaterThan(leftovers.count, 0, "the kill left uploads half-written, for the restart to sweep")

        let second = try CandorProcess(serve, log: world.root.appendingPathComponent("second.log"))
        let port2 = try second.waitForPort()
        for code in receipts.all {
            XCTAssertEqual(try SlowWire.openStatus(port: port2, code: code), 303, "an acknowledged report opens with its code after the crash")
        }
        second.signal(SIGTERM)
        XCTAssertEqual(second.waitForExit(timeout: 10), 0, second.output)

        // The restart swept what the kill left: no .part, and no file without its row.
        let files = try FaultTests.storedFiles(world.dataFolder)
        XCTAssertEqual(files.filter { $0.hasSuffix(".part") }, [])
        try world.reopen()
        let ledger = try XCTUnwrap(world.ledger)
        let (integrity, cases, halfWritten, named) = try ledger.pool.read { db in
            (try db.scalar("PRAGMA integrity_check", as: String.self),
             try db.scalar("SELECT count(*) FROM cases", as: Int.self) ?? 0,
             try db.query("""
                SELECT ref FROM cases c WHERE
                  NOT EXISTS (SELECT 1 FROM blobs b WHERE b.case_id = c.id AND b.kind = 'report')
                  OR NOT EXISTS (SELECT 1 FROM blobs b WHERE b.case_id = c.id AND b.kind = 'accused')
                  OR NOT EXISTS (SELECT 1 FROM grants g WHERE g.case_id = c.id AND g.holder = 'reporter')
                  OR NOT EXISTS (SELECT 1 FROM grants g WHERE g.case_id = c.id AND g.holder = 'recovery')
                  OR NOT EXISTS (SELECT 1 FROM grants g WHERE g.case_id = c.id AND g.account_id IS NOT NULL)
                """).compactMap { try $0.string("ref") },
             Set(try db.query("SELECT file FROM attachments").compactMap { try $0.string("file") }))
        }
        XCTAssertEqual(integrity, "ok")
        XCTAssertGreaterThanOrEqual(cases, receipts.all.count)
        XCTAssertEqual(halfWritten, [], "every case has its report, accused list and grants")
        XCTAssertEqual(Set(files), named, "every file on disk is named by an attachments row and every row's file is there")

        // Every stored file is whole: the head opens each one to the last chunk's tag.
        let head = try XCTUnwrap(try ledger.account(login: "head"))
        let key = try XCTUnwrap(try ledger.unlockKey(accountID: head.id, password: World.password))
        let refs = try ledger.pool.read { db in
            try db.query("SELECT DISTINCT c.ref FROM cases c JOIN attachments a ON a.case_id = c.id").compactMap { try $0.string("ref") }
        }
        for ref in refs {
            guard case .granted(let c) = try ledger.staffCase(ref: ref, accountID: head.id, key: key, action: .view) else {
                XCTFail("the head holds \(ref)"); continue
            }
            for info in try ledger.attachments(c) {
                var bytes = 0
                try ledger.readAttachment(c, file: info.file) { bytes += $0.count }
                XCTAssertEqual(Int64(bytes), info.meta.size)
            }
        }
    }

    // MARK: full disk

    /// The data folder on a 2 MiB file system. Evidence fills it first (FileStore's ENOSPC), then
    /// with the last bytes taken the database cannot grow its WAL (SQLITE_FULL). Both must be the
    /// "storage is full" page with 503 and Retry-After; earlier reports still open, the database
    /// passes its integrity check, and once space is freed submissions work again.
    func testFullDiskAnswers503AndKeepsEarlierReports() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("candor-full-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let (keys, _) = try KeyFolder.create(at: root.appendingPathComponent("Keys"))
        let dataFolder = root.appendingPathComponent("data")
        do {
            scratch = try ScratchDisk(at: dataFolder, megabytes: 2)
        } catch let e as ScratchDisk.Unavailable {
            throw XCTSkip("no size-limited file system could be mounted here: \(e.description)")
        }
        let disk = try XCTUnwrap(scratch)
        let ledger = try Ledger(dataFolder: dataFolder, keys: keys, settings: .default, passwordParameters: World.fastParameters)
        scratchLedger = ledger
        _ = try ledger.createAccount(login: "head", displayName: "王建国", employeeID: "E1001", role: .head, seat: nil,
                                     password: World.password, actor: "test")
        let app = try GatewayApp(ledger: ledger, templates: templatesFolder)
        func call(_ method: HTTPMethod, _ target: String, form: [(String, String)]? = nil, multipart: MultipartBody? = nil,
                  cookie: String? = nil) throws -> Response {
            var headers: HTTPHeaders = ["Host": "127.0.0.1:8080"]
            var body: [UInt8] = []
            if let cookie { headers.add("Cookie", "\(ReporterSessions.cookieName)=\(cookie)") }
            if let form {
                headers.add("Content-Type", "application/x-www-form-urlencoded")
                body = URLEncodedForm.serialize(form)
            } else if let multipart {
                headers.add("Content-Type", multipart.contentType)
                body = multipart.finished()
            }
            return try app.handler.handle(try Request(method: method, target: target, headers: headers, body: body))
        }
        func assertDiskFullPage(_ r: Response, _ what: String) {
            XCTAssertEqual(r.status.code, 503, "\(what): \(html(r).prefix(300))")
            XCTAssertNotNil(r.headers["Retry-After"], what)
            XCTAssertTrue(html(r).contains("服务器存储空间已满"), "\(what): the page says the storage is full")
        }

        // 1. Evidence fills the disk.
        var codes: [String] = []
        var refused: Response?
        for i in 0..<40 {
            let r = try call(.post, "/report", multipart: FaultTests.reportForm("FULL-\(i)", file: try Random.bytes(160 * 1024)))
            guard r.status.code == 200 else { refused = r; break }
            codes.append(try XCTUnwrap(trackingCode(in: html(r))))
        }
        let fileRefusal = try XCTUnwrap(refused, "2 MiB must fill up within 40 uploads of 160 KiB")
        assertDiskFullPage(fileRefusal, "an upload that fills the disk")
        XCTAssertGreaterThan(codes.count, 0)
        // An upload bigger than the whole disk fails in the evidence file itself (ENOSPC in FileStore).
        assertDiskFullPage(try call(.post, "/report", multipart: FaultTests.reportForm("FULL-BIG", file: try Random.bytes(3 * 1024 * 1024))),
                           "an upload larger than the disk")
        let named = Set(try ledger.pool.read { db in try db.query("SELECT file FROM attachments").compactMap { try $0.string("file") } })
        XCTAssertEqual(Set(try FaultTests.storedFiles(dataFolder)), named, "the refused upload left no file behind")

        // 2. The database cannot grow: no file part, the last bytes of the disk taken.
        let filled = disk.fill()
        var dbRefusal: Response?
        for i in 0..<10 {
            let r = try call(.post, "/report", multipart: FaultTests.reportForm("FULL-DB-\(i)", narrative: String(repeating: "账", count: 20_000)))
            guard r.status.code == 200 else { dbRefusal = r; break }
            codes.append(try XCTUnwrap(trackingCode(in: html(r))))
        }
        print("full disk (\(disk.kind)): \(codes.count) reports stored; filler \(filled) bytes")
        assertDiskFullPage(try XCTUnwrap(dbRefusal, "a full disk must stop the database within 10 reports"), "a report the database cannot store")

        // 3. While the disk is still full, every acknowledged report opens and the database is intact.
        for code in codes {
            let opened = try call(.post, "/status", form: [("code", code)])
            XCTAssertEqual(opened.status.code, 303)
            let session = try XCTUnwrap(cookieValue(opened.headers["Set-Cookie"], ReporterSessions.cookieName))
            let page = try call(.get, "/status", cookie: session)
            XCTAssertEqual(page.status.code, 200)
            XCTAssertTrue(html(page).contains("data-status=\"received\""))
        }
        XCTAssertEqual(try ledger.pool.read { db in try db.scalar("PRAGMA integrity_check", as: String.self) }, "ok")
        XCTAssertEqual(try ledger.pool.read { db in try db.scalar("SELECT count(*) FROM cases", as: Int.self) }, codes.count,
                       "no refused report was stored")

        // 4. Space freed: the next report goes through.
        try FileManager.default.removeItem(at: dataFolder.appendingPathComponent("filler"))
        let after = try call(.post, "/report", multipart: FaultTests.reportForm("AFTER"))
        XCTAssertEqual(after.status.code, 200)
        XCTAssertNotNil(trackingCode(in: html(after)))
    }

    // MARK: damaged records

    /// A flipped byte in a sealed blob and in an evidence file: staff and reporter both get a page
    /// that says the record failed its integrity check (not a bare 500), the ledger throws the
    /// authentication failure, and other cases keep opening.
    func testCorruptedBlobAndFileAreReportedAsDamaged() throws {
        let cw = try ConsoleWorld()
        let ledger = cw.ledger
        let draft = ReportDraft(category: "private_contracting", narrative: "私揽工程-DAMAGED", accused: [AccusedPerson(name: "赵六", post: "队长")])
        let damaged = try cw.world.submit(draft, files: [("合同.txt", "text/plain", Array(repeating: 0x41, count: 200_000))])
        let intact = try cw.world.submit(ReportDraft(category: "private_contracting", narrative: "私揽工程-INTACT"))
        let head = try XCTUnwrap(try ledger.account(login: "head"))
        let key = try XCTUnwrap(try ledger.unlockKey(accountID: head.id, password: World.password))
        for receipt in [damaged, intact] {
            guard case .granted(let c) = try ledger.staffCase(ref: receipt.caseRef, accountID: head.id, key: key, action: .messageReporter) else {
                return XCTFail("the head holds the case")
            }
            try ledger.messageReporter(c, text: "请补充材料-MESSAGE")
        }

        // Flip one bit in the report blob and in the message the reporter reads, and one in the file.
        let file: String = try ledger.pool.write { db in
            for kind in [BlobKind.report, .messageToReporter] {
                let row = try XCTUnwrap(try db.queryOne("""
                    SELECT b.id, b.sealed FROM blobs b JOIN cases c ON c.id = b.case_id WHERE c.ref = ? AND b.kind = ?
                    """, [.text(damaged.caseRef), .text(kind.rawValue)]))
                var sealed = try XCTUnwrap(try row.blob("sealed"))
                sealed[sealed.count / 2] ^= 0x01
                try db.execute("UPDATE blobs SET sealed = ? WHERE id = ?", [.blob(sealed), .integer(try row.int64("id") ?? 0)])
            }
            return try db.scalar("SELECT a.file FROM attachments a JOIN cases c ON c.id = a.case_id WHERE c.ref = ?",
                                 [.text(damaged.caseRef)], as: String.self) ?? ""
        }
        let path = ledger.files.folder.appendingPathComponent(file)
        var bytes = Array(try Data(contentsOf: path))
        bytes[bytes.count / 2] ^= 0x01
        try Data(bytes).write(to: path)

        // The ledger: an authentication failure, not altered bytes and not a crash.
        guard case .granted(let staffCase) = try ledger.staffCase(ref: damaged.caseRef, accountID: head.id, key: key, action: .view) else {
            return XCTFail("the grant is intact, so the case opens")
        }
        XCTAssertThrowsError(try ledger.staffRead(staffCase, kinds: [.report])) { error in
            guard case VaultError.authenticationFailed = error else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try ledger.readAttachment(staffCase, file: file) { _ in }) { error in
            XCTAssertTrue("\(error)".contains("authentication") || "\(error)".contains("altered"), "\(error)")
        }
        let gate = LookupGateHandle()
        guard case .success(let reporter) = try ledger.openCase(code: try XCTUnwrap(damaged.code).grouped, gate: gate) else {
            return XCTFail("the reporter's grant is intact")
        }
        XCTAssertThrowsError(try ledger.reporterView(reporter)) { error in
            guard case VaultError.authenticationFailed = error else { return XCTFail("\(error)") }
        }

        // The console: a page that says the record is damaged, in both languages.
        let session = try cw.signIn("head")
        for (lang, words) in [("zh", "完整性校验"), ("en", "integrity check")] {
            let page = try cw.call(.get, "/console/case/\(damaged.caseRef)?lang=\(lang)", cookie: session.cookie)
            XCTAssertEqual(page.status.code, 500)
            XCTAssertTrue(html(page).contains(words), "staff case page (\(lang)): \(html(page).prefix(200))")
            XCTAssertTrue(html(page).contains("<html"), "a page, not the bare 500")
        }
        let download = try cw.call(.get, "/console/case/\(damaged.caseRef)/file/\(file)", cookie: session.cookie)
        XCTAssertEqual(download.status.code, 500)
        XCTAssertTrue(html(download).contains("完整性校验"))
        XCTAssertEqual(try cw.call(.get, "/console/case/\(intact.caseRef)", cookie: session.cookie).status.code, 200)
        XCTAssertEqual(try cw.call(.get, "/console", cookie: session.cookie).status.code, 200)

        // The reporter's status page: the same, and the intact case still opens.
        func statusPage(_ receipt: Receipt, lang: String = "zh") throws -> Response {
            let opened = try cw.call(.post, "/status", form: [("code", try XCTUnwrap(receipt.code).grouped)])
            XCTAssertEqual(opened.status.code, 303)
            let cookie = try XCTUnwrap(cookieValue(opened.headers["Set-Cookie"], ReporterSessions.cookieName))
            return try cw.call(.get, "/status?lang=\(lang)", extraHeaders: ["Cookie": "\(ReporterSessions.cookieName)=\(cookie)"])
        }
        for (lang, words) in [("zh", "完整性校验"), ("en", "integrity check")] {
            let page = try statusPage(damaged, lang: lang)
            XCTAssertEqual(page.status.code, 500)
            XCTAssertTrue(html(page).contains(words), "reporter status page (\(lang)): \(html(page).prefix(200))")
        }
        let good = try statusPage(intact)
        XCTAssertEqual(good.status.code, 200)
        XCTAssertTrue(html(good).contains("请补充材料-MESSAGE"))
    }

    // MARK: key folder

    /// `candor serve` with another installation's key folder, a key file others can read, or a
    /// missing pepper: it exits non-zero at once with a message that names the problem.
    func testServeRefusesAWrongKeyFolder() throws {
        _ = try CandorProcess.binary()
        let ours = try World(), theirs = try World()
        for w in [ours, theirs] { try w.ledger.close(); w.ledger = nil }
        func serve(keys: URL) throws -> (status: Int32?, output: String) {
            try CandorProcess.run(["serve", "--data", ours.dataFolder.path, "--keys", keys.path, "--templates", templatesFolder.path,
                                   "--port", "0"], in: ours.root, timeout: 15)
        }

        let wrong = try serve(keys: theirs.keys.url)
        XCTAssertNotNil(wrong.status, "it stops by itself: \(wrong.output)")
        XCTAssertNotEqual(wrong.status, 0)
        XCTAssertTrue(wrong.output.contains("key folder") && wrong.output.contains(theirs.keys.url.path), wrong.output)
        XCTAssertFalse(wrong.output.contains("serving on"))

        let auditKey = ours.keys.url.appendingPathComponent("audit.key").path
        XCTAssertEqual(chmod(auditKey, 0o644), 0)
        let readable = try serve(keys: ours.keys.url)
        XCTAssertNotEqual(readable.status ?? 0, 0, readable.output)
        XCTAssertTrue(readable.output.contains("chmod 600 \(auditKey)"), readable.output)
        XCTAssertEqual(chmod(auditKey, 0o600), 0)

        let pepper = ours.keys.url.appendingPathComponent("pepper").path
        XCTAssertEqual(rename(pepper, pepper + ".moved"), 0)
        let missing = try serve(keys: ours.keys.url)
        XCTAssertNotEqual(missing.status ?? 0, 0, missing.output)
        XCTAssertTrue(missing.output.contains(pepper) && missing.output.contains("missing"), missing.output)
        XCTAssertEqual(rename(pepper + ".moved", pepper), 0)

        // With its own keys back in place it serves.
        let fine = try CandorProcess(["serve", "--data", ours.dataFolder.path, "--keys", ours.keys.url.path,
                                      "--templates", templatesFolder.path, "--port", "0"], log: ours.root.appendingPathComponent("fine.log"))
        XCTAssertGreaterThan(try fine.waitForPort(), 0)
        fine.signal(SIGTERM)
        XCTAssertEqual(fine.waitForExit(), 0)
    }
}
