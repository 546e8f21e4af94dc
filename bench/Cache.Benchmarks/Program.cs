using BenchmarkDotNet.Running;

namespace Cache.Benchmarks;

internal static class BenchmarkProgram
{
    /// <summary>
    /// Console modes: <c>store [sizes...]</c> (GC and memory of the store), <c>collection-peers [n]</c> (the GC's peer for the
    /// node's collections, <see cref="CollectionPeers"/>), <c>eviction</c> (hit
    /// ratios of the eviction policies), <c>gossip-sim</c> (the gossip simulation report), <c>client-load</c> (GossipCache vs
    /// RedisCache under concurrent callers, <see cref="ClientLoad"/>), <c>ring-compare</c> (the slot
    /// table vs virtual nodes, <see cref="RingCompare"/>), <c>antientropy-cost [keys]</c> (repair cost,
    /// <see cref="AntiEntropyCost"/>), <c>pubsub</c> (<see cref="PubSubProbe"/>), <c>invalidation</c>
    /// (<see cref="InvalidationProbe"/>); anything
    /// else goes to BenchmarkDotNet; <c>raw-transport PORT</c> serves the command path over bare sockets.
    /// </summary>
    public static void Main(string[] args)
    {
        switch (args)
        {
            case ["store", ..]:
                StoreMeasurements.Run(args[1..]);
                return;
            case ["collection-peers", ..]:
                CollectionPeers.Run(args[1..]);
                return;
            case ["eviction", ..]:
                EvictionHitRatio.Run(args[1..]);
                return;
            case ["gossip-sim", ..]:
                GossipSimulation.Run(Console.Out);
                return;
            case ["ring-compare", ..]:
                RingCompare.Run(Console.Out);
                return;
            case ["antientropy-cost", ..]:
                AntiEntropyCost.RunAsync(args[1..]).GetAwaiter().GetResult();
                return;
            case ["client-load", ..]:
                ClientLoad.RunAsync(args[1..]).GetAwaiter().GetResult();
                return;
            case ["pubsub", ..]:
                PubSubProbe.RunAsync(args[1..]).GetAwaiter().GetResult();
                return;
            case ["invalidation", ..]:
                InvalidationProbe.RunAsync(args[1..]).GetAwaiter().GetResult();
                return;
            case ["raw-transport", var port]:
                RawSocketTransport.RunAsync(int.Parse(port, System.Globalization.CultureInfo.InvariantCulture)).GetAwaiter().GetResult();
                return;
            default:
                BenchmarkSwitcher.FromAssembly(typeof(BenchmarkProgram).Assembly).Run(args);
                return;
        }
    }
}
