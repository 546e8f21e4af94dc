namespace Cache.Sample;

/// <summary>What the forecast endpoint returns (and HybridCache stores in GossipCache as JSON).</summary>
public sealed record Forecast(string City, int TemperatureC, DateTimeOffset ComputedAt);
