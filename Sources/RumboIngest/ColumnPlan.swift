import Foundation
import RumboCore

/// How one native field is read: from which slot of a record, under which column name.
struct FieldPlan {
    /// The field's index in `layout.fields` (and in `DataRow.values`).
    let index: Int
    /// The record slot holding it: the file column for CSV, the known-key index for JSON Lines.
    let slot: Int
    /// The column name as the file writes it.
    let column: String
    /// The column's 1-based position in a CSV header.
    let number: Int?
    let spec: FieldSpec
}

/// Where each native field is in the records of one file.
struct ColumnPlan {
    /// CSV: the number of columns every record must have.
    let headerCount: Int?
    let idSlot: Int
    let idColumn: String
    let idNumber: Int?
    /// The fields the file has, in layout order.
    let fields: [FieldPlan]
    /// CSV: the header as written; JSON Lines: the known keys.
    let columnNames: [String]

    /// The plan for a CSV header, or every problem with it.
    static func csv(header: [String], layout: DataLayout, options: ImportOptions, file: String, line: Int) throws(ImportFailure) -> ColumnPlan {
        var issues: [ImportIssue] = []
        let names = header.map(HeaderName.init)
        let native = layout.header.joined(separator: ", ")
        let required = (["id"] + layout.fields.filter(\.required).map(\.name)).joined(separator: ", ")
        var firstIndex: [HeaderName: Int] = [:]
        for (index, name) in names.enumerated() {
            if let first = firstIndex[name] {
                issues.append(
                    ImportIssue(
                        code: .duplicateColumn, file: file, line: line, column: name.text, columnNumber: index + 1,
                        en: "the column appears twice in the header (columns \(first + 1) and \(index + 1))",
                        es: "la columna aparece dos veces en la cabecera (columnas \(first + 1) y \(index + 1))"))
            } else {
                firstIndex[name] = index
            }
        }
        // Explicit mappings claim their columns first; unmapped fields then look for their own name.
        var claimed = [Int?](repeating: nil, count: layout.header.count)
        var taken = Set<Int>()
        let mapping = options.mapping
        for (k, field) in layout.header.enumerated() {
            guard let mapped = mapping?.columns[field] else { continue }
            if let index = firstIndex[HeaderName(mapped)] {
                claimed[k] = index
                taken.insert(index)
            } else {
                let list = header.map { "'\($0)'" }.joined(separator: ", ")
                issues.append(
                    ImportIssue(
                        code: .missingColumn, file: file, line: line, column: mapped, field: field,
                        en: "the column mapping puts \(field) in the column '\(mapped)', but the header has no such column; it has: \(list)",
                        es: "la correspondencia de columnas pone \(field) en la columna '\(mapped)', pero la cabecera no la tiene; tiene: \(list)"))
            }
        }
        for (k, field) in layout.header.enumerated() where mapping?.columns[field] == nil {
            if let index = firstIndex[HeaderName(field)], !taken.contains(index) {
                claimed[k] = index
                taken.insert(index)
            } else if k == 0 || layout.fields[k - 1].required {
                issues.append(
                    ImportIssue(
                        code: .missingColumn, file: file, line: line, column: field,
                        en: "the header has no column \(field), which is required (required: \(required); all columns: \(native))",
                        es: "la cabecera no tiene la columna \(field), que es obligatoria (obligatorias: \(required); todas: \(native))"))
            }
        }
        if !options.ignoreUnknownColumns {
            for (index, name) in names.enumerated() where !taken.contains(index) && firstIndex[name] == index {
                let shown = name.text.trimmingCharacters(in: .whitespaces)
                issues.append(
                    ImportIssue(
                        code: .unknownColumn, file: file, line: line, column: shown, columnNumber: index + 1,
                        en: shown.isEmpty
                            ? "a column without a name; the columns of a \(layout.kind.rawValue) file are: \(native) (or ask to ignore unknown columns)"
                            : "unknown column; the columns of a \(layout.kind.rawValue) file are: \(native) (map it in a column mapping, or ask to ignore unknown columns)",
                        es: shown.isEmpty
                            ? "una columna sin nombre; las columnas de un archivo de \(layout.kind.rawValue) son: \(native) (o pide ignorar las columnas desconocidas)"
                            : "columna desconocida; las columnas de un archivo de \(layout.kind.rawValue) son: \(native) (asígnala en una correspondencia de columnas, o pide ignorar las columnas desconocidas)"
                    ))
            }
        }
        if !issues.isEmpty { throw ImportFailure(issues: issues) }
        let idIndex = claimed[0]!
        var fields: [FieldPlan] = []
        for (k, spec) in layout.fields.enumerated() {
            guard let index = claimed[k + 1] else { continue }
            fields.append(FieldPlan(index: k, slot: index, column: header[index], number: index + 1, spec: spec))
        }
        return ColumnPlan(
            headerCount: header.count, idSlot: idIndex, idColumn: header[idIndex], idNumber: idIndex + 1, fields: fields,
            columnNames: header)
    }

