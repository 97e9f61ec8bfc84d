import XCTest
@testable import LiaisonTrace

final class GroupRuleTests: XCTestCase {
    func testListsCarryTheBodyPrefixOver() throws {
        let groups = try GroupCanonicalizer(rules: ReferenceRuleTests.defaultRules())
        XCTAssertEqual(groups.canonicalList("APT, ATU, CITEL, CEPT, RCC, ITU-T SG2, SG5, SG3, SG17, SG20, ITU-D SG1, SG2"),
                       ["APT", "ATU", "CITEL", "CEPT", "RCC", "ITU-T SG2", "ITU-T SG5", "ITU-T SG3", "ITU-T SG17",
                        "ITU-T SG20", "ITU-D SG1", "ITU-D SG2"])
        XCTAssertEqual(groups.canonicalList("ITU-T SG20, SG13 & SG3"), ["ITU-T SG20", "ITU-T SG13", "ITU-T SG3"])
        XCTAssertEqual(groups.canonicalList("3GPP SA1, SA3, CT3"), ["3GPP SA1", "3GPP SA3", "3GPP CT3"])
        XCTAssertEqual(groups.canonicalList("3GPP SA, RAN, RAN3, RAN2"),
                       ["3GPP TSG SA", "3GPP TSG RAN", "3GPP RAN3", "3GPP RAN2"])
        XCTAssertEqual(groups.canonicalList("CT WG1, CT WG4, GERAN"), ["3GPP CT1", "3GPP CT4", "3GPP GERAN"])
    }

    func testLiaisonNumbersAreNotGroupMentions() throws {
        let groups = try GroupCanonicalizer(rules: ReferenceRuleTests.defaultRules())
        XCTAssertEqual(groups.mentions(in: "your SG11-LS159 and SG11 - LS 10").map(\.id), [])
        XCTAssertEqual(groups.mentions(in: "SG2-TD197/GEN from SG2").map(\.id), ["ITU-T SG2"])
    }
}
