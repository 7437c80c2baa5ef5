import Foundation
import RumboCore

/// A date format for timestamps that are not ISO 8601, such as `dd/MM/yyyy HH:mm`.
///
/// Letters: `yyyy` year (4 digits), `MM` month, `dd` day, `HH` hour (0–23), `mm` minute,
/// `ss` second, `SSS` fraction of a second (any number of `S`). A one- or two-letter number token
/// followed by a separator (or at the end) accepts one or two digits, so `dd/MM/yyyy` also reads
/// `1/3/2026`. Anything else that is not a letter is a literal separator; `'…'` quotes letters
/// (`yyyy-MM-dd'T'HH:mm`). Values are local times in the import's time zone.
///
/// Timestamps are parsed by hand rather than with `DateFormatter`, which costs microseconds per
/// value and would dominate a million-row import.
public struct DateFormat: Sendable, Hashable, CustomStringConvertible {
    /// The pattern as given.
    public let pattern: String
    let elements: [Element]

    struct Element: Hashable, Sendable {
        enum Kind: Hashable, Sendable { case year, month, day, hour, minute, second, fraction, literal }
        let kind: Kind
        /// The byte to match, for literals.
        let byte: UInt8
        let minDigits: Int
        let maxDigits: Int
    }

    /// Parses a pattern.
    /// - Throws: `ImportFailure` (code `.invalidOption`) for letters other than the supported ones,
    ///   a two-digit year, or a pattern without a year, month and day.
    public init(_ pattern: String) throws(ImportFailure) {
        func failure(_ en: String, _ es: String) -> ImportFailure {
            ImportFailure(ImportIssue(code: .invalidOption, file: "", line: nil, en: en, es: es))
        }
        let supported = "dd, MM, yyyy, HH, mm, ss, SSS"
        var tokens: [(Element.Kind, Int)] = []  // kind and letter count (1 for literals)
        var literals: [UInt8] = []
        var quoted = false
        let characters = Array(pattern)
        var i = 0
        while i < characters.count {
            let c = characters[i]
            if c == "'" {
                quoted.toggle()
                i += 1
                continue
            }
            if quoted || !(c.isASCII && c.isLetter) {
                for byte in String(c).utf8 {
                    tokens.append((.literal, 1))
                    literals.append(byte)
                }
                i += 1
                continue
            }
            var run = 1
            while i + run < characters.count, characters[i + run] == c { run += 1 }
            let letters = String(repeating: c, count: run)
            let kind: Element.Kind
            switch (c, run) {
            case ("y", 4): kind = .year
            case ("M", 1...2): kind = .month
            case ("d", 1...2): kind = .day
            case ("H", 1...2): kind = .hour
            case ("m", 1...2): kind = .minute
            case ("s", 1...2): kind = .second
            case ("S", _): kind = .fraction
            case ("y", _):
                throw failure(
                    "the date format '\(pattern)' has '\(letters)': write the year with four digits (yyyy)",
                    "el formato de fecha '\(pattern)' tiene '\(letters)': escribe el año con cuatro cifras (yyyy)")
            default:
                throw failure(
                    "the date format '\(pattern)' has '\(letters)', which it does not understand; use \(supported) and separators",
                    "el formato de fecha '\(pattern)' tiene '\(letters)', que no entiende; usa \(supported) y separadores")
            }
            tokens.append((kind, run))
            literals.append(0)
            i += run
        }
        let kinds = tokens.map(\.0)
        for needed in [Element.Kind.year, .month, .day] where kinds.filter({ $0 == needed }).count != 1 {
            throw failure(
                "the date format '\(pattern)' must have the year, month and day once each (such as dd/MM/yyyy)",
                "el formato de fecha '\(pattern)' debe tener el año, el mes y el día una vez cada uno (como dd/MM/yyyy)")
        }
        for kind in [Element.Kind.hour, .minute, .second, .fraction] where kinds.filter({ $0 == kind }).count > 1 {
            throw failure(
                "the date format '\(pattern)' repeats a letter", "el formato de fecha '\(pattern)' repite una letra")
        }
        if (kinds.contains(.minute) && !kinds.contains(.hour)) || (kinds.contains(.second) && !kinds.contains(.minute))
            || (kinds.contains(.fraction) && !kinds.contains(.second))
        {
            throw failure(
                "the date format '\(pattern)' has minutes or seconds without the hour (HH:mm)",
                "el formato de fecha '\(pattern)' tiene minutos o segundos sin la hora (HH:mm)")
        }
        var elements: [Element] = []
        for (index, (kind, letters)) in tokens.enumerated() {
            // A number followed by another number (yyyyMMdd) must have its full width; one followed
            // by a separator may be shorter (1/3/2026).
            let nextIsNumber = index + 1 < tokens.count && tokens[index + 1].0 != .literal
            switch kind {
            case .literal: elements.append(Element(kind: .literal, byte: literals[index], minDigits: 0, maxDigits: 0))
            case .year: elements.append(Element(kind: .year, byte: 0, minDigits: 4, maxDigits: 4))
            case .fraction:
                elements.append(Element(kind: .fraction, byte: 0, minDigits: nextIsNumber ? letters : 1, maxDigits: nextIsNumber ? letters : 9))
            default: elements.append(Element(kind: kind, byte: 0, minDigits: nextIsNumber ? 2 : 1, maxDigits: 2))
            }
        }
        self.pattern = pattern
        self.elements = elements
    }

