import Foundation
import RumboCore

/// One value of a record as the scanner found it: bytes in the scanner's buffers, valid until
/// the next record is read.
struct RawField {
    enum Kind: UInt8 {
        /// Text (every CSV value; a JSON string).
        case text
        /// A JSON number, as written.
        case number
        /// A JSON `true` or `false` (the bytes say which).
        case boolean
        /// A JSON `null` or a missing key.
        case absent
        /// A CSV value with doubled quotes still to undo (only while a record is being scanned).
        case escaped
    }

    var bytes: Bytes
    var kind: Kind

    static var absent: RawField { RawField(bytes: Bytes(start: nil, count: 0), kind: .absent) }
}

/// A problem with a record as a whole, found while scanning it.
enum RecordProblem {
    case invalidUTF8(byte: UInt8, line: Int, field: Int?)
    case unterminatedQuote(field: Int, line: Int)
    case strayQuote(field: Int, line: Int)
    case invalidJSON(Reason)
    case unknownKeys([String])
    case duplicateKey(String)
}

/// A reader of records: CSV records or JSON Lines objects.
protocol RecordScanner: AnyObject {
    var buffer: ChunkBuffer { get }
    /// The physical line (1-based) where the current record starts.
    var line: Int { get }
    /// The current record's values: for CSV one per file column, for JSON Lines one per known column.
    var fields: UnsafeMutablePointer<RawField> { get }
    var fieldCount: Int { get }
    /// The current record's bytes as they are in the file, for rejects files.
    var text: Bytes { get }
    var problem: RecordProblem? { get }
    /// Reads the next record; false at the end of the input. Blank lines are skipped.
    func next() throws(ImportFailure) -> Bool
}

enum ScanStep {
    case record, blank, end, needMore
}

/// Grows a field array, keeping its contents.
func grow(_ fields: inout UnsafeMutablePointer<RawField>, capacity: inout Int) {
    let grown = UnsafeMutablePointer<RawField>.allocate(capacity: capacity * 2)
    grown.moveInitialize(from: fields, count: capacity)
    fields.deallocate()
    fields = grown
    capacity *= 2
}

/// Handles a byte-order mark at the start of the input: skips UTF-8's, refuses UTF-16's.
func skipByteOrderMark(_ buffer: ChunkBuffer) throws(ImportFailure) {
    while buffer.end < 4, !buffer.atEOF { try buffer.refill(keeping: 0, line: 1) }
    let p = buffer.base
    if buffer.end >= 3, p[0] == 0xEF, p[1] == 0xBB, p[2] == 0xBF {
        buffer.drop(3)
    } else if buffer.end >= 2, (p[0] == 0xFF && p[1] == 0xFE) || (p[0] == 0xFE && p[1] == 0xFF) {
        throw ImportFailure(
            ImportIssue(
                code: .invalidUTF8, file: buffer.name, line: 1,
                en: "the file is UTF-16 text; save it as UTF-8 (in Excel: \"CSV UTF-8\")",
                es: "el archivo es texto UTF-16; guárdalo como UTF-8 (en Excel: \"CSV UTF-8\")"))
    }
}

/// A streaming CSV reader (RFC 4180 plus what spreadsheets write): values separated by a comma,
/// semicolon or tab; values in double quotes may hold separators, line breaks and doubled quotes;
/// LF, CRLF or CR line ends; a UTF-8 byte-order mark is skipped; blank lines are skipped.
///
/// It works on raw bytes, finding the next special byte 8 bytes at a time, and checks UTF-8 as it
/// goes (only bytes ≥ 0x80 need a look), so a record costs one pass over its bytes.
final class CSVScanner: RecordScanner {
    let buffer: ChunkBuffer
    let delimiter: UInt8
    private(set) var fields: UnsafeMutablePointer<RawField>
    private var fieldCapacity = 64
    private(set) var fieldCount = 0
    private(set) var line = 1
    private(set) var text = Bytes(start: nil, count: 0)
    private(set) var problem: RecordProblem?

    /// The delimiter in every byte of a word, for `firstStop`.
    private let delimiterWord: UInt64
    private var scratch: UnsafeMutablePointer<UInt8>
    private var scratchCapacity = 4096
    private var position = 0
    private var nextLine = 1

    private static let quote: UInt8 = 0x22
    private static let lf: UInt8 = 0x0A
    private static let cr: UInt8 = 0x0D

