namespace Urial.SemanticKernel;

/// <summary>
/// Orders the replicas a request should try: the one that already holds its conversation's prefix first (rendezvous
/// hashing with bounded loads), then the others in a stable fail-over order, replicas known to be down last.
/// </summary>
/// <remarks>
/// Rendezvous (highest-random-weight) hashing is consistent hashing without a ring: each replica scores the key, the highest
/// score wins, and removing a replica moves only the keys it held. A replica whose in-flight count reaches
/// <c>loadFactor</c> × the average (plus one) is passed over for the next in the key's order, so one hot conversation cannot
/// pile every request onto one server (Mirrokni, Thorup, Zadimoghaddam, "Consistent Hashing with Bounded Loads", 2018).
/// Without affinity, the least busy replica comes first. This type is thread-safe and allocation-light; it never blocks.
/// </remarks>
internal sealed class PrefixAffinityRouter(IReadOnlyList<Replica> replicas, bool affinity, double loadFactor)
{
    private int _roundRobin;

    /// <summary>Returns every replica in the order to try for a request whose conversation is identified by <paramref name="key"/>.</summary>
    public Replica[] Order(string key)
    {
        Replica[] order;
        if (affinity)
        {
            var keyHash = Fnv1a(key);
            order = [.. replicas.OrderByDescending(r => Mix(keyHash ^ Mix((ulong)r.Index + 1)))];
        }
        else
        {
            var start = (int)((uint)Interlocked.Increment(ref _roundRobin) % (uint)replicas.Count);
            order = [.. replicas.Select((r, i) => (r, rank: (i - start + replicas.Count) % replicas.Count)).OrderBy(x => x.r.InFlight).ThenBy(x => x.rank).Select(x => x.r)];
        }

        // Down replicas go last (they are still tried when nothing else answers); the stable sort keeps the key's order otherwise.
        order = [.. order.OrderBy(r => r.IsDown ? 1 : 0)];
        if (affinity)
        {
            PromoteFirstWithinBound(order);
        }

        return order;
    }

    private void PromoteFirstWithinBound(Replica[] order)
    {
        var up = order.Count(r => !r.IsDown);
        if (up < 2)
        {
            return;
        }

        var total = order.Where(r => !r.IsDown).Sum(r => r.InFlight);
        var bound = (int)Math.Ceiling(loadFactor * (total + 1) / up);
        for (var i = 0; i < up; i++)
        {
            if (order[i].InFlight < bound)
            {
                // Move the chosen replica to the front; the ones passed over keep their order behind it.
                var chosen = order[i];
                Array.Copy(order, 0, order, 1, i);
                order[0] = chosen;
                return;
            }
        }
    }

    /// <summary>64-bit FNV-1a over the UTF-16 code units: deterministic across processes, unlike <see cref="string.GetHashCode()"/>.</summary>
    private static ulong Fnv1a(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return hash;
    }

    /// <summary>SplitMix64's finalizer: spreads every input bit over the whole output.</summary>
    private static ulong Mix(ulong value)
    {
        value = (value ^ (value >> 30)) * 0xbf58476d1ce4e5b9UL;
        value = (value ^ (value >> 27)) * 0x94d049bb133111ebUL;
        return value ^ (value >> 31);
    }
}
