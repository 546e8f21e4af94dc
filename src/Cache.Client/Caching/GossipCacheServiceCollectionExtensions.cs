using System.Diagnostics.Metrics;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cache.Client.Caching;

/// <summary>Registers <see cref="GossipCache"/> as the app's distributed cache.</summary>
public static class GossipCacheServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="GossipCache"/> as <see cref="IDistributedCache"/> and
    /// <see cref="IBufferDistributedCache"/> (one singleton), with options checked at start.
    /// </summary>
    /// <example><code>services.AddGossipCache(o => { o.Seeds = "10.0.0.1:6379,10.0.0.2:6379"; o.InstanceName = "myapp:"; });</code></example>
    public static IServiceCollection AddGossipCache(this IServiceCollection services, Action<GossipCacheOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<GossipCacheOptions>().Configure(configure).ValidateOnStart();
        return AddCore(services);
    }

    /// <summary>As <see cref="AddGossipCache(IServiceCollection, Action{GossipCacheOptions})"/>, binding the options from a configuration section.</summary>
    /// <example><code>services.AddGossipCache(builder.Configuration.GetSection("GossipCache"));</code></example>
    public static IServiceCollection AddGossipCache(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<GossipCacheOptions>().Bind(configuration).ValidateOnStart();
        return AddCore(services);
    }

    private static IServiceCollection AddCore(IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GossipCacheOptions>, GossipCacheOptionsValidator>());
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<GossipCacheOptions>>();
            var cache = new GossipCache(
                options,
                // The app's clock when it registered one (tests register a fake), else the system's.
                sp.GetService<TimeProvider>() ?? TimeProvider.System,
                sp.GetService<ILoggerFactory>(),
                sp.GetService<IMeterFactory>());
            if (options.Value.HybridCacheCoherence)
            {
                // HybridCache and its IMemoryCache are resolved when the first invalidation arrives:
                // HybridCache itself depends on this cache.
                cache.AttachHybridCache(sp);
            }

            return cache;
        });
        // Added, not tried: the last registration wins, so this replaces an earlier AddDistributedMemoryCache.
        services.AddSingleton<IDistributedCache>(sp => sp.GetRequiredService<GossipCache>());
        services.AddSingleton<IBufferDistributedCache>(sp => sp.GetRequiredService<GossipCache>());
        return services;
    }
}
