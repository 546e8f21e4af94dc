namespace Cache.Sample;

/// <summary>Stands in for a slow backend: every call makes a new forecast, stamped with when it was made.</summary>
public sealed class ForecastService(TimeProvider time)
{
    private int _computed;

    /// <summary>How many forecasts were computed (cache misses) in this process.</summary>
    public int Computed => Volatile.Read(ref _computed);

    /// <summary>Computes a forecast for <paramref name="city"/>.</summary>
    public async ValueTask<Forecast> ComputeAsync(string city, CancellationToken cancellationToken)
    {
        await Task.Yield();
        cancellationToken.ThrowIfCancellationRequested();
        Interlocked.Increment(ref _computed);
        return new Forecast(city, Random.Shared.Next(-10, 35), time.GetUtcNow());
    }
}
