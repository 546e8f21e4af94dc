using Cache.Gossip.Protocol;
using Cache.Gossip.Transport;
using Cache.Gossip.Wire;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cache.Gossip;

/// <summary>
/// One member of a SWIM gossip cluster with memberlist's Lifeguard extensions. The protocol runs as
/// a single-threaded state machine behind one gate: packets, stream requests, timers and API calls
/// each take the gate, change state, queue events, and release it; events are raised afterwards in
/// order. The membership is published as immutable <see cref="MembershipSnapshot"/>s.
/// </summary>
public sealed partial class GossipNode : IAsyncDisposable
{
    private readonly GossipOptions _options;
    private readonly IGossipTransport _transport;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Random _random;
    private readonly object _gate = new();
    private readonly PacketSealer _sealer;
    private readonly Keyring _keyring;
    private readonly Dictionary<string, NodeState> _nodes = new(StringComparer.Ordinal);
    private readonly List<NodeState> _probeList = [];
    private readonly BroadcastQueue _broadcasts = new();
    private readonly Awareness _awareness;
    private readonly WireWriter _writer = new(2048);
    private readonly WireWriter _messageWriter = new(512);
    private readonly CancellationTokenSource _shutdown = new();
    private readonly MembershipPublisher _events;
    private readonly Prober _prober;
    private readonly PushPullExchange _pushPull;
    private readonly PacketReceiver _receiver;
    private NodeState? _local;
    private ITimer? _gossipTimer;
    private bool _started, _leaving, _stopped;
    private long _lastStaleWarning;

    /// <summary>Creates a node; <see cref="StartAsync"/> binds and starts the protocol.</summary>
    /// <param name="options">Validated at start.</param>
    /// <param name="transport">Defaults to UDP+TCP sockets on the options' bind address and port.</param>
    /// <param name="timeProvider">Defaults to the system clock.</param>
    /// <param name="logger">Defaults to no logging.</param>
    public GossipNode(GossipOptions options, IGossipTransport? transport = null, TimeProvider? timeProvider = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _transport = transport ?? new SocketTransport(options.BindAddress, options.Port, options.AdvertiseAddress, _logger);
        _random = options.RandomSeed is { } seed ? new Random(seed) : new Random();
        _keyring = options.Keyring ?? new Keyring();
        if (options.SecretKey is not null)
        {
            _keyring.Use(options.SecretKey);
        }

        _sealer = new PacketSealer(options.ClusterLabel, _keyring, options.NodeName, _time, options.MaxClockSkew);

        _awareness = new Awareness(options.AwarenessMaxMultiplier);
        _events = new MembershipPublisher(this, _gate, _logger);
        _prober = new Prober(this);
        _pushPull = new PushPullExchange(this, _prober);
        _receiver = new PacketReceiver(this, _prober, _pushPull);
    }

    /// <summary>
    /// Raised after each membership change, in increasing <see cref="MembershipEvent.Version"/> order, outside the
    /// protocol gate but on the thread that processed the change (a timer or socket thread): keep handlers short.
    /// </summary>
    public event EventHandler<MembershipEvent>? MembershipChanged;

    /// <summary>The current membership (lock-free read).</summary>
    public MembershipSnapshot Members => _events.Snapshot;

    /// <summary>This node as the cluster sees it.</summary>
    public Member LocalMember => Members[_options.NodeName] ?? throw new InvalidOperationException("The node is not started.");

    /// <summary>Node name.</summary>
    public string Name => _options.NodeName;

    /// <summary>Gossip address (host:port) after start.</summary>
    public string Address => _transport.LocalAddress;

    /// <summary>Counters for INFO gossip.</summary>
    public GossipStats Stats { get; } = new();

    /// <summary>The keyring (install, use, remove keys while running).</summary>
    public Keyring Keyring => _keyring;

    /// <summary>Lifeguard local health score (0 is healthy).</summary>
    public int HealthScore
    {
        get
        {
            lock (_gate)
            {
                return _awareness.Score;
            }
        }
    }

    /// <summary>Binds the transport and starts probing, gossip and push/pull; joins <see cref="GossipOptions.Seeds"/> in the background if any.</summary>
    public async ValueTask StartAsync(CancellationToken cancellationToken = default)
    {
        if (_started)
        {
            throw new InvalidOperationException("Already started.");
        }

        _started = true;
        await _transport.StartAsync(_receiver, cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            var local = new NodeState(_options.NodeName, _transport.LocalAddress)
            {
                Incarnation = 1,
                Metadata = _options.Metadata.ToArray(),
            };
            SetState(local, MemberState.Alive);
            _local = local;
            _nodes[local.Name] = local;
            _probeList.Add(local);
            _events.Publish(local, MembershipEventKind.Joined);
            BroadcastAlive(local); // as memberlist's setAlive: announce ourselves to whoever we meet
            // Stagger the first rounds so nodes started together do not probe in lockstep.
            _prober.Start(RandomDelay(_options.ProbeInterval));
            _gossipTimer = _time.CreateTimer(_ => GossipTick(), null, RandomDelay(_options.GossipInterval), _options.GossipInterval);
            if (_options.PushPullInterval > TimeSpan.Zero)
            {
                _pushPull.Start(RandomDelay(_options.PushPullInterval) + _options.PushPullInterval);
            }
        }

        GossipLog.Started(_logger, _options.NodeName, _transport.LocalAddress);
        FlushEvents();
        if (_options.Seeds.Count > 0)
        {
            _ = BackgroundJoinAsync([.. _options.Seeds]);
        }
    }

