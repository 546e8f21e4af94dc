namespace Cache.Node.Tests.Architecture.Fixture;

/// <summary>Half of a deliberate cycle the namespace graph's own test must find: this calls back into the tests' namespace only from a closure.</summary>
internal static class CycleFixture
{
    public static int Touch()
    {
        var pick = () => NamespaceCycleTests.Assemblies.Count;
        return pick();
    }
}
