import Testing
@testable import JSONRPC

@Suite struct RedactedURLTests {
    @Test(arguments: [
        ("https://mainnet.infura.io/v3/9aa3d95b3bc440fa88ea12eaa4456161", "https://mainnet.infura.io/v3/***"),
        ("https://arb-sepolia.g.alchemy.com/v2/AbCdEfGh12345678IjKlMnOp90123456", "https://arb-sepolia.g.alchemy.com/v2/***"),
        ("https://rpc.ankr.com/arbitrum_sepolia/0f3c8a4e1b2d9f6a7c5e3b1d0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1f", "https://rpc.ankr.com/arbitrum_sepolia/***"),
        ("https://little-sparkling-lake.arbitrum-sepolia.quiknode.pro/8f3a2b1c4d5e6f708192a3b4c5d6e7f8091a2b3c/", "https://little-sparkling-lake.arbitrum-sepolia.quiknode.pro/***/"),
        ("https://api.example.com/rpc?apikey=s3cr3tvalue&chain=42161", "https://api.example.com/rpc?apikey=***&chain=***"),
        ("https://user:pa55word@node.example:8545/", "https://***:***@node.example:8545/"),
        ("https://tokenonly@node.example/", "https://***@node.example/"),
        ("http://127.0.0.1:8545", "http://127.0.0.1:8545"),
        ("https://arbitrum-sepolia.blockpi.network/v1/rpc/public", "https://arbitrum-sepolia.blockpi.network/v1/rpc/public"),
        ("https://sepolia-rollup.arbitrum.io/rpc", "https://sepolia-rollup.arbitrum.io/rpc"),
        ("https://node.example/rpc#fragmentsecret", "https://node.example/rpc#***"),
        ("not a url with key 123", "***"),
    ])
    func masks(_ url: String, _ expected: String) {
        let r = RedactedURL(url)
        #expect(r.redacted == expected)
        #expect(r.description == expected)
        #expect(r.unredacted == url)
    }

    @Test func originHasNoSecrets() {
        #expect(RedactedURL("https://u:p@host.example:443/v3/9aa3d95b3bc440fa88ea12eaa4456161?k=v").origin == "https://host.example:443")
    }

    @Test func scrubRemovesEverySecretFromFreeText() {
        let r = RedactedURL("https://alice:hunter22@node.example/v3/9aa3d95b3bc440fa88ea12eaa4456161?apikey=zzTopSecret")
        let text = "curl: (7) Failed to connect to https://alice:hunter22@node.example/v3/9aa3d95b3bc440fa88ea12eaa4456161?apikey=zzTopSecret; key 9aa3d95b3bc440fa88ea12eaa4456161, pw hunter22, zzTopSecret"
        let scrubbed = r.scrub(text)
        for secret in ["hunter22", "9aa3d95b3bc440fa88ea12eaa4456161", "zzTopSecret", "alice"] {
            #expect(!scrubbed.contains(secret), "\(secret) leaked: \(scrubbed)")
        }
        #expect(scrubbed.contains("https://***:***@node.example/v3/***?apikey=***"))
        #expect(RedactedURL("http://127.0.0.1:8545").scrub("nothing to hide") == "nothing to hide")
    }
}
