import CSV
import Foundation
import MinqingCore

/// Reads a CSV batch of typed paper letters (one letter a row, a header row first).
///
/// Columns (English or Chinese header, any order; only `letter_no` and `body` are required):
/// `letter_no` 登记号, `received_at` 收信日期, `name` 姓名, `phone` 电话, `id_number` 身份证号, `village` 村（社区）,
/// `category` 类别, `subject` 标题, `body` 内容, `scans` 扫描件 (file paths relative to the CSV file, separated by `;`).
///
/// Contract: every row is checked on its own. A bad row yields `LetterRowError`s with its line (1-based, physical
/// line in the file, so quoted multi-line fields count), column and a reason in Chinese; the good rows are returned
/// as letters to import. A problem with the file as a whole (unreadable, no header, unknown columns) throws.
public struct LetterCSVImport: Sendable {
    public struct Row: Sendable {
        public var line: Int
        public var letter: PaperLetter
        /// The row as CSV text (kept as the letter's raw source).
        public var raw: Data
    }

    public struct Result: Sendable {
        public var rows: [Row]
        public var errors: [LetterRowError]
        /// Data rows in the file (good and bad).
        public var total: Int
    }

    static let columns: [(key: String, aliases: [String])] = [
        ("letter_no", ["登记号", "编号"]), ("received_at", ["收信日期", "日期"]), ("name", ["姓名"]), ("phone", ["电话", "手机"]),
        ("id_number", ["身份证号"]), ("village", ["村（社区）", "村", "社区"]), ("category", ["类别"]), ("subject", ["标题"]),
        ("body", ["内容", "正文"]), ("scans", ["扫描件"]),
    ]

    public var timeZone: TimeZone
    public var maxScanBytes: Int

    public init(timeZone: TimeZone = HubTime.shanghai, maxScanBytes: Int = 10 << 20) {
        self.timeZone = timeZone
        self.maxScanBytes = maxScanBytes
    }