    /// Opens the reader on a buffer positioned after any byte-order mark; detects the delimiter
    /// from the first line unless one is given.
    init(buffer: ChunkBuffer, delimiter: CSVDelimiter?) throws(ImportFailure) {
        self.buffer = buffer
        let chosen: UInt8
        if let delimiter {
            chosen = delimiter.rawValue
        } else {
            chosen = try Self.detectDelimiter(buffer)
        }
        self.delimiter = chosen
        fields = .allocate(capacity: fieldCapacity)
        scratch = .allocate(capacity: scratchCapacity)
        delimiterWord = UInt64(chosen) &* 0x0101_0101_0101_0101
    }

    deinit {
        fields.deallocate()
        scratch.deallocate()
    }

    /// The separator the first line uses most, outside quotes (a comma when it uses none).
    private static func detectDelimiter(_ buffer: ChunkBuffer) throws(ImportFailure) -> UInt8 {
        while memchr(buffer.base, Int32(lf), buffer.end) == nil, !buffer.atEOF { try buffer.refill(keeping: 0, line: 1) }
        var counts: [UInt8: Int] = [CSVDelimiter.comma.rawValue: 0, CSVDelimiter.semicolon.rawValue: 0, CSVDelimiter.tab.rawValue: 0]
        var inQuotes = false
        for i in 0..<buffer.end {
            let b = buffer.base[i]
            if b == quote { inQuotes.toggle() }
            if !inQuotes, b == lf || b == cr { break }
            if !inQuotes, counts[b] != nil { counts[b]! += 1 }
        }
        let best = CSVDelimiter.allCases.max { counts[$0.rawValue]! < counts[$1.rawValue]! }!
        return counts[best.rawValue]! > 0 ? best.rawValue : CSVDelimiter.comma.rawValue
    }

    func next() throws(ImportFailure) -> Bool {
        while true {
            switch scan() {
            case .record: return true
            case .end: return false
            case .blank: continue
            case .needMore:
                try buffer.refill(keeping: position, line: nextLine)
                position = 0
            }
        }
    }

    /// Checks the UTF-8 sequence at `i` and steps over it; false when more input is needed.
    @inline(__always)
    private func stepOverNonASCII(
        _ p: UnsafeMutablePointer<UInt8>, _ i: inout Int, _ end: Int, _ problem: inout RecordProblem?, field: Int, line: Int
    ) -> Bool {
        let length = UTF8Check.sequenceLength(p, i, end)
        if length > 0 {
            i += length
            return true
        }
        if length < 0, !buffer.atEOF { return false }
        if problem == nil { problem = .invalidUTF8(byte: p[i], line: line, field: field) }
        i += 1
        return true
    }

    /// Steps over an unquoted value up to the delimiter, line end or end of the buffer.
    @inline(__always)
    private func scanPlain(
        _ p: UnsafeMutablePointer<UInt8>, _ i: inout Int, _ end: Int, _ problem: inout RecordProblem?, field: Int, line: Int
    ) -> Bool {
        while true {
            i = Self.firstStop(p, from: i, delimiter: delimiterWord)
            let b = p[i]
            if b >= 0x80 {
                if !stepOverNonASCII(p, &i, end, &problem, field: field, line: line) { return false }
            } else if b == 0 && i < end {
                i += 1
            } else {
                return true
            }
        }
    }

    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highs: UInt64 = 0x8080_8080_8080_8080
    private static let lfWord: UInt64 = 0x0A0A_0A0A_0A0A_0A0A
    private static let crWord: UInt64 = 0x0D0D_0D0D_0D0D_0D0D
    private static let quoteWord: UInt64 = 0x2222_2222_2222_2222

    /// The high bit of each byte of `x` that is zero (exact for the lowest one, which is all we use).
    @inline(__always)
    private static func zeroBytes(_ x: UInt64) -> UInt64 { (x &- ones) & ~x & highs }

    /// The index of the first byte at or after `i` that is the delimiter, a line end, zero or
    /// ≥ 0x80, looking at 8 bytes per step (values are mostly a few ASCII characters long, so
    /// this beats a byte loop even for short ones). Relies on the buffer's zero sentinel and padding.
    @inline(__always)
    private static func firstStop(_ p: UnsafeMutablePointer<UInt8>, from start: Int, delimiter: UInt64) -> Int {
        var i = start
        let raw = UnsafeRawPointer(p)
        while true {
            let v = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            let stops = zeroBytes(v ^ delimiter) | zeroBytes(v ^ lfWord) | zeroBytes(v ^ crWord) | zeroBytes(v) | (v & highs)
            if stops != 0 { return i + stops.trailingZeroBitCount >> 3 }
            i += 8
        }
    }

