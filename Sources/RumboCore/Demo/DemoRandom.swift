import Foundation

extension Demo {
    /// SplitMix64 (Steele, Lea & Flood 2014): tiny, fast and fully determined by its seed, which is
    /// all the demo needs. `SystemRandomNumberGenerator` cannot be seeded, and the standard library
    /// offers no seedable generator.
    public struct SplitMix64: RandomNumberGenerator, Sendable {
        private var state: UInt64

        public init(seed: UInt64) { state = seed }

        public mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }

        /// A generator for one independent stream, such as "the check-ins of key result 7 of
        /// organization 1". Giving every key result its own stream keeps its history identical when
        /// `today` moves forward inside the same quarter: only new check-ins are added.
        static func stream(_ seed: UInt64, _ path: UInt64...) -> SplitMix64 {
            var mixer = SplitMix64(seed: seed)
            var mixed = mixer.next()
            for component in path {
                mixer = SplitMix64(seed: mixed ^ (component &* 0xD1B5_4A32_D192_ED03))
                mixed = mixer.next()
            }
            return SplitMix64(seed: mixed)
        }
    }
}
