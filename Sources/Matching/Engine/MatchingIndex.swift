import EthereumKit
import Kalypso

/// The engine's working index for one round: every **listed** (generator, market) row, arranged so that the best
/// listed row for an ask is found in O(log n), and updated incrementally as assignments consume capacity.
///
/// Layout, per market:
/// - **groups**: the listed rows with the same `(proofGenerationCost, proposedTime)`, sorted by that pair. Price and
///   time are fixed for a round, so groups never move. Within a group, rows are ranked by (most idle compute, then
///   lowest address) in a binary max-heap that is repaired when a generator's idle compute drops.
/// - a **segment tree** over the groups holding, per group, the rank of its proposed time among the market's distinct
///   times (or `Int32.max` once the group is empty). For an ask, the groups with `price ≤ reward` are a prefix; the
///   first group in that prefix whose time rank is ≤ the ask's is found by one descent, and its heap top is the
///   answer: the lowest price, then the shortest time, then the most idle compute, then the lowest address.
///
/// A round only consumes capacity, so a row never becomes listed during a round: assignments only re-rank rows
/// (less idle compute) or delist them. After each assignment the generator's rows in **all** its markets are
/// re-evaluated with the listing rules (capacity is per generator).
struct MatchingIndex {
    // Generators (listed at the start in at least one market).
    private(set) var genAddress: [Address] = []
    private(set) var genCapacity: [CapacityFigures] = []
    /// `idleCapacity` cached for the heap order.
    private var genIdle: [UInt256] = []
    /// The generator's listed rows: `genRowList[genRowStart[g] ..< genRowStart[g + 1]]`.
    private var genRowStart: [Int32] = []
    private var genRowList: [Int32] = []

    // Rows (listed at the start).
    private(set) var rows: [GeneratorMarket] = []
    private var rowGen: [Int32] = []
    private var rowMarket: [Int32] = []
    private var rowGroup: [Int32] = []
    /// Position in its group's heap; -1 once delisted.
    private var rowHeapPos: [Int32] = []

    // Markets (known, with a slashing penalty).
    private var marketIndex: [UInt256: Int32] = [:]
    private(set) var marketIds: [UInt256] = []
    private(set) var marketPenalty: [UInt256] = []
    private(set) var marketIsPrivate: [Bool] = []
    /// The market's groups are `groupStart[m] ..< groupStart[m] + groupCount[m]` in the global group arrays.
    private var marketGroupStart: [Int32] = []
    private var marketGroupCount: [Int32] = []
    /// Distinct proposed times of the market's groups, ascending.
    private var marketTimes: [[UInt256]] = []
    /// Segment tree per market over its groups (leaves at `segSize + i`), min of time ranks of non-empty groups.
    private var marketSeg: [[Int32]] = []
    private var marketSegSize: [Int] = []

    // Groups (global).
    private var groupPrice: [UInt256] = []
    private var groupTimeRank: [Int32] = []
    private var groupHeap: [[Int32]] = []

    private let configuration: MatchingConfiguration
    private static let empty = Int32.max

