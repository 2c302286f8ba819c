import Foundation

/// The one JSON dialect of the hub (API, store documents, outbox payloads): snake_case keys,
/// ISO-8601 times with offset, sorted keys, Chinese text unescaped.
public enum HubJSON {
    public static func encoder(timeZone: TimeZone = HubTime.shanghai, pretty: Bool = false) -> JSONEncoder {
        let e = JSONEncoder()
        e.keyEncodingStrategy = .convertToSnakeCase
        e.outputFormatting = pretty ? [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted] : [.sortedKeys, .withoutEscapingSlashes]
        e.dateEncodingStrategy = .custom { date, encoder in
            var c = encoder.singleValueContainer()
            try c.encode(HubTime.iso(date, in: timeZone))
        }
        return e
    }

    public static func decoder(timeZone: TimeZone = HubTime.shanghai) -> JSONDecoder {
        let d = JSONDecoder()
        d.keyDecodingStrategy = .convertFromSnakeCase
        d.dateDecodingStrategy = .custom { decoder in
            let c = try decoder.singleValueContainer()
            if let seconds = try? c.decode(Double.self) { return Date(timeIntervalSince1970: seconds) }
            let text = try c.decode(String.self)
            guard let date = HubTime.parse(text, defaultTimeZone: timeZone) else {
                throw DecodingError.dataCorruptedError(
                    in: c, debugDescription: "「\(text)」不是有效时间，应为 ISO-8601，如 2026-11-22T09:30:00+08:00")
            }
            return date
        }
        return d
    }

    public static func encode<T: Encodable>(_ value: T) throws -> Data { try encoder().encode(value) }
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T { try decoder().decode(type, from: data) }
}
