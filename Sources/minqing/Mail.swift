import ArgumentParser
import Foundation
import MailboxAdapter

/// `minqing mail parse FILE.eml [--json]`: the adapter's own parser on one message, for debugging.
struct Mail: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "民情信箱工具：查看一封邮件被系统解析成什么样。", subcommands: [Parse.self])

    struct Parse: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "解析一封 .eml 邮件，打印规范化后的内容（与收信时的代码完全相同）。")

        @Argument(help: "邮件文件（.eml，原始 RFC 5322 格式）") var file: String
        @Flag(help: "以 JSON 输出（message_id、subject、from、to、date、text、html_present、attachments、warnings）") var json = false

        func run() async throws {
            guard let data = FileManager.default.contents(atPath: file) else {
                printError("读不到文件 \(file)：请检查路径是否正确、是否有读取权限。")
                throw ExitCode(1)
            }
            let mail = MailParser().parse(data)
            if json {
                FileHandle.standardOutput.write(mail.operatorJSON() + Data("\n".utf8))
                return
            }
            print("邮件编号：\(mail.messageID ?? "（无）")")
            print("主题：\(mail.subject.isEmpty ? "（无）" : mail.subject)")
            print("发件人：\(mail.from.map { "\($0.name ?? "") <\($0.address)>" } ?? "（无）")")
            print("正文：\n\(mail.text)")
            for a in mail.attachments { print("附件：\(a.filename)（\(a.contentType)，\(a.size) 字节）") }
            for w in mail.warnings { print("注意：\(w)") }
        }
    }
}
