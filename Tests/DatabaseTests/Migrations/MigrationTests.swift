import Testing
import Database
import DatabaseTestSupport
import Foundation

@Suite struct MigrationTests {
    @Test func appliesOnceAndRefusesChangedUnknownAndMissingVersions() throws {
        try SQLiteFixture.with("migrations") { db, _ throws in
            try MigrationChecks.lifecycle(db, files: EmbeddedFixtures.files)
        }
    }

    @Test func fileNamesMustBeNumbered() {
        for bad in ["sqlite/1_x.sql", "sqlite/0001-x.sql", "sqlite/0001_.sql", "sqlite/0001_X.sql", "sqlite/0000_zero.sql", "sqlite/0001_x.txt", "sqlite/abcd_x.sql"] {
            let error = #expect(throws: DatabaseError.self, "\(bad)") { try Migration(path: bad, sql: "") }
            #expect(error?.code == .migration)
            #expect(error?.message.contains(bad) == true)
        }
        #expect(throws: Never.self) { try Migration(path: "sqlite/00012_five_digits.sql", sql: "") }
    }

    @Test func gapsAndDuplicatesInTheFilesAreRefused() throws {
        let one = try Migration(path: "sqlite/0001_a.sql", sql: "SELECT 1;")
        let three = try Migration(path: "sqlite/0003_c.sql", sql: "SELECT 3;")
        let gap = #expect(throws: DatabaseError.self) { try MigrationSet([three, one]) }
        #expect(gap?.message.contains("0003_c.sql") == true && gap?.message.contains("version 2 is missing") == true)
        let other = try Migration(path: "sqlite/0001_b.sql", sql: "SELECT 2;")
        let duplicate = #expect(throws: DatabaseError.self) { try MigrationSet([one, other]) }
        #expect(duplicate?.message.contains("share version 1") == true)
        #expect(try MigrationSet([]).latestVersion == 0)
    }

    @Test func checksumsAreSHA256OfTheFile() throws {
        // sha256("abc")
        #expect(try Migration(path: "x/0001_a.sql", sql: "abc").checksum == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let set = try MigrationSet(files: EmbeddedFixtures.files, folder: "sqlite")
        for m in set.migrations {
            let file = projectRoot.appendingPathComponent("Tests/DatabaseTestSupport/Fixtures/Embedded/\(m.path)")
            let expected = try String(contentsOf: file, encoding: .utf8)
            #expect(m.sql == expected)
        }
        #expect(try MigrationSet(files: EmbeddedFixtures.files, folder: "postgres").migrations.count == 2)
        #expect(try MigrationSet(files: EmbeddedFixtures.files, folder: "none").migrations.isEmpty)
    }

    @Test func aReaderCanCheckTheSchemaWithoutWriting() throws {
        try SQLiteFixture.with("migration-status") { db, path throws in
            let set = try MigrationSet(files: EmbeddedFixtures.files, folder: "sqlite")
            try Migrator(logger: .disabled).migrate(db, set)
            let reader = try SQLiteConnection(path: path, configuration: SQLiteConfiguration().reader, logger: .disabled)
            #expect(try Migrator(logger: .disabled).status(reader, set) == Migrator.Status(applied: 2, pending: []))
            let older = try MigrationSet(Array(set.migrations.prefix(1)))
            #expect(throws: DatabaseError.self) { try Migrator(logger: .disabled).status(reader, older) }
        }
    }
}

/// The generated `EmbeddedFixtures.swift` must hold exactly the files of its folder (run `make embed` if not).
@Suite struct EmbeddedResourcesTests {
    @Test func generatedFileMatchesTheFolder() throws {
        let folder = projectRoot.appendingPathComponent("Tests/DatabaseTestSupport/Fixtures/Embedded")
        var onDisk: [String: [UInt8]] = [:]
        let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey])
        while let url = walker?.nextObject() as? URL {
            guard try url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile == true,
                  !url.lastPathComponent.hasPrefix(".") else { continue }
            let relative = String(url.standardizedFileURL.path.dropFirst(folder.standardizedFileURL.path.count + 1))
            onDisk[relative] = Array(try Data(contentsOf: url))
        }
        var embedded: [String: [UInt8]] = EmbeddedFixtures.binaryFiles
        for (path, text) in EmbeddedFixtures.files { embedded[path] = Array(text.utf8) }
        #expect(Set(embedded.keys) == Set(onDisk.keys), "stale Tests/DatabaseTestSupport/EmbeddedFixtures.swift: run `make embed`")
        for (path, bytes) in onDisk {
            #expect(embedded[path] == bytes, "\(path) differs from its embedded copy: run `make embed`")
        }
        #expect(onDisk.count >= 10, "the fixture folder was found (\(onDisk.count) files)")
    }
}
