import RumboCore
import Testing

@Suite struct LayoutTests {
    @Test func everyKindHasAnIdFirstHeader() {
        for kind in DataKind.allCases {
            #expect(kind.layout.header.first == "id")
            #expect(Set(kind.layout.header).count == kind.layout.header.count)
        }
    }
}
