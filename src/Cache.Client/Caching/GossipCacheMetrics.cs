using System.Diagnostics.Metrics;

namespace Cache.Client.Caching;

/// <summary>
/// The client's instruments on the Meter <c>GossipCache.Client</c> (dotnet-counters and
/// OpenTelemetry subscribe by that name). Each measurement is tagged with the operation
/// (<c>get</c>, <c>set</c>, <c>refresh</c>, <c>remove</c>).
/// </summary>
internal sealed class GossipCacheMetrics : IDisposable
{
    public const string MeterName = "GossipCache.Client";

    private readonly Meter _meter;
    private readonly bool _ownsMeter;

    public GossipCacheMetrics(IMeterFactory? meterFactory)
    {
        // From DI when there is one (scoped to the container, testable); else our own.
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        Requests = _meter.CreateCounter<long>("gossipcache.client.requests", "{request}", "Cache calls made.");
        Errors = _meter.CreateCounter<long>("gossipcache.client.errors", "{request}", "Cache calls that failed (no owner answered, or a server error).");
        Failovers = _meter.CreateCounter<long>("gossipcache.client.failovers", "{attempt}", "Attempts moved to the next owner because a node failed or timed out.");
        Redirects = _meter.CreateCounter<long>("gossipcache.client.redirects", "{redirect}", "MOVED replies followed (the client's ring was stale).");
        NearHits = _meter.CreateCounter<long>("gossipcache.client.near_hits", "{request}", "Reads answered by the near cache, without a network call.");
        Duration = _meter.CreateHistogram<double>("gossipcache.client.duration", "ms", "Time of one cache call, failovers included.");
    }

    public Counter<long> Requests { get; }

    public Counter<long> Errors { get; }

    public Counter<long> Failovers { get; }

    public Counter<long> Redirects { get; }

    public Histogram<double> Duration { get; }

    public Counter<long> NearHits { get; }

    public void Dispose()
    {
        // A factory's meters are the factory's to dispose.
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}
