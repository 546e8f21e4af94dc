using System.Buffers;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;
using Cache.Client.Resp;
using Cache.Client.Routing;
using Cache.Gossip.Ring;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Cache.Client.Caching;

/// <summary>
/// <see cref="IDistributedCache"/> and <see cref="IBufferDistributedCache"/> over a GossipCache
/// cluster, with the semantics of ASP.NET's RedisCache (absolute, relative and sliding expiration;
/// reads and Refresh slide; the same exceptions for bad arguments). Each key goes straight to the
/// node that owns its slot; when that node fails the call moves to the next owner, all within
/// <see cref="GossipCacheOptions.CommandTimeout"/>.
/// </summary>
/// <remarks>
/// Unlike RedisCache, expirations keep milliseconds (RedisCache rounds TTLs down to whole seconds,
/// so a sub-second expiration expires at once) and time comes from a <see cref="TimeProvider"/>.
/// A value is one string key, <c>InstanceName + key</c>, holding a small header (the sliding window
/// and absolute end) and the data; its TTL is the time left. A read is one GET, plus one PEXPIRE
/// when the entry slides.
/// </remarks>
public sealed partial class GossipCache : IBufferDistributedCache, IDisposable, IAsyncDisposable
{
    private static readonly ReadOnlyMemory<byte> GetCommand = "GET"u8.ToArray();
    private static readonly ReadOnlyMemory<byte> SetCommand = "SET"u8.ToArray();
    private static readonly ReadOnlyMemory<byte> DelCommand = "DEL"u8.ToArray();
    private static readonly ReadOnlyMemory<byte> PexpireCommand = "PEXPIRE"u8.ToArray();
    private static readonly ReadOnlyMemory<byte> GetRangeCommand = "GETRANGE"u8.ToArray();
    private static readonly ReadOnlyMemory<byte> PxArgument = "PX"u8.ToArray();
    private static readonly ReadOnlyMemory<byte> ZeroArgument = "0"u8.ToArray();
    private static readonly ReadOnlyMemory<byte> HeaderEndArgument = Encoding.ASCII.GetBytes((CacheEntryHeader.MaxLength - 1).ToString(CultureInfo.InvariantCulture));

    private readonly byte[] _prefix;
    private readonly TimeProvider _time;
    private readonly ClusterTopology _topology;
    private readonly ClusterRouter _router;
    private readonly GossipCacheMetrics _metrics;
    private readonly InvalidationListener? _listener;
    private readonly NearCache? _near;
    private readonly TimeSpan _commandTimeout;
    private HybridCacheInvalidation? _hybrid;
    private int _disposed;

    /// <summary>Creates the cache with the system clock and no logging.</summary>
    public GossipCache(IOptions<GossipCacheOptions> options)
        : this(options, TimeProvider.System)
    {
    }

