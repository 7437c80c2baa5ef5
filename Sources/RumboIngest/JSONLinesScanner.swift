import Foundation
import RumboCore

/// A streaming JSON Lines reader: one JSON object per line, whose keys name columns and whose
/// values are strings, numbers, booleans or null. Blank lines are skipped.
///
/// Each object is parsed by hand straight into the known columns' slots (no `JSONSerialization`
/// dictionaries per line); the keys of the previous line are tried first, since exports write
/// every line in the same order.
final class JSONLinesScanner: RecordScanner {
    let buffer: ChunkBuffer
    private(set) var fields: UnsafeMutablePointer<RawField>
    let fieldCount: Int
    private(set) var line = 1
    private(set) var text = Bytes(start: nil, count: 0)
    private(set) var problem: RecordProblem?

    /// The known column names, lower-cased; a key's slot is its index here.
    private let names: [[UInt8]]
    private let originalNames: [String]
    private let ignoreUnknownKeys: Bool
    /// The slot the n-th key of the previous line went to.
    private var predicted: [Int]
    /// `seenOnLine[slot] == generation` when the current line already had the slot's key.
    private var seenOnLine: [Int]
    private var generation = 0
    private var scratch: UnsafeMutablePointer<UInt8>
    private var scratchCapacity = 4096
    private var position = 0
    private var nextLine = 1

    init(buffer: ChunkBuffer, columns: [String], ignoreUnknownKeys: Bool) {
        self.buffer = buffer
        originalNames = columns
        names = columns.map { Array(HeaderName($0).key.utf8) }
        self.ignoreUnknownKeys = ignoreUnknownKeys
        fieldCount = columns.count
        fields = .allocate(capacity: max(fieldCount, 1))
        predicted = Array(repeating: 0, count: fieldCount + 8)
        seenOnLine = Array(repeating: -1, count: fieldCount)
        scratch = .allocate(capacity: scratchCapacity)
    }

