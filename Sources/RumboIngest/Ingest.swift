import Foundation
import RumboCore

/// Streaming readers that turn CSV and JSON Lines files into validated `DataRow`s.
public enum Ingest {}
