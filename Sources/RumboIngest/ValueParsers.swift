import Foundation
import RumboCore

// Numbers, booleans and choices are parsed straight from the bytes of a value: going through
// `String`, `Double(String)` or a `NumberFormatter` for each of millions of values would cost
// more than all the rest of the import.

typealias Bytes = UnsafeBufferPointer<UInt8>

extension UnsafeBufferPointer where Element == UInt8 {
    /// The value without surrounding spaces, tabs, line breaks and no-break spaces (U+00A0).
    @inline(__always)
    func trimmed() -> Bytes {
        guard let base = baseAddress, count > 0 else { return self }
        var start = 0
        var end = count
        while start < end {
            let c = base[start]
            if c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D {
                start += 1
            } else if c == 0xC2, start + 1 < end, base[start + 1] == 0xA0 {
                start += 2
            } else {
                break
            }
        }
        while end > start {
            let c = base[end - 1]
            if c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D {
                end -= 1
            } else if c == 0xA0, end - 2 >= start, base[end - 2] == 0xC2 {
                end -= 2
            } else {
                break
            }
        }
        return Bytes(start: base + start, count: end - start)
    }

    /// The bytes as a string (invalid UTF-8, which the readers report before, would become U+FFFD).
    @inline(__always)
    var string: String { String(decoding: self, as: UTF8.self) }

    /// Whether the bytes equal `lowercase` ignoring ASCII case (`lowercase` must be lower case).
    @inline(__always)
    func equalsIgnoringASCIICase(_ lowercase: Bytes) -> Bool {
        guard count == lowercase.count else { return false }
        for i in 0..<count {
            var c = self[i]
            if c &- 0x41 < 26 { c |= 0x20 }
            if c != lowercase[i] { return false }
        }
        return true
    }
}

/// Bilingual descriptions of numeric ranges, such as "between 0 and 10".
enum RangeText {
    static func integer(_ range: ClosedRange<Int64>) -> (en: String, es: String) {
        if range.lowerBound == .min { return ("at most \(range.upperBound)", "como máximo \(range.upperBound)") }
        if range.upperBound == .max { return ("at least \(range.lowerBound)", "como mínimo \(range.lowerBound)") }
        return ("between \(range.lowerBound) and \(range.upperBound)", "entre \(range.lowerBound) y \(range.upperBound)")
    }

    static func decimal(_ range: ClosedRange<Double>) -> (en: String, es: String) {
        func text(_ v: Double) -> String {
            v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : String(v)
        }
        return ("between \(text(range.lowerBound)) and \(text(range.upperBound))", "entre \(text(range.lowerBound)) y \(text(range.upperBound))")
    }
}

enum NumberParser {
    private static let powersOfTen: [Double] = (0...22).map { pow(10, Double($0)) }

    /// A whole number, optionally signed; a fraction of zeros (`3.0`, `3,00`) is accepted because
    /// spreadsheets write whole numbers that way.
    @inline(__always)
    static func integer(_ b: Bytes, in range: ClosedRange<Int64>) throws(Reason) -> Int64 {
        var i = 0
        let n = b.count
        var negative = false
        if b[0] == 0x2D || b[0] == 0x2B {
            negative = b[0] == 0x2D
            i = 1
        }
        let digitsStart = i
        var value: Int64 = 0
        var overflow = false
        while i < n {
            let d = b[i] &- 0x30
            if d >= 10 { break }
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(Int64(d))
            overflow = overflow || o1 || o2
            value = s
            i += 1
        }
        if i < n, i > digitsStart, b[i] == 0x2E || b[i] == 0x2C {
            var j = i + 1
            while j < n, b[j] &- 0x30 < 10 { j += 1 }
            let fraction = Bytes(rebasing: b[(i + 1)..<j])
            if j == n, fraction.count == 3 {
                throw thousands(b)
            } else if j == n, fraction.count > 0, fraction.allSatisfy({ $0 == 0x30 }) {
                i = n
            } else if fraction.count > 0 {
                throw Reason(.invalidNumber, en: "not a whole number", es: "no es un número entero")
            }
        }
        guard i == n, i > digitsStart else { throw notANumber(b, whole: true) }
        if negative { value = -value }
        guard !overflow, range.contains(value) else {
            let text = RangeText.integer(range)
            throw Reason(.outOfRange, en: "out of range: must be \(text.en)", es: "fuera de rango: debe estar \(text.es)")
        }
        return value
    }