    /// Builds the index from `state`. O(R log R) for R rows.
    init(state: KalypsoState, configuration: MatchingConfiguration) {
        self.configuration = configuration
        // Markets with known data, in id order (determinism).
        let knownMarkets = state.markets.values.compactMap { m in m.data.map { (m.id, $0) } }.sorted { $0.0 < $1.0 }
        for (id, data) in knownMarkets {
            marketIndex[id] = Int32(marketIds.count)
            marketIds.append(id)
            marketPenalty.append(data.slashingPenalty)
            marketIsPrivate.append(data.isPrivate)
        }
        // The rows listed at the start. (Index order follows the dictionary; nothing below depends on it: rows are
        // sorted by a total order and heaps rank by one.)
        var generatorIndex: [Address: Int32] = [:]
        // Sort keys in separate arrays (the comparator then reads 32-byte fields, not whole rows).
        var candGen: [Int32] = [], candMarket: [Int32] = [], candPrice: [UInt256] = [], candTime: [UInt256] = []
        var candAddress: [Address] = []
        var candidateRows: [GeneratorMarket] = []
        candidateRows.reserveCapacity(state.generatorMarkets.count)
        // Capacities first, reading each generator in place (a `Generator` holds an array; copying it is costly).
        let generators = state.generators.values
        genAddress.reserveCapacity(generators.count)
        genCapacity.reserveCapacity(generators.count)
        var gi = generators.startIndex
        while gi != generators.endIndex {
            generatorIndex[generators[gi].address] = Int32(genAddress.count)
            genAddress.append(generators[gi].address)
            genCapacity.append(CapacityFigures(generators[gi]))
            generators.formIndex(after: &gi)
        }
        for row in state.generatorMarkets.values {
            guard let m = marketIndex[row.marketId], let gi = generatorIndex[row.generator] else { continue }
            let capacity = genCapacity[Int(gi)]
            let isPrivate = marketIsPrivate[Int(m)]
            let hasKey = isPrivate && state.hasUsableKey(row.generator, forMarket: row.marketId)
            guard ListingRules.delistReasons(row: row, capacity: capacity, penalty: marketPenalty[Int(m)], privateMarket: isPrivate,
                                             hasKey: hasKey, configuration: configuration, all: false).isEmpty else { continue }
            candGen.append(gi)
            candMarket.append(m)
            candPrice.append(row.proofGenerationCost ?? .zero)
            candTime.append(row.proposedTime ?? .zero)
            candAddress.append(row.generator)
            candidateRows.append(row)
        }
        genIdle = genCapacity.map(\.idleCapacity)
        // Rows sorted by (market, price, time, address): groups are then consecutive runs. Sort small keys.
        // Bucket by market (counting sort), then sort each market's rows: shorter sorts than one global sort.
        let order = Self.countingOrder(keys: candMarket, bucketCount: marketIds.count, within: { x, y in
            let (a, b) = (Int(x), Int(y))
            if candPrice[a] != candPrice[b] { return candPrice[a] < candPrice[b] }
            if candTime[a] != candTime[b] { return candTime[a] < candTime[b] }
            return candAddress[a] < candAddress[b]
        })
        let n = candidateRows.count
        rows.reserveCapacity(n)
        rowGen.reserveCapacity(n)
        rowMarket.reserveCapacity(n)
        rowGroup.reserveCapacity(n)
        rowHeapPos = [Int32](repeating: -1, count: n)
        marketGroupStart = [Int32](repeating: 0, count: marketIds.count)
        marketGroupCount = [Int32](repeating: 0, count: marketIds.count)
        marketTimes = [[UInt256]](repeating: [], count: marketIds.count)
        var groupTimes: [UInt256] = []
        var previous: (market: Int32, price: UInt256, time: UInt256)?
        for k in order.lazy.map(Int.init) {
            let (market, price, time) = (candMarket[k], candPrice[k], candTime[k])
            let sameMarket = previous?.market == market
            if !sameMarket || previous?.price != price || previous?.time != time {
                if !sameMarket { marketGroupStart[Int(market)] = Int32(groupPrice.count) }
                marketGroupCount[Int(market)] += 1
                groupPrice.append(price)
                groupTimes.append(time)
                groupHeap.append([])
                previous = (market, price, time)
            }
            let r = Int32(rows.count)
            rows.append(candidateRows[k])
            rowGen.append(candGen[k])
            rowMarket.append(market)
            rowGroup.append(Int32(groupHeap.count - 1))
            groupHeap[groupHeap.count - 1].append(r)
        }
        // Time ranks and segment trees per market.
        groupTimeRank = [Int32](repeating: 0, count: groupPrice.count)
        marketSeg = [[Int32]](repeating: [], count: marketIds.count)
        marketSegSize = [Int](repeating: 1, count: marketIds.count)
        for m in 0..<marketIds.count {
            let start = Int(marketGroupStart[m]), count = Int(marketGroupCount[m])
            let times = Array(Set(groupTimes[start..<start + count])).sorted()
            marketTimes[m] = times
            var size = 1
            while size < count { size <<= 1 }
            var seg = [Int32](repeating: Self.empty, count: 2 * size)
            for k in 0..<count {
                let rank = Int32(Self.upperBound(times, groupTimes[start + k]) - 1)
                groupTimeRank[start + k] = rank
                seg[size + k] = rank
            }
            var node = size - 1
            while node >= 1 {
                seg[node] = min(seg[2 * node], seg[2 * node + 1])
                node -= 1
            }
            marketSeg[m] = seg
            marketSegSize[m] = size
        }
        // Heaps.
        for group in 0..<groupHeap.count {
            let count = groupHeap[group].count
            for k in 0..<count { rowHeapPos[Int(groupHeap[group][k])] = Int32(k) }
            var k = count / 2 - 1
            while k >= 0 {
                siftDown(group: group, from: k)
                k -= 1
            }
        }
        // Each generator's listed rows.
        genRowList = Self.countingOrder(keys: rowGen, bucketCount: genAddress.count, within: { $0 < $1 })
        genRowStart = [Int32](repeating: 0, count: genAddress.count + 1)
        for g in rowGen { genRowStart[Int(g) + 1] += 1 }
        for g in 0..<genAddress.count { genRowStart[g + 1] += genRowStart[g] }
    }

