@testable import Casefile
import Foundation
import TestSupport
import Vault
import XCTest

/// The export format on its own: what a receiving body relies on.
final class ExportFileTests: XCTestCase {
    let parts: [(name: String, bytes: [UInt8])] = [
        ("contents", Array(#"{"register_number":"2026-0001"}"#.utf8)),
        ("file-001", Array(repeating: 0xAB, count: 5000)),
        ("file-002", Array("第二个文件".utf8)),
    ]

    func make() throws -> (file: [UInt8], signer: Ed25519PrivateKey, recipient: X25519PrivateKey) {
        let signer = try Ed25519PrivateKey(), recipient = try X25519PrivateKey()
        return (try ExportFile.build(parts: parts, signer: signer, recipient: recipient.publicKey), signer, recipient)
    }

    func testRoundTripGivesBackEveryPartAndTheManifestNamesNothingOfTheCase() throws {
        let (file, signer, recipient) = try make()
        guard case .success(let verified) = ExportFile.verify(file, signer: signer.publicKey) else { return XCTFail("does not verify") }
        XCTAssertEqual(verified.manifest.parts.map(\.name), ["contents", "file-001", "file-002"])
        XCTAssertEqual(verified.sha256, try SHA256.hash(file))
        let opened = try ExportFile.open(file, key: recipient, signer: signer.publicKey)
        XCTAssertEqual(opened.parts.map(\.name), parts.map(\.name))
        XCTAssertEqual(opened.parts.map(\.bytes), parts.map(\.bytes))
        // Without the recipient key, not a byte of any part is readable.
        XCTAssertFalse(file.contains(bytes: Array("2026-0001".utf8)))
        XCTAssertFalse(file.contains(bytes: Array("第二个文件".utf8)))
        XCTAssertFalse(file.contains(bytes: Array(repeating: 0xAB, count: 64)))
    }

    /// The regions of `file`: (name verify must give, a byte offset inside it).
    func regions(_ file: [UInt8], _ verified: ExportFile.Verified) -> [(expected: String, offset: Int)] {
        let manifestLength = file[16..<20].reduce(0) { $0 << 8 | Int($1) }
        var out: [(String, Int)] = [("preamble", 3), ("preamble", 19), ("manifest", 20 + manifestLength / 2)]
        for (index, range) in verified.partRanges.enumerated() {
            out.append(("part \(index) (\(verified.manifest.parts[index].name))", range.lowerBound))
            out.append(("part \(index) (\(verified.manifest.parts[index].name))", range.upperBound - 1))
        }
        out.append(("trailer", file.count - 96 + 5))
        out.append(("signature", file.count - 64 + 7))
        out.append(("signature", file.count - 1))
        return out
    }

    func testAChangedByteInEveryRegionIsFoundAndNamed() throws {
        let (file, signer, _) = try make()
        guard case .success(let verified) = ExportFile.verify(file, signer: signer.publicKey) else { return XCTFail("does not verify") }
        for (expected, offset) in regions(file, verified) {
            for bit in [0, 7] {
                var changed = file
                changed[offset] ^= UInt8(1 << bit)
                switch ExportFile.verify(changed, signer: signer.publicKey) {
                case .success: XCTFail("byte \(offset) bit \(bit) (\(expected)) changed and still verifies")
                case .failure(let failure): XCTAssertEqual(failure.region, expected, "byte \(offset) bit \(bit): \(failure)")
                }
            }
        }
    }

    func testBytesCutOrAddedAreFound() throws {
        let (file, signer, _) = try make()
        var longer = file
        longer.insert(0, at: file.count - 96)
        XCTAssertThrowsError(try ExportFile.verify(longer, signer: signer.publicKey).get())
        XCTAssertThrowsError(try ExportFile.verify(Array(file.dropLast()), signer: signer.publicKey).get())
        XCTAssertThrowsError(try ExportFile.verify(Array(file.prefix(30)), signer: signer.publicKey).get()) { error in
            XCTAssertEqual((error as? ExportFile.Failure)?.region, "preamble")
        }
    }

    func testAnotherSignersKeyIsRefused() throws {
        let (file, _, recipient) = try make()
        let other = try Ed25519PrivateKey()
        XCTAssertEqual((try? ExportFile.verify(file, signer: other.publicKey).get()) == nil, true)
        if case .failure(let failure) = ExportFile.verify(file, signer: other.publicKey) { XCTAssertEqual(failure.region, "signature") }
        XCTAssertThrowsError(try ExportFile.open(file, key: recipient, signer: other.publicKey))
    }

    // A forger who re-signs a changed file with their own key is found by whoever pins the department's key.
    func testAFileResignedByAnotherKeyFailsAgainstTheDepartmentsKey() throws {
        let (_, signer, recipient) = try make()
        let forger = try Ed25519PrivateKey()
        let forged = try ExportFile.build(parts: [("contents", Array("forged".utf8))], signer: forger, recipient: recipient.publicKey)
        guard case .failure(let failure) = ExportFile.verify(forged, signer: signer.publicKey) else { return XCTFail("forgery verified") }
        XCTAssertEqual(failure.region, "signature")
    }

    func testTheWrongRecipientKeyOpensNothing() throws {
        let (file, signer, _) = try make()
        let stranger = try X25519PrivateKey()
        XCTAssertThrowsError(try ExportFile.open(file, key: stranger, signer: signer.publicKey)) { error in
            XCTAssertTrue("\(error)".contains("another recipient"), "\(error)")
        }
    }
}
