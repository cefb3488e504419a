import Testing
import Foundation
@testable import EthereumKit

@Suite struct ABICodecTests {
    static func word(_ hex: String) -> [UInt8] {
        let digits = String(repeating: "0", count: 64 - hex.count) + hex
        return (try? Hex.decode(digits, prefix: .optional)) ?? []
    }

    @Test func encoderRejectsValuesOutOfRange() {
        let cases: [(ABIType, ABIValue)] = [
            (.uint(8), .uint(256)),
            (.int(8), .int(128)),
            (.int(8), .int(-129)),
            (.fixedBytes(4), .fixedBytes([1, 2, 3])),
            (.fixedBytes(4), .bytes([1, 2, 3, 4])),
            (.fixedArray(.bool, 2), .array([.bool(true)])),
            (.tuple([.bool, .bool]), .tuple([.bool(true)])),
            (.address, .uint(1)),
            (.array(.uint(8)), .array([.uint(1), .uint(300)])),
            (.string, .bytes([])),
        ]
        for (type, value) in cases {
            #expect(throws: ABIError.self, "\(value) as \(type)") { try ABIEncoder.encode(value, as: type) }
            #expect(!value.matches(type))
        }
        #expect(throws: ABIError.self) { try ABIEncoder.encode(types: [.bool], values: []) }
        do {
            _ = try ABIEncoder.encode(types: [.bool, .array(.uint(8))], values: [.bool(true), .array([.uint(1), .uint(300)])])
            Issue.record("no error")
        } catch let e as ABIError {
            #expect(e.code == .invalidValue)
            #expect(e.message.contains("value #1[1]"), "\(e.message)")
            #expect(e.message.contains("uint8"), "\(e.message)")
        } catch { Issue.record("\(error)") }
    }

    @Test func signedExtremesRoundTrip() throws {
        let types: [ABIType] = [.int(8), .int(8), .int(256), .uint(256)]
        let values: [ABIValue] = [.int(-128), .int(127), .int(Int256.min), .uint(.max)]
        let data = try ABIEncoder.encode(types: types, values: values)
        #expect(Array(data[0..<32]) == [UInt8](repeating: 0xff, count: 31) + [0x80])
        #expect(try ABIDecoder.decode(types: types, data: data) == values)
    }

    @Test func accessorsReturnNilOnMismatch() throws {
        let a = try Address("0x00000000000000000000000000000000000000aa")
        #expect(ABIValue.uint(5).uintValue == 5)
        #expect(ABIValue.uint(5).uint64Value == 5)
        #expect(ABIValue.uint(5).intValue == nil)
        #expect(ABIValue.int(-5).intValue == Int256(-5))
        #expect(ABIValue.int(-5).intExactValue == -5)
        #expect(ABIValue.address(a).addressValue == a)
        #expect(ABIValue.address(a).boolValue == nil)
        #expect(ABIValue.bool(true).boolValue == true)
        #expect(ABIValue.bytes([1]).bytesValue == [1])
        #expect(ABIValue.bytes([1]).fixedBytesValue == nil)
        #expect(ABIValue.fixedBytes([UInt8](repeating: 1, count: 32)).hash32Value != nil)
        #expect(ABIValue.fixedBytes([1]).hash32Value == nil)
        #expect(ABIValue.string("x").stringValue == "x")
        #expect(ABIValue.array([.bool(true)]).arrayValue == [.bool(true)])
        #expect(ABIValue.array([.bool(true)]).tupleValue == nil)
        #expect(ABIValue.tuple([.bool(true)]).elements == [.bool(true)])
    }

    @Test func trailingBytesAreAllowedAsInEthAbi() throws {
        let data = Self.word("2a") + [1, 2, 3]
        #expect(try ABIDecoder.decode(types: [.uint(256)], data: data) == [.uint(42)])
    }

    @Test func overlappingOffsetsCannotExplode() throws {
        // uint256[][][]: every level points all of its elements at the same child, so 1 KiB could expand to 10^9 values.
        var data = Self.word("20")                                  // offset of the outer array
        data += Self.word("1e")                                     // outer length 30
        data += (0..<30).flatMap { _ in Self.word("3c0") }          // all 30 elements → the same middle array (30*32 = 0x3c0)
        data += Self.word("1e")                                     // middle length 30
        data += (0..<30).flatMap { _ in Self.word("3c0") }          // all → the same inner array
        data += Self.word("1e")                                     // inner length 30
        data += (0..<30).map { _ in Self.word("1") }.flatMap { $0 }
        do {
            let v = try ABIDecoder.decode(types: [.array(.array(.array(.uint(256))))], data: data)
            Issue.record("decoded \(v.count) values")
        } catch let e as ABIError {
            #expect(e.code == .excessiveExpansion, "\(e)")
        }
    }

    @Test func sharedTailWithinBudgetDecodes() throws {
        // (bytes,bytes) whose offsets both point at the same tail: not canonical, but in bounds (eth-abi accepts it).
        let data = Self.word("40") + Self.word("40") + Self.word("1") + [0xab] + [UInt8](repeating: 0, count: 31)
        let values = try ABIDecoder.decode(types: [.bytes, .bytes], data: data)
        #expect(values == [.bytes([0xab]), .bytes([0xab])])
    }

