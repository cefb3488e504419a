import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A port on 127.0.0.1 where every connection is refused, reserved until `close()`.
///
/// The socket is bound (so the OS gives the port to nobody else) but never listens, so a connection attempt gets a
/// TCP reset at once. The port of a stopped server is no substitute: the OS may hand it to any other socket bound
/// to port 0 meanwhile — another test's server, in a suite that runs tests in parallel.
public final class RefusedPort: Sendable {
    /// The reserved port.
    public let port: UInt16
    /// `http://127.0.0.1:<port>`.
    public var url: String { "http://127.0.0.1:\(port)" }
    private let fd: Int32
    private let closed = Atomic<Bool>(false)

    /// Reserves an OS-assigned port.
    public init() throws {
        (fd, port) = try Loopback.bind(reuseAddress: false)
    }

    /// Releases the port.
    public func close() {
        guard !closed.exchange(true, ordering: .relaxed) else { return }
        Glibc.close(fd)
    }

    deinit { close() }
}

/// TCP sockets on 127.0.0.1.
enum Loopback {
    /// A close-on-exec TCP socket bound to 127.0.0.1 at an OS-assigned port.
    static func bind(reuseAddress: Bool) throws -> (fd: Int32, port: UInt16) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw ServerError("socket() failed: errno \(errno)") }
        if reuseAddress {
            var one: Int32 = 1
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else {
            let e = errno
            Glibc.close(fd)
            throw ServerError("bind on 127.0.0.1:0 failed: errno \(e)")
        }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        return (fd, UInt16(bigEndian: addr.sin_port))
    }
}
