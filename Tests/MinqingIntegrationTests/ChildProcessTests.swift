import Foundation
import MinqingTesting
import Testing

/// The test helper that runs the hub's commands: what a short-lived program printed is all there once it has exited
/// (regression: the reaper could see the exit before the readers had read the last bytes, and a CI run saw
/// `minqing calendar rotate-feed` print nothing).
@Suite("Child processes of the tests")
struct ChildProcessTests {
    @Test("everything a program printed just before exiting is read, on stdout and stderr")
    func wholeOutputAfterExit() async throws {
        let script = #"i=0; while [ $i -lt 500 ]; do echo "第$i行 村民反映路灯不亮"; i=$((i+1)); done; echo 完 >&2"#
        for _ in 0..<20 {
            let child = try ChildProcess("/bin/sh", ["-c", script])
            let (status, output) = await child.waitForExitAndOutput()
            #expect(status == 0)
            let lines = output.split(separator: "\n")
            #expect(lines.count == 501, "\(lines.count) lines")
            #expect(lines.first == "第0行 村民反映路灯不亮" && output.hasSuffix("完\n"))
        }
    }
}
