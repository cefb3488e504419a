/// Every benchmark of `kalypso-bench`, in the order `all` runs them. Add one line per benchmark.
enum BenchmarkRegistry {
    static let all: [Benchmark] = [
        KeccakBenchmark.entry,
        EcrecoverBenchmark.entry,
        ABIDecodeBenchmark.entry,
        MatchingRoundBenchmark.entry,
        LogDecoderBenchmark.entry,
        IngestBenchmark.entry,
        IngestPostgresBenchmark.entry,
        CatchupBenchmark.entry,
    ] + PrimitivesBenchmark.entries + IngestStageBenchmarks.entries
}