    /// The positions `0 ..< keys.count` ordered by `keys[position]` (a counting sort over `0 ..< bucketCount`), each
    /// bucket then sorted with `within`.
    private static func countingOrder(keys: [Int32], bucketCount: Int, within: (Int32, Int32) -> Bool) -> [Int32] {
        var start = [Int](repeating: 0, count: bucketCount + 1)
        for k in keys { start[Int(k) + 1] += 1 }
        for b in 0..<bucketCount { start[b + 1] += start[b] }
        var next = start
        var order = [Int32](repeating: 0, count: keys.count)
        for (position, k) in keys.enumerated() {
            order[next[Int(k)]] = Int32(position)
            next[Int(k)] += 1
        }
        for b in 0..<bucketCount where start[b + 1] - start[b] > 1 {
            order[start[b]..<start[b + 1]].sort(by: within)
        }
        return order
    }

    /// The index of market `id`, nil if the market or its data is unknown.
    func market(_ id: UInt256) -> Int? { marketIndex[id].map(Int.init) }

    /// The slashing penalty and privacy of market `id`, nil if the market or its data is unknown.
    func marketTerms(_ id: UInt256) -> MarketTerms? {
        marketIndex[id].map { MarketTerms(penalty: marketPenalty[Int($0)], isPrivate: marketIsPrivate[Int($0)]) }
    }

    /// The best listed row of market `m` for an ask with `reward` and `time`, or why there is none.
    func best(market m: Int, reward: UInt256, time: UInt256) -> Outcome<Int, UnmatchedReason> {
        let seg = marketSeg[m]
        guard seg[1] != Self.empty else { return .rejected(.noListedGenerator) }
        let start = Int(marketGroupStart[m]), count = Int(marketGroupCount[m])
        let withinReward = Self.upperBound(groupPrice[start..<start + count], reward) - start
        let timeRank = Int32(Self.upperBound(marketTimes[m], time) - 1)
        if timeRank >= 0, let group = Self.firstGroup(seg, size: marketSegSize[m], prefix: withinReward, maxRank: timeRank) {
            return .accepted(Int(groupHeap[start + group][0]))
        }
        if Self.firstGroup(seg, size: marketSegSize[m], prefix: withinReward, maxRank: Self.empty - 1) == nil {
            return .rejected(.noListedGeneratorWithinReward)
        }
        return .rejected(.noListedGeneratorWithinTime)
    }

    /// The generator of row `r`.
    func generator(ofRow r: Int) -> Int { Int(rowGen[r]) }

    /// Records the assignment of a task of row `r`: consumes the generator's compute and stake, counts the request,
    /// then re-ranks or delists every listed row of the generator in all its markets.
    mutating func assign(row r: Int) {
        let g = Int(rowGen[r]), m = Int(rowMarket[r])
        genCapacity[g].consume(compute: rows[r].computePerRequestRequired, stake: marketPenalty[m])
        rows[r].activeRequests = rows[r].activeRequests.adding(.one) ?? .max
        genIdle[g] = genCapacity[g].idleCapacity
        let capacity = genCapacity[g]
        for k in Int(genRowStart[g])..<Int(genRowStart[g + 1]) {
            let row = Int(genRowList[k])
            guard rowHeapPos[row] >= 0 else { continue }
            let market = Int(rowMarket[row])
            // Keys do not change during a round: a listed row of a private market has one.
            let listed = ListingRules.delistReasons(
                row: rows[row], capacity: capacity, penalty: marketPenalty[market], privateMarket: marketIsPrivate[market],
                hasKey: true, configuration: configuration, all: false).isEmpty
            if listed {
                siftDown(group: Int(rowGroup[row]), from: Int(rowHeapPos[row]))
            } else {
                remove(row: row)
            }
        }
    }