    public func read(_ file: URL) throws(LetterFileError) -> Result {
        guard let data = FileManager.default.contents(atPath: file.path) else {
            throw LetterFileError(description: "读不到文件 \(file.path)：请检查路径和读取权限")
        }
        var bytes = data
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }  // Excel's UTF-8 BOM
        guard let text = String(data: bytes, encoding: .utf8) ?? String(data: bytes, encoding: String.Encoding(rawValue: 0x8000_0632))
        else { throw LetterFileError(description: "\(file.lastPathComponent) 不是 UTF-8 或 GBK 编码的文本，请用 Excel「另存为 CSV UTF-8」") }
        return try read(text: text, baseDirectory: file.deletingLastPathComponent())
    }

    public func read(text: String, baseDirectory: URL) throws(LetterFileError) -> Result {
        let reader: CSVReader
        do { reader = try CSVReader(string: text, hasHeaderRow: false) } catch {
            throw LetterFileError(description: "CSV 格式有误：\(error)")
        }
        guard let header = reader.next() else { throw LetterFileError(description: "文件是空的：第 1 行应为表头（登记号,收信日期,姓名,…,内容）") }
        var index: [String: Int] = [:]
        for (i, name) in header.enumerated() {
            let trimmed = name.trimmingCharacters(in: .whitespaces)
            guard let column = Self.columns.first(where: { $0.key == trimmed.lowercased() || $0.aliases.contains(trimmed) }) else {
                let known = Self.columns.map { "\($0.key)（\($0.aliases[0])）" }.joined(separator: "、")
                throw LetterFileError(description: "第 1 行第 \(i + 1) 列「\(trimmed)」不是可识别的列名；可用：\(known)")
            }
            index[column.key] = i
        }
        for required in ["letter_no", "body"] where index[required] == nil {
            throw LetterFileError(description: "表头缺少必需的列 \(required)（\(Self.columns.first { $0.key == required }!.aliases[0])）")
        }
        var line = 1 + Self.newlines(in: header)
        var rows: [Row] = []
        var errors: [LetterRowError] = []
        var total = 0
        var seenNumbers: [String: Int] = [:]
        while let fields = reader.next() {
            line += 1
            let rowLine = line
            line += Self.newlines(in: fields)
            if fields.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) { continue }
            total += 1
            var rowErrors: [LetterRowError] = []
            func value(_ key: String) -> String? {
                guard let i = index[key], i < fields.count else { return nil }
                return fields[i].trimmingCharacters(in: .whitespacesAndNewlines).nonEmpty
            }
            func fail(_ key: String, _ reason: String) {
                let column = (index[key] ?? 0) + 1
                rowErrors.append(LetterRowError(line: rowLine, column: column, columnName: key, reason: reason))
            }
            if fields.count != header.count {
                rowErrors.append(LetterRowError(line: rowLine, column: min(fields.count, header.count) + 1, columnName: "",
                                                reason: "本行有 \(fields.count) 列，表头有 \(header.count) 列：请检查是否多了或少了逗号（含逗号的内容要用英文双引号括起来）"))
            }
            let number = value("letter_no")
            if number == nil { fail("letter_no", "登记号不能为空") }
            if let number, let first = seenNumbers[number] { fail("letter_no", "登记号「\(number)」与第 \(first) 行重复") }
            if let number, seenNumbers[number] == nil { seenNumbers[number] = rowLine }
            let body = value("body")
            if body == nil { fail("body", "来信内容不能为空") }
            var received: Date?
            if let t = value("received_at") {
                received = LetterFields.date(t, timeZone: timeZone)
                if received == nil { fail("received_at", "「\(t)」不是有效日期，应写成 2026-11-22") }
            }
            if let phone = value("phone"), PhoneNumber.kind(of: phone) == nil {
                fail("phone", "「\(phone)」不是有效的手机或固定电话号码")
            }
            var scans: [InboundAttachment] = []
            for path in (value("scans") ?? "").split(separator: ";").map({ $0.trimmingCharacters(in: .whitespaces) }) where !path.isEmpty {
                let url = path.hasPrefix("/") ? URL(fileURLWithPath: path) : baseDirectory.appendingPathComponent(path)
                guard let data = FileManager.default.contents(atPath: url.path) else {
                    fail("scans", "找不到扫描件「\(path)」（相对于 CSV 文件所在目录）")
                    continue
                }
                guard data.count <= maxScanBytes else {
                    fail("scans", "扫描件「\(path)」有 \(data.count) 字节，超过上限 \(maxScanBytes) 字节，请降低分辨率后重扫")
                    continue
                }
                scans.append(InboundAttachment(filename: url.lastPathComponent, contentType: LetterFields.contentType(of: path), data: data))
            }
            guard rowErrors.isEmpty, let number, let body else {
                errors += rowErrors
                continue
            }
            let letter = PaperLetter(
                number: number, receivedAt: received, name: value("name"), phone: value("phone"), idNumber: value("id_number"),
                village: value("village"), category: value("category"), subject: value("subject"), body: body, scans: scans)
            rows.append(Row(line: rowLine, letter: letter, raw: Data(Self.csvLine(header: header, fields: fields).utf8)))
        }
        return Result(rows: rows, errors: errors, total: total)
    }

    static func newlines(in fields: [String]) -> Int {
        fields.reduce(0) { $0 + $1.filter(\.isNewline).count }
    }

    /// The header and the row, re-quoted: the letter's raw record.
    static func csvLine(header: [String], fields: [String]) -> String {
        func quote(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        return header.map(quote).joined(separator: ",") + "\r\n" + fields.map(quote).joined(separator: ",") + "\r\n"
    }
}

/// One problem in one row of a letters CSV.
public struct LetterRowError: Sendable, Hashable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    /// The column's key (`letter_no`, `phone` …); empty for a problem with the row as a whole.
    public var columnName: String
    public var reason: String

    public var description: String {
        "第 \(line) 行 第 \(column) 列\(columnName.isEmpty ? "" : "（\(columnName)）")：\(reason)"
    }
}

/// The letters file cannot be read at all.
public struct LetterFileError: Error, Sendable, CustomStringConvertible {
    public var description: String
}
