@testable import Casefile
import Casework
@testable import ConsoleSite
import Foundation
@testable import Gateway
import Glibc
import HTTPCore
@testable import ReporterSite
import SQLiteDB
@testable import SiteKit
import Synchronization
import TestSupport
import Vault
import XCTest

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

    // MARK: SIGKILL during and right after uploads

    /// A report a client got a receipt for, and what it sent.
    struct Acknowledged: Sendable {
        let code: String
        let tag: String
        let file: [UInt8]?
    }

    /// What one server life ended with.
    struct CrashOutcome {
        var acknowledged: [Acknowledged]
        var cutOff: [String]
        /// The `.part` of the upload stopped half-way, as it was on disk when the server died.
        var halfUploadPart: String?
        var halfUploadAnswer: String
    }

    /// A real `candor serve` is SIGKILLed twice on the same folders, each time in the middle of
    /// uploads and right after it acknowledged reports with files, then started a third time.
    /// Every report that got its receipt opens with its code, and every file it carried reads back
    /// byte for byte; the database is intact, no case is half-written, no `.part` or orphaned file
    /// is left. The kill points are chosen by what the clients have seen, not by a clock.
    func testSIGKILLDuringAndRightAfterUploadsKeepsEveryAcknowledgedFile() throws {
        _ = try CandorProcess.binary()
        // The folders are made in-process with fast scrypt for the accounts: `candor demo` would
        // spend most of this test's time hashing seven passwords at production cost.
        let world = try World()
        try world.standardRoster()
        try world.writeSettingsFile()
        try world.ledger.close()
        world.ledger = nil
        let serve = ["serve", "--data", world.dataFolder.path, "--keys", world.keys.url.path,
                     "--templates", templatesFolder.path, "--port", "0"]
        let filesKilledAfter = 4
        var acknowledged: [Acknowledged] = []
        var cutOff = 0
        for round in 1...2 {
            let server = try CandorProcess(serve, log: world.root.appendingPathComponent("round-\(round).log"))
            let port = try server.waitForPort()
            let outcome = try crashDuringUploads(server: server, port: port, data: world.dataFolder, round: round,
                                                 killAfterFiles: filesKilledAfter)
            let withFiles = outcome.acknowledged.filter { $0.file != nil }.count
            print("SIGKILL round \(round): \(outcome.acknowledged.count) receipts (\(withFiles) with files), "
                  + "\(outcome.cutOff.count) submissions cut off")
            // Not vacuous: files were acknowledged before the kill, and an upload was half-way.
            XCTAssertGreaterThanOrEqual(withFiles, filesKilledAfter, "reports with files were acknowledged before the kill")
            XCTAssertGreaterThan(outcome.cutOff.count, 0, "submissions were in flight at the kill")
            let part = try XCTUnwrap(outcome.halfUploadPart, "the half-sent upload was being written when the server died")
            XCTAssertTrue(try FaultTests.storedFiles(world.dataFolder).contains(part), "the kill left the half upload's .part for the restart to sweep")
            XCTAssertFalse(outcome.halfUploadAnswer.hasPrefix("HTTP"), "the half-sent upload got no answer: \(outcome.halfUploadAnswer)")
            acknowledged += outcome.acknowledged
            cutOff += outcome.cutOff.count
        }

        let last = try CandorProcess(serve, log: world.root.appendingPathComponent("after.log"))
        let port = try last.waitForPort()
        // The reporter's view over the wire: the code opens and the status page counts the file.
        for receipt in acknowledged {
            let opened = try SlowWire.openCase(port: port, code: receipt.code)
            XCTAssertEqual(opened.status, 303, "an acknowledged report (\(receipt.tag)) opens with its code after the crashes")
            guard let cookie = cookieValue(opened.header("Set-Cookie"), ReporterSessions.cookieName) else { continue }
            let page = try SlowWire.send(port: port, method: "GET", path: "/status?lang=en",
                                         headers: [("Cookie", "\(ReporterSessions.cookieName)=\(cookie)")])
            XCTAssertEqual(page.status, 200)
            XCTAssertTrue(page.text.contains("Files sent: \(receipt.file == nil ? 0 : 1)<"), "\(receipt.tag): the status page counts its file")
        }
        last.signal(SIGTERM)
        XCTAssertEqual(last.waitForExit(timeout: 60), 0, last.output)

        // The restarts swept what the kills left: no .part, and no file without its row.
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
        // A cut-off submission may have been stored before its receipt was lost; nothing else is.
        XCTAssertGreaterThanOrEqual(cases, acknowledged.count)
        XCTAssertLessThanOrEqual(cases, acknowledged.count + cutOff, "no case beyond the submissions sent")
        XCTAssertEqual(halfWritten, [], "every case has its report, accused list and grants")
        XCTAssertEqual(Set(files), named, "every file on disk is named by an attachments row and every row's file is there")

        // Every acknowledged file, read back by the head: the same name and the same bytes.
        let head = try XCTUnwrap(try ledger.account(login: "head"))
        let key = try XCTUnwrap(try ledger.unlockKey(accountID: head.id, password: World.password))
        let gate = LookupGateHandle()
        var filesCompared = 0
        for receipt in acknowledged {
            guard case .success(let reporter) = try ledger.openCase(code: receipt.code, gate: gate) else {
                XCTFail("\(receipt.tag) opens with its code"); continue
            }
            guard case .granted(let c) = try ledger.staffCase(ref: reporter.ref, accountID: head.id, key: key, action: .view) else {
                XCTFail("the head holds \(receipt.tag)"); continue
            }
            let stored = try ledger.attachments(c)
            guard let sent = receipt.file else {
                XCTAssertEqual(stored.count, 0, receipt.tag)
                continue
            }
            XCTAssertEqual(stored.count, 1, "\(receipt.tag) has its one file")
            guard let info = stored.first else { continue }
            XCTAssertEqual(info.meta.fileName, "证据-\(receipt.tag).bin")
            XCTAssertEqual(info.meta.size, Int64(sent.count))
            var bytes: [UInt8] = []
            do {
                try ledger.readAttachment(c, file: info.file) { bytes += $0 }
            } catch {
                XCTFail("\(receipt.tag): its file does not read back: \(error)"); continue
            }
            XCTAssertTrue(bytes == sent, "\(receipt.tag): \(bytes.count) bytes read back, \(sent.count) sent, and they must be the same")
            filesCompared += 1
        }
        XCTAssertGreaterThanOrEqual(filesCompared, 2 * filesKilledAfter, "files compared byte for byte")
    }

    /// One server life. An upload is sent half-way and held there until the server has written
    /// part of it; then uploaders send reports at full speed (one without files, the others each
    /// with a file), and the uploader that receives the `killAfterFiles`-th receipt for a report
    /// with a file SIGKILLs the server at once, while other uploads are still being sent.
    private func crashDuringUploads(server: CandorProcess, port: Int, data: URL, round: Int,
                                    killAfterFiles: Int) throws -> CrashOutcome {
        let pid = server.pid
        let halfSent = DispatchSemaphore(value: 0), serverDead = DispatchSemaphore(value: 0)
        let halfDone = DispatchSemaphore(value: 0)
        let halfAnswer = Collected<String>()
        let form = FaultTests.reportForm("R\(round)-HALF", file: try Random.bytes(6 * 1024 * 1024))
        let body = form.finished(), contentType = form.contentType
        // Threads, not GCD: the global queue runs about one task per core on Linux, so a blocked
        // sender would keep the others from starting.
        Thread {
            defer { halfDone.signal() }
            do {
                let request = try WireRequest(port: port, method: "POST", path: "/report",
                                              headers: [("Content-Type", contentType)], contentLength: body.count)
                try request.send(body[..<(body.count / 2)])
                halfSent.signal()
                serverDead.wait()
                try request.send(body[(body.count / 2)...])
                let r = try request.response()
                halfAnswer.append("HTTP \(r.status)")
            } catch {
                halfAnswer.append("\(error)")
                halfSent.signal()
            }
        }.start()
        XCTAssertEqual(halfSent.wait(timeout: .now() + 120), .success)
        // Half the body is in the kernel; wait until the server has written a good part of the
        // file, so the kill lands inside the upload and not before it began.
        var halfPart: String?
        _ = try eventually {
            halfPart = try FaultTests.partFiles(data).first { $0.size >= 1024 * 1024 }?.name
            return halfPart != nil
        }

        final class Count: Sendable { let value = Atomic<Int>(0) }
        let filesAcknowledged = Count()
        let acknowledged = Collected<Acknowledged>()
        let cutOff = Collected<String>()
        let finished = DispatchSemaphore(value: 0)
        let uploaders = 4
        for uploader in 0..<uploaders {
            Thread {
                defer { finished.signal() }
                // Bounded, so a server that never acknowledges cannot keep the test running.
                for n in 1...200 {
                    let tag = "R\(round)-U\(uploader)-\(n)"
                    let file = uploader == 0 ? nil : try? Random.bytes(Int.random(in: 64 * 1024...768 * 1024))
                    let form = FaultTests.reportForm(tag, file: file)
                    do {
                        let posted = try SlowWire.send(port: port, method: "POST", path: "/report",
                                                       headers: [("Content-Type", form.contentType)], body: form.finished())
                        let r = try followReceipt(posted, port: port)
                        guard r.status == 200, let code = trackingCode(in: r.text) else {
                            cutOff.append("HTTP \(r.status)")
                            continue
                        }
                        acknowledged.append(Acknowledged(code: code, tag: tag, file: file))
                        if file != nil, filesAcknowledged.value.add(1, ordering: .sequentiallyConsistent).newValue == killAfterFiles {
                            _ = Glibc.kill(pid, SIGKILL)
                        }
                    } catch {
                        // The server died under this request: no receipt, so nothing was promised.
                        cutOff.append("\(error)")
                        return
                    }
                }
            }.start()
        }
        for _ in 0..<uploaders {
            XCTAssertEqual(finished.wait(timeout: .now() + 300), .success, "every uploader returns once the server is gone")
        }
        XCTAssertNotNil(server.waitForExit(timeout: 60))
        XCTAssertEqual(server.process.terminationReason, .uncaughtSignal, "the server ended by the kill: \(server.output.suffix(500))")
        XCTAssertEqual(server.process.terminationStatus, SIGKILL)
        let partAtDeath = halfPart.flatMap { name in try? FaultTests.storedFiles(data).contains(name) ? name : nil }
        serverDead.signal()
        XCTAssertEqual(halfDone.wait(timeout: .now() + 60), .success)
        return CrashOutcome(acknowledged: acknowledged.all, cutOff: cutOff.all, halfUploadPart: partAtDeath,
                            halfUploadAnswer: halfAnswer.all.first ?? "")
    }

    /// The `.part` files under DATA/files with their sizes.
    static func partFiles(_ data: URL) throws -> [(name: String, size: Int)] {
        try storedFiles(data).filter { $0.hasSuffix(".part") }.map { name in
            let attributes = try? FileManager.default.attributesOfItem(atPath: data.appendingPathComponent("files/\(name)").path)
            return (name, (attributes?[.size] as? NSNumber)?.intValue ?? 0)
        }
    }

    // MARK: full disk

    /// The data folder on a 2 MiB file system. Evidence fills it first (FileStore's ENOSPC), then
    /// with the last bytes taken the database cannot grow its WAL (SQLITE_FULL). Both must be the
    /// "storage is full" page with 503 and Retry-After; earlier reports still open, the database
    /// passes its integrity check, and once space is freed submissions work again. Mounting the
    /// small file system needs root: without it the test skips and says why, and under CI=true it
    /// fails instead, so a green CI means the full disk was checked.
    func testFullDiskAnswers503AndKeepsEarlierReports() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("candor-full-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let (keys, _) = try KeyFolder.create(at: root.appendingPathComponent("Keys"))
        let dataFolder = root.appendingPathComponent("data")
        do {
            scratch = try ScratchDisk(at: dataFolder, megabytes: 2)
        } catch let e as ScratchDisk.Unavailable {
            let why = "no size-limited file system could be mounted here (mount needs root or CAP_SYS_ADMIN): \(e.description)"
            // CI runs as root: there a skip would hide that the full-disk behaviour went unchecked.
            if runningInCI { return XCTFail("CI=true and the full-disk test cannot run: \(why)") }
            throw XCTSkip(why)
        }
        let disk = try XCTUnwrap(scratch)
        let ledger = try Ledger(dataFolder: dataFolder, keys: keys, settings: .default, passwordParameters: World.fastParameters)
        scratchLedger = ledger
        _ = try ledger.createAccount(login: "head", displayName: "王建国", employeeID: "E1001", role: .head, seat: nil,
                                     password: World.password, actor: "test")
        let app = try GatewayApp(ledger: ledger, templates: templatesFolder)
        // What step 4 frees besides the filler: the filler alone is whatever step 1 happened to
        // leave (as little as one page, depending on the sizes of everything else), too little
        // for a report's WAL frames.
        let reserve = dataFolder.appendingPathComponent("reserve")
        try Data(count: 256 * 1024).write(to: reserve)
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
            return try followReceipt(try app.handler.handle(try Request(method: method, target: target, headers: headers, body: body))) {
                try app.handler.handle($0)
            }
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
        try FileManager.default.removeItem(at: reserve)
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
        // Serve starts only with alternates that name readers (issue 13).
        try ours.standardRoster()
        try ours.writeSettingsFile()
        for w in [ours, theirs] { try w.ledger.close(); w.ledger = nil }
        func serve(keys: URL) throws -> (status: Int32?, output: String) {
            try CandorProcess.run(["serve", "--data", ours.dataFolder.path, "--keys", keys.path, "--templates", templatesFolder.path,
                                   "--port", "0"], in: ours.root, timeout: 60)
        }

        let wrong = try serve(keys: theirs.keys.url)
        // The deadline only stops a hang: what is checked is that it exits on its own, not how fast.
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
        let status = fine.waitForExit(timeout: 60)
        XCTAssertEqual(status, 0, "SIGTERM right after start: nil is a lost SIGTERM; signal: \(fine.process.terminationReason == .uncaughtSignal); \(fine.output)")
    }
}
