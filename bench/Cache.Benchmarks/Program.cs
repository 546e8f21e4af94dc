using BenchmarkDotNet.Running;

namespace Cache.Benchmarks;

internal static class BenchmarkProgram
{
    /// <summary>
    /// Console modes: <c>store [sizes...]</c> (GC and memory of the store), <c>eviction</c> (hit
    /// ratios of the eviction policies), <c>gossip-sim</c> (the gossip simulation report); anything
    /// else goes to BenchmarkDotNet.
    /// </summary>
    public static void Main(string[] args)
    {
        switch (args)
        {
            case ["store", ..]:
                StoreMeasurements.Run(args[1..]);
                return;
            case ["eviction", ..]:
                EvictionHitRatio.Run(args[1..]);
                return;
            case ["gossip-sim", ..]:
                GossipSimulation.Run(Console.Out);
                return;
            default:
                BenchmarkSwitcher.FromAssembly(typeof(BenchmarkProgram).Assembly).Run(args);
                return;
        }
    }
}
