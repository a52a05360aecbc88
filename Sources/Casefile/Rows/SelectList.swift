/// A select list, each column qualified by `alias` where the query joins another table that
/// has columns of the same name.
func selectList(_ names: [String], alias: String?) -> String {
    guard let alias else { return names.joined(separator: ", ") }
    return names.map { "\(alias).\($0)" }.joined(separator: ", ")
}
