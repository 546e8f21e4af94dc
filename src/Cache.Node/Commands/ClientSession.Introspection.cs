using System.Buffers;
using Cache.Node.Resp;

namespace Cache.Node.Commands;

/// <summary>What CLIENT LIST, CLIENT REPLY and MONITOR need of a session.</summary>
internal sealed partial class ClientSession
{
    /// <summary>CLIENT LIST's qbuf and qbuf-free (see <see cref="QueryBufferAccounting"/>).</summary>
    public QueryBufferAccounting QueryBuffer { get; } = new();

    /// <summary>The lines waiting for this client while it is a MONITOR, else null.</summary>
    public MonitorFeed? Monitor { get; private set; }

    /// <summary>Wakes this connection's loop to write what waits for it (monitor lines); set by whoever serves the socket.</summary>
    public Action? Wake { get; set; }

    /// <summary>The most reply bytes one batch wrote since the clients cron last looked (CLIENT LIST's rbp).</summary>
    public long ReplyPeak { get; set; }

    /// <summary>Runs one parsed request (CLIENT REPLY's muting is in <see cref="ExecuteCore"/>).</summary>
    public void Execute(in RespRequest request) => ExecuteCore(request);

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

    /// <summary>True while a script this client sent runs: its redis.call commands show as "[0 lua]" to monitors.</summary>
    public bool RunningScript { get; set; }

    /// <summary>
    /// EVAL and its kin are skip-monitor commands that show themselves before they run, as Redis'
    /// evalCommand does, so the script's own commands follow their script in the monitor.
    /// </summary>
    public void FeedMonitorsFirst(in RespRequest request)
    {
        if (Server.Monitors.Active)
        {
            Server.Monitors.Feed(RunningScript ? "lua" : Connection.RemoteAddress, request);
        }
    }

    private void FeedMonitors(CommandDefinition command, in RespRequest request)
    {
        if (!command.HasFlag(CommandFlags.Admin | CommandFlags.SkipMonitor))
        {
            Server.Monitors.Feed(RunningScript ? "lua" : Connection.RemoteAddress, request);
        }
    }
}
