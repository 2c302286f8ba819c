import Foundation

/// A one-line progress bar on standard error, redrawn in place on a terminal (`[██████░░░░]  62%  1.2/1.9 MB`),
/// silent when standard error is a file or pipe. Imports of letters count rows, imports of call records count bytes.
final class ProgressBar: @unchecked Sendable {
    enum Unit { case items, bytes }

    private let unit: Unit
    private let isTerminal = isatty(2) == 1
    private var lastPercent = -1

    init(unit: Unit) { self.unit = unit }

    func show(done: Int64, total: Int64) {
        guard isTerminal else { return }
        let percent = total > 0 ? Int(done * 100 / total) : 100
        guard percent != lastPercent else { return }
        lastPercent = percent
        let width = 30
        let filled = width * percent / 100
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let amount = switch unit {
        case .items: "\(done)/\(total)"
        case .bytes: String(format: "%.1f/%.1f MB", Double(done) / 1e6, Double(total) / 1e6)
        }
        FileHandle.standardError.write(Data("\r[\(bar)] \(String(format: "%3d%%", percent))  \(amount)".utf8))
    }

    func finish() {
        if lastPercent >= 0 { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
