/// JSON-RPC batches: many calls in one HTTP request.
extension JSONRPCClient {
    /// Sends `calls` as JSON-RPC batches of at most `maxBatchSize` and returns one result per call, in call order.
    ///
    /// Responses are matched by id, so out-of-order replies are fine. A call answered with an error object gets
    /// `.failure`; calls whose errors are retryable (rate limits, internal errors, missing replies, undecodable
    /// results) are sent again — only those — under the retry policy, and keep their last error if it gives up.
    /// - Throws: only if a whole batch request failed (transport, HTTP status, a single error object for the batch)
    ///   after the retries, or the task was cancelled.
    public func batch<Value>(_ calls: [RPCCall<Value>]) async throws(JSONRPCError) -> [Result<Value, JSONRPCError>] {
        var results = [Result<Value, JSONRPCError>?](repeating: nil, count: calls.count)
        let size = max(1, configuration.maxBatchSize)
        var start = 0
        while start < calls.count {
            let end = min(calls.count, start + size)
            try await sendChunk(calls, Array(start..<end), into: &results)
            start = end
        }
        return results.map { $0 ?? .failure(.malformed("no result was recorded for this call", retryable: false)) }
    }

    private func sendChunk<Value>(_ calls: [RPCCall<Value>], _ indices: [Int],
                                  into results: inout [Result<Value, JSONRPCError>?]) async throws(JSONRPCError) {
        let methods = Set(indices.map { calls[$0].method })
        let label = "batch:" + (methods.count == 1 ? calls[indices[0]].method : "mixed")
        var pending = indices
        var lastItemError: [Int: JSONRPCError] = [:]
        var collected: [Int: Result<Value, JSONRPCError>] = [:]
        do throws(JSONRPCError) {
            _ = try await withRetries(label: label, cost: indices.count) { (_: Int, url: RedactedURL, timing: AttemptTiming) async -> AttemptResult<Void> in
                let firstID = allocateIDs(pending.count)
                var body: [UInt8] = [UInt8(ascii: "[")]
                for (k, i) in pending.enumerated() {
                    if k > 0 { body.append(UInt8(ascii: ",")) }
                    calls[i].appendRequest(id: firstID + UInt64(k), to: &body)
                }
                body.append(UInt8(ascii: "]"))
                let response: HTTPResponse
                do throws(JSONRPCError) { response = try await self.post(body, to: url, timing: timing) } catch { return .failure(error) }
                if let e = self.httpError(response) { return .failure(e) }
                let items: [ResponseEnvelope.BatchItem]
                switch ResponseEnvelope.splitBatch(response.body) {
                case .whole(let e): return .failure(e)
                case .items(let list): items = list
                }
                var byID: [UInt64: ResponseEnvelope.BatchItem] = [:]
                for item in items {
                    guard let id = item.id.number, id >= firstID, id < firstID + UInt64(pending.count) else {
                        return .failure(.malformed("batch response holds id \(item.id) that no call in the batch has"))
                    }
                    guard byID.updateValue(item, forKey: id) == nil else {
                        return .failure(.malformed("batch response holds id \(id) twice"))
                    }
                }
                var retry: [Int] = []
                var firstRetryable: JSONRPCError?
                for (k, i) in pending.enumerated() {
                    let outcome: ResponseEnvelope.Outcome<Value>
                    if let item = byID[firstID + UInt64(k)] {
                        outcome = ResponseEnvelope.decodeItem(response.body, item, calls[i].decode)
                    } else {
                        outcome = .failure(.malformed("the batch response has no reply for id \(firstID + UInt64(k)) (\(calls[i].method))"))
                    }
                    switch outcome {
                    case .value(let v): collected[i] = .success(v)
                    case .failure(let e) where e.isRetryable:
                        let located = e.at(url, method: calls[i].method)
                        lastItemError[i] = located
                        retry.append(i)
                        if firstRetryable == nil { firstRetryable = located }
                    case .failure(let e): collected[i] = .failure(e.at(url, method: calls[i].method))
                    }
                }
                pending = retry
                if let firstRetryable {
                    return .failure(firstRetryable.appending("\(retry.count) of the batch's calls will be sent again"))
                }
                return .success(())
            }
        } catch {
            // Calls that got a (retryable) error of their own keep it; otherwise the batch as a whole failed.
            guard error.code != .cancelled, !pending.isEmpty, pending.allSatisfy({ lastItemError[$0] != nil }) else { throw error }
            for i in pending { collected[i] = .failure(lastItemError[i] ?? error) }
        }
        for (i, r) in collected { results[i] = r }
    }
}
