/// A failed expectation inside a conformance check (the suites run outside any test framework).
public struct ConformanceFailure: Error, CustomStringConvertible {
    public let description: String
    public init(_ message: String, file: StaticString = #fileID, line: UInt = #line) {
        description = "\(message) (\(file):\(line))"
    }
}

public func require(_ condition: Bool, _ message: @autoclosure () -> String, file: StaticString = #fileID, line: UInt = #line) throws {
    if !condition { throw ConformanceFailure(message(), file: file, line: line) }
}

public func requireEqual<T: Equatable>(
    _ actual: T, _ expected: T, _ what: String, file: StaticString = #fileID, line: UInt = #line
) throws {
    if actual != expected {
        throw ConformanceFailure("\(what): expected \(expected), got \(actual)", file: file, line: line)
    }
}