    deinit {
        fields.deallocate()
        scratch.deallocate()
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

    private func scan() -> ScanStep {
        let p = buffer.base
        let end = buffer.end
        let start = position
        if start >= end { return buffer.atEOF ? .end : .needMore }
        var lineEnd: Int
        var nextStart: Int
        if let newline = memchr(p + start, 0x0A, end - start) {
            lineEnd = p.distance(to: newline.assumingMemoryBound(to: UInt8.self))
            nextStart = lineEnd + 1
        } else {
            if !buffer.atEOF { return .needMore }
            lineEnd = end
            nextStart = end
        }
        if lineEnd > start, p[lineEnd - 1] == 0x0D { lineEnd -= 1 }
        position = nextStart
        line = nextLine
        nextLine += 1
        var i = start
        while i < lineEnd, p[i] == 0x20 || p[i] == 0x09 { i += 1 }
        if i == lineEnd { return .blank }
        text = Bytes(start: p + start, count: lineEnd - start)
        problem = nil
        generation += 1
        for k in 0..<fieldCount { fields[k] = .absent }
        // UTF-8 first, so the parser below may treat every byte ≥ 0x80 as part of a string.
        var j = start
        while j < lineEnd {
            if p[j] < 0x80 {
                j += 1
                continue
            }
            let length = UTF8Check.sequenceLength(p, j, lineEnd)
            if length <= 0 {
                problem = .invalidUTF8(byte: p[j], line: line, field: nil)
                return .record
            }
            j += length
        }
        if scratchCapacity < lineEnd - start {
            scratch.deallocate()
            scratchCapacity = max(lineEnd - start, scratchCapacity * 2)
            scratch = .allocate(capacity: scratchCapacity)
        }
        do {
            try parseObject(p, from: i, to: lineEnd, lineStart: start)
        } catch {
            problem = .invalidJSON(error)
        }
        return .record
    }

    private func syntax(_ at: Int, _ lineStart: Int, en: String, es: String) -> Reason {
        let column = at - lineStart + 1
        return Reason(.invalidJSON, en: "not a JSON object: \(en) at character \(column)", es: "no es un objeto JSON: \(es) en el carácter \(column)")
    }

    private func parseObject(_ p: UnsafeMutablePointer<UInt8>, from start: Int, to end: Int, lineStart: Int) throws(Reason) {
        // The line's bytes are followed by a newline, a CR or the buffer's zero sentinel, so
        // looking one byte past `end` is safe; `end` itself is treated as the end of the text.
        var i = start
        var w = 0
        func skipSpace() {
            while i < end, p[i] == 0x20 || p[i] == 0x09 { i += 1 }
        }
        guard p[i] == 0x7B else {
            throw syntax(i, lineStart, en: "each line must be one object in braces, {…}", es: "cada línea debe ser un objeto entre llaves, {…}")
        }
        i += 1
        skipSpace()
        if i < end, p[i] == 0x7D {
            i += 1
        } else {
            var keyIndex = 0
            var unknown: [String] = []
            while true {
                guard i < end, p[i] == 0x22 else {
                    throw syntax(i, lineStart, en: "expected a key in double quotes", es: "se esperaba una clave entre comillas dobles")
                }
                let key = try parseString(p, &i, end, &w, lineStart)
                skipSpace()
                guard i < end, p[i] == 0x3A else {
                    throw syntax(i, lineStart, en: "expected ':' after the key", es: "se esperaba ':' después de la clave")
                }
                i += 1
                skipSpace()
                guard i < end else { throw syntax(i, lineStart, en: "expected a value", es: "se esperaba un valor") }
                var value: RawField
                let c = p[i]
                if c == 0x22 {
                    value = RawField(bytes: try parseString(p, &i, end, &w, lineStart), kind: .text)
                } else if c == 0x74 || c == 0x66 || c == 0x6E {
                    let word: StaticString = c == 0x74 ? "true" : c == 0x66 ? "false" : "null"
                    let length = word.utf8CodeUnitCount
                    guard i + length <= end, memcmp(p + i, word.utf8Start, length) == 0 else {
                        throw syntax(i, lineStart, en: "expected a value (a string, number, true, false or null)", es: "se esperaba un valor (texto, número, true, false o null)")
                    }
                    value = c == 0x6E ? .absent : RawField(bytes: Bytes(start: p + i, count: length), kind: .boolean)
                    i += length
                } else if c == 0x2D || c &- 0x30 < 10 {
                    let numberStart = i
                    i += 1
                    while i < end {
                        let d = p[i]
                        guard d &- 0x30 < 10 || d == 0x2E || d == 0x65 || d == 0x45 || d == 0x2B || d == 0x2D else { break }
                        i += 1
                    }
                    value = RawField(bytes: Bytes(start: p + numberStart, count: i - numberStart), kind: .number)
                } else if c == 0x7B || c == 0x5B {
                    throw syntax(
                        i, lineStart, en: "the value of \"\(key.string)\" is a nested object or list; only plain values are read",
                        es: "el valor de \"\(key.string)\" es un objeto o lista anidado; solo se leen valores simples")
                } else {
                    throw syntax(i, lineStart, en: "expected a value (a string, number, true, false or null)", es: "se esperaba un valor (texto, número, true, false o null)")
                }
                let slot = self.slot(for: key, at: keyIndex)
                if slot >= 0 {
                    if seenOnLine[slot] == generation, problem == nil { problem = .duplicateKey(key.string) }
                    seenOnLine[slot] = generation
                    fields[slot] = value
                } else if !ignoreUnknownKeys {
                    unknown.append(key.string)
                }
                keyIndex += 1
                skipSpace()
                guard i < end else {
                    throw syntax(i, lineStart, en: "the object is not closed with '}'", es: "el objeto no se cierra con '}'")
                }
                if p[i] == 0x2C {
                    i += 1
                    skipSpace()
                    continue
                }
                guard p[i] == 0x7D else {
                    throw syntax(i, lineStart, en: "expected ',' or '}'", es: "se esperaba ',' o '}'")
                }
                i += 1
                break
            }
            if !unknown.isEmpty, problem == nil { problem = .unknownKeys(unknown) }
        }
        skipSpace()
        guard i == end else {
            throw syntax(i, lineStart, en: "text after the closing '}' (one object per line)", es: "texto después de la '}' final (un objeto por línea)")
        }
    }

    /// The slot of a key: the one the same position had on the previous line, else a search.
    @inline(__always)
    private func slot(for key: Bytes, at keyIndex: Int) -> Int {
        if keyIndex < predicted.count {
            let guess = predicted[keyIndex]
            if guess >= 0, guess < names.count, names[guess].withUnsafeBufferPointer({ key.equalsIgnoringASCIICase($0) }) { return guess }
        }
        var found = -1
        for (index, name) in names.enumerated() where name.withUnsafeBufferPointer({ key.equalsIgnoringASCIICase($0) }) {
            found = index
            break
        }
        if found < 0, key.contains(where: { $0 >= 0x80 }) {
            let lowered = key.string.lowercased()
            found = originalNames.firstIndex { HeaderName($0).key == lowered } ?? -1
        }
        if keyIndex < predicted.count { predicted[keyIndex] = found }
        return found
    }

    /// A JSON string starting at the quote at `p[i]`; escapes are decoded into the scratch buffer.
    @inline(__always)
    private func parseString(
        _ p: UnsafeMutablePointer<UInt8>, _ i: inout Int, _ end: Int, _ w: inout Int, _ lineStart: Int
    ) throws(Reason) -> Bytes {
        i += 1
        let start = i
        while i < end {
            let c = p[i]
            if c == 0x22 {
                i += 1
                return Bytes(start: p + start, count: i - 1 - start)
            }
            if c == 0x5C { break }
            if c < 0x20 {
                throw syntax(i, lineStart, en: "a control character inside a string", es: "un carácter de control dentro de un texto")
            }
            i += 1
        }
        guard i < end else { throw syntax(i, lineStart, en: "a string is not closed", es: "un texto no se cierra") }
        // Escapes: copy what came before, then decode.
        let outStart = w
        let prefix = i - start
        (scratch + w).update(from: p + start, count: prefix)
        w += prefix
        while i < end {
            let c = p[i]
            if c == 0x22 {
                i += 1
                return Bytes(start: scratch + outStart, count: w - outStart)
            }
            if c < 0x20 {
                throw syntax(i, lineStart, en: "a control character inside a string", es: "un carácter de control dentro de un texto")
            }
            if c != 0x5C {
                scratch[w] = c
                w += 1
                i += 1
                continue
            }
            guard i + 1 < end else { break }
            let e = p[i + 1]
            i += 2
            switch e {
            case 0x22, 0x5C, 0x2F: scratch[w] = e
            case 0x62: scratch[w] = 0x08
            case 0x66: scratch[w] = 0x0C
            case 0x6E: scratch[w] = 0x0A
            case 0x72: scratch[w] = 0x0D
            case 0x74: scratch[w] = 0x09
            case 0x75:
                guard var scalar = hex4(p, i, end) else {
                    throw syntax(i - 2, lineStart, en: "a \\u escape needs four hex digits", es: "un escape \\u necesita cuatro dígitos hexadecimales")
                }
                i += 4
                if scalar >= 0xD800, scalar < 0xDC00, i + 1 < end, p[i] == 0x5C, p[i + 1] == 0x75, let low = hex4(p, i + 2, end),
                    low >= 0xDC00, low < 0xE000
                {
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    i += 6
                }
                let decoded = Unicode.Scalar(scalar) ?? "\u{FFFD}"
                for unit in UTF8.encode(decoded)! {
                    scratch[w] = unit
                    w += 1
                }
                continue
            default:
                throw syntax(i - 2, lineStart, en: "an unknown escape \\\(Character(Unicode.Scalar(e)))", es: "un escape desconocido \\\(Character(Unicode.Scalar(e)))")
            }
            w += 1
        }
        throw syntax(i, lineStart, en: "a string is not closed", es: "un texto no se cierra")
    }

    private func hex4(_ p: UnsafeMutablePointer<UInt8>, _ i: Int, _ end: Int) -> UInt32? {
        guard i + 4 <= end else { return nil }
        var value: UInt32 = 0
        for k in 0..<4 {
            let c = p[i + k]
            let d: UInt32
            switch c {
            case 0x30...0x39: d = UInt32(c - 0x30)
            case 0x41...0x46: d = UInt32(c - 0x41 + 10)
            case 0x61...0x66: d = UInt32(c - 0x61 + 10)
            default: return nil
            }
            value = value << 4 | d
        }
        return value
    }
}