    /// The plan for JSON Lines: every native field has a slot, named as the mapping says.
    static func jsonLines(layout: DataLayout, mapping: ColumnMapping?) -> ColumnPlan {
        let explicit = Set((mapping?.columns.values).map { $0.map(HeaderName.init) } ?? [])
        let names = layout.header.map { field in
            if let mapped = mapping?.columns[field] { return mapped }
            // A field whose own name another field's mapping took is not in the file.
            return explicit.contains(HeaderName(field)) ? "" : field
        }
        let fields = layout.fields.enumerated().map { k, spec in
            FieldPlan(index: k, slot: k + 1, column: names[k + 1], number: nil, spec: spec)
        }
        return ColumnPlan(headerCount: nil, idSlot: 0, idColumn: names[0], idNumber: nil, fields: fields, columnNames: names)
    }
}

/// The ids seen in one file, to find duplicates.
///
/// A `Set<String>` would cost a string and a hash-table node per row; this keeps the id bytes in
/// one growing arena and an open-addressing table of words holding the upper half of the id's
/// hash (which also picks the slot, so growing never rehashes) and the entry number: about 32
/// bytes per id plus the id itself.
///
/// Most exports list their rows by increasing id (`T1`, `T2`, … `T10`: shorter first, then byte
/// order). While that holds, a new id greater than the last one cannot be a duplicate, so the
/// table (a random memory access per row, the dearest step of validation) is only built when
/// the order first breaks.
final class IDRegistry {
    private struct Entry {
        var offset: Int
        var line: Int
    }

    private var table: UnsafeMutablePointer<UInt64>
    private var mask: Int
    private var entries: UnsafeMutablePointer<Entry>
    private var entryCount = 0
    private var entryCapacity = 1024
    private var arena: UnsafeMutablePointer<UInt8>
    private var arenaCount = 0
    private var arenaCapacity = 16 * 1024
    /// Whether every id so far came after the one before (see the type's documentation).
    private var ascending = true

    init() {
        mask = 2047
        table = .allocate(capacity: mask + 1)
        table.initialize(repeating: 0, count: mask + 1)
        entries = .allocate(capacity: entryCapacity)
        arena = .allocate(capacity: arenaCapacity)
    }

    deinit {
        table.deallocate()
        entries.deallocate()
        arena.deallocate()
    }