    /// A decimal number with a point or a comma (`12.50`, `12,50`), optionally signed, optionally
    /// with an exponent (`1.5e3`, as JSON writes them). Thousands separators are refused.
    @inline(__always)
    static func decimal(_ b: Bytes, in range: ClosedRange<Double>) throws(Reason) -> Double {
        var i = 0
        let n = b.count
        var negative = false
        if b[0] == 0x2D || b[0] == 0x2B {
            negative = b[0] == 0x2D
            i = 1
        }
        var mantissa: UInt64 = 0
        var digits = 0
        var significant = 0
        var fractionDigits = 0
        var separators = 0
        var lastSeparator: UInt8 = 0
        var exponentAt = -1
        while i < n {
            let c = b[i]
            let d = c &- 0x30
            if d < 10 {
                if mantissa != 0 || d != 0 { significant += 1 }
                if significant <= 19 { mantissa = mantissa &* 10 &+ UInt64(d) }
                digits += 1
                if separators > 0 { fractionDigits += 1 }
            } else if c == 0x2E || c == 0x2C {
                separators += 1
                lastSeparator = c
            } else if (c == 0x65 || c == 0x45) && digits > 0 {
                exponentAt = i
                break
            } else {
                break
            }
            i += 1
        }
        if separators > 1 || (i < n && exponentAt < 0 && digits > 0 && looksLikeGroupedDigits(b, from: i)) {
            throw thousands(b)
        }
        var value: Double
        if exponentAt >= 0 || significant > 15 || fractionDigits > 22 {
            // Rare shapes go through the C library, which rounds correctly.
            var text = String(decoding: UnsafeBufferPointer(rebasing: b[0..<(exponentAt >= 0 ? n : i)]), as: UTF8.self)
            if lastSeparator == 0x2C { text = text.replacingOccurrences(of: ",", with: ".") }
            guard digits > 0, let parsed = Double(text), parsed.isFinite else { throw notANumber(b, whole: false) }
            value = parsed
            i = n
        } else {
            // Both operands are exact below 2^53 and 10^22, so one division rounds correctly.
            value = Double(mantissa) / powersOfTen[fractionDigits]
            if negative { value = -value }
        }
        guard i == n, digits > 0 else { throw notANumber(b, whole: false) }
        guard range.contains(value) else {
            let text = RangeText.decimal(range)
            throw Reason(.outOfRange, en: "out of range: must be \(text.en)", es: "fuera de rango: debe estar \(text.es)")
        }
        return value
    }

    /// Digits grouped by a space, an apostrophe or a no-break space (`1 234`, `1'234`).
    private static func looksLikeGroupedDigits(_ b: Bytes, from i: Int) -> Bool {
        var j = i
        while j < b.count, b[j] == 0x20 || b[j] == 0x27 || b[j] == 0xC2 || b[j] == 0xA0 { j += 1 }
        return j > i && j < b.count && b[j] &- 0x30 < 10
    }

    private static func thousands(_ b: Bytes) -> Reason {
        Reason(
            .thousandsSeparator,
            en: "thousands separators are not accepted (1.234 could be one thousand or one point two); write the number without them, such as 1234,50 or 1234.50",
            es: "no se aceptan separadores de miles (1.234 podría ser mil o uno coma dos); escribe el número sin ellos, como 1234,50 o 1234.50")
    }

    private static func notANumber(_ b: Bytes, whole: Bool) -> Reason {
        let hasCurrency = b.string.contains { "€$£¥".contains($0) }
        let hint = (
            en: hasCurrency ? "; write it without the currency symbol" : "",
            es: hasCurrency ? "; escríbelo sin el símbolo de moneda" : ""
        )
        return whole
            ? Reason(.invalidNumber, en: "not a whole number\(hint.en)", es: "no es un número entero\(hint.es)")
            : Reason(.invalidNumber, en: "not a number\(hint.en)", es: "no es un número\(hint.es)")
    }
}

