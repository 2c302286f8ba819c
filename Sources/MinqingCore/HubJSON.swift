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
            do {
                if let seconds = try? c.decode(Double.self) { return try Checked.epochSeconds(seconds, field: "time") }
                return try Checked.time(try c.decode(String.self), field: "time", defaultTimeZone: timeZone)
            } catch let error as FieldError {
                throw DecodingError.dataCorruptedError(in: c, debugDescription: error.reason)
            }
        }
        return d
    }

    public static func encode<T: Encodable>(_ value: T) throws -> Data { try encoder().encode(value) }
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T { try decoder().decode(type, from: data) }
}
