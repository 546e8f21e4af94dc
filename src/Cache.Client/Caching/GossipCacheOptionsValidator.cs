using System.Globalization;
using Cache.Client.Routing;
using Microsoft.Extensions.Options;

namespace Cache.Client.Caching;

/// <summary>Checks <see cref="GossipCacheOptions"/> at start; each failure says which setting to fix and how.</summary>
internal sealed class GossipCacheOptionsValidator : IValidateOptions<GossipCacheOptions>
{
    public ValidateOptionsResult Validate(string? name, GossipCacheOptions options)
    {
        var failures = Check(options);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    public static List<string> Check(GossipCacheOptions options)
    {
        var failures = new List<string>();
        var seeds = NodeEndpoint.SplitList(options.Seeds);
        if (seeds.Length == 0)
        {
            failures.Add("GossipCache:Seeds is empty. Set it to one or more nodes, e.g. \"10.0.0.1:6379,10.0.0.2:6379\".");
        }

        foreach (var seed in seeds)
        {
            if (!NodeEndpoint.TryParse(seed, out _))
            {
                failures.Add($"GossipCache:Seeds has \"{seed}\", which is not host:port with a port from 1 to 65535 (e.g. \"127.0.0.1:6379\").");
            }
        }

        Positive(failures, "ConnectTimeout", options.ConnectTimeout);
        Positive(failures, "CommandTimeout", options.CommandTimeout);
        if (options.TopologyRefreshInterval != Timeout.InfiniteTimeSpan && options.TopologyRefreshInterval < TimeSpan.FromSeconds(1))
        {
            failures.Add($"GossipCache:TopologyRefreshInterval is {Format(options.TopologyRefreshInterval)}. Use at least 00:00:01, or -00:00:00.001 (infinite) to rely on MOVED and failures alone.");
        }

        if (options.MaxInFlight < 1)
        {
            failures.Add($"GossipCache:MaxInFlight is {options.MaxInFlight.ToString(CultureInfo.InvariantCulture)}. Use 1 or more (default 4096).");
        }

        if (options.NearCache.Enabled)
        {
            if (options.NearCache.MaxEntries < 1)
            {
                failures.Add($"GossipCache:NearCache:MaxEntries is {options.NearCache.MaxEntries.ToString(CultureInfo.InvariantCulture)}. Use 1 or more (default 10000).");
            }

            if (options.NearCache.MaxBytes < 1)
            {
                failures.Add($"GossipCache:NearCache:MaxBytes is {options.NearCache.MaxBytes.ToString(CultureInfo.InvariantCulture)}. Use 1 or more (default 67108864, 64 MiB).");
            }

            if (options.NearCache.MaxEntryBytes < 1)
            {
                failures.Add($"GossipCache:NearCache:MaxEntryBytes is {options.NearCache.MaxEntryBytes.ToString(CultureInfo.InvariantCulture)}. Use 1 or more (default 1048576, 1 MiB).");
            }
        }

        return failures;
    }

    private static void Positive(List<string> failures, string name, TimeSpan value)
    {
        // Timeout.InfiniteTimeSpan would let a dead node hang callers forever; a cache must fail fast instead.
        if (value <= TimeSpan.Zero || value > TimeSpan.FromMinutes(10))
        {
            failures.Add($"GossipCache:{name} is {Format(value)}. Use a duration above zero and at most 10 minutes, e.g. \"00:00:05\".");
        }
    }

    private static string Format(TimeSpan value) => value.ToString("c", CultureInfo.InvariantCulture);
}