    /// The number of rows still listed.
    var listedRowCount: Int { rowHeapPos.reduce(0) { $0 + ($1 >= 0 ? 1 : 0) } }

    // MARK: heaps

    /// Whether row `a` ranks before row `b` within a group: more idle compute, then the lower address.
    private func ranksBefore(_ a: Int32, _ b: Int32) -> Bool {
        let (ga, gb) = (Int(rowGen[Int(a)]), Int(rowGen[Int(b)]))
        let (ia, ib) = (genIdle[ga], genIdle[gb])
        if ia != ib { return ia > ib }
        return genAddress[ga] < genAddress[gb]
    }

    private mutating func swapHeap(group: Int, _ i: Int, _ j: Int) {
        groupHeap[group].swapAt(i, j)
        rowHeapPos[Int(groupHeap[group][i])] = Int32(i)
        rowHeapPos[Int(groupHeap[group][j])] = Int32(j)
    }

    private mutating func siftDown(group: Int, from start: Int) {
        var k = start
        let count = groupHeap[group].count
        while true {
            let left = 2 * k + 1
            guard left < count else { return }
            var best = left
            let right = left + 1
            if right < count && ranksBefore(groupHeap[group][right], groupHeap[group][left]) { best = right }
            guard ranksBefore(groupHeap[group][best], groupHeap[group][k]) else { return }
            swapHeap(group: group, k, best)
            k = best
        }
    }

    private mutating func siftUp(group: Int, from start: Int) {
        var k = start
        while k > 0 {
            let parent = (k - 1) / 2
            guard ranksBefore(groupHeap[group][k], groupHeap[group][parent]) else { return }
            swapHeap(group: group, k, parent)
            k = parent
        }
    }

    private mutating func remove(row: Int) {
        let group = Int(rowGroup[row])
        let k = Int(rowHeapPos[row])
        let last = groupHeap[group].count - 1
        if k != last { swapHeap(group: group, k, last) }
        groupHeap[group].removeLast()
        rowHeapPos[row] = -1
        if k < last {
            siftDown(group: group, from: k)
            siftUp(group: group, from: k)
        }
        if groupHeap[group].isEmpty { markEmpty(group: group, market: Int(rowMarket[row])) }
    }

    private mutating func markEmpty(group: Int, market m: Int) {
        var node = marketSegSize[m] + group - Int(marketGroupStart[m])
        marketSeg[m][node] = Self.empty
        node /= 2
        while node >= 1 {
            marketSeg[m][node] = min(marketSeg[m][2 * node], marketSeg[m][2 * node + 1])
            node /= 2
        }
    }

    // MARK: searching

    /// The first index of `sorted` whose element is greater than `value` (elements ≤ value come before it).
    static func upperBound<C: RandomAccessCollection>(_ sorted: C, _ value: UInt256) -> Int where C.Element == UInt256, C.Index == Int {
        var lo = sorted.startIndex, hi = sorted.endIndex
        while lo < hi {
            let mid = lo + (hi - lo) / 2
            if sorted[mid] <= value { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// The first leaf `< prefix` of the segment tree whose value is ≤ `maxRank`, or nil.
    private static func firstGroup(_ seg: [Int32], size: Int, prefix: Int, maxRank: Int32) -> Int? {
        guard prefix > 0, seg[1] <= maxRank else { return nil }
        // Iterative depth-first search, left to right, pruning subtrees that start at or beyond `prefix` or whose
        // minimum exceeds `maxRank`. Visits O(log n) nodes for a prefix query.
        var stack: [(node: Int, lo: Int, width: Int)] = [(1, 0, size)]
        stack.reserveCapacity(64)
        while let (node, lo, width) = stack.popLast() {
            if lo >= prefix || seg[node] > maxRank { continue }
            if width == 1 { return lo }
            let half = width / 2
            stack.append((2 * node + 1, lo + half, half))
            stack.append((2 * node, lo, half))
        }
        return nil
    }
}
