import Foundation
import Testing
@testable import FleetTicketsCore

/// The byte-level shortcut must answer exactly what Foundation's trim answers.
@Suite struct TrimmingTests {
    /// Every ASCII character at either end, alone, around text, and doubled.
    static let asciiCases: [String] = (0..<128).flatMap { (b: Int) -> [String] in
        let c = String(UnicodeScalar(UInt8(b)))
        return [c, c + "WOT1" + c, c + "WOT1", "WOT1" + c, c + c]
    }

    /// Unicode whitespace and other non-ASCII ends take Foundation's path.
    static let otherCases = [
        "", "WOT0700000", " WOT0700000 ", "\u{A0}id\u{A0}", "\u{2028}id", "id\u{3000}", "\u{85}x\u{85}",
        "é", "éa é", "\u{200B}x", "\u{FEFF}x", "x\u{1680}", "\r\n", "true ", " yes",
    ]

    @Test(arguments: asciiCases + otherCases)
    func answersWhatFoundationAnswers(_ text: String) {
        #expect(text.trimmingWhitespaceAndNewlines() == text.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(text.trimmingWhitespace() == text.trimmingCharacters(in: .whitespaces))
    }
}