    /// <summary>
    /// Joins through seeds (host:port): a full state exchange with each reachable one. Retries with
    /// exponential back-off while none answers, up to <see cref="GossipOptions.JoinMaxAttempts"/>.
    /// Returns the number of seeds contacted (0 if none could be reached).
    /// </summary>
    public ValueTask<int> JoinAsync(IEnumerable<string> seeds, CancellationToken cancellationToken = default) =>
        _pushPull.JoinAsync(seeds, cancellationToken);

    /// <summary>Announces a graceful leave and waits (up to the timeout) until it has been gossiped.</summary>
    public async ValueTask LeaveAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var sent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        bool anyoneToTell;
        lock (_gate)
        {
            if (_local is null || _leaving)
            {
                return;
            }

            _leaving = true;
            anyoneToTell = _nodes.Values.Any(n => n != _local && !n.IsDeadOrLeft);
            var msg = new DeadMessage(_local.Incarnation, _local.Name, _local.Name);
            DeadNode(msg, () => sent.TrySetResult());
        }

        FlushEvents();
        GossipLog.Leaving(_logger, _options.NodeName);
        if (!anyoneToTell)
        {
            return;
        }

        try
        {
            await sent.Task.WaitAsync(timeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            GossipLog.LeaveTimeout(_logger, timeout);
        }
    }

    /// <summary>Changes this node's metadata and gossips it (raising the incarnation).</summary>
    public ValueTask UpdateMetadataAsync(ReadOnlyMemory<byte> metadata, CancellationToken cancellationToken = default)
    {
        if (metadata.Length > _options.MaxMetadataSize)
        {
            throw new ArgumentException($"Metadata is {metadata.Length} bytes; the limit is {_options.MaxMetadataSize}.", nameof(metadata));
        }

        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var local = _local ?? throw new InvalidOperationException("The node is not started.");
            local.Metadata = metadata.ToArray();
            local.Incarnation++;
            BroadcastAlive(local);
            _events.Publish(local, MembershipEventKind.Updated);
        }

        FlushEvents();
        return ValueTask.CompletedTask;
    }

    /// <summary>Stops timers and the transport without announcing anything (use <see cref="LeaveAsync"/> first to leave gracefully).</summary>
    public async ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            if (_stopped)
            {
                return;
            }

            _stopped = true;
            _gossipTimer?.Dispose();
            _pushPull.Stop();
            foreach (var n in _nodes.Values)
            {
                n.Suspicion?.Dispose();
            }

            _prober.Stop();
        }

        await _shutdown.CancelAsync().ConfigureAwait(false);
        await _transport.DisposeAsync().ConfigureAwait(false);
        _shutdown.Dispose();
    }

    private async Task BackgroundJoinAsync(string[] seeds)
    {
        try
        {
            await JoinAsync(seeds, _shutdown.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // shutting down
        }
    }

    // What the prober, the push/pull exchange, the receiver and the publisher share with the node.
    // All of it is guarded by the one gate, which they take or are called under.
    internal object Gate => _gate;
    internal GossipOptions Options => _options;
    internal TimeProvider Time => _time;
    internal IGossipTransport Transport => _transport;
    internal ILogger Logger => _logger;
    internal Random Random => _random;
    internal Awareness Awareness => _awareness;
    internal WireWriter Writer => _writer;
    internal Dictionary<string, NodeState> Nodes => _nodes;
    internal List<NodeState> ProbeList => _probeList;
    internal MembershipPublisher Events => _events;
    internal NodeState? Local => _local;
    internal bool IsStopped => _stopped;
    internal bool IsLeaving => _leaving;
    internal EventHandler<MembershipEvent>? Listeners => MembershipChanged;

    internal static TimeSpan PushPullScale(TimeSpan interval, int n) => PushPullExchange.Scale(interval, n);

    internal void StartJoin(params string[] addresses) => _pushPull.StartJoin(addresses);

    internal void OnPacket(string from, ReadOnlyMemory<byte> packet) => _receiver.OnPacket(from, packet);

    internal byte[]? OnStream(string from, ReadOnlyMemory<byte> request) => _receiver.OnStream(from, request);

    internal byte[] Seal(WireWriter writer, bool deflate = false) => _sealer.Seal(writer.WrittenSpan, deflate);

    internal bool TryOpen(ReadOnlyMemory<byte> packet, bool stream, out ReadOnlyMemory<byte> body, out DropReason reason)
    {
        if (_sealer.TryOpen(packet, stream, out body, out reason))
        {
            return true;
        }

        if (reason == DropReason.Stale)
        {
            WarnStale();
        }

        return false;
    }

    // A skewed clock silently cuts a member off, so say so, at most once a minute.
    private void WarnStale()
    {
        var now = _time.GetTimestamp();
        var last = Interlocked.Read(ref _lastStaleWarning);
        if ((last != 0 && _time.GetElapsedTime(last, now) < TimeSpan.FromMinutes(1)) ||
            Interlocked.CompareExchange(ref _lastStaleWarning, now, last) != last)
        {
            return;
        }

        GossipLog.StalePackets(_logger, _options.MaxClockSkew, Stats.Dropped(DropReason.Stale) + 1);
    }

    /// <summary>Counts a stream reply's bytes and opens its envelope; a reply that fails to open is counted as a drop.</summary>
    internal bool TryOpenStreamReply(byte[] response, out ReadOnlyMemory<byte> body)
    {
        Stats.StreamBytesIn(response.Length);
        if (TryOpen(response, stream: true, out body, out var reason))
        {
            return true;
        }

        Stats.Drop(reason);
        return false;
    }

    internal void FlushEvents() => _events.Flush();

    private TimeSpan RandomDelay(TimeSpan max) => TimeSpan.FromTicks((long)(_random.NextDouble() * max.Ticks));
}
