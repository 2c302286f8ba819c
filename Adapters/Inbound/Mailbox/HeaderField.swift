/// One header field after unfolding: a lower-cased name and the raw value bytes (charset not yet known).
struct HeaderField: Sendable, Equatable {
    /// Lower-cased field name, e.g. `content-type`.
    let name: String
    /// The value as sent, line breaks of folding removed, leading and trailing blanks trimmed.
    let value: ArraySlice<UInt8>
}
