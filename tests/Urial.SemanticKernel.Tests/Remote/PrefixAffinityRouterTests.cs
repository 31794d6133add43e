namespace Urial.SemanticKernel.Tests.Remote;

/// <summary>The routing decision alone: which replica a key goes to, what happens when one is busy or down.</summary>
public sealed class PrefixAffinityRouterTests
{
    private static Replica[] Replicas(int count) =>
        [.. Enumerable.Range(0, count).Select(i => new Replica(new RemoteEndpoint(new Uri($"http://10.0.0.{i + 1}:8080")), i))];

    [Fact]
    public void The_same_key_always_gets_the_same_order_and_every_replica_is_in_it()
    {
        var replicas = Replicas(4);
        var router = new PrefixAffinityRouter(replicas, affinity: true, loadFactor: 1.25);

        var first = router.Order("conversation A");

        Assert.Equal(first, router.Order("conversation A"));
        Assert.Equal(4, first.Distinct().Count());
    }

    [Fact]
    public void Keys_spread_over_the_replicas_and_removing_one_moves_only_its_keys()
    {
        var keys = Enumerable.Range(0, 400).Select(i => $"conversation {i}").ToArray();
        var four = new PrefixAffinityRouter(Replicas(4), affinity: true, loadFactor: 1.25);
        var before = keys.ToDictionary(k => k, k => four.Order(k)[0].Index);
        Assert.All(Enumerable.Range(0, 4), i => Assert.InRange(before.Values.Count(v => v == i), 60, 140));

        var three = new PrefixAffinityRouter(Replicas(3), affinity: true, loadFactor: 1.25); // replica 3 removed
        var moved = keys.Where(k => three.Order(k)[0].Index != before[k]).ToList();

        Assert.All(moved, k => Assert.Equal(3, before[k]));
    }

    [Fact]
    public void A_replica_beyond_the_load_bound_is_passed_over_for_the_next_in_the_keys_order()
    {
        var replicas = Replicas(2);
        var router = new PrefixAffinityRouter(replicas, affinity: true, loadFactor: 1.25);
        var preferred = router.Order("hot conversation");
        var leases = Enumerable.Range(0, 3).Select(_ => preferred[0].Acquire()).ToList(); // 3 in flight, bound ceil(1.25 × 4 / 2) = 3

        var order = router.Order("hot conversation");

        Assert.Equal(preferred[1], order[0]);
        Assert.Equal(preferred[0], order[1]);
        leases.ForEach(l => l.Dispose());
        Assert.Equal(preferred[0], router.Order("hot conversation")[0]);
    }

    [Fact]
    public void Down_replicas_come_last()
    {
        var replicas = Replicas(3);
        var router = new PrefixAffinityRouter(replicas, affinity: true, loadFactor: 1.25);
        var preferred = router.Order("conversation")[0];
        preferred.MarkDown(new InvalidOperationException("down"), now: 0);

        var order = router.Order("conversation");

        Assert.Equal(preferred, order[^1]);
    }

    [Fact]
    public void Without_affinity_the_least_busy_replica_comes_first()
    {
        var replicas = Replicas(2);
        var router = new PrefixAffinityRouter(replicas, affinity: false, loadFactor: 1.25);
        using var lease = replicas[0].Acquire();

        Assert.Equal(replicas[1], router.Order("any")[0]);
    }
}