    public var description: String { pattern }

    /// 2026-03-01 09:30:00 written in this format, for messages.
    var example: String {
        var bytes: [UInt8] = []
        func number(_ value: Int, _ width: Int) { bytes += Array(String(value).leftPadded(to: width).utf8) }
        for element in elements {
            switch element.kind {
            case .literal: bytes.append(element.byte)
            case .year: number(2026, 4)
            case .month: number(3, 2)
            case .day: number(1, 2)
            case .hour: number(9, 2)
            case .minute: number(30, 2)
            case .second: number(0, 2)
            case .fraction: number(0, max(element.minDigits, 3))
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
@inline(__always)
func daysFromCivil(_ year: Int, _ month: Int, _ day: Int) -> Int {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let mp = (month + 9) % 12
    let doy = (153 * mp + 2) / 5 + day - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return era * 146097 + doe - 719468
}

@inline(__always)
func daysInMonth(_ month: Int, _ year: Int) -> Int {
    switch month {
    case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
    case 4, 6, 9, 11: 30
    default: 31
    }
}

/// Turns local civil times of one time zone into UTC, fast.
///
/// `TimeZone.secondsFromGMT(for:)` costs about a microsecond, so offsets are cached per local
/// day: a day whose offset is the same one day before it and one day after it has no
/// transition, and all its times share that offset. The few days around a DST change are cached
/// per hour instead, each hour resolved exactly at its first and last second; an hour in which
/// the offset changes (a zone that shifts at half past) is resolved exactly for every value.
final class LocalTimeResolver {
    let timeZone: TimeZone
    private let daySlots = 4096
    private let hourSlots = 1024
    private let days: UnsafeMutablePointer<Int64>
    private let dayOffsets: UnsafeMutablePointer<Int32>
    private let hours: UnsafeMutablePointer<Int64>
    private let hourOffsets: UnsafeMutablePointer<Int32>
    /// An offset slot whose day (or hour) has a transition.
    private static let varies = Int32.min

    init(timeZone: TimeZone) {
        self.timeZone = timeZone
        days = .allocate(capacity: daySlots)
        days.initialize(repeating: Int64.min, count: daySlots)
        dayOffsets = .allocate(capacity: daySlots)
        dayOffsets.initialize(repeating: 0, count: daySlots)
        hours = .allocate(capacity: hourSlots)
        hours.initialize(repeating: Int64.min, count: hourSlots)
        hourOffsets = .allocate(capacity: hourSlots)
        hourOffsets.initialize(repeating: 0, count: hourSlots)
    }

    deinit {
        days.deallocate()
        dayOffsets.deallocate()
        hours.deallocate()
        hourOffsets.deallocate()
    }

    /// The UTC epoch second of a local time given as seconds since 1970-01-01T00:00 local.
    ///
    /// A local time that happens twice (when clocks go back) is the first of the two; one that
    /// never happens (when clocks go forward) is read with the offset before the change, so it
    /// lands just after it, as `Calendar` does.
    @inline(__always)
    func utc(fromLocal local: Int64) -> Int64 {
        let day = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        let slot = Int(truncatingIfNeeded: day) & (daySlots - 1)
        if days[slot] != day {
            let before = offset(atUTC: day * 86_400 - 86_400)
            let after = offset(atUTC: day * 86_400 + 2 * 86_400)
            days[slot] = day
            dayOffsets[slot] = before == after ? Int32(before) : Self.varies
        }
        let cached = dayOffsets[slot]
        if cached != Self.varies { return local - Int64(cached) }
        return utcNearTransition(fromLocal: local)
    }

    private func utcNearTransition(fromLocal local: Int64) -> Int64 {
        let hour = local >= 0 ? local / 3600 : (local - 3599) / 3600
        let slot = Int(truncatingIfNeeded: hour) & (hourSlots - 1)
        if hours[slot] != hour {
            let first = hour * 3600
            let last = first + 3599
            let startOffset = first - exactUTC(fromLocal: first)
            let endOffset = last - exactUTC(fromLocal: last)
            hours[slot] = hour
            hourOffsets[slot] = startOffset == endOffset ? Int32(startOffset) : Self.varies
        }
        let cached = hourOffsets[slot]
        if cached != Self.varies { return local - Int64(cached) }
        return exactUTC(fromLocal: local)
    }

    private func offset(atUTC seconds: Int64) -> Int {
        timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(seconds)))
    }

    private func exactUTC(fromLocal local: Int64) -> Int64 {
        let early = Int64(offset(atUTC: local - 86_400))
        let late = Int64(offset(atUTC: local + 86_400))
        let larger = max(early, late)
        let smaller = min(early, late)
        if Int64(offset(atUTC: local - larger)) == larger { return local - larger }
        if Int64(offset(atUTC: local - smaller)) == smaller { return local - smaller }
        return local - early
    }
}

/// Parses timestamp values (ISO 8601, or a `DateFormat`) into UTC epoch milliseconds.
final class TimestampParser {
    let format: DateFormat?
    let resolver: LocalTimeResolver
    private let elements: UnsafeMutableBufferPointer<DateFormat.Element>

    init(format: DateFormat?, timeZone: TimeZone) {
        self.format = format
        self.resolver = LocalTimeResolver(timeZone: timeZone)
        let elements = format?.elements ?? []
        self.elements = .allocate(capacity: elements.count)
        _ = self.elements.initialize(from: elements)
    }

    deinit { elements.deallocate() }

    /// Epoch milliseconds of a trimmed, non-empty value.
    @inline(__always)
    func parse(_ b: UnsafeBufferPointer<UInt8>) throws(Reason) -> Int64 {
        format == nil ? try parseISO(b) : try parsePattern(b)
    }

    @inline(__always)
    private static func digit(_ b: UnsafeBufferPointer<UInt8>, _ i: Int) -> Int? {
        let d = b[i] &- 0x30
        return d < 10 ? Int(d) : nil
    }

    /// Whether every byte of `word` selected by `mask` (0xFF bytes) is an ASCII digit.
    @inline(__always)
    private static func areDigits(_ word: UInt64, _ mask: UInt64) -> Bool {
        let selected = word & mask
        let high = mask & 0xF0F0_F0F0_F0F0_F0F0
        let zeros = mask & 0x3030_3030_3030_3030
        // 0x30…0x39 have high nibble 3, and stay there when 6 is added (0x3A…0x3F do not).
        return selected & high == zeros && (selected &+ (mask & 0x0606_0606_0606_0606)) & high == zeros
    }

    /// The digit in byte `index` of a word checked by `areDigits`.
    @inline(__always)
    private static func digit(_ word: UInt64, _ index: Int) -> Int { Int(truncatingIfNeeded: (word >> (index * 8)) & 0x0F) }

    @inline(__always)
    private static func twoDigits(_ b: UnsafeBufferPointer<UInt8>, _ i: Int) -> Int? {
        let d0 = b[i] &- 0x30
        let d1 = b[i + 1] &- 0x30
        return d0 < 10 && d1 < 10 ? Int(d0) * 10 + Int(d1) : nil
    }

    /// `2026-03-01`, `2026-03-01T09:30`, `2026-03-01 09:30:00`, `…09:30:00.250`, each optionally
    /// followed by `Z`, `+01:00`, `+0100` or `+01` (a space before it is allowed).
    private func parseISO(_ b: UnsafeBufferPointer<UInt8>) throws(Reason) -> Int64 {
        let n = b.count
        guard n >= 10 else { throw notATimestamp() }
        // `yyyy-MM-` as one little-endian word: digits in bytes 0–3 and 5–6, dashes in 4 and 7.
        let raw = UnsafeRawPointer(b.baseAddress!)
        let head = UInt64(littleEndian: raw.loadUnaligned(as: UInt64.self))
        guard Self.areDigits(head, 0x00FF_FF00_FFFF_FFFF), head & 0xFF00_00FF_0000_0000 == 0x2D00_002D_0000_0000,
            let day = Self.twoDigits(b, 8)
        else { throw notATimestamp() }
        let year = Self.digit(head, 0) * 1000 + Self.digit(head, 1) * 100 + Self.digit(head, 2) * 10 + Self.digit(head, 3)
        let month = Self.digit(head, 5) * 10 + Self.digit(head, 6)
        if n == 10 { return try civil(year, month, day, 0, 0, 0, 0, offset: nil) }
        guard n >= 16 else { throw notATimestamp() }
        // `dd?HH:mm`: digits in bytes 0–1, 3–4 and 6–7, the date/time separator in 2, a colon in 5.
        let time = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        let separator = UInt8(truncatingIfNeeded: time >> 16)
        guard separator == 0x54 || separator == 0x20 || separator == 0x74, Self.areDigits(time, 0xFFFF_00FF_FF00_FFFF),
            time & 0x0000_FF00_0000_0000 == 0x0000_3A00_0000_0000
        else { throw notATimestamp() }
        let hour = Self.digit(time, 3) * 10 + Self.digit(time, 4)
        let minute = Self.digit(time, 6) * 10 + Self.digit(time, 7)
        var i = 16
        var second = 0
        var millis = 0
        if i < n, b[i] == 0x3A {
            guard i + 3 <= n, let s = Self.twoDigits(b, i + 1) else { throw notATimestamp() }
            second = s
            i += 3
            if i < n, b[i] == 0x2E || b[i] == 0x2C {
                i += 1
                let start = i
                var scale = 100
                while i < n, let d = Self.digit(b, i) {
                    millis += d * scale
                    scale /= 10
                    i += 1
                }
                guard i > start else { throw notATimestamp() }
            }
        }
        var offset: Int? = nil
        if i < n {
            if b[i] == 0x20, i + 1 < n { i += 1 }
            let sign = b[i]
            if sign == 0x5A || sign == 0x7A {
                offset = 0
                i += 1
            } else if sign == 0x2B || sign == 0x2D {
                guard i + 3 <= n, let oh = Self.twoDigits(b, i + 1) else { throw notATimestamp() }
                i += 3
                var om = 0
                if i < n, b[i] == 0x3A { i += 1 }
                if i < n {
                    guard i + 2 <= n, let m = Self.twoDigits(b, i) else { throw notATimestamp() }
                    om = m
                    i += 2
                }
                guard oh <= 23, om <= 59 else { throw notATimestamp() }
                offset = (oh * 3600 + om * 60) * (sign == 0x2D ? -1 : 1)
            }
            guard i == n else { throw notATimestamp() }
        }
        return try civil(year, month, day, hour, minute, second, millis, offset: offset)
    }

    private func parsePattern(_ b: UnsafeBufferPointer<UInt8>) throws(Reason) -> Int64 {
        var year = 0
        var month = 0
        var day = 0
        var hour = 0
        var minute = 0
        var second = 0
        var millis = 0
        var i = 0
        let n = b.count
        for element in elements {
            if element.kind == .literal {
                guard i < n else { throw notATimestamp() }
                let c = b[i]
                guard c == element.byte || (element.byte == 0x54 && c == 0x74) else { throw notATimestamp() }
                i += 1
                continue
            }
            var value = 0
            var digits = 0
            var scale = 100
            while digits < element.maxDigits, i < n, let d = Self.digit(b, i) {
                value = value * 10 + d
                if element.kind == .fraction {
                    millis += d * scale
                    scale /= 10
                }
                digits += 1
                i += 1
            }
            guard digits >= element.minDigits else { throw notATimestamp() }
            switch element.kind {
            case .year: year = value
            case .month: month = value
            case .day: day = value
            case .hour: hour = value
            case .minute: minute = value
            case .second: second = value
            case .fraction, .literal: break
            }
        }
        guard i == n else { throw notATimestamp() }
        return try civil(year, month, day, hour, minute, second, millis, offset: nil)
    }

    @inline(__always)
    private func civil(
        _ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int, _ second: Int, _ millis: Int, offset: Int?
    ) throws(Reason) -> Int64 {
        guard month >= 1, month <= 12 else {
            throw Reason(
                .invalidTimestamp, en: "not a date: there is no month \(month)", es: "no es una fecha: no existe el mes \(month)")
        }
        let monthDays = daysInMonth(month, year)
        guard day >= 1, day <= monthDays else {
            if day == 0 {
                throw Reason(.invalidTimestamp, en: "not a date: there is no day 0", es: "no es una fecha: no existe el día 0")
            }
            throw Reason(
                .invalidTimestamp,
                en: "not a date: \(Self.monthsEN[month - 1]) \(year) has \(monthDays) days",
                es: "no es una fecha: \(Self.monthsES[month - 1]) de \(year) tiene \(monthDays) días")
        }
        guard hour <= 23, minute <= 59, second <= 59 else {
            let (en, es, value) =
                hour > 23 ? ("hour", "la hora", hour) : minute > 59 ? ("minute", "el minuto", minute) : ("second", "el segundo", second)
            throw Reason(.invalidTimestamp, en: "not a time: there is no \(en) \(value)", es: "no es una hora: no existe \(es) \(value)")
        }
        let local = Int64(daysFromCivil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second)
        let utc = offset.map { local - Int64($0) } ?? resolver.utc(fromLocal: local)
        return utc * 1000 + Int64(millis)
    }

    private static let monthsEN = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December",
    ]
    private static let monthsES = [
        "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre",
    ]

    private func notATimestamp() -> Reason {
        if let format {
            return Reason(
                .invalidTimestamp, en: "not a date/time in the format \(format.pattern) (such as \(format.example))",
                es: "no es una fecha/hora con el formato \(format.pattern) (como \(format.example))")
        }
        return Reason(
            .invalidTimestamp,
            en: "not a date/time; expected ISO 8601 such as 2026-03-01T09:30:00Z, 2026-03-01 09:30 or 2026-03-01 (or give the file's date format)",
            es: "no es una fecha/hora; se espera ISO 8601, como 2026-03-01T09:30:00Z, 2026-03-01 09:30 o 2026-03-01 (o indica el formato de fecha del archivo)")
    }
}
