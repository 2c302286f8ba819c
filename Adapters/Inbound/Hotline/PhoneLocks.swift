/// Serialises work on one phone number (folding and auto-closing read, then change, that number's cases), while
/// different numbers proceed in parallel. Keys are taken in sorted order, so holders of several never deadlock.
actor PhoneLocks {
    private var held: Set<String> = []
    private var waiters: [String: [CheckedContinuation<Void, Never>]] = [:]

    func lock(_ keys: [String]) async {
        for key in Set(keys).sorted() {
            if held.contains(key) {
                // Ownership is handed over by `unlock` when it resumes us.
                await withCheckedContinuation { waiters[key, default: []].append($0) }
            } else {
                held.insert(key)
            }
        }
    }

    func unlock(_ keys: [String]) {
        for key in Set(keys) {
            if var queue = waiters[key], !queue.isEmpty {
                let next = queue.removeFirst()
                waiters[key] = queue.isEmpty ? nil : queue
                next.resume()
            } else {
                held.remove(key)
            }
        }
    }
}