enum BooleanParser {
    /// true/false, yes/no, sí/si/no, verdadero/falso (Spanish spreadsheets), t/f, 1/0, any case.
    @inline(__always)
    static func parse(_ b: Bytes) throws(Reason) -> Bool {
        let n = b.count
        if n == 1 {
            switch b[0] | 0x20 {
            case 0x31, 0x74: return true  // "1", "t"
            case 0x30, 0x66: return false  // "0", "f"
            default: break
            }
        }
        for (word, value) in words where word.withUnsafeBufferPointer({ b.equalsIgnoringASCIICase($0) }) { return value }
        // "sí" and "SÍ": the accented letter is not ASCII.
        if n == 3, b[0] | 0x20 == 0x73, b[1] == 0xC3, b[2] == 0xAD || b[2] == 0x8D { return true }
        throw Reason(
            .invalidBoolean, en: "not a yes/no value; use true/false, yes/no, sí/no or 1/0",
            es: "no es un valor sí/no; usa true/false, sí/no, yes/no o 1/0")
    }

    private static let words: [([UInt8], Bool)] = [
        ("true", true), ("false", false), ("yes", true), ("no", false), ("si", true), ("verdadero", true), ("falso", false),
    ].map { (Array($0.utf8), $1) }
}

/// The allowed words of a choice field, matched without regard to case.
struct ChoiceMatcher {
    let words: [String]
    private let lowercased: [[UInt8]]

    init(_ words: [String]) {
        self.words = words
        lowercased = words.map { Array($0.lowercased().utf8) }
    }

    /// The canonical word (shared, so no string is allocated per row).
    @inline(__always)
    func match(_ b: Bytes) throws(Reason) -> String {
        for i in 0..<lowercased.count where lowercased[i].withUnsafeBufferPointer({ b.equalsIgnoringASCIICase($0) }) {
            return words[i]
        }
        let lowered = b.string.lowercased()
        if let word = words.first(where: { $0.lowercased() == lowered }) { return word }
        let list = words.joined(separator: ", ")
        throw Reason(.invalidChoice, en: "not one of: \(list)", es: "no es ninguno de: \(list)")
    }
}

/// Recently made strings of each text column, so repeated short values (a channel, a priority,
/// a team) are not decoded and validated again on every row.
///
/// Each column has 64 slots picked by a hash of the value; a slot remembers the value's bytes
/// (up to 15, packed in two words with the length) and the string made from them. Longer values
/// are always decoded: they would need a heap string anyway.
final class TextCache {
    private static let slots = 64
    private let keys: UnsafeMutablePointer<UInt64>
    private let strings: UnsafeMutablePointer<String>
    private let count: Int

    init(columns: Int) {
        count = columns * Self.slots
        keys = .allocate(capacity: max(1, count * 2))
        keys.initialize(repeating: 0, count: max(1, count * 2))
        strings = .allocate(capacity: max(1, count))
        strings.initialize(repeating: "", count: max(1, count))
    }

    deinit {
        keys.deallocate()
        strings.deinitialize(count: max(1, count))
        strings.deallocate()
    }

    @inline(__always)
    func string(_ b: Bytes, cache column: Int) -> String {
        let n = b.count
        if n > 15 { return b.string }
        var packed: (UInt64, UInt64) = (0, 0)
        withUnsafeMutableBytes(of: &packed) { $0.baseAddress!.copyMemory(from: b.baseAddress!, byteCount: n) }
        let low = packed.0
        let high = packed.1 | UInt64(n) << 56
        let slot = column * Self.slots + Int(truncatingIfNeeded: ((low ^ (high &* 31)) &* 0x9E37_79B9_7F4A_7C15) >> 58)
        if keys[2 * slot] == low, keys[2 * slot + 1] == high { return strings[slot] }
        let made = b.string
        keys[2 * slot] = low
        keys[2 * slot + 1] = high
        strings[slot] = made
        return made
    }
}
