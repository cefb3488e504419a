import EthereumKit
import Foundation
import Kalypso
@testable import Mirror
import Testing

/// `EventJSON.appendPacked` and `PackedFields.unpack` give back exactly the JSON text `EventJSON.append` writes.
@Suite struct PackedFieldsTests {
    static func roundTrip(_ event: KalypsoEvent) throws -> (text: String, shape: String, values: [UInt8]) {
        var shape: [UInt8] = [], values: [UInt8] = []
        let name = EventJSON.appendPacked(event, shape: &shape, values: &values)
        #expect("\(name)" == event.name)
        let shapeText = String(decoding: shape, as: UTF8.self)
        return (try PackedFields.unpack(shape: shapeText, values: values, context: "test"), shapeText, values)
    }

    @Test func randomChainEventsRoundTripExactly() throws {
        var chain = RandomChain(seed: 0x9ac4ed)
        var names = Set<String>(), count = 0
        for _ in 0..<40 {
            for log in chain.range(blocks: 10).logs {
                #expect(try Self.roundTrip(log.event).text == EventJSON.fields(of: log.event))
                names.insert(log.event.name)
                count += 1
            }
        }
        #expect(names.count > 25 && count > 500, "\(names.count) kinds, \(count) events")
    }

    @Test func edgeValuesRoundTripExactly() throws {
        let a = Address(hi: 0, mid: 0, lo: 0xab), max = UInt256.max
        let events: [KalypsoEvent] = [
            .joinedMarketplace(.init(generator: a, marketId: UInt256(UInt64.max), computeAllocation: max,
                                     terms: .calldata(MarketplaceJoinTerms(proofGenerationCost: UInt256(12_345_678_901_234_567_890), proposedTime: .zero)))),
            .proofCreated(.init(askId: .one, proof: [UInt8](repeating: 0xab, count: 65))),
            .proofCreated(.init(askId: .one, proof: [UInt8](repeating: 0xcd, count: 64))),
            .proofCreated(.init(askId: .zero, proof: [])),
            .proofCreated(.init(askId: UInt256(UInt64.max) + UInt256(1), proof: Array(0..<255))),
        ]
        for event in events { #expect(try Self.roundTrip(event).text == EventJSON.fields(of: event)) }
        let packed = try Self.roundTrip(events[1])
        #expect(packed.shape == #"{"askId":?,"proof":?}"#)
        #expect(packed.values.count == 2 + 2 + 32, "the abbreviated proof keeps its length and first 32 bytes")
    }

    @Test func valuesThatDoNotFitTheShapeAreCorrupt() throws {
        let packed = try Self.roundTrip(.proofCreated(.init(askId: UInt256(300), proof: [1, 2, 3])))
        for (shape, values) in [(packed.shape, Array(packed.values.dropLast())), (packed.shape, packed.values + [3, 1]),
                                (packed.shape + "?", packed.values), (packed.shape, [9] + packed.values.dropFirst())] {
            #expect(throws: MirrorStoreError.self) { try PackedFields.unpack(shape: shape, values: values, context: "test") }
        }
    }
}
