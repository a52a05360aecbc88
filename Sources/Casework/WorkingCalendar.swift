/// Working days: Monday to Friday, minus configured public holidays, plus configured make-up
/// working days (调休: weekend days that China's holiday schedule turns into working days).
public struct WorkingCalendar: Equatable, Sendable, Codable {
    public var holidays: Set<Day>
    public var makeUpWorkdays: Set<Day>

    public init(holidays: Set<Day> = [], makeUpWorkdays: Set<Day> = []) {
        self.holidays = holidays
        self.makeUpWorkdays = makeUpWorkdays
    }

    public func isWorkingDay(_ day: Day) -> Bool {
        if makeUpWorkdays.contains(day) { return true }
        if holidays.contains(day) { return false }
        return day.isoWeekday <= 5
    }

    /// The day on which the `count`th working day after `start` ends (`start` itself not counted).
    public func adding(workingDays count: Int, to start: Day) -> Day {
        var day = start
        var left = count
        while left > 0 {
            day = day.adding(days: 1)
            if isWorkingDay(day) { left -= 1 }
        }
        return day
    }
}