    /// <summary>Creates the cache; nothing connects until the first call.</summary>
    /// <param name="options">Seeds, timeouts and the rest; validated here too.</param>
    /// <param name="timeProvider">The clock for expirations and timeouts.</param>
    /// <param name="loggerFactory">Logging; none when null.</param>
    /// <param name="meterFactory">Creates the <c>GossipCache.Client</c> meter; a private one when null.</param>
    public GossipCache(IOptions<GossipCacheOptions> options, TimeProvider timeProvider, ILoggerFactory? loggerFactory = null, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        var settings = options.Value;
        if (GossipCacheOptionsValidator.Check(settings) is { Count: > 0 } failures)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(GossipCacheOptions), failures);
        }

        _time = timeProvider;
        _prefix = Encoding.UTF8.GetBytes(settings.InstanceName ?? "");
        loggerFactory ??= NullLoggerFactory.Instance;
        _metrics = new GossipCacheMetrics(meterFactory);
        var connectionOptions = new RespConnectionOptions
        {
            ConnectTimeout = settings.ConnectTimeout,
            CommandTimeout = settings.CommandTimeout,
            MaxInFlight = settings.MaxInFlight,
            Password = settings.Password,
            ClientName = settings.ClientName,
            TimeProvider = timeProvider,
            Tls = settings.Tls is { Enabled: true } tls ? tls.For : null,
        };
        _topology = new ClusterTopology(NodeEndpoint.SplitList(settings.Seeds), connectionOptions, settings.TopologyRefreshInterval,
            loggerFactory.CreateLogger<ClusterTopology>());
        _router = new ClusterRouter(_topology, settings.CommandTimeout, timeProvider, _metrics, loggerFactory.CreateLogger<ClusterRouter>());
        _commandTimeout = settings.CommandTimeout;
        if (settings.NearCache.Enabled || settings.HybridCacheCoherence)
        {
            _listener = new InvalidationListener(_topology, connectionOptions, _prefix, loggerFactory.CreateLogger<InvalidationListener>());
        }

        if (settings.NearCache.Enabled)
        {
            var near = new NearCache(settings.NearCache);
            _listener!.KeyInvalidated += near.Remove;
            _listener.AllInvalidated += near.Clear;
            _near = near;
        }
    }

    /// <inheritdoc />
    public byte[]? Get(string key) => Block(GetAsync(key));

    /// <inheritdoc />
    public async Task<byte[]?> GetAsync(string key, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        token.ThrowIfCancellationRequested();
        var (stored, offset, shared) = await ReadAsync(key, token).ConfigureAwait(false);
        return stored is null ? null : offset == 0 && !shared ? stored : stored.AsSpan(offset).ToArray();
    }

    /// <inheritdoc />
    public bool TryGet(string key, IBufferWriter<byte> destination) => Block(TryGetAsync(key, destination).AsTask());

    /// <inheritdoc />
    public async ValueTask<bool> TryGetAsync(string key, IBufferWriter<byte> destination, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(destination);
        token.ThrowIfCancellationRequested();
        var (stored, offset, _) = await ReadAsync(key, token).ConfigureAwait(false);
        if (stored is null)
        {
            return false;
        }

        destination.Write(stored.AsSpan(offset));
        return true;
    }

    /// <inheritdoc />
    public void Set(string key, byte[] value, DistributedCacheEntryOptions options) => Block(SetAsync(key, value, options));

    /// <inheritdoc />
    public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(value);
        return SetAsync(key, new ReadOnlySequence<byte>(value), options, token).AsTask();
    }

    /// <inheritdoc />
    public void Set(string key, ReadOnlySequence<byte> value, DistributedCacheEntryOptions options) => Block(SetAsync(key, value, options).AsTask());

    /// <inheritdoc />
    public async ValueTask SetAsync(string key, ReadOnlySequence<byte> value, DistributedCacheEntryOptions options, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(options);
        token.ThrowIfCancellationRequested();
        if (_hybrid is not null && HybridCacheInvalidation.IsEcho(key))
        {
            return;
        }

        var now = _time.GetUtcNow();
        var header = HeaderFor(options, now);
        var ttl = header.TimeToLiveMs(NowMs(now));
        var fullKey = FullKey(key);
        Span<byte> head = stackalloc byte[CacheEntryHeader.MaxLength];
        head = head[..header.Write(head)];
        var frame = RespCommandWriter.EncodeWithValue([SetCommand, fullKey], head, value,
            ttl is { } ms ? [PxArgument, Number(Math.Max(1, ms))] : []);
        ForgetNear(key);
        try
        {
            await RunAsync(Operation.Set, HashSlot.ForKey(fullKey.Span), frame, token).ConfigureAwait(false);
        }
        finally
        {
            ForgetNear(key);
        }
    }

    /// <inheritdoc />
    public void Refresh(string key) => Block(RefreshAsync(key));

    /// <inheritdoc />
    public async Task RefreshAsync(string key, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        token.ThrowIfCancellationRequested();
        var fullKey = FullKey(key);
        var slot = HashSlot.ForKey(fullKey.Span);
        // Only the header travels: GETRANGE of its most bytes (an empty string when the key is gone).
        var reply = await RunAsync(Operation.Refresh, slot, RespCommandWriter.Encode([GetRangeCommand, fullKey, ZeroArgument, HeaderEndArgument]), token).ConfigureAwait(false);
        if (reply.Bytes is { } head && CacheEntryHeader.TryRead(head, out var header, out _))
        {
            await SlideAsync(Operation.Refresh, fullKey, slot, header, token).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public void Remove(string key) => Block(RemoveAsync(key));

    /// <inheritdoc />
    public async Task RemoveAsync(string key, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        token.ThrowIfCancellationRequested();
        var fullKey = FullKey(key);
        ForgetNear(key);
        try
        {
            await RunAsync(Operation.Remove, HashSlot.ForKey(fullKey.Span), RespCommandWriter.Encode([DelCommand, fullKey]), token).ConfigureAwait(false);
        }
        finally
        {
            ForgetNear(key);
        }
    }

    /// <summary>Closes every node connection; calls after this throw <see cref="ObjectDisposedException"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_listener is not null)
        {
            await _listener.DisposeAsync().ConfigureAwait(false);
        }

        await _topology.DisposeAsync().ConfigureAwait(false);
        _metrics.Dispose();
    }

    /// <summary>Closes every node connection (blocks until they are closed).</summary>
    public void Dispose() => Block(DisposeAsync().AsTask());

    // The synchronous API blocks on the asynchronous one, as RedisCache's does. Our awaits all use
    // ConfigureAwait(false) and completions never run inline on the socket loop, so this cannot
    // deadlock on a synchronization context; it does hold a thread while it waits.
    private static T Block<T>(Task<T> task) => task.GetAwaiter().GetResult();

    private static void Block(Task task) => task.GetAwaiter().GetResult();
}
