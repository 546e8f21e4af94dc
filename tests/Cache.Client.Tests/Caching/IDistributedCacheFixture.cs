using Microsoft.Extensions.Caching.Distributed;

namespace Cache.Client.Tests.Caching;

/// <summary>A provider under test on a real server, shared by one test class.</summary>
public interface IDistributedCacheFixture : IAsyncLifetime
{
    IDistributedCache Cache { get; }

    /// <summary>TTL of the stored key in milliseconds as the server reports it (PTTL), -1 none, -2 missing.</summary>
    Task<long> PttlAsync(string key);
}
