/// Staff passwords: at least 12 characters and not one of the passwords every cracking list
/// tries first. Length beats composition rules (NIST SP 800-63B §5.1.1.2), so there are none.
public enum PasswordRules {
    static let minimumLength = 12

    struct Refused: Error, Equatable, CustomStringConvertible {
        let description: String
    }

    public static func check(_ password: String, login: String) throws {
        guard password.count >= minimumLength else {
            throw Refused(description: "The password must have at least \(minimumLength) characters. A few unrelated words make a long password that is easy to remember.")
        }
        let folded = password.lowercased()
        if common.contains(folded) || folded.contains(login.lowercased()) && login.count >= 3 {
            throw Refused(description: "This password is too easy to guess (it is on lists of common passwords or contains the login). Choose another.")
        }
        if Set(folded).count <= 3 {
            throw Refused(description: "This password repeats too few characters to be safe. Choose another.")
        }
        let digits = Array("01234567890123456789")
        let letters = Array("abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz")
        for run in [digits, letters, Array("qwertyuiopasdfghjklzxcvbnm")] {
            let text = String(run)
            if text.contains(folded) || String(run.reversed()).contains(folded) {
                throw Refused(description: "This password is a run of neighbouring keys or characters. Choose another.")
            }
        }
    }

    /// Common passwords of 12 characters or more, from public breach-frequency lists, plus the
    /// ones people in this setting reach for first.
    static let common: Set<String> = [
        "123456789012", "1234567890123", "12345678901234", "123456123456", "111111111111", "000000000000",
        "123123123123", "qwertyuiop12", "qwerty123456", "1qaz2wsx3edc", "1q2w3e4r5t6y", "qwertyuiopasdfghjkl",
        "passwordpassword", "password1234", "password12345", "password123456", "passw0rd1234", "p@ssw0rd1234",
        "iloveyou1234", "administrator", "admin1234567", "admin123456789", "welcome12345", "welcome123456",
        "changeme1234", "letmein12345", "football1234", "baseball1234", "sunshine1234", "princess1234",
        "abc123456789", "abcdefghijkl", "aaaaaaaaaaaa", "asdfghjkl123", "zxcvbnm12345", "trustno1trustno1",
        "woaini1314520", "woaini123456", "5201314520131", "a123456789012", "aa1234567890", "qq1234567890",
        "woaiwojia1234", "zhang123456789", "wang123456789", "li1234567890", "88888888888888", "666666666666",
        "147258369147", "159357159357", "987654321098", "asdasdasdasd", "qweqweqweqwe", "zaq12wsxcde3",
        "candor123456", "candorcandor", "whistleblower", "jubao1234567", "jijianjiancha", "dangwei123456",
        "dongshizhang1", "company12345", "companycompany", "springspring", "summer2026!!", "winter2026!!",
    ]
}
