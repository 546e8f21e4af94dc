using BenchmarkDotNet.Running;

namespace Cache.Benchmarks;

internal static class BenchmarkProgram
{
    public static void Main(string[] args)
    {
        // `gossip-sim` prints the gossip simulation report; anything else goes to BenchmarkDotNet.
        if (args is ["gossip-sim", ..])
        {
            GossipSimulation.Run(Console.Out);
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(BenchmarkProgram).Assembly).Run(args);
    }
}
