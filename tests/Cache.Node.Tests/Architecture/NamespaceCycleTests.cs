using System.Reflection;

namespace Cache.Node.Tests.Architecture;

/// <summary>No namespace of an assembly may use another that uses it back, directly or through others.</summary>
public sealed class NamespaceCycleTests
{
    public static TheoryData<string> Assemblies => new()
    {
        typeof(Cache.Node.Commands.CacheServer).Assembly.GetName().Name!,
        typeof(Cache.Gossip.GossipNode).Assembly.GetName().Name!,
        typeof(Cache.Client.Caching.GossipCache).Assembly.GetName().Name!,
    };

    [Theory]
    [MemberData(nameof(Assemblies))]
    public void An_assembly_has_no_namespace_cycles(string assemblyName)
    {
        var cycles = NamespaceGraph.Of(Assembly.Load(assemblyName)).DescribeCycles();

        Assert.True(cycles.Count == 0, $"{assemblyName}: {string.Join(Environment.NewLine, cycles)}");
    }

    [Fact]
    public void The_graph_sees_the_edges_of_method_bodies_and_nested_types()
    {
        var graph = NamespaceGraph.Of(typeof(NamespaceCycleTests).Assembly);

        // NamespaceCycleTests names no fixture type in a signature; only its body (and a lambda's closure) reaches them.
        Assert.Contains(("Cache.Node.Tests.Architecture", "Cache.Node.Tests.Architecture.Fixture"), graph.Edges.Keys);
        Assert.Contains(("Cache.Node.Tests.Architecture.Fixture", "Cache.Node.Tests.Architecture"), graph.Edges.Keys);
        Assert.NotEmpty(graph.DescribeCycles());
        _ = Fixture.CycleFixture.Touch();
    }

    [Fact]
    public void A_cycle_through_three_namespaces_is_reported_with_every_edge()
    {
        var graph = NamespaceGraph.FromEdges(("A", "B"), ("B", "C"), ("C", "A"), ("C", "D"));

        var cycle = Assert.Single(graph.DescribeCycles());

        Assert.Contains("cycle among A, B, C:", cycle, StringComparison.Ordinal);
        Assert.Contains("A -> B", cycle, StringComparison.Ordinal);
        Assert.Contains("B -> C", cycle, StringComparison.Ordinal);
        Assert.Contains("C -> A", cycle, StringComparison.Ordinal);
        Assert.DoesNotContain("C -> D", cycle, StringComparison.Ordinal);
    }

    [Fact]
    public void A_graph_without_cycles_reports_none() =>
        Assert.Empty(NamespaceGraph.FromEdges(("A", "B"), ("B", "C"), ("A", "C")).DescribeCycles());
}
