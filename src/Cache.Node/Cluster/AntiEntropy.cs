using System.Buffers.Binary;
using Cache.Client.Resp;
using Cache.Gossip.Ring;
using Cache.Node.Storage;
using Microsoft.Extensions.Logging;

namespace Cache.Node.Cluster;

/// <summary>
/// Anti-entropy rounds: every <c>--anti-entropy-interval</c> (jittered) this node picks a peer it
/// shares slots with, compares the 128 segment digests of those slots (1 KB), opens only the
/// segments that differ slot by slot, pulls the peer's entries of the differing slots and sends
/// back only the entries it lacks or holds older (newer version wins, tombstones included).
/// Replicas that missed writes converge with no operator.
/// </summary>
internal sealed partial class AntiEntropy : IAsyncDisposable
{
    private const int Segments = HashSlot.Count / KeySpace.SlotsPerSegment;
    private readonly ClusterMembership _cluster;
    private readonly PeerLinks _peers;
    private readonly KeySpace _keys;
    private readonly SlotHandOff _handOff;
    private readonly AntiEntropyStats _stats;
    private readonly TimeSpan _interval;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;

    public AntiEntropy(ClusterMembership cluster, PeerLinks peers, KeySpace keys, SlotHandOff handOff, AntiEntropyStats stats,
        TimeSpan interval, TimeProvider time, ILogger logger)
    {
        _cluster = cluster;
        _peers = peers;
        _keys = keys;
        _handOff = handOff;
        _stats = stats;
        _interval = interval;
        _time = time;
        _logger = logger;
        _loop = interval > TimeSpan.Zero ? Task.Run(LoopAsync) : Task.CompletedTask;
    }

    private async Task LoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            // ±25 % jitter, so the nodes' rounds do not line up.
            var wait = _interval * (0.75 + (Random.Shared.NextDouble() * 0.5));
            try
            {
                await Task.Delay(wait, _time, _stopping.Token).ConfigureAwait(false);
                await RunRoundAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is RespConnectionException or TimeoutException or RespServerException or OperationCanceledException)
            {
                _stats.Failed();
                LogRoundFailed(_logger, ex.Message);
            }
        }
    }

    /// <summary>One round with a random peer that shares slots with this node; false when there was none.</summary>
    public async Task<bool> RunRoundAsync(CancellationToken cancellationToken)
    {
        var ring = _cluster.Ring;
        var self = _cluster.IndexIn(ring);
        if (self < 0 || ring.Nodes.Count < 2)
        {
            return false;
        }

        var peer = Random.Shared.Next(ring.Nodes.Count - 1);
        peer = peer >= self ? peer + 1 : peer;
        var shared = SlotBitmap.Create();
        var sharedCount = 0;
        for (var slot = 0; slot < HashSlot.Count; slot++)
        {
            var owners = ring.OwnerIndices(slot);
            if (owners.Contains(self) && owners.Contains(peer))
            {
                SlotBitmap.Add(shared, slot);
                sharedCount++;
            }
        }

        if (sharedCount == 0 || _cluster.RespEndpointOf(ring.Nodes[peer].Id) is not { } endpoint)
        {
            return false;
        }

        var link = _peers.ForReplication(endpoint);
        var theirTree = await FetchAsync(link, "TREE"u8.ToArray(), shared, Segments * sizeof(ulong)).ConfigureAwait(false);
        var open = SlotBitmap.Create();
        var opened = 0;
        lock (_keys.Gate)
        {
            for (var segment = 0; segment < Segments; segment++)
            {
                if (_keys.SegmentDigest(segment, shared) != BinaryPrimitives.ReadUInt64LittleEndian(theirTree.AsSpan(segment * sizeof(ulong))))
                {
                    for (var slot = segment * KeySpace.SlotsPerSegment; slot < (segment + 1) * KeySpace.SlotsPerSegment; slot++)
                    {
                        if (SlotBitmap.Contains(shared, slot))
                        {
                            SlotBitmap.Add(open, slot);
                            opened++;
                        }
                    }
                }
            }
        }

        var bytes = (2L * shared.Length) + theirTree.Length;
        if (opened == 0)
        {
            _stats.Round(sharedCount, 0, 0, 0, bytes);
            return true;
        }

        var theirDigests = await FetchAsync(link, "DIGESTS"u8.ToArray(), open, opened * sizeof(ulong)).ConfigureAwait(false);
        var differ = new bool[HashSlot.Count];
        var differing = 0;
        lock (_keys.Gate)
        {
            var at = 0;
            for (var slot = 0; slot < HashSlot.Count; slot++)
            {
                if (!SlotBitmap.Contains(open, slot))
                {
                    continue;
                }

                if (_keys.SlotDigest(slot) != BinaryPrimitives.ReadUInt64LittleEndian(theirDigests.AsSpan(at)))
                {
                    differ[slot] = true;
                    differing++;
                }

                at += sizeof(ulong);
            }
        }

        bytes += open.Length + theirDigests.Length;
        var pulled = 0;
        var pushed = 0;
        if (differing > 0)
        {
            // Their entries of the differing slots come in whole (newer ones merged here); ours go
            // out only where they are missing there or newer than theirs.
            var theirs = new Dictionary<string, EntryVersion>(StringComparer.Ordinal);
            pulled = await _handOff.PullSlotsAsync(endpoint, SlotBitmap.From(differ), cancellationToken, theirs).ConfigureAwait(false);
            pushed = await _handOff.PushSlotsAsync(endpoint, differ, cancellationToken,
                (key, entry) => !theirs.TryGetValue(System.Text.Encoding.Latin1.GetString(key), out var version) || entry.Version > version).ConfigureAwait(false);
            LogRepaired(_logger, differing, ring.Nodes[peer].Id, pulled, pushed);
        }

        _stats.Round(sharedCount, differing, pulled, pushed, bytes);
        return true;
    }

    private static async Task<byte[]> FetchAsync(PeerLink link, ReadOnlyMemory<byte> sub, byte[] mask, int expected)
    {
        var reply = (await link.SendAsync(["GOSSIPCACHE"u8.ToArray(), sub, mask]).ConfigureAwait(false)).ThrowIfError();
        return reply.Bytes is { } bytes && bytes.Length == expected
            ? bytes
            : throw new RespConnectionException($"{link.Endpoint} answered GOSSIPCACHE {System.Text.Encoding.ASCII.GetString(sub.Span)} with an unexpected reply.");
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _stopping.Dispose();
    }

    [LoggerMessage(EventId = 310, Level = LogLevel.Information, Message = "Anti-entropy: {Slots} slots differed from {Peer}; merged {Pulled} newer entries here, sent {Pushed}")]
    private static partial void LogRepaired(ILogger logger, int slots, string peer, int pulled, int pushed);

    [LoggerMessage(EventId = 311, Level = LogLevel.Debug, Message = "Anti-entropy round failed: {Error}; the next round retries")]
    private static partial void LogRoundFailed(ILogger logger, string error);
}
