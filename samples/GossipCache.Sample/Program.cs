using Cache.Client.Caching;
using Cache.Sample;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection.Extensions;

var builder = WebApplication.CreateBuilder(args);

// The one line: GossipCache becomes the app's IDistributedCache (sessions) and HybridCache's L2.
builder.Services.AddGossipCache(builder.Configuration.GetSection("GossipCache"));

builder.Services.AddSession(o =>
{
    o.IdleTimeout = TimeSpan.FromMinutes(20);
    o.Cookie.IsEssential = true;
});
builder.Services.AddHybridCache(o => o.DefaultEntryOptions = new HybridCacheEntryOptions
{
    Expiration = TimeSpan.FromMinutes(5),        // in GossipCache (L2), shared by every instance of the app
    LocalCacheExpiration = TimeSpan.FromSeconds(30),  // in this process (L1)
});
builder.Services.TryAddSingleton(TimeProvider.System);
builder.Services.AddSingleton<ForecastService>();

var app = builder.Build();
app.UseSession();

// Session state lives in GossipCache: the count survives a restart of the app and is seen by every instance.
app.MapGet("/visits", async (HttpContext context) =>
{
    await context.Session.LoadAsync(context.RequestAborted);
    var visits = (context.Session.GetInt32("visits") ?? 0) + 1;
    context.Session.SetInt32("visits", visits);
    return Results.Ok(new { visits });
});

// HybridCache: the first call computes the forecast; later calls (from any instance) read it from the cache.
app.MapGet("/forecast/{city}", async (string city, HybridCache cache, ForecastService forecasts, CancellationToken cancellationToken) =>
    await cache.GetOrCreateAsync($"forecast:{city}", (forecasts, city), static (state, token) => state.forecasts.ComputeAsync(state.city, token),
        cancellationToken: cancellationToken));

app.Run();
