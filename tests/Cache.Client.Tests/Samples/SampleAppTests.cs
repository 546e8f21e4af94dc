using System.Net.Http.Json;
using Cache.Node.Tests.Cluster;
using Cache.Sample;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Cache.Client.Tests.Samples;

/// <summary>
/// Boots samples/GossipCache.Sample in-process against a real three-node cluster (configured as a
/// user would, through the GossipCache section) and drives it over HTTP.
/// </summary>
public sealed class SampleAppTests(ThreeNodeCluster cluster) : IClassFixture<ThreeNodeCluster>
{
    [Fact]
    public async Task The_session_counter_counts_visits_per_cookie_across_requests()
    {
        await using var app = Boot();
        using var browser = app.CreateClient();   // keeps the session cookie between requests
        Assert.Equal(1, await VisitsAsync(browser));
        Assert.Equal(2, await VisitsAsync(browser));
        Assert.Equal(3, await VisitsAsync(browser));

        using var other = app.CreateClient();
        Assert.Equal(1, await VisitsAsync(other));
        Assert.Equal(4, await VisitsAsync(browser));
    }

    [Fact]
    public async Task The_hybrid_endpoint_serves_the_cached_forecast_and_the_key_is_in_the_cluster()
    {
        await using var app = Boot();
        using var client = app.CreateClient();
        var first = await client.GetFromJsonAsync<Forecast>("/forecast/paris");
        var second = await client.GetFromJsonAsync<Forecast>("/forecast/paris");
        Assert.Equal(first, second);

        await using var raw = await cluster.Nodes[0].ConnectAsync();
        Assert.Equal(":1\r\n", await raw.CallAsync("EXISTS", "sample-test:forecast:paris"));

        // Another instance of the app has an empty L1: it reads the same forecast from GossipCache (L2).
        await using var secondInstance = Boot();
        using var secondClient = secondInstance.CreateClient();
        Assert.Equal(first, await secondClient.GetFromJsonAsync<Forecast>("/forecast/paris"));
        Assert.Equal(0, secondInstance.Services.GetRequiredService<ForecastService>().Computed);
    }

    // Any type of the sample's assembly names its entry point (Program is also a type of Cache.Node).
    private WebApplicationFactory<ForecastService> Boot() =>
        new WebApplicationFactory<ForecastService>().WithWebHostBuilder(web => web
            .UseSetting("GossipCache:Seeds", cluster.Nodes[0].Endpoint)
            .UseSetting("GossipCache:InstanceName", "sample-test:"));

    private static async Task<int> VisitsAsync(HttpClient client) =>
        (await client.GetFromJsonAsync<VisitCount>("/visits"))!.Visits;

    private sealed record VisitCount(int Visits);
}
