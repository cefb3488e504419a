import Foundation

/// "Exactly one writer" for a SQLite file: an exclusive `flock` on `<database>-writer.lock`.
///
/// The kernel releases the lock when the holding process exits or dies, so a crashed writer never blocks its
/// successor. The holder writes its pid into the file, for the message a second writer gets.
final class FileWriterLock {
    let path: String
    private var descriptor: Int32 = -1

    init(databasePath: String) { path = databasePath + "-writer.lock" }

    deinit { release() }

    /// Takes the lock; returns false when another holder has it and `wait` is false.
    func acquire(wait: Bool) throws -> Bool {
        if descriptor >= 0 { return true }
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw DatabaseError(.connectionFailed, "cannot open the writer lock file '\(path)': \(String(cString: strerror(errno))); check the directory's permissions")
        }
        while flock(fd, wait ? LOCK_EX : LOCK_EX | LOCK_NB) != 0 {
            if errno == EINTR { continue }
            let failure = errno
            close(fd)
            if failure == EWOULDBLOCK { return false }
            throw DatabaseError(.connectionFailed, "cannot lock '\(path)': \(String(cString: strerror(failure)))")
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        descriptor = fd
        return true
    }

    /// The pid recorded by the current holder, if readable.
    func holderDescription() -> String {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8), let pid = Int(text.trimmingSpaces()) else {
            return "another process"
        }
        return "process \(pid)"
    }

    /// Releases the lock (closing the descriptor drops it).
    func release() {
        guard descriptor >= 0 else { return }
        close(descriptor)
        descriptor = -1
    }

    var isHeld: Bool { descriptor >= 0 }
}
