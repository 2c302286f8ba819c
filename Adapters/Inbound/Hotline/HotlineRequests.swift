import Foundation
import MinqingCore
import MinqingHTTP

/// A time as a JSON string (ISO-8601, local, digits) or number (epoch seconds or milliseconds).
struct TimeValue: Decodable {
    enum Raw { case number(Double), text(String) }
    let raw: Raw

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let n = try? c.decode(Double.self) {
            raw = .number(n)
        } else {
            raw = .text(try c.decode(String.self))
        }
    }

    func date(_ field: String, _ timeZone: TimeZone) throws(Problem) -> Date {
        do {
            switch raw {
            case .number(let n): return try CallTime.checked(n, field: field)
            case .text(let text): return try CallTime.checked(text, field: field, timeZone: timeZone)
            }
        } catch {
            throw Problem.invalid(error)
        }
    }
}

/// The body of `POST /api/v1/hotline/calls`.
struct CallRequest: Decodable {
    var callId: String?
    var caller: String?
    var callee: String?
    var direction: String?
    var agentId: String?
    var agentName: String?
    var queue: String?
    var ringTime: TimeValue?
    var answerTime: TimeValue?
    var endTime: TimeValue?
    var duration: Double?
    var hangupSide: String?
    var result: String?
    var notes: String?
    var recordingUrl: String?
    var transcript: String?

    static let directions: [String: CallDirection] = [
        "inbound": .inbound, "in": .inbound, "呼入": .inbound, "outbound": .outbound, "out": .outbound, "呼出": .outbound,
    ]
    static let results: [String: CallResult] = [
        "ringing": .ringing, "振铃": .ringing, "answered": .answered, "接通": .answered, "missed": .missed,
        "未接": .missed, "abandoned": .abandoned, "放弃": .abandoned, "busy": .busy, "忙": .busy,
    ]

    func call(timeZone: TimeZone) throws(Problem) -> CallRecord {
        guard let id = callId?.nonEmpty else { throw .invalid("call_id", "必须填写：电话系统中的通话编号，用于防止重复登记") }
        guard id.count <= 160 else { throw .invalid("call_id", "不能超过 160 个字符") }
        let directionText = direction?.nonEmpty?.lowercased() ?? "inbound"
        guard let dir = Self.directions[directionText] else {
            throw .invalid("direction", "「\(directionText)」不是呼叫方向（可选：inbound、outbound）")
        }
        guard let resultText = result?.nonEmpty else {
            throw .invalid("result", "必须填写（可选：ringing、answered、missed、abandoned、busy）")
        }
        guard let res = Self.results[resultText.lowercased()] else {
            throw .invalid("result", "「\(resultText)」不是通话结果（可选：ringing、answered、missed、abandoned、busy）")
        }
        let caller = self.caller?.nonEmpty ?? ""
        if dir == .inbound, res.needsCallback, caller.isEmpty {
            throw .invalid("caller", "未接来电必须有主叫号码，才能回拨")
        }
        let ring = try ringTime.map { t throws(Problem) in try t.date("ring_time", timeZone) }
        let answer = try answerTime.map { t throws(Problem) in try t.date("answer_time", timeZone) }
        let end = try endTime.map { t throws(Problem) in try t.date("end_time", timeZone) }
        guard ring ?? answer ?? end != nil else {
            throw .invalid("ring_time", "必须填写 ring_time、answer_time 或 end_time 中的至少一个（\(CallTime.hint)）")
        }
        let seconds: Int?
        do { seconds = try duration.map { d throws(FieldError) in try Checked.int(d, field: "duration", in: CallRecord.durationRange, rounding: .down) } } catch {
            throw Problem.invalid("duration", "通话时长应为 \(CallRecord.durationRange.lowerBound) 到 \(CallRecord.durationRange.upperBound) 秒")
        }
        return CallRecord(
            callID: id, caller: caller, callee: callee?.nonEmpty, direction: dir, agentID: agentId?.nonEmpty,
            agentName: agentName?.nonEmpty, queue: queue?.nonEmpty, ringAt: ring, answerAt: answer, endAt: end,
            duration: seconds, hangupSide: hangupSide?.nonEmpty, result: res, notes: notes?.nonEmpty,
            recordingURL: recordingUrl?.nonEmpty, transcript: transcript?.nonEmpty, origin: "api")
    }
}

/// The body of `POST /api/v1/hotline/sms`.
struct SMSRequest: Decodable {
    var messageId: String?
    var from: String?
    var text: String?
    var receivedAt: TimeValue?

    func sms(raw: Data, timeZone: TimeZone) throws(Problem) -> SMSMessage {
        guard let id = messageId?.nonEmpty else { throw .invalid("message_id", "必须填写：短信网关的消息编号，用于防止重复登记") }
        guard let from = from?.nonEmpty else { throw .invalid("from", "必须填写发信号码") }
        guard PhoneNumber.kind(of: from) != nil else { throw .invalid("from", "「\(from)」不是有效的手机或固定电话号码") }
        guard let text = text?.nonEmpty else { throw .invalid("text", "短信内容不能为空") }
        let at = try receivedAt.map { t throws(Problem) in try t.date("received_at", timeZone) }
        return SMSMessage(messageID: id, from: from, text: text, receivedAt: at, raw: raw)
    }
}

/// The body of `POST /api/v1/hotline/work-orders` (a 12345 工单).
struct WorkOrderRequest: Decodable {
    var orderNo: String?
    var content: String?
    var name: String?
    var phone: String?
    var address: String?
    var category: String?
    var deadline: TimeValue?
    var dispatchedAt: TimeValue?

    func order(raw: Data, timeZone: TimeZone) throws(Problem) -> WorkOrder {
        guard let number = orderNo?.nonEmpty else { throw .invalid("order_no", "必须填写工单号") }
        guard number.count <= 100 else { throw .invalid("order_no", "工单号不能超过 100 个字符") }
        guard let content = content?.nonEmpty else { throw .invalid("content", "诉求内容不能为空") }
        guard let deadlineValue = deadline else { throw .invalid("deadline", "必须填写办理时限（\(CallTime.hint)）") }
        let due = try deadlineValue.date("deadline", timeZone)
        let dispatched = try dispatchedAt.map { t throws(Problem) in try t.date("dispatched_at", timeZone) }
        if let dispatched, due <= dispatched { throw .invalid("deadline", "办理时限必须晚于派单时间") }
        return WorkOrder(number: number, content: content, name: name?.nonEmpty, phone: phone?.nonEmpty,
                         address: address?.nonEmpty, category: category?.nonEmpty, deadline: due,
                         dispatchedAt: dispatched, raw: raw)
    }
}
