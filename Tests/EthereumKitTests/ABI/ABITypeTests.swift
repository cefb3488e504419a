import Testing
@testable import EthereumKit

@Suite struct ABITypeTests {
    @Test(arguments: [
        ("uint256", "uint256"), ("uint", "uint256"), ("int", "int256"), ("uint8", "uint8"), ("int248", "int248"),
        ("address", "address"), ("bool", "bool"), ("bytes1", "bytes1"), ("bytes32", "bytes32"), ("bytes", "bytes"),
        ("string", "string"), ("uint256[]", "uint256[]"), ("uint[2][]", "uint256[2][]"), ("bytes3[2]", "bytes3[2]"),
        ("(uint256,address[])", "(uint256,address[])"), ("((int,bool)[2],string)[][3]", "((int256,bool)[2],string)[][3]"),
        ("(((string)))", "(((string)))"), ("()", "()"),
    ])
    func parsesToCanonicalName(text: String, canonical: String) throws {
        #expect(try ABIType(parsing: text).description == canonical)
    }

    @Test func structure() throws {
        #expect(try ABIType(parsing: "uint8[2][]") == .array(.fixedArray(.uint(8), 2)))
        #expect(try ABIType(parsing: "(address,(bool,bytes)[])") == .tuple([.address, .array(.tuple([.bool, .bytes]))]))
        #expect(try ABIType.parameterList(parsing: "(uint256,address[])") == [.uint(256), .array(.address)])
        #expect(try ABIType.parameterList(parsing: "uint256") == [.uint(256)])
        #expect(try ABIType.parameterList(parsing: "()") == [])
        let sig = try ABIType.signature(parsing: "register(address,uint256,uint256,bytes)")
        #expect(sig.name == "register")
        #expect(sig.types == [.address, .uint(256), .uint(256), .bytes])
    }

    @Test(arguments: [
        "uint7", "uint0", "uint264", "uint08", "int300", "bytes0", "bytes33", "bytes01", "uint256[0]", "uint256[01]",
        "", " uint256", "uint256 ", "uint256[", "uint256]", "uint256[-1]", "uint256[x]", "(uint256", "(uint256,)",
        "(,uint256)", "(uint256))", "(uint256 ,bool)", "()[]", "(uint256,())", "tuple(uint256)", "function", "fixed128x18",
        "ufixed", "Uint256", "address payable", "string[99999999999999]", "uint256[18446744073709551617]", "int8[2][0]",
        "foo", "uint256abc", "(uint256)x",
    ])
    func rejects(text: String) {
        #expect(throws: ABIError.self) { try ABIType(parsing: text) }
    }

    @Test func errorsNameTheProblem() {
        func message(_ text: String) -> String {
            do { _ = try ABIType(parsing: text); return "" } catch let e as ABIError { return e.message } catch { return "\(error)" }
        }
        #expect(message("uint7").contains("multiple of 8"))
        #expect(message("bytes33").contains("1 to 32"))
        #expect(message("uint256[0]").contains("[0]"))
        #expect(message("(uint256 ,bool)").contains("whitespace"))
        #expect(message("foo").contains("unknown type 'foo'"))
    }

    @Test func nestingIsBounded() {
        let deep = String(repeating: "(", count: 40) + "uint8" + String(repeating: ")", count: 40)
        #expect(throws: ABIError.self) { try ABIType(parsing: deep) }
        let arrays = "uint8" + String(repeating: "[]", count: 40)
        #expect(throws: ABIError.self) { try ABIType(parsing: arrays) }
        let ok = String(repeating: "(", count: 10) + "uint8" + String(repeating: ")", count: 10)
        #expect((try? ABIType(parsing: ok)) != nil)
    }

    @Test func programmaticTypesAreValidated() {
        for bad: ABIType in [.uint(7), .int(0), .fixedBytes(33), .fixedArray(.bool, 0), .array(.tuple([])),
                             .fixedArray(.fixedArray(.uint(256), 1 << 30), 1 << 30)] {
            #expect(throws: ABIError.self) { try ABIDecodingPlan(types: [bad]) }
            #expect(throws: ABIError.self) { try ABIEncoder.encode(types: [bad], values: [.bool(true)]) }
        }
    }

    @Test func dynamicAndHeadSize() throws {
        #expect(try ABIType(parsing: "(uint256,bool)[3]").headSize == 192)
        #expect(try !ABIType(parsing: "(uint256,bool)[3]").isDynamic)
        #expect(try ABIType(parsing: "(uint256,string)[3]").isDynamic)
        #expect(try ABIType(parsing: "(uint256,string)[3]").headSize == 32)
        #expect(try ABIDecodingPlan(types: [.uint(8), .fixedArray(.address, 3), .bytes]).headSize == 32 * 5)
    }
}