    /// Like `firstStop`, inside quotes: the next quote, line feed, zero or byte ≥ 0x80.
    @inline(__always)
    private static func firstQuotedStop(_ p: UnsafeMutablePointer<UInt8>, from start: Int) -> Int {
        var i = start
        let raw = UnsafeRawPointer(p)
        while true {
            let v = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            let stops = zeroBytes(v ^ quoteWord) | zeroBytes(v ^ lfWord) | zeroBytes(v) | (v & highs)
            if stops != 0 { return i + stops.trailingZeroBitCount >> 3 }
            i += 8
        }
    }

    /// Scans one record starting at `position`. Nothing is committed unless the whole record is
    /// in the buffer, so after `.needMore` the same record is scanned again from its start.
    private func scan() -> ScanStep {
        let p = buffer.base
        let end = buffer.end
        let eof = buffer.atEOF
        let start = position
        if start >= end { return eof ? .end : .needMore }
        var i = start
        var count = 0
        var lines = 0
        var problem: RecordProblem? = nil
        var anyEscaped = false
        var anyQuoted = false
        let delimiter = self.delimiter
        var recordEnd: Int
        var fields = self.fields
        var fieldCapacity = self.fieldCapacity
        while true {
            if count == fieldCapacity {
                grow(&fields, capacity: &fieldCapacity)
                self.fields = fields
                self.fieldCapacity = fieldCapacity
            }
            var fieldStart = i
            var fieldEnd: Int
            var kind = RawField.Kind.text
            if p[i] == Self.quote {
                anyQuoted = true
                let openLine = nextLine + lines
                i += 1
                fieldStart = i
                var closed = false
                while true {
                    i = Self.firstQuotedStop(p, from: i)
                    let b = p[i]
                    if b == Self.quote {
                        if i + 1 >= end, !eof { return .needMore }
                        if p[i + 1] == Self.quote {
                            kind = .escaped
                            i += 2
                            continue
                        }
                        closed = true
                        break
                    } else if b == Self.lf {
                        lines += 1
                        i += 1
                    } else if b >= 0x80 {
                        if !stepOverNonASCII(p, &i, end, &problem, field: count, line: nextLine + lines) { return .needMore }
                    } else if i < end {
                        i += 1  // a NUL byte in the data
                    } else {
                        if !eof { return .needMore }
                        break
                    }
                }
                fieldEnd = i
                if !closed {
                    if problem == nil { problem = .unterminatedQuote(field: count, line: openLine) }
                } else {
                    i += 1
                    let t = p[i]
                    if i < end, t != delimiter, t != Self.lf, t != Self.cr {
                        if problem == nil { problem = .strayQuote(field: count, line: nextLine + lines) }
                        if !scanPlain(p, &i, end, &problem, field: count, line: nextLine + lines) { return .needMore }
                        fieldStart -= 1
                        fieldEnd = i
                        kind = .text
                    }
                }
            } else {
                if !scanPlain(p, &i, end, &problem, field: count, line: nextLine + lines) { return .needMore }
                fieldEnd = i
            }
            fields[count] = RawField(bytes: Bytes(start: p + fieldStart, count: fieldEnd - fieldStart), kind: kind)
            count += 1
            anyEscaped = anyEscaped || kind == .escaped
            if i >= end {
                if !eof { return .needMore }
                recordEnd = end
                break
            }
            let t = p[i]
            if t == delimiter {
                i += 1
                continue
            }
            recordEnd = i
            if t == Self.cr {
                if i + 1 >= end, !eof { return .needMore }
                i += p[i + 1] == Self.lf ? 2 : 1
            } else {
                i += 1
            }
            break
        }
        position = i
        line = nextLine
        nextLine += lines + 1
        if count == 1, !anyQuoted, problem == nil, fields[0].bytes.trimmed().count == 0 { return .blank }
        fieldCount = count
        self.problem = problem
        text = Bytes(start: p + start, count: recordEnd - start)
        if anyEscaped { unescape(recordLength: recordEnd - start) }
        return .record
    }

    /// Replaces doubled quotes by single ones, copying the affected values to the scratch buffer.
    private func unescape(recordLength: Int) {
        if scratchCapacity < recordLength {
            scratch.deallocate()
            scratchCapacity = max(recordLength, scratchCapacity * 2)
            scratch = .allocate(capacity: scratchCapacity)
        }
        var w = 0
        for k in 0..<fieldCount where fields[k].kind == .escaped {
            let source = fields[k].bytes
            let start = w
            var r = 0
            while r < source.count {
                scratch[w] = source[r]
                w += 1
                r += source[r] == Self.quote ? 2 : 1
            }
            fields[k] = RawField(bytes: Bytes(start: scratch + start, count: w - start), kind: .text)
        }
    }
}