    @inline(__always)
    private static func hash(_ b: Bytes) -> UInt64 {
        // FNV-1a over 8-byte words, then a MurmurHash3 finalizer so the upper bits mix well.
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        let n = b.count
        var i = 0
        let base = UnsafeRawPointer(b.baseAddress!)
        while i + 8 <= n {
            h = (h ^ base.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0x100_0000_01b3
            i += 8
        }
        while i < n {
            h = (h ^ UInt64(b[i])) &* 0x100_0000_01b3
            i += 1
        }
        h ^= UInt64(n)
        h ^= h >> 33
        h = h &* 0xff51_afd7_ed55_8ccd
        h ^= h >> 33
        h = h &* 0xc4ce_b9fe_1a85_ec53
        h ^= h >> 33
        return h
    }

    /// Records an id (at most 65535 bytes); returns the line where it was seen before, if it was.
    @inline(__always)
    func insert(_ id: Bytes, line: Int) -> Int? {
        if ascending {
            if entryCount == 0 || isAfterLast(id) {
                append(id, line: line)
                return nil
            }
            ascending = false
            for k in 0..<entryCount { place(Self.hash(storedID(k)) & 0xFFFF_FFFF_0000_0000, entry: k) }
        }
        let tag = Self.hash(id) & 0xFFFF_FFFF_0000_0000
        let table = self.table
        let mask = self.mask
        var slot = Int(truncatingIfNeeded: tag >> 32) & mask
        while true {
            let word = table[slot]
            if word == 0 { break }
            if word & 0xFFFF_FFFF_0000_0000 == tag {
                let entry = Int(word & 0xFFFF_FFFF) - 1
                let stored = storedID(entry)
                if stored.count == id.count, memcmp(stored.baseAddress!, id.baseAddress!, id.count) == 0 { return entries[entry].line }
            }
            slot = (slot + 1) & mask
        }
        append(id, line: line)
        place(tag, entry: entryCount - 1)
        return nil
    }

    /// Whether `id` sorts after the last id appended: longer, or as long and greater bytes.
    @inline(__always)
    private func isAfterLast(_ id: Bytes) -> Bool {
        let last = storedID(entryCount - 1)
        if id.count != last.count { return id.count > last.count }
        return memcmp(id.baseAddress!, last.baseAddress!, id.count) > 0
    }

    @inline(__always)
    private func storedID(_ entry: Int) -> Bytes {
        let offset = entries[entry].offset
        let length = Int(arena[offset]) | Int(arena[offset + 1]) << 8
        return Bytes(start: arena + offset + 2, count: length)
    }

    /// Puts an entry in the table (which must not hold it yet).
    @inline(__always)
    private func place(_ tag: UInt64, entry: Int) {
        var slot = Int(truncatingIfNeeded: tag >> 32) & mask
        while table[slot] != 0 { slot = (slot + 1) & mask }
        table[slot] = tag | UInt64(entry + 1)
        if (entry + 1) * 2 > mask { growTable() }
    }

    @inline(__always)
    private func append(_ id: Bytes, line: Int) {
        let length = id.count
        if arenaCount + length + 2 > arenaCapacity {
            arenaCapacity = max(arenaCapacity * 2, arenaCount + length + 2)
            let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: arenaCapacity)
            grown.update(from: arena, count: arenaCount)
            arena.deallocate()
            arena = grown
        }
        if entryCount == entryCapacity {
            entryCapacity *= 2
            let grown = UnsafeMutablePointer<Entry>.allocate(capacity: entryCapacity)
            grown.moveInitialize(from: entries, count: entryCount)
            entries.deallocate()
            entries = grown
        }
        let offset = arenaCount
        arena[offset] = UInt8(truncatingIfNeeded: length)
        arena[offset + 1] = UInt8(truncatingIfNeeded: length >> 8)
        (arena + offset + 2).update(from: id.baseAddress!, count: length)
        arenaCount += length + 2
        (entries + entryCount).initialize(to: Entry(offset: offset, line: line))
        entryCount += 1
    }

    private func growTable() {
        let oldTable = table
        let oldCapacity = mask + 1
        mask = oldCapacity * 2 - 1
        table = .allocate(capacity: mask + 1)
        table.initialize(repeating: 0, count: mask + 1)
        for k in 0..<oldCapacity where oldTable[k] != 0 {
            let word = oldTable[k]
            var slot = Int(truncatingIfNeeded: word >> 32) & mask
            while table[slot] != 0 { slot = (slot + 1) & mask }
            table[slot] = word
        }
        oldTable.deallocate()
    }
}
