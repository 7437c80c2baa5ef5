import Foundation
import RumboCore

/// Where a `ChunkBuffer` gets its bytes.
protocol ByteSource {
    /// The total size when known, for progress.
    var totalBytes: Int64? { get }
    /// Fills the front of `buffer`; returns how many bytes were read, 0 at the end.
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
}

struct FileByteSource: ByteSource {
    let handle: FileHandle
    let totalBytes: Int64?

    init(url: URL) throws {
        handle = try FileHandle(forReadingFrom: url)
        let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size]) as? NSNumber
        totalBytes = size?.int64Value
    }

    /// Reads with the POSIX call straight into the buffer: `FileHandle.read(upToCount:)` would
    /// allocate a `Data` per chunk and copy it once more.
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while true {
            let count = Foundation.read(handle.fileDescriptor, buffer.baseAddress, buffer.count)
            if count >= 0 { return count }
            if errno != EINTR { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        }
    }
}

struct DataByteSource: ByteSource {
    let data: Data
    var offset: Int

    init(_ data: Data) {
        self.data = data
        offset = data.startIndex
    }

    var totalBytes: Int64? { Int64(data.count) }

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let count = min(buffer.count, data.endIndex - offset)
        guard count > 0 else { return 0 }
        data.copyBytes(to: buffer.bindMemory(to: UInt8.self), from: offset..<(offset + count))
        offset += count
        return count
    }
}

/// A window over a byte stream: the readers parse records in `base[0..<end]` and, when a record
/// runs past `end`, call `refill(keeping:)` to slide the unfinished record to the front and read
/// the next chunk behind it. Memory stays at about one chunk plus the longest record.
///
/// A zero byte is always stored at `base[end]`, so scanning loops can look for "special" bytes
/// without checking the bounds on every byte; and `padding` more bytes are allocated, so they
/// may read 8 bytes at a time up to the sentinel.
final class ChunkBuffer {
    static let padding = 16
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var capacity: Int
    private(set) var end = 0
    private(set) var atEOF = false
    private(set) var bytesRead: Int64 = 0
    let chunkSize: Int
    let maxRecordBytes: Int
    let name: String
    private var source: any ByteSource

    var totalBytes: Int64? { source.totalBytes }

    init(source: any ByteSource, name: String, chunkSize: Int = 1 << 20, maxRecordBytes: Int = 64 << 20) {
        self.source = source
        self.name = name
        self.chunkSize = chunkSize
        self.maxRecordBytes = maxRecordBytes
        capacity = chunkSize
        base = .allocate(capacity: capacity + Self.padding)
        base.initialize(repeating: 0, count: capacity + Self.padding)
    }

    deinit { base.deallocate() }

    /// Drops the bytes before `keep`, moves the rest to the front, and reads more behind them.
    /// Afterwards the kept bytes start at offset 0; at the end of the input `atEOF` is set.
    func refill(keeping keep: Int, line: Int) throws(ImportFailure) {
        let kept = end - keep
        if keep > 0, kept > 0 { memmove(base, base + keep, kept) }
        end = kept
        if capacity - end < max(1, chunkSize / 2) {
            guard end < maxRecordBytes else {
                throw ImportFailure(
                    ImportIssue(
                        code: .recordTooLong, file: name, line: line,
                        en: "the record starting here is longer than \(maxRecordBytes >> 20) MiB; a quote is probably never closed",
                        es: "el registro que empieza aquí ocupa más de \(maxRecordBytes >> 20) MiB; probablemente unas comillas no se cierran"))
            }
            let newCapacity = max(capacity * 2, end + chunkSize)
            let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity + Self.padding)
            grown.update(from: base, count: end)
            (grown + end).initialize(repeating: 0, count: newCapacity + Self.padding - end)
            base.deallocate()
            base = grown
            capacity = newCapacity
        }
        let count: Int
        do {
            count = try source.read(into: UnsafeMutableRawBufferPointer(start: base + end, count: capacity - end))
        } catch {
            throw ImportFailure(
                ImportIssue(
                    code: .unreadable, file: name, line: nil, en: "cannot read the file (\(error.localizedDescription))",
                    es: "no se puede leer el archivo (\(error.localizedDescription))"))
        }
        if count == 0 { atEOF = true }
        end += count
        bytesRead += Int64(count)
        base[end] = 0
    }

    /// Skips `count` bytes at the front (a byte-order mark).
    func drop(_ count: Int) {
        memmove(base, base + count, end - count + 1)
        end -= count
    }
}

enum UTF8Check {
    /// The length of the UTF-8 sequence whose lead byte (≥ 0x80) is at `p[i]`: its length when
    /// valid, 0 when invalid, -1 when it runs past `end` (more bytes are needed to decide).
    @inline(__always)
    static func sequenceLength(_ p: UnsafePointer<UInt8>, _ i: Int, _ end: Int) -> Int {
        let b0 = p[i]
        let length: Int
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        switch b0 {
        case 0xC2...0xDF: length = 2
        case 0xE0:
            length = 3
            low = 0xA0
        case 0xED:
            length = 3
            high = 0x9F
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xF0:
            length = 4
            low = 0x90
        case 0xF4:
            length = 4
            high = 0x8F
        case 0xF1...0xF3: length = 4
        default: return 0
        }
        if i + length > end {
            // Decide what can be decided with the bytes present.
            var k = 1
            while i + k < end {
                let c = p[i + k]
                if k == 1 ? (c < low || c > high) : (c & 0xC0 != 0x80) { return 0 }
                k += 1
            }
            return -1
        }
        let b1 = p[i + 1]
        if b1 < low || b1 > high { return 0 }
        if length >= 3, p[i + 2] & 0xC0 != 0x80 { return 0 }
        if length == 4, p[i + 3] & 0xC0 != 0x80 { return 0 }
        return length
    }

    /// Bilingual reason for a byte that is not UTF-8.
    static func reason(byte: UInt8) -> Reason {
        let hex = "0x" + String(byte, radix: 16, uppercase: true)
        return Reason(
            .invalidUTF8,
            en: "not valid UTF-8 (byte \(hex)); save the file as UTF-8 (in Excel: \"CSV UTF-8\")",
            es: "no es UTF-8 válido (byte \(hex)); guarda el archivo como UTF-8 (en Excel: \"CSV UTF-8\")")
    }
}