    @Test func deeplyNestedEmptyArraysAreFine() throws {
        let type = try ABIType(parsing: "uint8[][][][][][][][][][][][][][][][][][][][]")
        let data = try ABIEncoder.encode(.array([]), as: type)
        #expect(try ABIDecoder.decode(type, data: data) == .array([]))
    }

    @Test func packedEncoding() throws {
        let a = try Address("0x00000000000000000000000000000000000000aa")
        let packed = try ABIEncoder.encodePacked(types: [.uint(16), .address, .bool, .bytes, .string, .fixedBytes(2), .array(.uint(8))],
                                                 values: [.uint(0x1234), .address(a), .bool(true), .bytes([9]), .string("A"), .fixedBytes([7, 8]), .array([.uint(1)])])
        #expect(packed == [0x12, 0x34] + a.bytes + [1, 9, 0x41, 7, 8] + Self.word("1"))
        #expect(throws: ABIError.self) { try ABIEncoder.encodePacked(types: [.tuple([.bool])], values: [.tuple([.bool(true)])]) }
        #expect(throws: ABIError.self) { try ABIEncoder.encodePacked(types: [.array(.string)], values: [.array([])]) }
    }

    @Test func jsonConventions() throws {
        let type = try ABIType(parsing: "(uint8,int16,address,bool,bytes2,bytes,string,uint256[])")
        let json = #"["255","-2","0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826",true,"0x0102","0x","a\"\n☃",["0x10",7]]"#
        let value = try ABIValue(jsonText: json, as: type)
        #expect(value.jsonText == #"["255","-2","0xcd2a3d9f938e13cd947ec05abc7fe734df8dd826",true,"0x0102","0x","a\"\n☃",["16","7"]]"#)
        for bad in [#"["256","0","0x00000000000000000000000000000000000000aa",true,"0x0102","0x","",[]]"#,
                    #"["1","0","0xCD2A3d9F938E13CD947Ec05AbC7FE734Df8DD826",true,"0x0102","0x","",[]]"#,
                    #"["1","0","0x00000000000000000000000000000000000000aa",1,"0x0102","0x","",[]]"#,
                    #"["1","0","0x00000000000000000000000000000000000000aa",true,"0x01","0x","",[]]"#,
                    #"["1","0","0x00000000000000000000000000000000000000aa",true,"0x0102","0x","",[1.5]]"#,
                    #"["1","0","0x00000000000000000000000000000000000000aa",true,"0x0102","0x",""]"#,
                    #"{"a":1}"#] {
            #expect(throws: ABIError.self, "\(bad)") { try ABIValue(jsonText: bad, as: type) }
        }
    }

    @Test func commandLineArguments() throws {
        #expect(try ABIValue(argument: "5", as: .uint(256)) == .uint(5))
        #expect(try ABIValue(argument: "0xff", as: .uint(8)) == .uint(255))
        #expect(try ABIValue(argument: "-5", as: .int(8)) == .int(-5))
        #expect(try ABIValue(argument: "hello, world", as: .string) == .string("hello, world"))
        let two = try ABIValue(argument: "[0x00000000000000000000000000000000000000aa, 0x00000000000000000000000000000000000000bb]", as: .array(.address))
        #expect(two.arrayValue?.count == 2)
        let tuple = try ABIValue(argument: #"[1, ["a, b", c], true]"#, as: try ABIType(parsing: "(uint8,string[],bool)"))
        #expect(tuple == .tuple([.uint(1), .array([.string("a, b"), .string("c")]), .bool(true)]))
        #expect(throws: ABIError.self) { try ABIValue(argument: "[1,2", as: .array(.uint(8))) }
        #expect(throws: ABIError.self) { try ABIValue(argument: "[1,,2]", as: .array(.uint(8))) }
        #expect(throws: ABIError.self) { try ABIValue(argument: "-1", as: .uint(8)) }
        #expect(throws: ABIError.self) { try ABIValue(argument: "yes", as: .bool) }
    }

    @Test func fuzzEntryNeverTraps() {
        var rng = ABITestRandom(seed: 0xAB1)
        var outcomes = [0, 0]
        for i in 0..<3000 {
            let length = Int(rng.next() % 600)
            var bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            // Bias towards valid-looking words: zero out most high bytes so offsets and lengths are small.
            if i % 2 == 0 { for j in stride(from: 8, to: bytes.count, by: 32) { for k in j..<min(j + 30, bytes.count) { bytes[k] = 0 } } }
            let outcome = bytes.withUnsafeBytes { ABIDecoder.fuzz($0) }
            switch outcome {
            case .rejected: outcomes[0] += 1
            case .roundTripped: outcomes[1] += 1
            case .invariantViolated(let why): Issue.record("input \(Hex.encode(bytes)): \(why)")
            }
        }
        #expect(outcomes[0] > 0)
        #expect(outcomes[1] > 0)
    }
}

/// A small deterministic generator for tests (fixed seeds).
private struct ABITestRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
