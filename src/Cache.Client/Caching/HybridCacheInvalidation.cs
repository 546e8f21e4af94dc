using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;

namespace Cache.Client.Caching;

/// <summary>
/// Makes HybridCache's in-memory layer hear other instances' changes, through HybridCache's own
/// extension points: its L1 is the app's <see cref="IMemoryCache"/>, keyed by the HybridCache key,
/// so a changed key is removed there; its tag invalidations are L2 entries
/// (<c>__MSFT_HCT__&lt;tag&gt;</c>, read once and then remembered), so a changed tag entry is
/// replayed locally with <see cref="HybridCache.RemoveByTagAsync(string, CancellationToken)"/>, whose
/// own L2 write is swallowed (it would echo to every instance forever). A lost listening connection
/// or a ring change replays the wildcard tag <c>*</c>: every L1 entry is refetched.
/// </summary>
internal sealed class HybridCacheInvalidation
{
    /// <summary>The L2 key prefix HybridCache gives tag invalidation timestamps.</summary>
    public const string TagKeyPrefix = "__MSFT_HCT__";

    // A read that got the old value just before the invalidation may put it in L1 just after the
    // first removal; a second one this much later removes it too.
    private static readonly TimeSpan SecondRemoval = TimeSpan.FromMilliseconds(50);
    private static readonly AsyncLocal<bool> Replaying = new();

    private readonly IServiceProvider _services;
    private readonly TimeProvider _time;

    public HybridCacheInvalidation(IServiceProvider services, InvalidationListener listener, TimeProvider time)
    {
        _services = services;
        _time = time;
        listener.KeyInvalidated += OnKeyInvalidated;
        listener.AllInvalidated += OnAllInvalidated;
    }

    /// <summary>True for the tag write of a local replay: GossipCache skips it.</summary>
    public static bool IsEcho(string key) => Replaying.Value && key.StartsWith(TagKeyPrefix, StringComparison.Ordinal);

    private void OnKeyInvalidated(string key)
    {
        if (key.StartsWith(TagKeyPrefix, StringComparison.Ordinal))
        {
            _ = Task.Run(() => ReplayTagAsync(key[TagKeyPrefix.Length..]));
            return;
        }

        if (_services.GetService<IMemoryCache>() is { } l1)
        {
            l1.Remove(key);
            _ = RemoveAgainAsync(l1, key);
        }
    }

    private void OnAllInvalidated() => _ = Task.Run(() => ReplayTagAsync("*"));

    private async Task RemoveAgainAsync(IMemoryCache l1, string key)
    {
        try
        {
            await Task.Delay(SecondRemoval, _time).ConfigureAwait(false);
            l1.Remove(key);
        }
        catch (ObjectDisposedException)
        {
            // The app is stopping.
        }
    }

    // An async method: the flag it sets flows into the L2 write RemoveByTagAsync starts and is gone after.
    private async Task ReplayTagAsync(string tag)
    {
        if (_services.GetService<HybridCache>() is not { } hybrid)
        {
            return;
        }

        Replaying.Value = true;
        try
        {
            await hybrid.RemoveByTagAsync(tag).ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
            // The app is stopping.
        }
    }
}
