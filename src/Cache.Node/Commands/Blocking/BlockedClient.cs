using System.Threading.Tasks.Sources;
using Cache.Node.Resp;

namespace Cache.Node.Commands;

/// <summary>
/// Tries to serve a blocked command from <paramref name="readyKey"/>, one of the keys it waits
/// on, now that the key changed: writes the reply and returns true when the client is done
/// (served, or answered an error such as a destination of the wrong type), false to keep
/// waiting (the key is missing, empty or not of the type the command pops).
/// </summary>
internal delegate bool BlockedServe(ClientSession client, in RespRequest request, ReadOnlySpan<byte> readyKey);

/// <summary>
/// One client's blocked command: what it waits on, until when, and the wait its connection
/// loop awaits. One per session, reused block after block: a generation number tells a stale
/// timeout (of an earlier block) from the current one. The wait completes once per block, with
/// the reply (possibly still waiting for replicas) or null when the connection went away.
/// </summary>
internal sealed class BlockedClient : IValueTaskSource<Task<byte[]>?>
{
    private ManualResetValueTaskSourceCore<Task<byte[]>?> _core = new() { RunContinuationsAsynchronously = true };
    private int _completed = 1;

    public BlockedClient(ClientSession session) => Session = session;

    public ClientSession Session { get; }

    /// <summary>Counts blocks; a timeout queued for an older generation is ignored.</summary>
    public int Generation { get; private set; }

    /// <summary>True from <see cref="Begin"/> until the wait completes.</summary>
    public bool IsBlocked => Volatile.Read(ref _completed) == 0;

    public CommandDefinition? Command { get; private set; }

    /// <summary>The command as it came, run again each time one of its keys is ready.</summary>
    public QueuedRequest? Request { get; private set; }

    /// <summary>The distinct keys waited on, in argument order (empty for a forwarded block).</summary>
    public byte[][] Keys { get; private set; } = [];

    /// <summary>Unix ms at which the wait times out, or 0 for never.</summary>
    public long DeadlineMs { get; private set; }

    public BlockedServe? Serve { get; private set; }

    /// <summary>For a block served by another node: ends that wait (closes its connection).</summary>
    public Action? Cancel { get; private set; }

    /// <summary>Starts a block of the next generation. Called by the session's own loop thread, under the key space gate.</summary>
    public void Begin(CommandDefinition command, QueuedRequest request, byte[][] keys, long deadlineMs, BlockedServe? serve, Action? cancel)
    {
        _core.Reset();
        Generation++;
        Command = command;
        Request = request;
        Keys = keys;
        DeadlineMs = deadlineMs;
        Serve = serve;
        Cancel = cancel;
        Volatile.Write(ref _completed, 0);
    }

    /// <summary>Ends the block with <paramref name="reply"/> (null: the client went away); false when it had already ended.</summary>
    public bool TryComplete(Task<byte[]>? reply)
    {
        if (Interlocked.Exchange(ref _completed, 1) != 0)
        {
            return false;
        }

        Serve = null;
        Cancel = null;
        _core.SetResult(reply);
        return true;
    }

    /// <summary>The wait for the current block.</summary>
    public ValueTask<Task<byte[]>?> WaitAsync() => new(this, _core.Version);

    public Task<byte[]>? GetResult(short token) => _core.GetResult(token);

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
