using BenchmarkDotNet.Running;

namespace Cache.Benchmarks;

internal static class BenchmarkProgram
{
    /// <summary>`store [sizes...]` runs the plain console store measurements; anything else goes to BenchmarkDotNet.</summary>
    public static void Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "store")
        {
            StoreMeasurements.Run(args[1..]);
            return;
        }

        if (args.Length > 0 && args[0] == "eviction")
        {
            EvictionHitRatio.Run(args[1..]);
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(BenchmarkProgram).Assembly).Run(args);
    }
}
