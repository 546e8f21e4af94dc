using Cache.Fuzz;
using SharpFuzz;

// Cache.Fuzz <target>            run under AFL++ (eng/fuzz.sh instruments and starts it)
// Cache.Fuzz <target> <file...>  replay inputs once, e.g. a crash AFL++ saved
if (args is ["--gossip-seeds", var seedDirectory])
{
    GossipSeeds.Write(seedDirectory);
    return 0;
}

if (args.Length == 0 || !FuzzTargets.All.TryGetValue(args[0], out var target))
{
    Console.Error.WriteLine($"usage: Cache.Fuzz <{string.Join('|', FuzzTargets.All.Keys)}> [input files to replay]");
    return 2;
}

if (args.Length > 1)
{
    foreach (var file in args[1..])
    {
        target(File.ReadAllBytes(file));
        Console.WriteLine($"{file}: ok");
    }

    return 0;
}

Fuzzer.OutOfProcess.Run(stream =>
{
    using var copy = new MemoryStream();
    stream.CopyTo(copy);
    target(copy.GetBuffer().AsSpan(0, (int)copy.Length));
});
return 0;
