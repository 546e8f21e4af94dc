using System.Buffers;
using Cache.Node.Resp;

namespace Cache.Node.Commands;

/// <summary>What CLIENT LIST, CLIENT REPLY and MONITOR need of a session.</summary>
internal sealed partial class ClientSession
{
    private ReplyFlags _replyFlags;
    private bool _replyOnPending;
    private ArrayBufferWriter<byte>? _discard;

    /// <summary>CLIENT LIST's qbuf and qbuf-free (see <see cref="QueryBufferAccounting"/>).</summary>
    public QueryBufferAccounting QueryBuffer { get; } = new();

    /// <summary>The lines waiting for this client while it is a MONITOR, else null.</summary>
    public MonitorFeed? Monitor { get; private set; }

    /// <summary>Wakes this connection's loop to write what waits for it (monitor lines); set by whoever serves the socket.</summary>
    public Action? Wake { get; set; }

    /// <summary>The most reply bytes one batch wrote since the clients cron last looked (CLIENT LIST's rbp).</summary>
    public long ReplyPeak { get; set; }

    /// <summary>Runs one parsed request with CLIENT REPLY's muting, then moves SKIP on by one command as Redis' resetClient does.</summary>
    public void Execute(in RespRequest request)
    {
        if ((_replyFlags & (ReplyFlags.Off | ReplyFlags.Skip)) == 0)
        {
            ExecuteCore(request);
        }
        else
        {
            _discard ??= new ArrayBufferWriter<byte>();
            using (Replies.Redirect(_discard))
            {
                ExecuteCore(request);
            }

            _discard.ResetWrittenCount();
            if (_replyOnPending)
            {
                _replyOnPending = false;
                Reply.Ok();
            }
        }

        if (_replyFlags != 0)
        {
            var skipNext = (_replyFlags & ReplyFlags.SkipNext) != 0;
            _replyFlags &= ~(ReplyFlags.Skip | ReplyFlags.SkipNext);
            if (skipNext)
            {
                _replyFlags |= ReplyFlags.Skip;
            }
        }
    }

    /// <summary>CLIENT REPLY ON: replies again, this one included.</summary>
    public void RepliesOn()
    {
        var muted = (_replyFlags & (ReplyFlags.Off | ReplyFlags.Skip)) != 0;
        _replyFlags = 0;
        if (muted)
        {
            _replyOnPending = true;
        }
        else
        {
            Reply.Ok();
        }
    }

    /// <summary>CLIENT REPLY OFF: no reply from this command on.</summary>
    public void RepliesOff() => _replyFlags |= ReplyFlags.Off;

    /// <summary>CLIENT REPLY SKIP: no reply to the next command (nothing changes while OFF).</summary>
    public void SkipNextReply()
    {
        if ((_replyFlags & ReplyFlags.Off) == 0)
        {
            _replyFlags |= ReplyFlags.SkipNext;
        }
    }

    /// <summary>MONITOR: from now on this client is sent every command the node runs.</summary>
    public void StartMonitoring()
    {
        if (Monitor is null)
        {
            var wake = Wake;
            var abort = Connection.Abort;
            Monitor = new MonitorFeed(() => wake?.Invoke(), () => abort?.Invoke());
            Server.Monitors.Add(this);
        }
    }

    /// <summary>RESET or the connection's end: no longer a monitor.</summary>
    public void StopMonitoring()
    {
        if (Monitor is not null)
        {
            Server.Monitors.Remove(this);
            Monitor = null;
        }
    }

    /// <summary>Writes the monitor lines waiting for this client to its output; the connection loop's call.</summary>
    public void WritePushes() => Monitor?.Drain(line => Replies.WriteOut(line));

    private void FeedMonitors(CommandDefinition command, in RespRequest request)
    {
        if (!command.HasFlag(CommandFlags.Admin | CommandFlags.SkipMonitor))
        {
            Server.Monitors.Feed(Connection.RemoteAddress, request);
        }
    }

    [Flags]
    private enum ReplyFlags
    {
        Off = 1,
        Skip = 2,
        SkipNext = 4,
    }
}
