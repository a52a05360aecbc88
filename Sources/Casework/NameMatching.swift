import Foundation

/// Art. 10: how a name the reporter typed meets a name on the staff roster. Reporters write
/// names the way colleagues speak them: "王部长", "老王", "王某", "王建国经理", "Ｚｈａｎｇ　Ｓａｎ".
/// Everything here folds those spellings; `Separation` decides what a fold means.
public enum NameMatching {
    /// Folds the ways one name is written: compatibility forms (full-width letters), case,
    /// whitespace and the separators used inside names (· ・ . - _), so that "张 三", "张三" and
    /// "Zhang·San" / "zhang san" each meet their other spelling.
    public static func normalise(_ name: String) -> String {
        let folded = name.precomposedStringWithCompatibilityMapping.lowercased()
        var out = String.UnicodeScalarView()
        for scalar in folded.unicodeScalars {
            if scalar.properties.isWhitespace { continue }
            switch scalar.value {
            case 0x00B7, 0x30FB, 0x2027, 0x2E31, 0x002E, 0x002D, 0x005F, 0x2010...0x2015: continue
            default: out.append(scalar)
            }
        }
        return String(out)
    }

    public static func normaliseEmployeeID(_ id: String) -> String {
        normalise(id).uppercased()
    }

    /// Two-character surnames; every other Han name's surname is its first character.
    static let compoundSurnames: Set<String> = [
        "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "令狐", "夏侯",
        "宇文", "司徒", "轩辕", "端木", "独孤", "南宫", "西门", "澹台", "百里", "呼延", "钟离", "万俟",
        "闻人", "赫连", "申屠", "太史", "东郭", "仲孙", "濮阳", "淳于", "单于", "公冶", "宗政", "拓跋",
    ]

    /// Titles people are called by in a company, longest first so that "副总经理" is not read as
    /// "经理". A deputy is addressed without "副" as often as with it, so a title matches a post
    /// that contains it ("部长" meets "副部长").
    static let titles: [String] = [
        "副董事长", "董事长", "副总经理", "总经理", "副总裁", "总裁", "副总监", "总监", "副书记", "书记",
        "副部长", "部长", "副主任", "主任", "副经理", "经理", "副主席", "主席", "副处长", "处长",
        "副科长", "科长", "副局长", "局长", "副院长", "院长", "副所长", "所长", "副行长", "行长",
        "负责人", "主管", "组长", "队长", "站长", "班长", "厂长", "副总", "老总", "董事", "监事",
        "总工", "会计", "出纳", "老板", "总", "董",
    ].sorted { $0.count > $1.count }

    /// Characters a reporter writes in place of a given name: 王某, 王某某, 王xx, 王**.
    static let placeholders: Set<Character> = ["某", "x", "*", "×", "＊", "?", "？"]

    static func isHan(_ c: Character) -> Bool {
        c.unicodeScalars.first.map { (0x3400...0x9FFF).contains($0.value) || (0x20000...0x2FA1F).contains($0.value) } ?? false
    }

    /// The surname of a Han name as the roster spells it (the whole string is folded first).
    public static func surname(of name: String) -> String? {
        let n = normalise(name)
        guard let first = n.first, isHan(first), n.count >= 2 else { return nil }
        let two = String(n.prefix(2))
        if compoundSurnames.contains(two) && n.count >= 3 { return two }
        return String(first)
    }

    /// A name the reporter typed, read as the parts that can be compared with the roster.
    public struct Reading: Equatable, Sendable {
        /// The name without a title ("王建国" of "王建国经理"); nil when only a surname is left.
        public var fullName: String?
        /// The surname when the reporter gave no given name (王部长, 老王, 王某).
        public var surnameOnly: String?
        /// The title, if the name ended with one (部长 of 王部长).
        public var title: String?
    }

    /// Reads "王部长", "老王", "小李", "王某", "欧阳经理", "王建国经理" into their parts. A name that is
    /// none of these (a Latin name, a whole name) reads as itself.
    public static func read(_ typed: String) -> Reading {
        var n = normalise(typed)
        var title: String?
        if let t = titles.first(where: { n.hasSuffix($0) && n.count > $0.count }) {
            title = t
            n = String(n.dropLast(t.count))
        }
        if let first = n.first, isHan(first) {
            while let last = n.last, placeholders.contains(last), n.count > 1 { n.removeLast() }
        }
        if n.count == 2, let p = n.first, p == "老" || p == "小", let s = n.last, isHan(s) {
            return Reading(fullName: nil, surnameOnly: String(s), title: title)
        }
        let hanOnly = !n.isEmpty && n.allSatisfy(isHan)
        if hanOnly && (n.count == 1 || (n.count == 2 && compoundSurnames.contains(n) && title != nil)) {
            return Reading(fullName: nil, surnameOnly: n, title: title)
        }
        if hanOnly && n.count == 2 && compoundSurnames.contains(n) && typed.contains(where: placeholders.contains) {
            return Reading(fullName: nil, surnameOnly: n, title: title)
        }
        return Reading(fullName: n.isEmpty ? nil : n, surnameOnly: nil, title: title)
    }
}
